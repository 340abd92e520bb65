// objcheck.cpp: scx-objcheck loads BPF objects into the running kernel (verifier only: nothing is
// attached) and reports, per program, whether it verified and its verified_insns.
//   scx-objcheck OBJ [OBJ ...]      -> "loaded NAME: N programs, verified_insns PROG=N ..." or
//                                      "rejected NAME: <verifier reason>"; exit 1 if any rejected
// Used by the NR_CPUS guard (vm suite) and to report verifier cost. Needs root and a kernel whose
// BTF has the object's struct_ops type. On a kernel that refuses bpf_timer (PREEMPT_RT), an
// object's rodata flag `scxx_bpf_timers` (the convention for schedulers with a timer-free path) is
// cleared before load, as the scheduler's own user space would.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <filesystem>
#include <string>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "scxx/log.hpp"
#include "scxx/skeleton.hpp"
#include "scxx/timer_probe.hpp"

namespace {

// Sets the bool `name` in the object's .rodata to false; false when the object has no such variable.
bool clear_rodata_flag(bpf_object* obj, const char* name) {
    bpf_map* rodata = nullptr;
    bpf_map* m;
    bpf_object__for_each_map(m, obj) {
        const char* n = bpf_map__name(m);
        std::string_view sv(n ? n : "");
        if (sv.size() >= 7 && sv.substr(sv.size() - 7) == ".rodata") rodata = m;
    }
    const btf* types = bpf_object__btf(obj);
    if (!rodata || !types) return false;
    int sec_id = btf__find_by_name_kind(types, ".rodata", BTF_KIND_DATASEC);
    if (sec_id < 0) return false;
    const btf_type* sec = btf__type_by_id(types, sec_id);
    const btf_var_secinfo* vs = btf_var_secinfos(sec);
    size_t size = 0;
    auto* data = static_cast<char*>(bpf_map__initial_value(rodata, &size));
    for (unsigned i = 0; data && i < btf_vlen(sec); i++, vs++) {
        const btf_type* var = btf__type_by_id(types, vs->type);
        if (std::string_view(btf__name_by_offset(types, var->name_off)) != name) continue;
        if (vs->offset + vs->size > size) return false;
        std::memset(data + vs->offset, 0, vs->size);
        return true;
    }
    return false;
}

int check(const std::filesystem::path& path, bool timers) {
    std::string name = path.filename().string();
    scxx::detail::LibbpfCapture capture;
    bpf_object* obj = bpf_object__open_file(path.c_str(), nullptr);
    if (!obj) {
        std::printf("rejected %s: cannot open (errno %d)\n", name.c_str(), errno);
        return 1;
    }
    if (!timers && clear_rodata_flag(obj, "scxx_bpf_timers"))
        std::printf("%s: this kernel refuses bpf_timer: loading with scxx_bpf_timers = false\n", name.c_str());
    int err = bpf_object__load(obj);
    if (err) {
        auto e = scxx::detail::load_error("load " + name, err, capture.text(), {});
        std::printf("rejected %s: %s\n", name.c_str(), e.what().c_str());
        bpf_object__close(obj);
        return 1;
    }
    std::string line = "loaded " + name + ":";
    bpf_program* prog;
    unsigned total = 0;
    bpf_object__for_each_program(prog, obj) {
        bpf_prog_info info{};
        __u32 len = sizeof(info);
        int fd = bpf_program__fd(prog);
        if (fd >= 0 && bpf_prog_get_info_by_fd(fd, &info, &len) == 0) {
            line += " " + std::string(bpf_program__name(prog)) + "=" + std::to_string(info.verified_insns);
            total += info.verified_insns;
        }
    }
    std::printf("%s (total verified_insns %u)\n", line.c_str(), total);
    bpf_object__close(obj);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: scx-objcheck OBJ [OBJ ...]\n");
        return 2;
    }
    scxx::set_log_level(scxx::LogLevel::warn);  // libbpf chatter only with SCXX_DEBUG=1
    if (std::getenv("SCXX_DEBUG")) scxx::set_log_level(scxx::LogLevel::debug);
    scxx::route_libbpf_logs();
    auto timers = scxx::probe_bpf_timers();
    if (!timers) {
        std::fprintf(stderr, "scx-objcheck: %s\n", timers.error().what().c_str());
        return 2;
    }
    int failed = 0;
    for (int i = 1; i < argc; i++) failed += check(argv[i], *timers);
    return failed ? 1 : 0;
}
