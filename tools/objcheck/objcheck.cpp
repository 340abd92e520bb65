// objcheck.cpp: scx-objcheck loads BPF objects into the running kernel (verifier only: nothing is
// attached) and reports, per program, whether it verified and its verified_insns.
//   scx-objcheck OBJ [OBJ ...]      -> "loaded NAME: verified_insns PROG=N ... (total T)" or
//                                      "rejected NAME: <verifier reason>"; exit 1 if any rejected
// Used by the NR_CPUS guard (vm suite) and to report verifier cost. Needs root and a kernel whose
// BTF has the object's struct_ops type. On a kernel that refuses bpf_timer (PREEMPT_RT), an
// object's rodata flag `scxx_bpf_timers` (the convention for schedulers with a timer-free path) is
// cleared before load, as the scheduler's own user space would.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <bpf/libbpf.h>

#include "scxx/bpf_object.hpp"
#include "scxx/log.hpp"
#include "scxx/skeleton.hpp"
#include "scxx/timer_probe.hpp"

namespace {

int check(const std::filesystem::path& path, bool timers) {
    std::string name = path.filename().string();
    scxx::detail::LibbpfCapture capture;
    bpf_object* obj = bpf_object__open_file(path.c_str(), nullptr);
    if (!obj) {
        std::printf("rejected %s: cannot open (errno %d)\n", name.c_str(), errno);
        return 1;
    }
    if (!timers && scxx::set_rodata(obj, "scxx_bpf_timers", 0))
        std::printf("%s: this kernel refuses bpf_timer: loading with scxx_bpf_timers = false\n", name.c_str());
    int err = bpf_object__load(obj);
    if (err) {
        auto e = scxx::detail::load_error("load " + name, err, capture.text(), {});
        std::printf("rejected %s: %s\n", name.c_str(), e.what().c_str());
        bpf_object__close(obj);
        return 1;
    }
    std::printf("loaded %s: verified_insns %s\n", name.c_str(),
                scxx::format_verified_insns(scxx::verified_insns(obj)).c_str());
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
