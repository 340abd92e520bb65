// scxx/probes.hpp: checks run before a scheduler is loaded, each returning a plain-language error
// that says what is missing and what to do. Every sysfs read goes through an injectable root
// (default "/") so tests run them against fixture trees.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "scxx/result.hpp"

namespace scxx {

// <root>/sys/kernel/sched_ext exists (CONFIG_SCHED_CLASS_EXT).
Result<void> probe_sched_ext(const std::filesystem::path& root = "/");
// Root, or CapEff holding both CAP_SYS_ADMIN and CAP_BPF.
Result<void> probe_privileges();
// The decision behind probe_privileges, on given inputs (euid, text of /proc/self/status).
Result<void> check_privileges(unsigned euid, std::string_view proc_self_status);
// <root>/sys/kernel/btf/vmlinux exists (CONFIG_DEBUG_INFO_BTF).
Result<void> probe_btf(const std::filesystem::path& root = "/");
// /sys/kernel/sched_ext/state is "disabled"; otherwise an error naming the attached scheduler:
// "another sched_ext scheduler is already attached: simple (state enabled); stop it first".
Result<void> probe_no_scheduler_attached(const std::filesystem::path& root = "/");

// Contents of <root>/sys/kernel/sched_ext/state ("disabled", "enabled", ...), whitespace trimmed.
Result<std::string> read_sched_ext_state(const std::filesystem::path& root = "/");
// <root>/sys/kernel/sched_ext/hotplug_seq: read before the topology, handed to ops.hotplug_seq, so
// a CPU hotplug between the topology read and attach makes the kernel refuse the scheduler (with a
// restart request) instead of running it on a stale topology.
Result<uint64_t> read_hotplug_seq(const std::filesystem::path& root = "/");
// Contents of <root>/sys/kernel/sched_ext/root/ops (the attached scheduler's name), trimmed.
Result<std::string> read_root_ops(const std::filesystem::path& root = "/");

}  // namespace scxx
