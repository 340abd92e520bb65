// log.cpp: global log level and sink.
#include "scxx/log.hpp"

#include <cstdio>
#include <mutex>

namespace scxx {
namespace {
LogLevel g_level = LogLevel::info;
std::function<void(LogLevel, std::string_view)> g_sink;
std::mutex g_mutex;
}  // namespace

void set_log_level(LogLevel level) { g_level = level; }
LogLevel log_level() { return g_level; }
void set_log_sink(std::function<void(LogLevel, std::string_view)> sink) { g_sink = std::move(sink); }

void log_message(LogLevel level, std::string_view text) {
    std::lock_guard lock(g_mutex);
    if (g_sink) {
        g_sink(level, text);
        return;
    }
    const char* prefix = level == LogLevel::error ? "error: " : level == LogLevel::warn ? "warning: " : "";
    std::fprintf(stderr, "%s%.*s\n", prefix, static_cast<int>(text.size()), text.data());
}

}  // namespace scxx
