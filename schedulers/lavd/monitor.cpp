// schedulers/lavd/monitor.cpp: formats --monitor samples (see monitor.hpp).
#include "monitor.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

namespace lavd {

std::string format_sample(const lavd_sample& s) {
    std::string comm(s.comm, strnlen(s.comm, sizeof(s.comm)));
    std::replace_if(comm.begin(), comm.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n'; }, '_');
    return fmt::format("lavd-task pid={} comm={} lat_cri={} perf_cri={} wait_freq={} wake_freq={} run_freq={} "
                       "avg_runtime_us={} deadline_us={} slice_us={} cpu={}",
                       s.pid, comm.empty() ? std::string_view("-") : std::string_view(comm), s.lat_cri, s.perf_cri, s.wait_freq, s.wake_freq, s.run_freq,
                       s.avg_runtime_ns / 1000, s.deadline_ns / 1000, s.slice_ns / 1000, s.cpu);
}

}  // namespace lavd
