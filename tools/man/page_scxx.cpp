// tools/man/page_scxx.cpp: scxx(5), the configuration files: the service's environment file
// (/etc/default/scxx), --config JSON files and the modes files, with their layering.
#include <string>

#include <fmt/format.h>

#include "general_options.hpp"
#include "pages.hpp"
#include "roff.hpp"

namespace scxx_man {

std::string scxx_page(const std::string& version) {
    Page page("SCXX", 5, version, "File Formats");
    page.sh("NAME").raw("scxx \\- configuration files of scx\\-run and scxx.service\n");
    page.sh("SYNOPSIS")
        .raw(fmt::format("{}\n.br\n{}\n.br\n{}\n", bold("/etc/default/scxx"),
                         bold(std::string(scx_run::kDefaultModesDir) + "/NAME.json"), italic("config.json")));
    page.sh("DESCRIPTION")
        .pp(text("A scheduler's options come in layers, each overriding the one before: the scheduler's declared "
                 "defaults, its mode (--mode), the --config file, the command line. scx-run(8) lists every "
                 "option; scx-run --sched NAME --check prints the resulting configuration."));
    page.sh("/etc/default/scxx")
        .pp(text("Shell-style assignments read by scxx.service (EnvironmentFile=), which runs scx-run --sched "
                 "$SCXX_SCHED --mode $SCXX_MODE --stats-format json $SCXX_FLAGS. After a change: systemctl "
                 "restart scxx."))
        .tp(bold("SCXX_SCHED"), text("the scheduler (scx-run --list); default lavd"))
        .tp(bold("SCXX_MODE"), text("its mode: auto, gaming, powersave, lowlatency or server; default auto"))
        .tp(bold("SCXX_FLAGS"), text("more scx-run and scheduler options, split at spaces; default empty"));
    page.sh("CONFIG FILES")
        .pp(text("A --config file is one JSON object whose keys are the scheduler's option names without the "
                 "leading dashes, with values of the option's type: true or false for flags, numbers for "
                 "integers, numbers and durations (a bare number counts in the option's unit; \"5ms\", "
                 "\"250us\", \"1s\" also work), strings for choices and CPU lists. An unknown key or a value out "
                 "of range is an error naming the file and the key. The output of --check is a valid config "
                 "file."))
        .example({"{", "  \"slice-us\": 3000,", "  \"fifo\": true", "}"});
    page.sh("MODES FILES")
        .pp(text("Each scheduler's modes are one JSON object in ") + italic("DIR/NAME.json") +
            text(" (DIR from scx-run --modes-dir, default ") + bold(scx_run::kDefaultModesDir) +
            text("), mapping each mode name to an object exactly like a config file. Every scheduler has auto "
                 "(the empty object: its defaults), gaming, powersave, lowlatency and server. meson install "
                 "installs them from schedulers/NAME/modes.json; an administrator may edit them or add modes. "
                 "An error in a mode names it and its file, e.g. mode gaming (/etc/scxx/modes/lavd.json)."))
        .example({"{", "  \"auto\": {},", "  \"gaming\": {\"slice-us\": 3000},", "  \"powersave\": {\"slice-us\": 20000},",
                  "  \"lowlatency\": {\"slice-us\": 1000},", "  \"server\": {\"slice-us\": 50000}", "}"});
    page.sh("SEE ALSO").raw("scx\\-run(8), scx\\-ctl(8), systemd.exec(5)\n");
    return page.str();
}

}  // namespace scxx_man
