// test_exit_info.cpp: decoding the BPF exit record, kind names, the report, and the bounded restart.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <cstring>

#include "scxx/exit_info.hpp"

using Catch::Matchers::ContainsSubstring;

namespace {

scxx_exit_info raw(int kind, long long code, const char* reason, const char* msg) {
    scxx_exit_info r;
    std::memset(&r, 0, sizeof r);
    r.kind = kind;
    r.exit_code = code;
    std::strncpy(r.reason, reason, sizeof r.reason - 1);
    std::strncpy(r.msg, msg, sizeof r.msg - 1);
    return r;
}

std::string name_of(int kind) { return scxx::decode_exit_info(raw(kind, 0, "", "")).kind_name(); }

}  // namespace

TEST_CASE("ExitInfo: KindNames", "[exit_info]") {
    CHECK(name_of(0) == "none");
    CHECK(name_of(1) == "done");
    CHECK(name_of(64) == "unregistered from user space");
    CHECK(name_of(65) == "unregistered by the BPF scheduler (scx_bpf_exit)");
    CHECK(name_of(66) == "unregistered by the kernel");
    CHECK(name_of(67) == "disabled by sysrq-S");
    CHECK(name_of(1024) == "runtime error");
    CHECK(name_of(1025) == "runtime error (scx_bpf_error)");
    CHECK(name_of(1026) == "watchdog stall (runnable task not scheduled in time)");
    CHECK(name_of(68) == "its parent scheduler exited");
    CHECK(name_of(69) == "killed by its parent scheduler");
    CHECK(name_of(1027) == "re-enqueue limit (a task was re-enqueued too often without running)");
    CHECK(name_of(1028) == "ejected for overloading rescue execution");
    CHECK(name_of(2) == "unknown exit kind 2");
    CHECK(name_of(-5) == "unknown exit kind -5");
}

TEST_CASE("ExitInfo: ExitedAndError", "[exit_info]") {
    scxx::ExitInfo e;
    CHECK_FALSE(e.exited());
    CHECK_FALSE(e.is_error());
    e.kind = scxx::ExitKind::unreg;
    CHECK(e.exited());
    CHECK_FALSE(e.is_error());
    e.kind = scxx::ExitKind::error_bpf;
    CHECK(e.is_error());
}

TEST_CASE("ExitInfo: Decode", "[exit_info]") {
    auto info = scxx::decode_exit_info(raw(1025, 0, "scx_bpf_error", "simple: failing on purpose after 200 ms"));
    CHECK(info.kind == scxx::ExitKind::error_bpf);
    CHECK(info.exit_code == 0);
    CHECK(info.reason == "scx_bpf_error");
    CHECK(info.message == "simple: failing on purpose after 200 ms");
}

TEST_CASE("ExitInfo: TruncatedStringsWithoutNul", "[exit_info]") {
    scxx_exit_info r;
    std::memset(&r, 'R', sizeof r);  // every byte non-NUL, including both char arrays
    r.kind = 1024;
    r.exit_code = 7;
    auto info = scxx::decode_exit_info(r);
    CHECK(info.reason == std::string(SCXX_EXIT_REASON_LEN, 'R'));
    CHECK(info.message == std::string(SCXX_EXIT_MSG_LEN, 'R'));

    // A NUL inside stops the copy there.
    r.msg[10] = '\0';
    CHECK(scxx::decode_exit_info(r).message == std::string(10, 'R'));
}

TEST_CASE("ExitInfo: Report", "[exit_info]") {
    auto info = scxx::decode_exit_info(raw(1025, 0, "scx_bpf_error", "boom\n"));
    CHECK(info.report() ==
          "exit: runtime error (scx_bpf_error) (kind 1025, code 0x0)\nreason: scx_bpf_error\nmessage: boom");

    auto unreg = scxx::decode_exit_info(raw(64, 0, "", ""));
    CHECK(unreg.report() == "exit: unregistered from user space (kind 64, code 0x0)");

    auto reason_only = scxx::decode_exit_info(raw(66, 0, "cpu hotplug", ""));
    CHECK(reason_only.report() == "exit: unregistered by the kernel (kind 66, code 0x0)\nreason: cpu hotplug");

    auto negative = scxx::decode_exit_info(raw(65, -1, "", "bye"));
    CHECK(negative.report() ==
          "exit: unregistered by the BPF scheduler (scx_bpf_exit) (kind 65, code 0xffffffffffffffff)\nmessage: bye");
}

