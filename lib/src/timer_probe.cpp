// timer_probe.cpp: probe_bpf_timers(): an array map whose value is `struct { struct bpf_timer t; }`
// (its BTF built here), and a socket-filter program that looks the value up and calls
// bpf_timer_init() on it. The verifier accepts it unless the kernel refuses timers altogether.
#include "scxx/timer_probe.hpp"
#include "scxx/text.hpp"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <memory>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace scxx {
namespace {

struct FdCloser {
    int fd = -1;
    ~FdCloser() {
        if (fd >= 0) close(fd);
    }
};

bpf_insn insn(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm) {
    bpf_insn i{};
    i.code = code;
    i.dst_reg = dst;
    i.src_reg = src;
    i.off = off;
    i.imm = imm;
    return i;
}

}  // namespace

Result<bool> probe_bpf_timers() {
    std::unique_ptr<btf, decltype(&btf__free)> types(btf__new_empty(), btf__free);
    if (!types) return fail(errno, "timer probe: cannot create BTF");
    const int u32_id = btf__add_int(types.get(), "unsigned int", 4, 0);
    const int u64_id = btf__add_int(types.get(), "unsigned long long", 8, 0);
    const int timer_id = btf__add_struct(types.get(), "bpf_timer", 16);
    if (u32_id < 0 || u64_id < 0 || timer_id < 0 || btf__add_field(types.get(), "a", u64_id, 0, 0) ||
        btf__add_field(types.get(), "b", u64_id, 64, 0))
        return fail(errno, "timer probe: cannot build BTF");
    const int value_id = btf__add_struct(types.get(), "scxx_timer_probe", 16);
    if (value_id < 0 || btf__add_field(types.get(), "t", timer_id, 0, 0))
        return fail(errno, "timer probe: cannot build BTF");
    if (btf__load_into_kernel(types.get())) {
        const int err = errno;
        if (err == EPERM || err == EACCES)
            return fail(err, "timer probe: not allowed to load BPF: run as root (CAP_BPF and CAP_SYS_ADMIN)");
        return fail(err, "timer probe: the kernel refused a tiny BTF: it needs CONFIG_DEBUG_INFO_BTF and BPF");
    }

    LIBBPF_OPTS(bpf_map_create_opts, map_opts);
    map_opts.btf_fd = static_cast<__u32>(btf__fd(types.get()));
    map_opts.btf_key_type_id = static_cast<__u32>(u32_id);
    map_opts.btf_value_type_id = static_cast<__u32>(value_id);
    FdCloser map{bpf_map_create(BPF_MAP_TYPE_ARRAY, "scxx_tprobe", 4, 16, 1, &map_opts)};
    if (map.fd < 0) return fail(errno, "timer probe: cannot create a map with a bpf_timer");

    // r0 = lookup(map, &0); if (!r0) goto out; bpf_timer_init(r0, map, CLOCK_MONOTONIC); out: return 0
    const std::array<bpf_insn, 13> prog = {
        insn(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0),
        insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
        insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4),
        insn(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, map.fd),
        insn(0, 0, 0, 0, 0),
        insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
        insn(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 5, 0),
        insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_0, 0, 0),
        insn(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_2, BPF_PSEUDO_MAP_FD, 0, map.fd),
        insn(0, 0, 0, 0, 0),
        insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_3, 0, 0, 1 /* CLOCK_MONOTONIC */),
        insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_timer_init),
        insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0),
    };
    std::array<bpf_insn, prog.size() + 1> code{};
    std::copy(prog.begin(), prog.end(), code.begin());
    code.back() = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);

    std::string log(65536, '\0');
    LIBBPF_OPTS(bpf_prog_load_opts, prog_opts);
    prog_opts.log_level = 1;
    prog_opts.log_size = static_cast<__u32>(log.size());
    prog_opts.log_buf = log.data();
    FdCloser loaded{bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "scxx_tprobe", "GPL", code.data(), code.size(),
                                  &prog_opts)};
    if (loaded.fd >= 0) return true;
    const int err = errno;
    if (err == EOPNOTSUPP) return false;
    if (err == EPERM || err == EACCES)
        return fail(err, "timer probe: not allowed to load BPF: run as root (CAP_BPF and CAP_SYS_ADMIN)");
    // the verifier's complaint is the last non-empty line of its log
    log.resize(log.find('\0') == std::string::npos ? log.size() : log.find('\0'));
    const std::string_view body = text::trim(log);
    const auto nl = body.rfind('\n');
    return fail(err, fmt::format("timer probe: unexpected verifier verdict: {} (report it with the kernel version)",
                                 nl == std::string_view::npos ? body : body.substr(nl + 1)));
}

}  // namespace scxx
