// objcheck.cpp: scx-objcheck loads BPF objects into the running kernel (verifier only: nothing is
// attached) and reports, per program, whether it verified and its verified_insns.
//   scx-objcheck OBJ [OBJ ...]      -> "loaded NAME: N programs, verified_insns PROG=N ..." or
//                                      "rejected NAME: <verifier reason>"; exit 1 if any rejected
// Used by the NR_CPUS guard (vm suite) and to report verifier cost. Needs root and a kernel whose
// BTF has the object's struct_ops type.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "scxx/log.hpp"
#include "scxx/skeleton.hpp"

namespace {

int check(const std::filesystem::path& path) {
    std::string name = path.filename().string();
    scxx::detail::LibbpfCapture capture;
    bpf_object* obj = bpf_object__open_file(path.c_str(), nullptr);
    if (!obj) {
        std::printf("rejected %s: cannot open (errno %d)\n", name.c_str(), errno);
        return 1;
    }
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
    int failed = 0;
    for (int i = 1; i < argc; i++) failed += check(argv[i]);
    return failed ? 1 : 0;
}
