// exit_info.cpp: decoding the BPF exit record, its report, and the bounded restart policy.
#include "scxx/exit_info.hpp"

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

std::string trim_trailing(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
    return s;
}

}  // namespace

std::string ExitInfo::kind_name() const {
    switch (kind) {
    case 0: return "none";
    case 1: return "done";
    case 64: return "unregistered from user space";
    case 65: return "unregistered by the BPF scheduler (scx_bpf_exit)";
    case 66: return "unregistered by the kernel";
    case 67: return "disabled by sysrq-S";
    case 1024: return "runtime error";
    case 1025: return "runtime error (scx_bpf_error)";
    case 1026: return "watchdog stall (runnable task not scheduled in time)";
    default: return fmt::format("unknown exit kind {}", kind);
    }
}

bool ExitInfo::wants_restart() const { return (static_cast<uint64_t>(exit_code) & SCXX_ECODE_ACT_RESTART) != 0; }

std::string ExitInfo::report() const {
    std::string out = fmt::format("exit: {} (kind {}, code {:#x})", kind_name(), kind, static_cast<uint64_t>(exit_code));
    std::string r = trim_trailing(reason);
    std::string m = trim_trailing(message);
    if (!r.empty()) out += "\nreason: " + r;
    if (!m.empty()) out += "\nmessage: " + m;
    if (std::string d = trim_trailing(dump); !d.empty()) out += "\ndump:\n" + d;
    return out;
}

ExitInfo decode_exit_info(const scxx_exit_info& raw) {
    ExitInfo info;
    info.kind = raw.kind;
    info.exit_code = raw.exit_code;
    info.reason = bounded_string(raw.reason);
    info.message = bounded_string(raw.msg);
    info.dump = bounded_string(raw.dump);
    return info;
}

bool RestartPolicy::should_restart(const ExitInfo& info) {
    if (!info.wants_restart() || used_ >= max_) return false;
    ++used_;
    return true;
}

}  // namespace scxx
