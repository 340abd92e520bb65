// stats_json.cpp: the control socket's JSON forms of a Stats (values, meta) and the inverse that
// rebuilds a Stats from them, so a client formats any scheduler's stats without its types.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "scxx/stats.hpp"
#include "stats_values.hpp"

namespace scxx {
namespace {

using ojson = nlohmann::ordered_json;
using Kind = Stats::Entry::Kind;

constexpr std::pair<Kind, const char*> kKindNames[] = {
    {Kind::counter, "counter"}, {Kind::gauge, "gauge"}, {Kind::text, "text"}, {Kind::cpus, "cpus"}};

const char* kind_name(Kind k) {
    for (const auto& [kind, name] : kKindNames)
        if (kind == k) return name;
    return "section";
}

std::optional<Kind> kind_from_name(std::string_view name) {
    for (const auto& [kind, n] : kKindNames)
        if (name == n) return kind;
    return std::nullopt;
}

Result<ojson> parse_json(std::string_view text, const char* what) {
    ojson j = ojson::parse(text, nullptr, false);
    if (j.is_discarded())
        return fail(EINVAL, fmt::format("stats {}: not valid JSON (expected the {} of a stats_meta/stats response)", what,
                                        what));
    return j;
}

// A meta entry's string field; missing or not a string is an error naming the entry.
Result<std::string> meta_string(const ojson& field, size_t index, const char* key) {
    auto it = field.find(key);
    if (it == field.end() || !it->is_string())
        return fail(EINVAL, fmt::format("stats meta: field {} has no string \"{}\"", index, key));
    return it->get<std::string>();
}

// One value, checked against its declared type and added to `stats`.
Result<void> add_value(Stats& stats, Kind kind, std::string name, const ojson& v, std::string help, std::string unit) {
    auto wrong = [&](const char* expected) {
        return fail(EINVAL, fmt::format("stats values: \"{}\" is {}, but its meta says {} ({} expected)", name,
                                        std::string(v.type_name()), kind_name(kind), expected));
    };
    switch (kind) {
    case Kind::counter:
        if (!v.is_number_unsigned()) return wrong("a non-negative integer");
        stats.counter(std::move(name), v.get<uint64_t>(), std::move(help), std::move(unit));
        return {};
    case Kind::gauge:
        if (v.is_null()) {  // a non-finite gauge: JSON has no NaN
            stats.gauge(std::move(name), std::numeric_limits<double>::quiet_NaN(), std::move(help), std::move(unit));
            return {};
        }
        if (!v.is_number()) return wrong("a number");
        stats.gauge(std::move(name), v.get<double>(), std::move(help), std::move(unit));
        return {};
    case Kind::text:
        if (!v.is_string()) return wrong("a string");
        stats.text(std::move(name), v.get<std::string>(), std::move(help));
        return {};
    case Kind::cpus: {
        if (!v.is_string()) return wrong("a cpulist string");
        const std::string list = v.get<std::string>();
        auto span = Cpumask::list_span(list);
        if (!span) return fail(std::move(span.error()).context(fmt::format("stats values: \"{}\"", name)));
        auto mask = Cpumask::parse_list(list, *span);
        if (!mask) return fail(std::move(mask.error()).context(fmt::format("stats values: \"{}\"", name)));
        stats.cpus(std::move(name), std::move(*mask), std::move(help));
        return {};
    }
    case Kind::section: break;
    }
    return {};
}

}  // namespace

namespace detail {

void add_stats_values(ojson& j, const Stats& stats) {
    for (const auto& e : stats.entries()) {
        switch (e.kind) {
        case Kind::counter: j[e.name] = std::get<uint64_t>(e.value); break;
        case Kind::gauge: j[e.name] = std::get<double>(e.value); break;
        case Kind::text: j[e.name] = std::get<std::string>(e.value); break;
        case Kind::cpus: j[e.name] = std::get<Cpumask>(e.value).to_list(); break;
        case Kind::section: break;
        }
    }
}

}  // namespace detail

std::string stats_values_json(const Stats& stats) {
    ojson j = ojson::object();
    detail::add_stats_values(j, stats);
    return detail::dump_json(j);
}

std::string stats_meta_json(const Stats& stats) {
    ojson fields = ojson::array();
    std::string section;
    for (const auto& e : stats.entries()) {
        if (e.kind == Kind::section) {
            section = e.name;
            continue;
        }
        fields.push_back(ojson{{"name", e.name}, {"type", kind_name(e.kind)}, {"unit", e.unit}, {"help", e.help},
                              {"section", section}});
    }
    return detail::dump_json(fields);
}

Result<Stats> stats_from_json(std::string_view values_json, std::string_view meta_json) {
    auto values = parse_json(values_json, "values");
    if (!values) return fail(std::move(values.error()));
    if (!values->is_object()) return fail(EINVAL, "stats values: not a JSON object (expected {\"name\":value,...})");
    auto meta = parse_json(meta_json, "meta");
    if (!meta) return fail(std::move(meta.error()));
    if (!meta->is_array()) return fail(EINVAL, "stats meta: not a JSON array (expected [{\"name\",\"type\",...},...])");

    Stats stats;
    std::string section;
    std::vector<std::string> described;
    for (size_t i = 0; i < meta->size(); ++i) {
        const ojson& field = (*meta)[i];
        if (!field.is_object()) return fail(EINVAL, fmt::format("stats meta: field {} is not a JSON object", i));
        auto name = meta_string(field, i, "name");
        if (!name) return fail(std::move(name.error()));
        auto type = meta_string(field, i, "type");
        if (!type) return fail(std::move(type.error()));
        auto kind = kind_from_name(*type);
        if (!kind)
            return fail(EINVAL, fmt::format("stats meta: \"{}\" has type \"{}\" (expected counter, gauge, text or cpus)",
                                            *name, *type));
        std::string strings[3];
        const char* keys[3] = {"unit", "help", "section"};
        for (int k = 0; k < 3; ++k) {
            auto s = meta_string(field, i, keys[k]);
            if (!s) return fail(std::move(s.error()));
            strings[k] = std::move(*s);
        }
        described.push_back(*name);
        auto v = values->find(*name);
        if (v == values->end()) continue;  // a collect that failed part way publishes fewer values
        if (strings[2] != section) {
            section = strings[2];
            stats.section(section);
        }
        if (auto r = add_value(stats, *kind, *name, *v, std::move(strings[1]), std::move(strings[0])); !r)
            return fail(std::move(r.error()));
    }
    // Values the meta does not describe (the runner's stats_error): kept, typed from their JSON.
    for (const auto& [name, v] : values->items()) {
        if (std::find(described.begin(), described.end(), name) != described.end()) continue;
        if (v.is_string()) stats.text(name, v.get<std::string>(), "");
        else if (v.is_number()) stats.gauge(name, v.get<double>(), "");
        else return fail(EINVAL, fmt::format("stats values: \"{}\" is {} (expected a number or a string)", name,
                                             std::string(v.type_name())));
    }
    return stats;
}

}  // namespace scxx
