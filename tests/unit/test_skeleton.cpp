// test_skeleton.cpp: verifier-rejection errors name the program and the verifier's complaint, for the
// log styles of both VM kernels (7.2: plain; 7.3: with an explanation block), and keep the full log.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include "scxx/skeleton.hpp"
#include "temp_dir.hpp"

namespace {

using Catch::Matchers::ContainsSubstring;

const char* kLog72 =
    "libbpf: prog 'byvalue_init': BPF program load failed: -EACCES\n"
    "libbpf: prog 'byvalue_init': -- BEGIN PROG LOAD LOG --\n"
    "0: R1=ctx() R10=fp0\n"
    "2: (07) r2 += 216                     ; R2=map_value(map=byvalue.bss,ks=4,vs=288,imm=216)\n"
    "4: (85) call bpf_cpumask_test_cpu#68258\n"
    "invalid access to map value, value_size=288 off=216 size=1024\n"
    "R2 min value is outside of the allowed memory range\n"
    "processed 4 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n"
    "-- END PROG LOAD LOG --\n"
    "libbpf: prog 'byvalue_init': failed to load: -13\n";

const char* kLog73 =
    "libbpf: prog 'simple_enqueue': BPF program load failed: -EACCES\n"
    "libbpf: prog 'simple_enqueue': -- BEGIN PROG LOAD LOG --\n"
    "4: (85) call bpf_cpumask_test_cpu#69741\n"
    "invalid access to map value, value_size=288 off=216 size=1024\n"
    "R2 min value is outside of the allowed memory range\n"
    "\n"
    "Verification failed: Memory Safety: Access outside bounds\n"
    "\n"
    "Reason:\n"
    "  The verifier cannot prove offset + access_size <= object_size.\n"
    "  >>> 4 | (85) call bpf_cpumask_test_cpu#69741\n"
    "processed 4 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n"
    "-- END PROG LOAD LOG --\n";

TEST_CASE("VerifierReason: FirstComplaintAfterLastInstruction72", "[skeleton]") {
    CHECK(scxx::detail::verifier_reason(kLog72) == "invalid access to map value, value_size=288 off=216 size=1024");
}

TEST_CASE("VerifierReason: FirstComplaintAfterLastInstruction73", "[skeleton]") {
    CHECK(scxx::detail::verifier_reason(kLog73) == "invalid access to map value, value_size=288 off=216 size=1024");
}

TEST_CASE("VerifierReason: NoLogNoReason", "[skeleton]") {
    CHECK(scxx::detail::verifier_reason("libbpf: nothing\n") == "");
}

// Found by tests/fuzz: with nothing after the BEGIN marker's line, text from before it was taken.
TEST_CASE("VerifierReason: NothingBeforeTheLog", "[skeleton]") {
    CHECK(scxx::detail::verifier_reason("x\n-- BEGIN PROG LOAD LOG ---- END PROG LOAD LOG --") == "");
}

TEST_CASE("LoadError: NamesProgramReasonAndLogFile", "[skeleton]") {
    scxx_test::TempDir dir("scxx-skeleton");
    const auto path = dir.path() / "verifier.log";
    auto e = scxx::detail::load_error("load simple", -13, kLog73, path);
    CHECK(e.errnum() == 13);
    std::string what = e.what();
    CHECK_THAT(what, ContainsSubstring("load simple: verifier rejected simple_enqueue: invalid access to map value"));
    CHECK_THAT(what, ContainsSubstring("full log: " + path.string()));
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    CHECK(ss.str() == kLog73);
}

TEST_CASE("LoadError: NonVerifierFailureUsesLibbpfsLastLine", "[skeleton]") {
    auto e = scxx::detail::load_error("load x", -2, "libbpf: a\nlibbpf: failed to find kernel BTF type ID of 'foo'\n", {});
    CHECK_THAT(e.what(), ContainsSubstring("load x: libbpf: failed to find kernel BTF type ID of 'foo'"));
}

}  // namespace
