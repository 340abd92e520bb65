// scxx/openmetrics.hpp: a Stats snapshot as OpenMetrics 1.0 text (what `scx-ctl metrics` prints for
// a Prometheus textfile collector or scraper).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "scxx/stats.hpp"

namespace scxx {

struct OpenMetricsInfo {
    std::string state;     // the sched_ext state ("enabled")
    double uptime_s = 0;   // since the runner started
    uint64_t restarts = 0;
};

// Families are named scxx_<scheduler>_<stat>, sanitised to [a-zA-Z0-9_:]. Time units (ns, us, ms, s)
// become seconds and % a ratio (values scaled, names ending in _seconds/_ratio, with # UNIT); other
// units are dropped. Counters are <name>_total samples; text entries info metrics
// (<name>_info{value="..."} 1); CPU sets a gauge of their CPU count plus <name>_cpulist_info. Then
// scxx_scheduler_info{scheduler,state}, scxx_uptime_seconds and scxx_restarts_total; "# EOF" last.
std::string format_openmetrics(const Stats& stats, std::string_view scheduler, const OpenMetricsInfo& info);

}  // namespace scxx
