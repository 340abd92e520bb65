// modes.cpp: reading a scheduler's modes file (scxx/modes.hpp) and layering a mode into a config.
#include "scxx/modes.hpp"

#include <system_error>

#include <fmt/format.h>

#include "json_file.hpp"

namespace scxx {
namespace {

std::string joined_names(const std::vector<Mode>& modes) {
    std::string out;
    for (const auto& m : modes) out += (out.empty() ? "" : ", ") + m.name;
    return out.empty() ? "no modes" : out;
}

}  // namespace

Result<std::vector<Mode>> read_modes_file(const std::filesystem::path& path) {
    const std::string origin = "modes file " + path.string();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return fail(fmt::format("{} not found (install the modes with meson install, or pass --modes-dir DIR)",
                                origin));
    auto text = detail::read_text_file(path, origin);
    if (!text) return fail(std::move(text.error()));
    auto obj = detail::parse_json(*text, origin);
    if (!obj) return fail(std::move(obj.error()));
    if (!obj->is_object())
        return fail(fmt::format("{}: expected a JSON object of modes, got {}", origin, obj->type_name()));
    std::vector<Mode> modes;
    for (const auto& [name, options] : obj->items()) {
        if (!options.is_object())
            return fail(fmt::format("{}: mode '{}' is a {}, not a JSON object of options", origin, name,
                                    options.type_name()));
        Mode m{name, options.dump(), {}};
        for (const auto& [key, v] : options.items())
            m.values.emplace_back(key, v.is_string() ? v.get<std::string>() : v.dump());
        modes.push_back(std::move(m));
    }
    return modes;
}

std::filesystem::path modes_file(const std::filesystem::path& dir, const std::string& sched) {
    return dir / (sched + ".json");
}

Result<std::string> load_mode(const std::filesystem::path& dir, const std::string& sched, const std::string& mode) {
    auto modes = read_modes_file(modes_file(dir, sched));
    if (!modes) return fail(std::move(modes.error()));
    for (auto& m : *modes)
        if (m.name == mode) return std::move(m.json);
    return fail(fmt::format("unknown mode '{}' for {} ({} has: {})", mode, sched, modes_file(dir, sched).string(),
                            joined_names(*modes)));
}

Result<std::vector<std::string>> list_modes(const std::filesystem::path& dir, const std::string& sched) {
    auto modes = read_modes_file(modes_file(dir, sched));
    if (!modes) return fail(std::move(modes.error()));
    std::vector<std::string> names;
    for (const auto& m : *modes) names.push_back(m.name);
    return names;
}

Result<JsonLayer> mode_layer(const std::filesystem::path& dir, const std::string& sched, const std::string& mode) {
    auto text = load_mode(dir, sched, mode);
    if (!text) return fail(std::move(text.error()));
    return JsonLayer{std::move(*text), fmt::format("mode {} ({})", mode, modes_file(dir, sched).string())};
}

Result<Config> mode_config(const SchedulerEntry& entry, const std::filesystem::path& dir, const std::string& mode,
                           const std::string& options_json) {
    std::vector<JsonLayer> layers;
    if (!mode.empty()) {
        auto layer = mode_layer(dir, entry.name, mode);
        if (!layer) return fail(std::move(layer.error()));
        layers.push_back(std::move(*layer));
    }
    if (!options_json.empty()) layers.push_back({options_json, "options"});
    auto config = build_config(entry.options, layers, std::nullopt, {});
    if (!config) return fail(std::move(config.error()));
    if (entry.check)
        if (auto r = entry.check(*config); !r) return fail(std::move(r.error()));
    return config;
}

}  // namespace scxx
