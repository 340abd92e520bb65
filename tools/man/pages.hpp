// tools/man/pages.hpp: the three man pages scxx installs, each a function returning roff text.
#pragma once

#include <filesystem>
#include <map>
#include <ostream>
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
// What tools/man/check-man looks for in scx-ctl.8, one line a declaration of scx-ctl's: "shown\t" and
// the synopsis or option as the page shows it (roff removed), or "hidden\t" and a name the page must
// not show.
void scx_ctl_declarations(std::ostream& out);
// scxx(5): /etc/default/scxx, --config JSON files and the modes files.
std::string scxx_page(const std::string& version);

}  // namespace scxx_man
