// exit_info.cpp: exit kind names, decoding the BPF exit record, its report, and the bounded restart
// policy.
#include "scxx/exit_info.hpp"
#include "scxx/text.hpp"

#include <cstring>

#include <fmt/format.h>

namespace scxx {
namespace {

// The arrays are filled by BPF code and may lack a terminating NUL: never read past them.
template <size_t N>
std::string bounded_string(const char (&arr)[N]) {
    const void* nul = std::memchr(arr, '\0', N);
    size_t len = nul ? static_cast<size_t>(static_cast<const char*>(nul) - arr) : N;
    return std::string(arr, len);
}

}  // namespace

std::string exit_kind_name(ExitKind k) {
    switch (k) {
    case ExitKind::none: return "none";
    case ExitKind::done: return "done";
    case ExitKind::unreg: return "unregistered from user space";
    case ExitKind::unreg_bpf: return "unregistered by the BPF scheduler (scx_bpf_exit)";
    case ExitKind::unreg_kern: return "unregistered by the kernel";
    case ExitKind::sysrq: return "disabled by sysrq-S";
    case ExitKind::parent: return "its parent scheduler exited";
    case ExitKind::parent_kill: return "killed by its parent scheduler";
    case ExitKind::error: return "runtime error";
    case ExitKind::error_bpf: return "runtime error (scx_bpf_error)";
    case ExitKind::error_stall: return "watchdog stall (runnable task not scheduled in time)";
    case ExitKind::error_reenq: return "re-enqueue limit (a task was re-enqueued too often without running)";
    case ExitKind::error_rescue: return "ejected for overloading rescue execution";
    }
    return fmt::format("unknown exit kind {}", raw_kind(k));
}

bool ExitInfo::wants_restart() const { return (static_cast<uint64_t>(exit_code) & SCXX_ECODE_ACT_RESTART) != 0; }
bool ExitInfo::from_hotplug() const { return (static_cast<uint64_t>(exit_code) & SCXX_ECODE_RSN_HOTPLUG) != 0; }

std::string ExitInfo::report() const {
    std::string out = fmt::format("exit: {} (kind {}, code {:#x})", kind_name(), raw_kind(kind), static_cast<uint64_t>(exit_code));
    const std::string_view r = text::trim(reason);
    const std::string_view m = text::trim(message);
    if (!r.empty()) out += fmt::format("\nreason: {}", r);
    if (!m.empty()) out += fmt::format("\nmessage: {}", m);
    if (const std::string_view d = text::trim(dump); !d.empty()) out += fmt::format("\ndump:\n{}", d);
    return out;
}

ExitInfo decode_exit_info(const scxx_exit_info& raw) {
    ExitInfo info;
    info.kind = static_cast<ExitKind>(raw.kind);
    info.exit_code = raw.exit_code;
    info.reason = bounded_string(raw.reason);
    info.message = bounded_string(raw.msg);
    info.dump = bounded_string(raw.dump);
    return info;
}

bool RestartPolicy::should_restart(const ExitInfo& info, bool machine_changed) {
    if (!info.wants_restart()) return false;
    if (info.from_hotplug() && machine_changed) {
        ++hotplug_;
        return true;
    }
    if (used_ >= max_) return false;
    ++used_;
    return true;
}

}  // namespace scxx
