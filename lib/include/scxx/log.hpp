// scxx/log.hpp: the library's logger. One global verbosity, messages to stderr (or a sink set by
// the embedding program). libbpf's own output is routed here (see skeleton.hpp: route_libbpf_logs).
#pragma once

#include <functional>
#include <string_view>

#include <fmt/format.h>

namespace scxx {

enum class LogLevel { error = 0, warn = 1, info = 2, debug = 3 };

void set_log_level(LogLevel level);
LogLevel log_level();
// Replaces the sink (default: stderr, "error: "/"warning: " prefixes for those levels).
void set_log_sink(std::function<void(LogLevel, std::string_view)> sink);
void log_message(LogLevel level, std::string_view text);

template <class... Args>
void log(LogLevel level, fmt::format_string<Args...> f, Args&&... args) {
    if (level <= log_level()) log_message(level, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace scxx
