// options.cpp: the option layer behind scxx/options.hpp: text and JSON values converted to typed
// option values, range checks, the layered config (defaults <- mode <- --config file <- command
// line) and its JSON form. nlohmann/json is used here only; no public header names it.
#include "scxx/options.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "scxx/text.hpp"

#include "json_file.hpp"

namespace scxx {
namespace {

using ojson = nlohmann::ordered_json;  // object keys in file order (errors name the first bad one)

// JSON text of a value for an error message: never throws and never spans lines.
std::string json_quoted(const ojson& v) { return v.dump(-1, ' ', false, ojson::error_handler_t::replace); }
std::string json_quoted(const std::string& s) { return json_quoted(ojson(s)); }
std::string json_quoted(std::string_view s) { return json_quoted(std::string(s)); }

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
    return out;
}

struct Unit {
    const char* suffix;
    int64_t ns;
};
constexpr Unit kUnits[] = {{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};

int64_t unit_ns(const std::string& unit) {
    for (const auto& u : kUnits)
        if (unit == u.suffix) return u.ns;
    return 1;
}

// "5ms" / "250us" / "12" (in `unit`) -> Duration; false when not a non-negative duration.
bool parse_duration(std::string_view s, const std::string& unit, Duration& out) {
    int64_t scale = unit_ns(unit);
    for (const auto& u : kUnits) {
        std::string_view suf = u.suffix;
        if (s.size() > suf.size() && s.substr(s.size() - suf.size()) == suf) {  // "ms" is tried before "s"
            s.remove_suffix(suf.size());
            scale = u.ns;
            break;
        }
    }
    uint64_t v = 0;
    const char* end = s.data() + s.size();
    auto [ptr, ec] = std::from_chars(s.data(), end, v);
    if (ec != std::errc() || ptr != end || s.empty()) return false;
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / scale)) return false;
    out = Duration(static_cast<int64_t>(v) * scale);
    return true;
}

std::string format_duration(Duration d, const std::string& unit) {
    int64_t scale = unit_ns(unit);
    if (d.count() % scale == 0) return std::to_string(d.count() / scale);
    return std::to_string(d.count()) + "ns";
}

// A duration in the largest unit that holds it whole: "0", "250us", "5ms", "1s".
std::string human_duration(Duration d) {
    if (d.count() == 0) return "0";
    for (auto u = std::rbegin(kUnits); u != std::rend(kUnits); ++u)
        if (d.count() % u->ns == 0) return std::to_string(d.count() / u->ns) + u->suffix;
    return std::to_string(d.count()) + "ns";
}

bool has_int_range(const OptionDecl& d) {
    return d.min_int != std::numeric_limits<int64_t>::min() || d.max_int != std::numeric_limits<int64_t>::max();
}

std::string range_text(const OptionDecl& d) {
    switch (d.type) {
    case OptionType::integer:
        if (d.min_int != std::numeric_limits<int64_t>::min() && d.max_int != std::numeric_limits<int64_t>::max())
            return fmt::format("{}..{}", d.min_int, d.max_int);
        if (d.min_int != std::numeric_limits<int64_t>::min()) return fmt::format(">= {}", d.min_int);
        return fmt::format("<= {}", d.max_int);
    case OptionType::number: return fmt::format("{}..{}", d.min_num, d.max_num);
    case OptionType::duration:
        return d.max_dur == Duration::max() ? ">= " + human_duration(d.min_dur)
                                            : human_duration(d.min_dur) + ".." + human_duration(d.max_dur);
    default: return "";
    }
}

// What a value of `d` must look like, for "expected ..., got ..." errors.
std::string expected_text(const OptionDecl& d) {
    switch (d.type) {
    case OptionType::boolean: return "a boolean (true/false)";
    case OptionType::integer: return "an integer";
    case OptionType::number: return "a number";
    case OptionType::duration: return fmt::format("a duration (a whole number of {}, or a string such as \"5ms\")", d.unit);
    case OptionType::choice: return "one of: " + join(d.choices);
    case OptionType::cpulist: return "a CPU list (a string such as \"0-3,7\")";
    case OptionType::text: return "a string";
    }
    return "a value";
}

// "0-3,7-4,9": numbers and ranges (either direction), comma separated.
bool valid_cpulist(std::string_view s) {
    if (s.empty()) return false;
    for (;;) {
        size_t comma = s.find(',');
        std::string_view tok = s.substr(0, comma);
        uint64_t a = 0, b = 0;
        if (!text::take_number(tok, a)) return false;
        if (!tok.empty()) {
            if (tok.front() != '-') return false;
            tok.remove_prefix(1);
            if (!text::take_number(tok, b) || !tok.empty()) return false;
        }
        if (a >= (uint64_t{1} << 40) || b >= (uint64_t{1} << 40)) return false;
        if (comma == std::string_view::npos) return true;
        s.remove_prefix(comma + 1);
    }
}

