// schedulers/lavd/options.cpp: lavd's option list and the cross-option checks (see options.hpp).
#include "options.hpp"

#include <cerrno>

#include <fmt/format.h>

namespace lavd {

std::vector<scxx::OptionSpec> option_specs() {
    using scxx::flag_option;
    using scxx::int_option;
    using scxx::string_option;
    return {
        flag_option("autopilot", "pick the power mode from utilisation (the default when no mode is given)"),
        flag_option("performance", "power mode performance: every CPU active, full frequency targets"),
        flag_option("balanced", "power mode balanced: core compaction at --lat-load-target-pct"),
        flag_option("powersave", "power mode powersave: pack load on few CPUs (little ones first)"),
        flag_option("no-core-compaction", "keep every CPU active in every power mode"),
        int_option("slice-max-us", "longest regular time slice in microseconds", 1, 1000000),
        int_option("slice-min-us", "shortest time slice in microseconds", 1, 1000000),
        int_option("pinned-slice-us",
                   "slice cap for tasks sharing a CPU with waiting pinned tasks, in microseconds (0 = off)", 0,
                   1000000),
        int_option("preempt-shift",
                   "preemption threshold: tasks above max - ((max - avg) >> N) latency criticality preempt", 0, 10),
        int_option("lat-load-target-pct", "core compaction keeps active CPUs loaded up to this percentage", 1, 100),
        int_option("lb-low-util-pct", "no cross-node migration plan below this system utilisation (percent)", 0, 100),
        int_option("lb-local-dsq-util-pct",
                   "below this system utilisation (percent) tasks go straight to an idle CPU", 0, 100),
        flag_option("no-preemption", "never preempt a running task for a latency-critical one"),
        flag_option("no-wake-sync", "ignore the waker's CPU hint of synchronous wake-ups"),
        flag_option("no-slice-boost", "never extend a slice beyond the regular one"),
        flag_option("no-freq-scaling", "set no CPU frequency targets"),
        flag_option("no-futex-boost", "do not trace futexes for the lock-holder boost"),
        flag_option("per-cpu-dsq", "one deadline queue per CPU instead of one per compute domain"),
        string_option("cpu-pref-order",
                      "CPU preference order for core compaction, e.g. 0-3,7-4 (auto = from the topology)"),
        int_option("monitor", "every N seconds print the latest task of every CPU (lavd-task lines; 0 = off)", 0,
                   3600),
    };
}

const char* mode_name(lavd_power_mode mode) {
    switch (mode) {
    case LAVD_PM_PERFORMANCE: return "performance";
    case LAVD_PM_POWERSAVE: return "powersave";
    default: return "balanced";
    }
}

scxx::Result<Settings> settings_from_config(const nlohmann::json& c) {
    Settings s;
    std::vector<std::string> modes;
    for (const char* m : {"autopilot", "performance", "balanced", "powersave"})
        if (c.at(m).get<bool>()) modes.emplace_back(m);
    if (modes.size() > 1)
        return scxx::fail(EINVAL, fmt::format("lavd: --{} and --{} are mutually exclusive (choose one power mode, or "
                                              "none for autopilot)",
                                              modes[0], modes[1]));
    s.autopilot = modes.empty() || modes[0] == "autopilot";
    if (!s.autopilot)
        s.mode = modes[0] == "performance" ? LAVD_PM_PERFORMANCE
                 : modes[0] == "powersave" ? LAVD_PM_POWERSAVE
                                           : LAVD_PM_BALANCED;
    s.core_compaction = !c.at("no-core-compaction").get<bool>();
    s.slice_max_us = c.at("slice-max-us").get<uint64_t>();
    s.slice_min_us = c.at("slice-min-us").get<uint64_t>();
    s.pinned_slice_us = c.at("pinned-slice-us").get<uint64_t>();
    if (s.slice_min_us > s.slice_max_us)
        return scxx::fail(EINVAL, fmt::format("lavd: --slice-min-us {} is above --slice-max-us {} (make the minimum "
                                              "at most the maximum)",
                                              s.slice_min_us, s.slice_max_us));
    s.preempt_shift = c.at("preempt-shift").get<unsigned>();
    s.lat_load_target_pct = c.at("lat-load-target-pct").get<unsigned>();
    s.lb_low_util_pct = c.at("lb-low-util-pct").get<unsigned>();
    s.lb_local_dsq_util_pct = c.at("lb-local-dsq-util-pct").get<unsigned>();
    s.preemption = !c.at("no-preemption").get<bool>();
    s.wake_sync = !c.at("no-wake-sync").get<bool>();
    s.slice_boost = !c.at("no-slice-boost").get<bool>();
    s.freq_scaling = !c.at("no-freq-scaling").get<bool>();
    s.futex_boost = !c.at("no-futex-boost").get<bool>();
    s.per_cpu_dsq = c.at("per-cpu-dsq").get<bool>();
    s.cpu_pref_order = c.at("cpu-pref-order").get<std::string>();
    s.user_order = s.cpu_pref_order != "auto";
    if (s.user_order && !s.core_compaction)
        return scxx::fail(EINVAL, "lavd: --cpu-pref-order has no effect with --no-core-compaction (the order only "
                                  "drives core compaction; drop one of them)");
    s.monitor_s = c.at("monitor").get<unsigned>();
    return s;
}

}  // namespace lavd
