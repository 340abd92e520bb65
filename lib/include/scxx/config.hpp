// scxx/config.hpp: scheduler options. One OptionSpec list per scheduler yields both its
// Boost.Program_options description and the JSON schema; a config is the scheduler's defaults.json,
// overridden by a --config JSON file, overridden by the command line, then validated. Unknown keys
// and out-of-range values are errors naming the key and the allowed range.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "scxx/result.hpp"

namespace scxx {

struct OptionSpec {
    enum class Type { integer, boolean, string, number };
    std::string name;   // CLI "--name" and JSON key "name", e.g. "slice-us"
    Type type = Type::integer;
    std::string help;
    int64_t min = std::numeric_limits<int64_t>::min();  // integer/number range, inclusive
    int64_t max = std::numeric_limits<int64_t>::max();
    std::vector<std::string> choices;                   // allowed strings (empty = any)
};

// Builders for OptionSpec lists (designated initialisers with omitted members trip -Wextra).
inline OptionSpec int_option(std::string name, std::string help, int64_t min, int64_t max) {
    OptionSpec s;
    s.name = std::move(name);
    s.type = OptionSpec::Type::integer;
    s.help = std::move(help);
    s.min = min;
    s.max = max;
    return s;
}
inline OptionSpec number_option(std::string name, std::string help, int64_t min, int64_t max) {
    OptionSpec s = int_option(std::move(name), std::move(help), min, max);
    s.type = OptionSpec::Type::number;
    return s;
}
inline OptionSpec flag_option(std::string name, std::string help) {
    OptionSpec s;
    s.name = std::move(name);
    s.type = OptionSpec::Type::boolean;
    s.help = std::move(help);
    return s;
}
inline OptionSpec string_option(std::string name, std::string help, std::vector<std::string> choices = {}) {
    OptionSpec s;
    s.name = std::move(name);
    s.type = OptionSpec::Type::string;
    s.help = std::move(help);
    s.choices = std::move(choices);
    return s;
}

// The program_options description for a scheduler's options (no default values in it: defaults
// come from the JSON so that "not given on the command line" is distinguishable).
boost::program_options::options_description options_description(const std::string& title,
                                                                 const std::vector<OptionSpec>& specs);

// Merges defaults_json <- file (if any) <- parsed command line (only options actually given) and
// validates the result against specs. Errors, e.g.:
//   config lavd.json: unknown key "slice-max" (known: slice-us, ...)
//   "option --slice-us: 0 is out of range (allowed 100..100000)"
Result<nlohmann::json> build_config(const std::vector<OptionSpec>& specs, const std::string& defaults_json,
                                    const std::optional<std::filesystem::path>& file,
                                    const boost::program_options::variables_map& cli);

// Validation alone (used by build_config and by tests). `origin` prefixes errors ("config x.json").
Result<void> validate_config(const std::vector<OptionSpec>& specs, const nlohmann::json& config,
                             const std::string& origin);

}  // namespace scxx
