// schedulers/lavd/monitor.hpp: the --monitor line for one sampled task (the interface the VM
// scenarios parse): "lavd-task pid=P comm=C lat_cri=N perf_cri=N wait_freq=N wake_freq=N
// run_freq=N avg_runtime_us=N deadline_us=N slice_us=N cpu=N". Spaces in comm become '_'.
#pragma once

#include <string>

extern "C" {
#include <linux/types.h>
#include "intf.h"
}

namespace lavd {

std::string format_sample(const lavd_sample& s);

}  // namespace lavd
