// scxx/exit_info.hpp: the kernel's exit kinds (ExitKind), decoding of the exit record
// (bpf-common/scxx/exit_info.h) into a report, and
// the restart decision (SCX_ECODE_ACT_RESTART): unbounded after CPU hotplug, bounded for any other request.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>

extern "C" {
#include "scxx/exit_info.h"
}

namespace scxx {

// The kernel's enum scx_exit_kind (values as in its BTF, bpf-common/vmlinux). Its underlying type is
// the exit record's, so any number the kernel writes is held as is: a kind this build does not name
// (a newer kernel's) stays representable, and raw_kind() gives the number back.
enum class ExitKind : int {
    none = 0,            // still running (ops.exit has not run)
    done = 1,
    unreg = 64,          // unregistered from user space
    unreg_bpf = 65,      // scx_bpf_exit()
    unreg_kern = 66,     // the kernel unregistered it (e.g. CPU hotplug)
    sysrq = 67,          // sysrq-S
    parent = 68,         // its parent scheduler exited
    parent_kill = 69,    // killed by its parent scheduler
    error = 1024,        // every kind from here on is an error
    error_bpf = 1025,    // scx_bpf_error()
    error_stall = 1026,  // watchdog: a runnable task was not scheduled in time
    error_reenq = 1027,  // a task hit the re-enqueue limit without running
    error_rescue = 1028, // ejected for overloading rescue execution
};
static_assert(std::is_same_v<std::underlying_type_t<ExitKind>, decltype(scxx_exit_info::kind)>,
              "ExitKind must hold every value of the exit record's kind field");

// The number the kernel wrote ("kind N" in the report).
constexpr int raw_kind(ExitKind k) { return static_cast<int>(k); }
// "unregistered from user space", "runtime error (scx_bpf_error)", "unknown exit kind N", ...
std::string exit_kind_name(ExitKind k);

struct ExitInfo {
    ExitKind kind = ExitKind::none;
    int64_t exit_code = 0;
    std::string reason;
    std::string message;
    std::string dump;          // the kernel's debug dump of an error exit (CPUs, tasks, ops.dump)

    bool exited() const { return kind != ExitKind::none; }
    bool is_error() const { return kind >= ExitKind::error; }
    std::string kind_name() const { return exit_kind_name(kind); }
    bool wants_restart() const;  // exit_code carries SCXX_ECODE_ACT_RESTART
    bool from_hotplug() const;   // exit_code carries SCXX_ECODE_RSN_HOTPLUG (a CPU came or went)
    // Multi-line human report: "exit: <kind_name> (kind N, code 0x..)\nreason: ...\nmessage: ..." and,
    // when there is one, "dump:" followed by the dump's lines
    std::string report() const;
};

// The only place a raw kind number becomes an ExitKind.
ExitInfo decode_exit_info(const scxx_exit_info& raw);

// The restart decision. An exit that asks for a restart because a CPU came or went (RSN_HOTPLUG)
// while the machine did change (the caller compares hotplug_seq with the one the scheduler was
// attached with) is always restarted and uses no budget: hotplug is the machine changing, not the
// scheduler failing, and a storm of it must not end the run. Any other restart request, a hotplug
// reason without a hotplug included (a BPF program can set those bits itself), uses one of
// max_restarts (counted across a run).
class RestartPolicy {
public:
    explicit RestartPolicy(unsigned max_restarts = 3) : max_(max_restarts) {}
    // True when the exit asks for a restart and either comes from a real hotplug or the budget
    // allows one.
    bool should_restart(const ExitInfo& info, bool machine_changed = true);
    unsigned restarts() const { return used_; }           // budgeted restarts so far
    unsigned hotplug_restarts() const { return hotplug_; } // restarts after hotplug so far
    unsigned max_restarts() const { return max_; }
private:
    unsigned max_;
    unsigned used_ = 0;
    unsigned hotplug_ = 0;
};

}  // namespace scxx
