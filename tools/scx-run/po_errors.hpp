// tools/scx-run/po_errors.hpp: Boost.Program_options exceptions as scx-run's one-line errors. The
// library's own texts ("the required argument for option '--sched' is missing") name the problem but
// not the fix; these name both.
#pragma once

#include <string>

#include <boost/program_options.hpp>

namespace scx_run {

// The message for `e`, thrown while parsing against `desc`; `help` is the command that lists the
// options (e.g. "scx-run --help"), named where no better fix can be given.
std::string describe_po_error(const boost::program_options::error& e,
                              const boost::program_options::options_description& desc, const std::string& help);

}  // namespace scx_run
