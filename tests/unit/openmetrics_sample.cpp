// openmetrics_sample.cpp: writes format_openmetrics() of a representative Stats (counters, gauges in
// % and us, text with quotes, backslashes and newlines, CPU sets, sections, a name to sanitise) to
// the file named by argv[1], for test-openmetrics to check with the real OpenMetrics parser.
#include <cmath>
#include <cstdio>
#include <fstream>

#include "scxx/openmetrics.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: openmetrics_sample OUTPUT_FILE\n");
        return 2;
    }
    scxx::Stats s;
    s.gauge("nr_active", 2, "CPUs core compaction keeps active");
    s.counter("nr_sched", 1200, "tasks started running");
    s.counter("total", 7, "ops.enqueue calls");  // the family scxx_test_total, samples scxx_test_total_total
    s.gauge("util_pct", 45.5, "CPU utilisation (100 = every CPU busy)", "%");
    s.gauge("slice", 2500, "current time slice", "us");
    s.section("wakeup");
    s.counter("wait", 1500000, "time tasks waited, in total", "ns");
    s.counter("dash-ed.name", 3, "a name with characters to sanitise");
    s.gauge("nan_gauge", std::nan(""), "a gauge that is not a number");
    s.section("masks");
    s.text("power_mode", "say \"hi\"\\back\nslash", "help with \"quotes\", a \\ and\na newline");
    s.cpus("primary", *scxx::Cpumask::parse_list("0-3,8", 16), "CPUs in the primary nest");
    s.cpus("idle", scxx::Cpumask(16), "idle CPUs");
    const std::string text = scxx::format_openmetrics(s, "test", {"enabled", 12.5, 2});
    std::ofstream out(argv[1]);
    out << text;
    return out.good() ? 0 : 1;
}
