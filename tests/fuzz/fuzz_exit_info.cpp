// fuzz_exit_info.cpp: libFuzzer target for decode_exit_info. The input is the raw exit record
// (struct scxx_exit_info, bpf-common/scxx/exit_info.h) as BPF would leave it: any bytes, strings not
// necessarily NUL-terminated; a short input leaves the rest zero.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "scxx/exit_info.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto raw = std::make_unique<scxx_exit_info>();
    std::memset(raw.get(), 0, sizeof *raw);
    std::memcpy(raw.get(), data, size < sizeof *raw ? size : sizeof *raw);
    scxx::ExitInfo info = scxx::decode_exit_info(*raw);
    if (info.reason.size() > sizeof raw->reason || info.message.size() > sizeof raw->msg ||
        info.dump.size() > sizeof raw->dump)
        std::abort();
    if (info.exited() != (raw->kind != 0)) std::abort();
    std::string report = info.report();
    (void)info.kind_name();
    (void)info.wants_restart();
    scxx::RestartPolicy policy(2);
    for (int i = 0; i < 4; ++i) (void)policy.should_restart(info);
    if (policy.restarts() > 2) std::abort();
    return 0;
}