const OptionDecl* find_decl(const std::vector<OptionDecl>& decls, const std::string& name) {
    for (const auto& d : decls)
        if (d.name == name) return &d;
    return nullptr;
}

std::string known_keys(const std::vector<OptionDecl>& decls) {
    std::vector<std::string> names;
    for (const auto& d : decls) names.push_back(d.name);
    return join(names);
}

// A JSON value converted to the option's type (then range-checked by the caller).
Result<OptionValue> from_json(const OptionDecl& d, const ojson& v, const std::string& label) {
    auto wrong = [&] { return fail(fmt::format("{}: expected {}, got {}", label, expected_text(d), json_quoted(v))); };
    switch (d.type) {
    case OptionType::boolean:
        if (!v.is_boolean()) return wrong();
        return OptionValue(v.get<bool>());
    case OptionType::integer:
        if (!v.is_number_integer()) return wrong();
        if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            return fail(fmt::format("{}: {} is out of range (allowed {})", label, json_quoted(v), range_text(d)));
        return OptionValue(v.get<int64_t>());
    case OptionType::number:
        if (!v.is_number()) return wrong();
        return OptionValue(v.get<double>());
    case OptionType::duration:
    case OptionType::choice:
    case OptionType::cpulist:
    case OptionType::text:
        if (d.type == OptionType::duration && v.is_number_integer())
            return parse_option_text(d, v.dump(), label);
        if (!v.is_string()) return wrong();
        return parse_option_text(d, v.get<std::string>(), label);
    }
    return wrong();
}

ojson to_json(const OptionDecl& d, const OptionValue& v) {
    switch (d.type) {
    case OptionType::boolean: return std::get<bool>(v);
    case OptionType::integer: return std::get<int64_t>(v);
    case OptionType::number: return std::get<double>(v);
    case OptionType::duration: {
        Duration dur = std::get<Duration>(v);
        int64_t scale = unit_ns(d.unit);
        if (dur.count() % scale == 0) return dur.count() / scale;
        return format_duration(dur, d.unit);
    }
    case OptionType::choice:
    case OptionType::cpulist:
    case OptionType::text: return format_option_value(d, v);
    }
    return nullptr;
}

// Applies every key of the JSON object `obj` onto `values`.
Result<void> overlay_json(const std::vector<OptionDecl>& decls, const ojson& obj, const std::string& origin,
                          std::map<std::string, OptionValue>& values) {
    if (!obj.is_object()) return fail(fmt::format("{}: expected a JSON object, got {}", origin, obj.type_name()));
    for (const auto& [key, v] : obj.items()) {
        const OptionDecl* d = find_decl(decls, key);
        if (!d) return fail(fmt::format("{}: unknown key {} (known: {})", origin, json_quoted(key), known_keys(decls)));
        const std::string label = fmt::format("{}: key '{}'", origin, key);
        auto value = from_json(*d, v, label);
        if (!value) return fail(std::move(value.error()));
        if (auto r = check_option_value(*d, *value, label); !r) return fail(std::move(r.error()));
        values[key] = std::move(*value);
    }
    return {};
}

}  // namespace

