// tools/man/pages.hpp: the three man pages scxx installs, each a function returning roff text.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "scxx/result.hpp"

namespace scxx_man {

// Scheduler name -> its modes.json (schedulers/NAME/modes.json in the source tree).
using ModesFiles = std::map<std::string, std::filesystem::path>;

// scx-run(8): its own options (scx_run::general_options), every registered scheduler's declared
// options (the registry) and modes (the files). Error: a registered scheduler without a modes file,
// or a file that cannot be read.
scxx::Result<std::string> scx_run_page(const ModesFiles& modes, const std::string& version);
// scx-ctl(8): commands, options and exit status of the control-socket client.
std::string scx_ctl_page(const std::string& version);
// scxx(5): /etc/default/scxx, --config JSON files and the modes files.
std::string scxx_page(const std::string& version);

}  // namespace scxx_man
