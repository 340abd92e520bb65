// probes.cpp: pre-load checks (sched_ext present, privileges, kernel BTF, no other scheduler).
#include "scxx/probes.hpp"
#include "scxx/text.hpp"

#include <charconv>

#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

namespace scxx {
namespace fs = std::filesystem;

namespace {

constexpr int kCapSysAdmin = 21;
constexpr int kCapBpf = 39;

fs::path under(const fs::path& root, const char* rel) { return root / rel; }

Result<std::string> read_trimmed(const fs::path& file) {
    std::ifstream in(file);
    if (!in) return fail(errno, fmt::format("cannot read {}", file.string()));
    std::ostringstream buf;
    buf << in.rdbuf();
    const std::string all = buf.str();
    return std::string(text::trim(all));
}

bool path_exists(const fs::path& p) {
    std::error_code ec;
    return fs::exists(p, ec);
}

std::string kernel_release() {
    struct utsname u {};
    if (uname(&u) != 0) return "unknown release";
    return u.release;
}

}  // namespace

Result<void> probe_sched_ext(const fs::path& root) {
    if (path_exists(under(root, "sys/kernel/sched_ext"))) return {};
    return fail(fmt::format("this kernel ({}) has no sched_ext (CONFIG_SCHED_CLASS_EXT); run under the VM with "
                            "tools/demo, or boot a kernel with sched_ext",
                            kernel_release()));
}

Result<void> check_privileges(unsigned euid, std::string_view status) {
    if (euid == 0) return {};
    const std::string_view key = "CapEff:";
    uint64_t caps = 0;
    for (size_t pos = 0; pos < status.size();) {
        size_t eol = status.find('\n', pos);
        std::string_view line = status.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
        if (line.substr(0, key.size()) == key) {
            std::string hex(text::trim(line.substr(key.size())));
            try {
                caps = std::stoull(hex, nullptr, 16);
            } catch (const std::exception&) {
                caps = 0;
            }
            break;
        }
        if (eol == std::string_view::npos) break;
        pos = eol + 1;
    }
    const uint64_t need = (1ULL << kCapSysAdmin) | (1ULL << kCapBpf);
    if ((caps & need) == need) return {};
    return fail("scx-run needs root (CAP_BPF and CAP_SYS_ADMIN) to load a scheduler; re-run with sudo");
}

Result<void> probe_privileges() {
    std::string status;
    if (geteuid() != 0) {
        std::ifstream in("/proc/self/status");
        std::ostringstream buf;
        buf << in.rdbuf();
        status = buf.str();
    }
    return check_privileges(geteuid(), status);
}

Result<void> probe_btf(const fs::path& root) {
    if (path_exists(under(root, "sys/kernel/btf/vmlinux"))) return {};
    return fail("kernel BTF missing (/sys/kernel/btf/vmlinux); scx-run needs CONFIG_DEBUG_INFO_BTF=y");
}

Result<std::string> read_sched_ext_state(const fs::path& root) {
    auto state = read_trimmed(under(root, "sys/kernel/sched_ext/state"));
    if (!state) return fail(std::move(state.error()).context("read sched_ext state"));
    return state;
}

Result<std::string> read_root_ops(const fs::path& root) {
    auto ops = read_trimmed(under(root, "sys/kernel/sched_ext/root/ops"));
    if (!ops) return fail(std::move(ops.error()).context("read attached sched_ext scheduler"));
    return ops;
}

Result<uint64_t> read_hotplug_seq(const fs::path& root) {
    auto text = read_trimmed(under(root, "sys/kernel/sched_ext/hotplug_seq"));
    if (!text) return fail(std::move(text.error()).context("read sched_ext hotplug_seq"));
    uint64_t seq = 0;
    auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), seq);
    if (ec != std::errc() || ptr != text->data() + text->size() || text->empty())
        return fail(EINVAL, fmt::format("sched_ext hotplug_seq: \"{}\" is not a number", *text));
    return seq;
}

Result<void> probe_no_scheduler_attached(const fs::path& root) {
    auto state = read_sched_ext_state(root);
    if (!state) return fail(std::move(state.error()));
    if (*state == "disabled") return {};
    auto ops = read_root_ops(root);
    return fail(fmt::format("another sched_ext scheduler is already attached: {} (state {}); stop it first",
                            ops && !ops->empty() ? *ops : std::string("unknown"), *state));
}

}  // namespace scxx
