// tools/scx-run/scheduler_options.hpp: a scheduler's declared options (scxx::OptionDecl) as a
// Boost.Program_options description, and the values given on the command line read back as
// (name, text) pairs for scxx::build_config. Boost stays inside scx-run.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>

#include "scxx/options.hpp"

namespace scx_run {

// Options marked test_only are accepted but left out of --help unless `with_test_only`.
boost::program_options::options_description scheduler_description(const std::string& title,
                                                                   const std::vector<scxx::OptionDecl>& decls,
                                                                   bool with_test_only);
// The options actually given, in declaration order, as (name, text).
std::vector<std::pair<std::string, std::string>> given_options(const std::vector<scxx::OptionDecl>& decls,
                                                               const boost::program_options::variables_map& vm);

}  // namespace scx_run
