// config.cpp: scheduler options -> program_options description, and the layered JSON config
// (defaults.json <- --config file <- command line) with validation that names the offending key.
#include "scxx/config.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace scxx {
namespace po = boost::program_options;
using json = nlohmann::json;

namespace {

// JSON text of a value for an error message: never throws (invalid UTF-8 is replaced) and never
// spans lines (strings are escaped).
std::string quoted(const nlohmann::json& v) { return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

constexpr int64_t kNoMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kNoMax = std::numeric_limits<int64_t>::max();

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) {
        if (!out.empty()) out += ", ";
        out += s;
    }
    return out;
}

std::string known_keys(const std::vector<OptionSpec>& specs) {
    std::vector<std::string> names;
    for (const auto& s : specs) names.push_back(s.name);
    return join(names);
}

const OptionSpec* find_spec(const std::vector<OptionSpec>& specs, const std::string& name) {
    for (const auto& s : specs)
        if (s.name == name) return &s;
    return nullptr;
}

bool has_range(const OptionSpec& s) { return s.min != kNoMin || s.max != kNoMax; }

std::string range_text(const OptionSpec& s) {
    if (s.min != kNoMin && s.max != kNoMax) return fmt::format("{}..{}", s.min, s.max);
    if (s.min != kNoMin) return fmt::format(">= {}", s.min);
    return fmt::format("<= {}", s.max);
}

const char* type_text(OptionSpec::Type t) {
    switch (t) {
    case OptionSpec::Type::integer: return "an integer";
    case OptionSpec::Type::number: return "a number";
    case OptionSpec::Type::string: return "a string";
    case OptionSpec::Type::boolean: return "a boolean";
    }
    return "a value";
}

// Checks one value against its spec. `label` names it: "option --slice-us", "config x.json: key 'slice-us'".
Result<void> check_value(const OptionSpec& spec, const json& v, const std::string& label) {
    using T = OptionSpec::Type;
    switch (spec.type) {
    case T::integer: {
        if (!v.is_number_integer()) return fail(fmt::format("{}: expected {}, got {}", label, type_text(spec.type), quoted(v)));
        bool in_range;
        if (v.is_number_unsigned())
            in_range = spec.max >= 0 && v.get<uint64_t>() <= static_cast<uint64_t>(spec.max) &&
                       (spec.min < 0 || v.get<uint64_t>() >= static_cast<uint64_t>(spec.min));
        else
            in_range = v.get<int64_t>() >= spec.min && v.get<int64_t>() <= spec.max;
        if (!in_range) return fail(fmt::format("{}: {} is out of range (allowed {})", label, quoted(v), range_text(spec)));
        break;
    }
    case T::number: {
        if (!v.is_number()) return fail(fmt::format("{}: expected {}, got {}", label, type_text(spec.type), quoted(v)));
        double d = v.get<double>();
        bool in_range = std::isfinite(d) && (spec.min == kNoMin || d >= static_cast<double>(spec.min)) &&
                        (spec.max == kNoMax || d <= static_cast<double>(spec.max));
        if (!in_range) return fail(fmt::format("{}: {} is out of range (allowed {})", label, quoted(v), range_text(spec)));
        break;
    }
    case T::string: {
        if (!v.is_string()) return fail(fmt::format("{}: expected {}, got {}", label, type_text(spec.type), quoted(v)));
        if (!spec.choices.empty()) {
            const auto& s = v.get_ref<const std::string&>();
            bool ok = false;
            for (const auto& c : spec.choices) ok = ok || c == s;
            if (!ok) return fail(fmt::format("{}: {} is not one of: {}", label, quoted(v), join(spec.choices)));
        }
        break;
    }
    case T::boolean:
        if (!v.is_boolean()) return fail(fmt::format("{}: expected {}, got {}", label, type_text(spec.type), quoted(v)));
        break;
    }
    return {};
}

// Validates every key of `obj` and, when `complete`, that every spec key is present.
Result<void> check_object(const std::vector<OptionSpec>& specs, const json& obj, const std::string& origin,
                          bool complete) {
    if (!obj.is_object()) return fail(fmt::format("{}: expected a JSON object, got {}", origin, obj.type_name()));
    for (const auto& [key, value] : obj.items()) {
        const OptionSpec* spec = find_spec(specs, key);
        if (!spec) return fail(fmt::format("{}: unknown key {} (known: {})", origin, quoted(nlohmann::json(key)), known_keys(specs)));
        if (auto r = check_value(*spec, value, fmt::format("{}: key '{}'", origin, key)); !r) return r;
    }
    if (complete)
        for (const auto& s : specs)
            if (!obj.contains(s.name)) return fail(fmt::format("{}: missing key '{}'", origin, s.name));
    return {};
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; keep the readable part.
std::string json_error_text(const json::exception& e) {
    std::string_view w = e.what();
    if (!w.empty() && w.front() == '[') {
        auto close = w.find("] ");
        if (close != std::string_view::npos) w.remove_prefix(close + 2);
    }
    return std::string(w);
}

Result<json> parse_json(const std::string& text, const std::string& origin) {
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        return fail(fmt::format("{}: invalid JSON: {}", origin, json_error_text(e)));
    }
}

Result<json> read_json_file(const std::filesystem::path& file, const std::string& origin) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return fail(errno, fmt::format("{}: cannot open", origin));
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) return fail(errno, fmt::format("{}: read failed", origin));
    return parse_json(buf.str(), origin);
}