Result<OptionValue> parse_option_text(const OptionDecl& d, std::string_view s, const std::string& label) {
    OptionValue value;
    switch (d.type) {
    case OptionType::boolean:
        if (s == "true" || s == "1" || s == "yes" || s == "on")
            value = true;
        else if (s == "false" || s == "0" || s == "no" || s == "off")
            value = false;
        else
            return fail(fmt::format("{}: expected {}, got {}", label, expected_text(d), json_quoted(s)));
        break;
    case OptionType::integer: {
        int64_t v = 0;
        const char* end = s.data() + s.size();
        auto [ptr, ec] = std::from_chars(s.data(), end, v);
        if (ec == std::errc::result_out_of_range)
            return fail(fmt::format("{}: {} is out of range (allowed {})", label, s,
                                    has_int_range(d) ? range_text(d) : "64-bit integers"));
        if (ec != std::errc() || ptr != end || s.empty())
            return fail(fmt::format("{}: expected {}, got {}", label, expected_text(d), json_quoted(s)));
        value = v;
        break;
    }
    case OptionType::number: {
        double v = 0;
        if (!text::parse_finite(s, v))
            return fail(fmt::format("{}: expected {}, got {}", label, expected_text(d), json_quoted(s)));
        value = v;
        break;
    }
    case OptionType::duration: {
        Duration v{};
        if (s.size() > 1 && s.front() == '-' && parse_duration(s.substr(1), d.unit, v))  // "-1": a duration, too short
            return fail(fmt::format("{}: {} is out of range (allowed {})", label, s, range_text(d)));
        if (!parse_duration(s, d.unit, v))
            return fail(fmt::format("{}: {} is not a duration (a number of {}, or a number with ns/us/ms/s)", label,
                                    json_quoted(s), d.unit));
        value = v;
        break;
    }
    case OptionType::choice: {
        for (size_t i = 0; i < d.choices.size(); ++i)
            if (d.choices[i] == s) value = static_cast<int64_t>(i);
        if (!std::holds_alternative<int64_t>(value))
            return fail(fmt::format("{}: {} is not one of: {}", label, json_quoted(s), join(d.choices)));
        break;
    }
    case OptionType::cpulist: {
        bool keyword = false;
        for (const auto& k : d.keywords) keyword = keyword || k == s;
        if (!keyword && !valid_cpulist(s))
            return fail(fmt::format("{}: {} is not a CPU list (such as 0-3,7-4){}", label, json_quoted(s),
                                    d.keywords.empty() ? "" : " or " + join(d.keywords, " or ")));
        value = std::string(s);
        break;
    }
    case OptionType::text: value = std::string(s); break;
    }
    if (auto r = check_option_value(d, value, label); !r) {
        // out of range: say it with the text the user gave ("1s", not "1000000us")
        if (d.type == OptionType::duration)
            return fail(fmt::format("{}: {} is out of range (allowed {})", label, s, range_text(d)));
        return fail(std::move(r.error()));
    }
    return value;
}

Result<void> check_option_value(const OptionDecl& d, const OptionValue& v, const std::string& label) {
    auto out_of_range = [&](const std::string& shown) {
        return fail(fmt::format("{}: {} is out of range (allowed {})", label, shown, range_text(d)));
    };
    switch (d.type) {
    case OptionType::boolean:
        if (!std::holds_alternative<bool>(v)) return fail(fmt::format("{}: expected a boolean", label));
        return {};
    case OptionType::integer: {
        const auto* i = std::get_if<int64_t>(&v);
        if (!i) return fail(fmt::format("{}: expected an integer", label));
        if (*i < d.min_int || *i > d.max_int) return out_of_range(std::to_string(*i));
        return {};
    }
    case OptionType::number: {
        const auto* x = std::get_if<double>(&v);
        if (!x || !std::isfinite(*x)) return fail(fmt::format("{}: expected a number", label));
        if (*x < d.min_num || *x > d.max_num) return out_of_range(fmt::format("{}", *x));
        return {};
    }
    case OptionType::duration: {
        const auto* x = std::get_if<Duration>(&v);
        if (!x) return fail(fmt::format("{}: expected a duration", label));
        if (*x < d.min_dur || *x > d.max_dur) return out_of_range(human_duration(*x));
        return {};
    }
    case OptionType::choice: {
        const auto* i = std::get_if<int64_t>(&v);
        if (!i || *i < 0 || static_cast<size_t>(*i) >= d.choices.size())
            return fail(fmt::format("{}: expected one of: {}", label, join(d.choices)));
        return {};
    }
    case OptionType::cpulist:
    case OptionType::text:
        if (!std::holds_alternative<std::string>(v)) return fail(fmt::format("{}: expected a string", label));
        return {};
    }
    return {};
}

Result<uint64_t> option_bpf_value(const OptionDecl& d, const OptionValue& v) {
    const std::string var = d.rodata.empty() ? d.global : d.rodata;
    switch (d.type) {
    case OptionType::boolean: return std::get<bool>(v) ? 1 : 0;
    case OptionType::duration: return static_cast<uint64_t>(std::get<Duration>(v).count());
    case OptionType::integer:
    case OptionType::choice: {
        int64_t i = std::get<int64_t>(v);
        if (d.type == OptionType::choice) i = d.choice_values.at(static_cast<size_t>(i));
        if (i < 0) return fail(ERANGE, fmt::format("option --{}: a negative value cannot feed BPF variable {}", d.name, var));
        return static_cast<uint64_t>(i);
    }
    default: return fail(EINVAL, fmt::format("option --{}: its type cannot feed BPF variable {}", d.name, var));
    }
}

