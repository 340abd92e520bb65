// test_exit_info.cpp: decoding the BPF exit record, kind names, the report, and the bounded restart.
#include <gtest/gtest.h>

#include <cstring>

#include "scxx/exit_info.hpp"

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

TEST(ExitInfo, KindNames) {
    EXPECT_EQ(name_of(0), "none");
    EXPECT_EQ(name_of(1), "done");
    EXPECT_EQ(name_of(64), "unregistered from user space");
    EXPECT_EQ(name_of(65), "unregistered by the BPF scheduler (scx_bpf_exit)");
    EXPECT_EQ(name_of(66), "unregistered by the kernel");
    EXPECT_EQ(name_of(67), "disabled by sysrq-S");
    EXPECT_EQ(name_of(1024), "runtime error");
    EXPECT_EQ(name_of(1025), "runtime error (scx_bpf_error)");
    EXPECT_EQ(name_of(1026), "watchdog stall (runnable task not scheduled in time)");
    EXPECT_EQ(name_of(68), "its parent scheduler exited");
    EXPECT_EQ(name_of(69), "killed by its parent scheduler");
    EXPECT_EQ(name_of(1027), "re-enqueue limit (a task was re-enqueued too often without running)");
    EXPECT_EQ(name_of(1028), "ejected for overloading rescue execution");
    EXPECT_EQ(name_of(2), "unknown exit kind 2");
    EXPECT_EQ(name_of(-5), "unknown exit kind -5");
}

TEST(ExitInfo, ExitedAndError) {
    scxx::ExitInfo e;
    EXPECT_FALSE(e.exited());
    EXPECT_FALSE(e.is_error());
    e.kind = scxx::ExitKind::unreg;
    EXPECT_TRUE(e.exited());
    EXPECT_FALSE(e.is_error());
    e.kind = scxx::ExitKind::error_bpf;
    EXPECT_TRUE(e.is_error());
}

TEST(ExitInfo, Decode) {
    auto info = scxx::decode_exit_info(raw(1025, 0, "scx_bpf_error", "simple: failing on purpose after 200 ms"));
    EXPECT_EQ(info.kind, scxx::ExitKind::error_bpf);
    EXPECT_EQ(info.exit_code, 0);
    EXPECT_EQ(info.reason, "scx_bpf_error");
    EXPECT_EQ(info.message, "simple: failing on purpose after 200 ms");

    // A kind this build does not name keeps its number.
    auto unknown = scxx::decode_exit_info(raw(2000, 0, "", ""));
    EXPECT_EQ(scxx::raw_kind(unknown.kind), 2000);
    EXPECT_TRUE(unknown.is_error());
    EXPECT_EQ(unknown.report(), "exit: unknown exit kind 2000 (kind 2000, code 0x0)");
}

TEST(ExitInfo, TruncatedStringsWithoutNul) {
    scxx_exit_info r;
    std::memset(&r, 'R', sizeof r);  // every byte non-NUL, including both char arrays
    r.kind = 1024;
    r.exit_code = 7;
    auto info = scxx::decode_exit_info(r);
    EXPECT_EQ(info.reason, std::string(SCXX_EXIT_REASON_LEN, 'R'));
    EXPECT_EQ(info.message, std::string(SCXX_EXIT_MSG_LEN, 'R'));

    // A NUL inside stops the copy there.
    r.msg[10] = '\0';
    EXPECT_EQ(scxx::decode_exit_info(r).message, std::string(10, 'R'));
}

TEST(ExitInfo, Report) {
    auto info = scxx::decode_exit_info(raw(1025, 0, "scx_bpf_error", "boom\n"));
    EXPECT_EQ(info.report(), "exit: runtime error (scx_bpf_error) (kind 1025, code 0x0)\nreason: scx_bpf_error\nmessage: boom");

    auto unreg = scxx::decode_exit_info(raw(64, 0, "", ""));
    EXPECT_EQ(unreg.report(), "exit: unregistered from user space (kind 64, code 0x0)");

    auto reason_only = scxx::decode_exit_info(raw(66, 0, "cpu hotplug", ""));
    EXPECT_EQ(reason_only.report(), "exit: unregistered by the kernel (kind 66, code 0x0)\nreason: cpu hotplug");

    auto negative = scxx::decode_exit_info(raw(65, -1, "", "bye"));
    EXPECT_EQ(negative.report(),
              "exit: unregistered by the BPF scheduler (scx_bpf_exit) (kind 65, code 0xffffffffffffffff)\nmessage: bye");
}

TEST(ExitInfo, RestartBit) {
    scxx::ExitInfo e;
    e.kind = scxx::ExitKind::unreg_kern;
    EXPECT_FALSE(e.wants_restart());
    e.exit_code = static_cast<int64_t>(SCXX_ECODE_RSN_HOTPLUG);
    EXPECT_FALSE(e.wants_restart());
    e.exit_code = static_cast<int64_t>(SCXX_ECODE_ACT_RESTART | SCXX_ECODE_RSN_HOTPLUG);
    EXPECT_TRUE(e.wants_restart());
    EXPECT_NE(e.report().find("code 0x1000100000000"), std::string::npos) << e.report();
}

TEST(RestartPolicy, Bounded) {
    scxx::ExitInfo restart;
    restart.kind = scxx::ExitKind::unreg_bpf;
    restart.exit_code = static_cast<int64_t>(SCXX_ECODE_ACT_RESTART);
    scxx::ExitInfo plain;
    plain.kind = scxx::ExitKind::error_bpf;

    scxx::RestartPolicy policy(2);
    EXPECT_EQ(policy.max_restarts(), 2u);
    EXPECT_FALSE(policy.should_restart(plain));  // no restart bit: never, and no budget used
    EXPECT_EQ(policy.restarts(), 0u);
    EXPECT_TRUE(policy.should_restart(restart));
    EXPECT_TRUE(policy.should_restart(restart));
    EXPECT_EQ(policy.restarts(), 2u);
    EXPECT_FALSE(policy.should_restart(restart));
    EXPECT_EQ(policy.restarts(), 2u);

    scxx::RestartPolicy none(0);
    EXPECT_FALSE(none.should_restart(restart));
    EXPECT_EQ(scxx::RestartPolicy().max_restarts(), 3u);
}
