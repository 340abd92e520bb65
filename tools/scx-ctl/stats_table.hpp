// stats_table.hpp: scx-ctl's human output for a stats snapshot: sections, counters and gauges in
// up to three column groups that fit the width, counter rates, text and CPU-set lines.
#pragma once

#include <string>

#include "scxx/stats.hpp"

namespace scxctl {

struct Sample {
    scxx::Stats stats;
    double t = 0;  // the runner's clock, seconds
};

// Lines no wider than `width` (unless one name alone is wider). With `previous`, counters also show
// their rate per second since it.
std::string format_stats_table(const Sample& now, const Sample* previous, size_t width = 100);

}  // namespace scxctl