std::string format_option_value(const OptionDecl& d, const OptionValue& v) {
    switch (d.type) {
    case OptionType::boolean: return std::get<bool>(v) ? "true" : "false";
    case OptionType::integer: return std::to_string(std::get<int64_t>(v));
    case OptionType::number: return fmt::format("{}", std::get<double>(v));
    case OptionType::duration: return format_duration(std::get<Duration>(v), d.unit);
    case OptionType::choice: {
        auto i = static_cast<size_t>(std::get<int64_t>(v));
        return i < d.choices.size() ? d.choices[i] : "?";
    }
    case OptionType::cpulist:
    case OptionType::text: return std::get<std::string>(v);
    }
    return "";
}

std::string option_value_name(const OptionDecl& d) {
    switch (d.type) {
    case OptionType::boolean: return "";
    case OptionType::integer: return "INT";
    case OptionType::number: return "NUM";
    case OptionType::duration: return "DURATION";
    case OptionType::choice: return join(d.choices, "|");
    case OptionType::cpulist: return d.keywords.empty() ? "CPUS" : "CPUS|" + join(d.keywords, "|");
    case OptionType::text: return "TEXT";
    }
    return "";
}

std::string option_help(const OptionDecl& d) {
    std::vector<std::string> notes;
    if (d.type == OptionType::duration)
        notes.push_back("default " + human_duration(std::get<Duration>(d.default_value)));
    else if (d.type != OptionType::boolean || std::get<bool>(d.default_value))
        notes.push_back("default " + format_option_value(d, d.default_value));
    std::string range = range_text(d);
    if (!range.empty() && !(d.type == OptionType::integer && !has_int_range(d))) notes.push_back("range " + range);
    if (d.type == OptionType::duration) notes.push_back("bare numbers in " + d.unit);
    if (d.type == OptionType::boolean) notes.push_back(fmt::format("--{}=false turns it off", d.name));
    if (d.live) notes.push_back("live");
    return d.help + (notes.empty() ? "" : " (" + join(notes, "; ") + ")");
}

Config default_config(const std::vector<OptionDecl>& decls) {
    std::map<std::string, OptionValue> values;
    for (const auto& d : decls) values[d.name] = d.default_value;
    return Config(std::move(values));
}

Result<Config> config_from_json(const std::vector<OptionDecl>& decls, const std::string& json_text,
                                const std::string& origin) {
    return build_config(decls, std::vector<JsonLayer>{{json_text, origin}}, std::nullopt, {});
}

Result<Config> build_config(const std::vector<OptionDecl>& decls, const std::optional<std::filesystem::path>& file,
                            const std::vector<std::pair<std::string, std::string>>& cli) {
    return build_config(decls, std::vector<JsonLayer>{}, file, cli);
}

Result<Config> build_config(const std::vector<OptionDecl>& decls, const std::vector<JsonLayer>& layers,
                            const std::optional<std::filesystem::path>& file,
                            const std::vector<std::pair<std::string, std::string>>& cli) {
    std::map<std::string, OptionValue> values = default_config(decls).values();
    auto overlay_text = [&](const std::string& text, const std::string& origin) -> Result<void> {
        auto obj = detail::parse_json(text, origin);
        if (!obj) return fail(std::move(obj.error()));
        return overlay_json(decls, *obj, origin, values);
    };
    for (const auto& layer : layers)
        if (auto r = overlay_text(layer.json, layer.origin); !r) return fail(std::move(r.error()));
    if (file) {
        const std::string origin = "config " + file->string();
        auto text = detail::read_text_file(*file, origin);
        if (!text) return fail(std::move(text.error()));
        if (auto r = overlay_text(*text, origin); !r) return fail(std::move(r.error()));
    }
    for (const auto& [name, text] : cli) {
        const OptionDecl* d = find_decl(decls, name);
        if (!d) return fail(fmt::format("unknown option --{} (known: {})", name, known_keys(decls)));
        auto value = parse_option_text(*d, text, "option --" + name);
        if (!value) return fail(std::move(value.error()));
        values[name] = std::move(*value);
    }
    return Config(std::move(values));
}

std::string config_to_json(const std::vector<OptionDecl>& decls, const Config& config) {
    std::string out = "{";
    bool first = true;
    for (const auto& d : decls) {
        if (!config.contains(d.name)) continue;
        out += fmt::format("{}\n  {}: {}", first ? "" : ",", json_quoted(d.name), to_json(d, config.at(d.name)).dump());
        first = false;
    }
    return out + (first ? "}" : "\n}");
}

}  // namespace scxx
