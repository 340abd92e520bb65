// scxx/modes.hpp: named option presets ("modes": auto, gaming, powersave, lowlatency, server) of a
// scheduler. A modes file `<dir>/<sched>.json` is a JSON object mapping each mode name to an object
// of option values, exactly like a --config file; installed from schedulers/<sched>/modes.json to
// <sysconfdir>/scxx/modes/. A mode is a config layer: defaults <- mode <- --config <- command line.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "scxx/options.hpp"
#include "scxx/registry.hpp"
#include "scxx/result.hpp"

namespace scxx {

// One mode of a modes file, unchecked against any declaration.
struct Mode {
    std::string name;
    std::string json;  // its object as compact JSON text: {"slice-us":3000}
    // Its keys in file order with the values as command-line text (strings unquoted, numbers and
    // booleans as JSON writes them): {{"slice-us", "3000"}}.
    std::vector<std::pair<std::string, std::string>> values;
};

// Every mode of a modes file, in file order. Errors: the file missing (naming it and the fix),
// invalid JSON, not an object of objects.
Result<std::vector<Mode>> read_modes_file(const std::filesystem::path& file);

// The modes file of `sched` in `dir`: dir/<sched>.json.
std::filesystem::path modes_file(const std::filesystem::path& dir, const std::string& sched);

// The JSON object text of mode `mode` of scheduler `sched`. Errors (one line each):
//   modes file /etc/scxx/modes/lavd.json not found (install the modes with meson install, or pass --modes-dir DIR)
//   modes file /etc/scxx/modes/lavd.json: invalid JSON: parse error at line 3, ...
//   unknown mode 'fast' for lavd (/etc/scxx/modes/lavd.json has: auto, gaming, powersave, lowlatency, server)
// An unknown mode's message always starts with "unknown mode ".
Result<std::string> load_mode(const std::filesystem::path& dir, const std::string& sched, const std::string& mode);

// The mode names of `sched`'s modes file, in file order (same file errors as load_mode).
Result<std::vector<std::string>> list_modes(const std::filesystem::path& dir, const std::string& sched);

// The mode as a config layer whose errors say "mode gaming (/etc/scxx/modes/lavd.json)".
Result<JsonLayer> mode_layer(const std::filesystem::path& dir, const std::string& sched, const std::string& mode);

// A complete, checked config: declared defaults <- mode `mode` ("" = none) <- `options_json` (a JSON
// object as in a --config file; "" = none), then the scheduler's cross-option check. What a
// control-socket `switch` or `mode` request needs (RunOptions::make_config).
Result<Config> mode_config(const SchedulerEntry& entry, const std::filesystem::path& dir, const std::string& mode,
                           const std::string& options_json);

}  // namespace scxx
