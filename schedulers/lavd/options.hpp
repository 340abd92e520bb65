// schedulers/lavd/options.hpp: lavd's settings and their option declarations (name, type, range,
// help, the rodata variable each direct one feeds), and the checks between options that one
// option's range cannot express (mutually exclusive power modes, slice-min above slice-max, an
// order with nothing to order). Pure: unit-testable.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "scxx/options.hpp"
#include "scxx/result.hpp"

extern "C" {
#include <linux/types.h>
#include "intf.h"
}

namespace lavd {

using namespace std::chrono_literals;

// One field per declared option; the initialisers are the defaults.
// --power-mode: a fixed mode, or autopilot (BPF's power_request).
enum class PowerMode : uint32_t {
    performance = LAVD_PM_PERFORMANCE,
    balanced = LAVD_PM_BALANCED,
    powersave = LAVD_PM_POWERSAVE,
    autopilot = LAVD_PM_AUTOPILOT,
};

struct Settings {
    PowerMode power_mode = PowerMode::autopilot;
    bool no_core_compaction = false;
    scxx::Duration slice_max = 5000us, slice_min = 4000us, pinned_slice = 5000us;  // slice_min: README, departures
    unsigned preempt_shift = 0;  // upstream: 6 (README, departures)
    unsigned lat_load_target_pct = 50, lb_low_util_pct = 25, lb_local_dsq_util_pct = 10;
    bool no_preemption = false, no_wake_sync = false, no_slice_boost = false, no_freq_scaling = false;
    bool no_futex_boost = false;
    bool per_cpu_dsq = false;
    std::string cpu_pref_order = "auto";  // parsed against the topology at attach
    unsigned monitor_s = 0;               // 0 = no --monitor
};

scxx::OptionList<Settings> option_list();

// The cross-option checks. Errors are one line naming the options and the fix, e.g. "lavd:
// --slice-min-us 6000 is above --slice-max-us 5000 (make the minimum at most the maximum)".
scxx::Result<void> check_settings(const Settings& s);

// What --power-mode asks for: autopilot, or one fixed mode.
struct PowerChoice {
    bool autopilot = true;
    lavd_power_mode mode = LAVD_PM_BALANCED;  // the fixed mode when !autopilot
};
PowerChoice power_choice(const Settings& s);
// --cpu-pref-order is a list, not "auto".
inline bool user_order(const Settings& s) { return s.cpu_pref_order != "auto"; }

const char* mode_name(lavd_power_mode mode);

}  // namespace lavd
