// test_skeleton.cpp: verifier-rejection errors name the program and the verifier's complaint, for the
// log styles of both VM kernels (7.2: plain; 7.3: with an explanation block), and keep the full log.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "scxx/skeleton.hpp"

namespace {

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

TEST(VerifierReason, FirstComplaintAfterLastInstruction72) {
    EXPECT_EQ(scxx::detail::verifier_reason(kLog72), "invalid access to map value, value_size=288 off=216 size=1024");
}

TEST(VerifierReason, FirstComplaintAfterLastInstruction73) {
    EXPECT_EQ(scxx::detail::verifier_reason(kLog73), "invalid access to map value, value_size=288 off=216 size=1024");
}

TEST(VerifierReason, NoLogNoReason) { EXPECT_EQ(scxx::detail::verifier_reason("libbpf: nothing\n"), ""); }

TEST(LoadError, NamesProgramReasonAndLogFile) {
    auto path = std::filesystem::temp_directory_path() / "scxx-test-verifier.log";
    std::filesystem::remove(path);
    auto e = scxx::detail::load_error("load simple", -13, kLog73, path);
    EXPECT_EQ(e.errnum(), 13);
    std::string what = e.what();
    EXPECT_NE(what.find("load simple: verifier rejected simple_enqueue: invalid access to map value"), std::string::npos)
        << what;
    EXPECT_NE(what.find("full log: " + path.string()), std::string::npos) << what;
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str(), kLog73);
    std::filesystem::remove(path);
}

TEST(LoadError, NonVerifierFailureUsesLibbpfsLastLine) {
    auto e = scxx::detail::load_error("load x", -2, "libbpf: a\nlibbpf: failed to find kernel BTF type ID of 'foo'\n", {});
    EXPECT_NE(e.what().find("load x: libbpf: failed to find kernel BTF type ID of 'foo'"), std::string::npos) << e.what();
}

}  // namespace
