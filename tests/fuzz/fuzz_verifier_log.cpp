// fuzz_verifier_log.cpp: libFuzzer target for the verifier-log parsing of skeleton.cpp:
// detail::verifier_reason (the complaint after the last instruction line) and detail::load_error
// (the rejected program's name, else libbpf's last line). The input is a captured libbpf log.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "scxx/skeleton.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string log(reinterpret_cast<const char*>(data), size);
    std::string reason = scxx::detail::verifier_reason(log);
    if (reason.find('\n') != std::string::npos) std::abort();
    // The reason is a line of the (last) program-load log, never text from before it.
    auto begin = log.rfind("-- BEGIN PROG LOAD LOG --");
    if (!reason.empty() && (begin == std::string::npos || log.find(reason, begin) == std::string::npos)) std::abort();
    scxx::Error err = scxx::detail::load_error("load fuzz", 22, log, {});
    if (err.message().empty()) std::abort();
    return 0;
}
