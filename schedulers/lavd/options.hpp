// schedulers/lavd/options.hpp: lavd's command-line/JSON options (the OptionSpec list with ranges)
// and the checks between options that one option's range cannot express (mutually exclusive power
// modes, slice-min above slice-max, an order with nothing to order). Pure: unit-testable.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scxx/config.hpp"
#include "scxx/result.hpp"

extern "C" {
#include <linux/types.h>
#include "intf.h"
}

namespace lavd {

struct Settings {
    bool autopilot = true;                   // no mode given, or --autopilot
    lavd_power_mode mode = LAVD_PM_BALANCED; // the fixed mode when !autopilot
    bool core_compaction = true;
    uint64_t slice_max_us = 5000, slice_min_us = 500, pinned_slice_us = 5000;
    unsigned preempt_shift = 6;
    unsigned lat_load_target_pct = 50, lb_low_util_pct = 25, lb_local_dsq_util_pct = 10;
    bool preemption = true, wake_sync = true, slice_boost = true, freq_scaling = true, futex_boost = true;
    bool per_cpu_dsq = false;
    bool user_order = false;                 // --cpu-pref-order given (not "auto")
    std::string cpu_pref_order;              // its text (parsed against the topology at attach)
    unsigned monitor_s = 0;                  // 0 = no --monitor
};

std::vector<scxx::OptionSpec> option_specs();

// Settings from a validated config (ranges already checked by the option layer). Errors are one
// line naming the options and the fix, e.g. "lavd: --performance and --powersave are mutually
// exclusive (choose one power mode, or none for autopilot)".
scxx::Result<Settings> settings_from_config(const nlohmann::json& config);

const char* mode_name(lavd_power_mode mode);

}  // namespace lavd