// A command-line string converted to the spec's JSON type.
Result<json> from_cli_string(const OptionSpec& spec, const std::string& s, const std::string& label) {
    using T = OptionSpec::Type;
    switch (spec.type) {
    case T::integer: {
        int64_t v = 0;
        const char* end = s.data() + s.size();
        auto [ptr, ec] = std::from_chars(s.data(), end, v);
        if (ec == std::errc::result_out_of_range)
            return fail(fmt::format("{}: {} is out of range (allowed {})", label, s,
                                    has_range(spec) ? range_text(spec) : "64-bit integers"));
        if (ec != std::errc() || ptr != end || s.empty())
            return fail(fmt::format("{}: expected {}, got {}", label, type_text(spec.type), quoted(json(s))));
        return json(v);
    }
    case T::number: {
        double v = 0;
        const char* end = s.data() + s.size();
        auto [ptr, ec] = std::from_chars(s.data(), end, v);
        if (ec != std::errc() || ptr != end || s.empty() || !std::isfinite(v))
            return fail(fmt::format("{}: expected {}, got {}", label, type_text(spec.type), quoted(json(s))));
        return json(v);
    }
    case T::boolean:
        if (s == "true" || s == "1" || s == "yes" || s == "on") return json(true);
        if (s == "false" || s == "0" || s == "no" || s == "off") return json(false);
        return fail(fmt::format("{}: expected {} (true/false), got {}", label, type_text(spec.type), quoted(json(s))));
    case T::string: return json(s);
    }
    return json(s);
}

// The value of one option as stored by program_options (our descriptions store strings; a
// hand-made description may store typed values).
Result<json> from_cli_value(const OptionSpec& spec, const po::variable_value& vv, const std::string& label) {
    const boost::any& a = vv.value();
    if (const auto* s = boost::any_cast<std::string>(&a)) return from_cli_string(spec, *s, label);
    if (const auto* i = boost::any_cast<int64_t>(&a)) return json(*i);
    if (const auto* i = boost::any_cast<int>(&a)) return json(*i);
    if (const auto* u = boost::any_cast<unsigned>(&a)) return json(*u);
    if (const auto* u = boost::any_cast<uint64_t>(&a)) return json(*u);
    if (const auto* d = boost::any_cast<double>(&a)) return json(*d);
    if (const auto* b = boost::any_cast<bool>(&a)) return json(*b);
    return fail(fmt::format("{}: unsupported value type", label));
}

std::string help_text(const OptionSpec& s) {
    std::string h = s.help;
    std::string extra;
    if (!s.choices.empty())
        extra = "one of: " + join(s.choices);
    else if ((s.type == OptionSpec::Type::integer || s.type == OptionSpec::Type::number) && has_range(s))
        extra = range_text(s);
    if (!extra.empty()) h += h.empty() ? extra : " (" + extra + ")";
    return h;
}

// A boolean flag: "--flag" means true, "--flag=false" is accepted; the help shows no argument.
class FlagValue : public po::typed_value<std::string> {
public:
    FlagValue() : po::typed_value<std::string>(nullptr) { implicit_value("true", ""); }
    std::string name() const override { return ""; }
};

}  // namespace

po::options_description options_description(const std::string& title, const std::vector<OptionSpec>& specs) {
    po::options_description desc(title);
    for (const auto& s : specs) {
        // Values are kept as strings and converted by build_config, so that a bad value is reported
        // as "option --x: expected an integer, got "abc"" and ranges are checked in one place.
        if (s.type == OptionSpec::Type::boolean) {
            // Never a default value, so only a flag actually given overrides the JSON.
            std::string help = help_text(s);
            help += (help.empty() ? "" : " ") + fmt::format("(a flag; --{}=false turns it off)", s.name);
            desc.add_options()(s.name.c_str(), new FlagValue(), help.c_str());
            continue;
        }
        po::typed_value<std::string>* sem = po::value<std::string>();
        switch (s.type) {
        case OptionSpec::Type::integer: sem->value_name("INT"); break;
        case OptionSpec::Type::number: sem->value_name("NUM"); break;
        case OptionSpec::Type::string: sem->value_name(s.choices.empty() ? "STR" : join(s.choices)); break;
        case OptionSpec::Type::boolean: break;
        }
        desc.add_options()(s.name.c_str(), sem, help_text(s).c_str());
    }
    return desc;
}

Result<void> validate_config(const std::vector<OptionSpec>& specs, const nlohmann::json& config,
                             const std::string& origin) {
    return check_object(specs, config, origin, false);
}

Result<nlohmann::json> build_config(const std::vector<OptionSpec>& specs, const std::string& defaults_json,
                                    const std::optional<std::filesystem::path>& file,
                                    const po::variables_map& cli) {
    auto config = parse_json(defaults_json, "defaults");
    if (!config) return fail(std::move(config.error()));
    if (auto r = check_object(specs, *config, "defaults", true); !r) return fail(std::move(r.error()));

    if (file) {
        const std::string origin = "config " + file->string();
        auto overlay = read_json_file(*file, origin);
        if (!overlay) return fail(std::move(overlay.error()));
        if (auto r = check_object(specs, *overlay, origin, false); !r) return fail(std::move(r.error()));
        for (const auto& [key, value] : overlay->items()) (*config)[key] = value;
    }

    for (const auto& spec : specs) {
        auto it = cli.find(spec.name);
        if (it == cli.end() || it->second.defaulted() || it->second.empty()) continue;
        const std::string label = "option --" + spec.name;
        auto value = from_cli_value(spec, it->second, label);
        if (!value) return fail(std::move(value.error()));
        if (auto r = check_value(spec, *value, label); !r) return fail(std::move(r.error()));
        (*config)[spec.name] = std::move(*value);
    }
    return config;
}

}  // namespace scxx
