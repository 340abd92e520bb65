// schedulers/lavd/options.cpp: lavd's option declarations and cross-option checks (see options.hpp).
#include "options.hpp"

#include <string>
#include <vector>

#include <fmt/format.h>

namespace lavd {

scxx::OptionList<Settings> option_list() {
    scxx::OptionList<Settings> o;
    o.choice("power-mode", &Settings::power_mode,
             {{"autopilot", PowerMode::autopilot},
              {"performance", PowerMode::performance},
              {"balanced", PowerMode::balanced},
              {"powersave", PowerMode::powersave}},
             "autopilot picks the mode from utilisation every round; performance keeps every CPU active with full "
             "frequency targets; balanced compacts cores at --lat-load-target-pct; powersave packs load on few CPUs "
             "(little ones first)")
        .global("power_request")
        .live();
    o.flag("no-core-compaction", &Settings::no_core_compaction, "keep every CPU active in every power mode")
        .rodata("no_core_compaction");
    o.duration("slice-max-us", &Settings::slice_max, "us", 1us, 1s, "longest regular time slice")
        .global("slice_max_ns")
        .live();
    o.duration("slice-min-us", &Settings::slice_min, "us", 1us, 1s, "shortest time slice").global("slice_min_ns").live();
    o.duration("pinned-slice-us", &Settings::pinned_slice, "us", 0us, 1s,
               "slice cap for tasks sharing a CPU with waiting pinned tasks (0 = off)")
        .rodata("pinned_slice_ns");
    o.integer("preempt-shift", &Settings::preempt_shift, 0, 10,
              "preemption threshold: tasks at or above max - ((max - avg) >> N) latency criticality preempt "
              "(0: the average; upstream's default is 6)")
        .rodata("preempt_shift");
    o.integer("lat-load-target-pct", &Settings::lat_load_target_pct, 1, 100,
              "core compaction keeps active CPUs loaded up to this percentage");
    o.integer("lb-low-util-pct", &Settings::lb_low_util_pct, 0, 100,
              "no cross-node migration plan below this system utilisation (percent)");
    o.integer("lb-local-dsq-util-pct", &Settings::lb_local_dsq_util_pct, 0, 100,
              "below this system utilisation (percent) tasks go straight to an idle CPU");
    o.flag("no-preemption", &Settings::no_preemption, "never preempt a running task for a latency-critical one")
        .rodata("no_preemption");
    o.flag("no-wake-sync", &Settings::no_wake_sync, "treat synchronous wake-ups as any other: no waker's-CPU hint, and they may preempt")
        .rodata("no_wake_sync");
    o.flag("no-slice-boost", &Settings::no_slice_boost, "never extend a slice beyond the regular one")
        .rodata("no_slice_boost");
    o.flag("no-freq-scaling", &Settings::no_freq_scaling, "set no CPU frequency targets");
    o.flag("no-futex-boost", &Settings::no_futex_boost, "do not trace futexes for the lock-holder boost");
    o.flag("per-cpu-dsq", &Settings::per_cpu_dsq,
           "one deadline queue per CPU instead of one per compute domain: a CPU takes another's head only when "
           "its own queue is empty or that head is due more than --slice-min-us before its own or is far more "
           "critical (fewer migrations, less BPF time; see the README for its latency)")
        .rodata("per_cpu_dsq");
    o.cpulist("cpu-pref-order", &Settings::cpu_pref_order, {"auto"},
              "CPU preference order for core compaction, e.g. 0-3,7-4 (auto = from the topology)");
    o.integer("monitor", &Settings::monitor_s, 0, 3600,
              "every N seconds print the latest task of every CPU (lavd-task lines; 0 = off)");
    return o;
}

const char* mode_name(lavd_power_mode mode) {
    switch (mode) {
    case LAVD_PM_PERFORMANCE: return "performance";
    case LAVD_PM_POWERSAVE: return "powersave";
    default: return "balanced";
    }
}

PowerChoice power_choice(const Settings& s) {
    PowerChoice c;
    c.autopilot = s.power_mode == PowerMode::autopilot;
    if (!c.autopilot) c.mode = static_cast<lavd_power_mode>(s.power_mode);
    return c;
}

scxx::Result<void> check_settings(const Settings& s) {
    if (s.slice_min > s.slice_max)
        return scxx::fail(fmt::format("lavd: --slice-min-us {} is above --slice-max-us {} (make the minimum "
                                              "at most the maximum)",
                                              s.slice_min.count() / 1000, s.slice_max.count() / 1000));
    if (user_order(s) && s.no_core_compaction)
        return scxx::fail("lavd: --cpu-pref-order has no effect with --no-core-compaction (the order only "
                                  "drives core compaction; drop one of them)");
    return {};
}

}  // namespace lavd
