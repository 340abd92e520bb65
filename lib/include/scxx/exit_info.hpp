// scxx/exit_info.hpp: decoding of the exit record (bpf-common/scxx/exit_info.h) into a report, and
// the restart decision (SCX_ECODE_ACT_RESTART, e.g. after CPU hotplug) with a bounded retry count.
#pragma once

#include <cstdint>
#include <string>

extern "C" {
#include "scxx/exit_info.h"
}

namespace scxx {

struct ExitInfo {
    int kind = 0;              // enum scx_exit_kind (0 none, 1 done, 64 unreg, 65 unreg_bpf, 66 unreg_kern,
                               // 67 sysrq, 1024 error, 1025 error_bpf, 1026 error_stall)
    int64_t exit_code = 0;
    std::string reason;
    std::string message;
    std::string dump;          // the kernel's debug dump of an error exit (CPUs, tasks, ops.dump)

    bool exited() const { return kind != 0; }
    bool is_error() const { return kind >= 1024; }
    // "unregistered from user space", "runtime error (scx_bpf_error)", "watchdog stall", ...
    std::string kind_name() const;
    bool wants_restart() const;  // exit_code carries SCXX_ECODE_ACT_RESTART
    // Multi-line human report: "exit: <kind_name> (kind N, code 0x..)\nreason: ...\nmessage: ..." and,
    // when there is one, "dump:" followed by the dump's lines
    std::string report() const;
};

ExitInfo decode_exit_info(const scxx_exit_info& raw);

// Bounded restart: allows up to max_restarts restarts (counted across a run).
class RestartPolicy {
public:
    explicit RestartPolicy(unsigned max_restarts = 3) : max_(max_restarts) {}
    // True when the exit asks for a restart and the budget allows one (consumes one).
    bool should_restart(const ExitInfo& info);
    unsigned restarts() const { return used_; }
    unsigned max_restarts() const { return max_; }
private:
    unsigned max_;
    unsigned used_ = 0;
};

}  // namespace scxx
