// test_probes.cpp: the pre-load probes (sched_ext present, no scheduler attached, kernel BTF,
// privileges) against fake sysfs roots and made-up /proc/self/status texts.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <unistd.h>

#include <string>

#include "fake_root.hpp"
#include "scxx/probes.hpp"

using Catch::Matchers::ContainsSubstring;
using scxx_test::FakeRoot;

TEST_CASE("Probes: SchedExtMissing", "[probes]") {
    FakeRoot r;
    auto res = scxx::probe_sched_ext(r.root);
    REQUIRE_FALSE(res);
    const std::string msg = res.error().what();
    CHECK_THAT(msg, ContainsSubstring("has no sched_ext (CONFIG_SCHED_CLASS_EXT)"));
    CHECK_THAT(msg, ContainsSubstring("this kernel ("));
    CHECK_THAT(msg, ContainsSubstring("tools/demo"));
    r.sched_ext("disabled");
    CHECK(scxx::probe_sched_ext(r.root));
}

TEST_CASE("Probes: AnotherSchedulerAttached", "[probes]") {
    FakeRoot r;
    r.sched_ext("enabled", "simple");
    auto res = scxx::probe_no_scheduler_attached(r.root);
    REQUIRE_FALSE(res);
    CHECK(res.error().what() ==
          "another sched_ext scheduler is already attached: simple (state enabled); stop it first");
    CHECK(*scxx::read_sched_ext_state(r.root) == "enabled");
    CHECK(*scxx::read_root_ops(r.root) == "simple");
}

TEST_CASE("Probes: StateWithoutOps", "[probes]") {
    FakeRoot r;
    r.sched_ext("enabling");
    auto res = scxx::probe_no_scheduler_attached(r.root);
    REQUIRE_FALSE(res);
    CHECK_THAT(res.error().what(), ContainsSubstring("already attached: unknown (state enabling)"));
}

TEST_CASE("Probes: NoSchedulerAttached", "[probes]") {
    FakeRoot r;
    r.sched_ext("disabled");
    CHECK(scxx::probe_no_scheduler_attached(r.root));
    FakeRoot empty;
    auto res = scxx::probe_no_scheduler_attached(empty.root);
    REQUIRE_FALSE(res);  // unreadable state is an error naming the file
    CHECK_THAT(res.error().what(), ContainsSubstring("sys/kernel/sched_ext/state"));
    CHECK_FALSE(scxx::read_root_ops(empty.root));
}

TEST_CASE("Probes: Btf", "[probes]") {
    FakeRoot r;
    auto res = scxx::probe_btf(r.root);
    REQUIRE_FALSE(res);
    CHECK(res.error().what() == "kernel BTF missing (/sys/kernel/btf/vmlinux); scx-run needs CONFIG_DEBUG_INFO_BTF=y");
    r.write("sys/kernel/btf/vmlinux", "BTF");
    CHECK(scxx::probe_btf(r.root));
}

TEST_CASE("Probes: Privileges", "[probes]") {
    CHECK(scxx::check_privileges(0, ""));
    // CAP_SYS_ADMIN (21) and CAP_BPF (39) both set.
    CHECK(scxx::check_privileges(1000, "Name:\tx\nCapEff:\t0000008000200000\nCapBnd:\t0\n"));
    CHECK(scxx::check_privileges(1000, "CapEff:\t000001ffffffffff\n"));
    auto only_admin = scxx::check_privileges(1000, "CapEff:\t0000000000200000\n");
    REQUIRE_FALSE(only_admin);
    CHECK(only_admin.error().what() ==
          "scx-run needs root (CAP_BPF and CAP_SYS_ADMIN) to load a scheduler; re-run with sudo");
    CHECK_FALSE(scxx::check_privileges(1000, "CapEff:\t0000000000000000\n"));
    CHECK_FALSE(scxx::check_privileges(1000, "garbage"));
    // The real process: consistent with euid.
    if (geteuid() == 0) {
        CHECK(scxx::probe_privileges());
    }
}