TEST_CASE("ExitInfo: RestartBit", "[exit_info]") {
    scxx::ExitInfo e;
    e.kind = scxx::ExitKind::unreg_kern;
    CHECK_FALSE(e.wants_restart());
    e.exit_code = static_cast<int64_t>(SCXX_ECODE_RSN_HOTPLUG);
    CHECK_FALSE(e.wants_restart());
    e.exit_code = static_cast<int64_t>(SCXX_ECODE_ACT_RESTART | SCXX_ECODE_RSN_HOTPLUG);
    CHECK(e.wants_restart());
    CHECK_THAT(e.report(), ContainsSubstring("code 0x1000100000000"));
}

TEST_CASE("RestartPolicy: Bounded", "[exit_info]") {
    scxx::ExitInfo restart;
    restart.kind = scxx::ExitKind::unreg_bpf;
    restart.exit_code = static_cast<int64_t>(SCXX_ECODE_ACT_RESTART);
    scxx::ExitInfo plain;
    plain.kind = scxx::ExitKind::error_bpf;

    scxx::RestartPolicy policy(2);
    CHECK(policy.max_restarts() == 2u);
    CHECK_FALSE(policy.should_restart(plain));  // no restart bit: never, and no budget used
    CHECK(policy.restarts() == 0u);
    CHECK(policy.should_restart(restart));
    CHECK(policy.should_restart(restart));
    CHECK(policy.restarts() == 2u);
    CHECK_FALSE(policy.should_restart(restart));
    CHECK(policy.restarts() == 2u);

    scxx::RestartPolicy none(0);
    CHECK_FALSE(none.should_restart(restart));
    CHECK(scxx::RestartPolicy().max_restarts() == 3u);
}

TEST_CASE("RestartPolicy: hotplug restarts use no budget", "[exit_info]") {
    scxx::ExitInfo hotplug;
    hotplug.kind = scxx::ExitKind::unreg_kern;
    hotplug.exit_code = static_cast<int64_t>(SCXX_ECODE_ACT_RESTART | SCXX_ECODE_RSN_HOTPLUG);
    scxx::ExitInfo crash;
    crash.kind = scxx::ExitKind::unreg_bpf;
    crash.exit_code = static_cast<int64_t>(SCXX_ECODE_ACT_RESTART);
    scxx::ExitInfo hotplug_no_restart;  // the reason alone does not ask for a restart
    hotplug_no_restart.kind = scxx::ExitKind::unreg_kern;
    hotplug_no_restart.exit_code = static_cast<int64_t>(SCXX_ECODE_RSN_HOTPLUG);

    CHECK(hotplug.from_hotplug());
    CHECK_FALSE(crash.from_hotplug());
    scxx::RestartPolicy policy(1);
    for (int i = 0; i < 50; ++i) REQUIRE(policy.should_restart(hotplug));
    CHECK(policy.hotplug_restarts() == 50u);
    CHECK(policy.restarts() == 0u);
    CHECK(policy.should_restart(crash));   // the one budgeted restart is still there
    CHECK_FALSE(policy.should_restart(crash));
    CHECK(policy.should_restart(hotplug)); // hotplug still restarts with the budget used up
    CHECK_FALSE(policy.should_restart(hotplug_no_restart));
    CHECK(policy.hotplug_restarts() == 51u);

    scxx::RestartPolicy unchanged(1);  // hotplug bits, but no CPU came or went: budgeted
    CHECK(unchanged.should_restart(hotplug, false));
    CHECK_FALSE(unchanged.should_restart(hotplug, false));
    CHECK(unchanged.hotplug_restarts() == 0u);
}

TEST_CASE("ExitInfo: unknown kinds keep their number", "[exit_info]") {
    auto unknown = scxx::decode_exit_info(raw(2000, 0, "", ""));
    CHECK(scxx::raw_kind(unknown.kind) == 2000);
    CHECK(unknown.is_error());
    CHECK(unknown.report() == "exit: unknown exit kind 2000 (kind 2000, code 0x0)");
}

TEST_CASE("ExitInfo: the kernel's dump follows the message in the report", "[exit_info]") {
    scxx_exit_info r = raw(1025, 0, "scx_bpf_error", "boom");
    const char dump[] = "simple: root\nswapper/1[0] triggered exit kind 1025 on CPU 1:\n\n";
    std::memcpy(r.dump, dump, sizeof(dump));
    auto info = scxx::decode_exit_info(r);
    CHECK(info.report() ==
          "exit: runtime error (scx_bpf_error) (kind 1025, code 0x0)\nreason: scx_bpf_error\nmessage: boom\n"
          "dump:\nsimple: root\nswapper/1[0] triggered exit kind 1025 on CPU 1:");
    std::memset(r.dump, 'x', sizeof(r.dump));  // no NUL: read up to the array's end, never past it
    CHECK(scxx::decode_exit_info(r).dump.size() == sizeof(r.dump));
}
