// test_util_math.cpp: lavd's utilisation arithmetic (util_math.h, the code the BPF round and
// ops.update_idle run) on fixed timelines: busy time from idle time plus interrupt/steal time inside
// idle periods, the fallback to sched_ext task time before a CPU is tracked, utilisation, the
// capacity- and frequency-invariant (scaled) utilisation, idle periods cut by rounds, and the log2
// in 1/8 steps the criticality uses. Every expected value differs from what a plausible wrong
// formula gives (noted next to it).
#include <catch2/catch_test_macros.hpp>

#include <linux/types.h>

#include "util_math.h"

namespace {

constexpr __u64 kMs = 1000 * 1000;

}  // namespace

TEST_CASE("LavdUtilMath: BusyIsNonIdlePlusIrqInIdle", "[lavd][util_math]") {
    // 10 ms round: 3 ms of sched_ext tasks, 5 ms idle of which 1 ms were interrupts/steal.
    // (task time only: 3 ms; non-idle only: 5 ms; irq added twice or to non-idle time: 7 ms)
    CHECK(lavd_busy_ns(10 * kMs, 3 * kMs, 5 * kMs, 1 * kMs, 1) == 6 * kMs);
    // RT tasks or interrupts on a busy CPU: nothing ran under sched_ext, 2 ms idle -> 8 ms busy
    CHECK(lavd_busy_ns(10 * kMs, 0, 2 * kMs, 0, 1) == 8 * kMs);
    // entirely idle, interrupts included: 0.5 ms of interrupts are busy
    CHECK(lavd_busy_ns(10 * kMs, 0, 10 * kMs, kMs / 2, 1) == kMs / 2);
}

TEST_CASE("LavdUtilMath: BusyBeforeTrackingIsTaskTime", "[lavd][util_math]") {
    // ops.update_idle never reported the CPU: the idle figure is meaningless (0), the task time rules
    // (non-idle formula would say 10 ms)
    CHECK(lavd_busy_ns(10 * kMs, 3 * kMs, 0, 0, 0) == 3 * kMs);
}

TEST_CASE("LavdUtilMath: BusyClampsAndFloors", "[lavd][util_math]") {
    // idle beyond the round (an open period cut late): clamped to the round, interrupts to the idle
    // time; the task time is a floor (cross-round skew): 0 + 1 ms -> 3 ms
    CHECK(lavd_busy_ns(10 * kMs, 3 * kMs, 12 * kMs, 1 * kMs, 1) == 3 * kMs);
    // interrupts inside idle larger than the idle time: at most the idle time -> the whole round
    CHECK(lavd_busy_ns(10 * kMs, 0, 4 * kMs, 9 * kMs, 1) == 10 * kMs);
    // task time above the non-idle time: task time (4 ms, not 1 ms)
    CHECK(lavd_busy_ns(10 * kMs, 4 * kMs, 9 * kMs, 0, 1) == 4 * kMs);
    // never above the round
    CHECK(lavd_busy_ns(10 * kMs, 11 * kMs, 0, 0, 1) == 10 * kMs);
}

TEST_CASE("LavdUtilMath: Util", "[lavd][util_math]") {
    CHECK(lavd_util(6 * kMs, 10 * kMs) == 614u);  // 0.6 x 1024 = 614.4 (not 600, not 6)
    CHECK(lavd_util(10 * kMs, 10 * kMs) == 1024u);
    CHECK(lavd_util(12 * kMs, 10 * kMs) == 1024u);
    CHECK(lavd_util(0, 10 * kMs) == 0u);
    CHECK(lavd_util(5, 0) == 0u);
    // a long round (a paused timer-free round: 1000 s) does not overflow
    CHECK(lavd_util(250ull * 1000 * kMs, 1000ull * 1000 * kMs) == 256u);
}

TEST_CASE("LavdUtilMath: UtilScaled", "[lavd][util_math]") {
    // half-capacity CPU at 3/4 of its top frequency, 614 busy: 614 x 0.5 x 0.75 = 230.25
    // (capacity only: 307; frequency only: 460; neither: 614)
    CHECK(lavd_util_scaled(614, 512, 768) == 230u);
    CHECK(lavd_util_scaled(1024, 1024, 1024) == 1024u);
    CHECK(lavd_util_scaled(614, 1024, 1024) == 614u);
    // unknown frequency (0) counts as full speed; values above the scale are clamped
    CHECK(lavd_util_scaled(614, 512, 0) == 307u);
    CHECK(lavd_util_scaled(2000, 2000, 2000) == 1024u);
    // a little core (capacity 400) at full speed, fully busy: 400
    CHECK(lavd_util_scaled(1024, 400, 1024) == 400u);
}

TEST_CASE("LavdUtilMath: Since", "[lavd][util_math]") {
    CHECK(lavd_since(10, 4) == 6u);
    CHECK(lavd_since(4, 10) == 0u);
    CHECK(lavd_since(7, 7) == 0u);
}

// One CPU, rounds at t = 0, 10 and 20 ms. It goes idle at 2 ms (interrupt total 100 us), the round
// at 10 ms cuts the open period (total 400 us), it wakes at 13 ms (total 500 us), idles again from
// 15 to 18 ms (total 500 -> 650 us).
TEST_CASE("LavdUtilMath: IdlePeriodsAcrossRounds", "[lavd][util_math]") {
    constexpr __u64 kUs = 1000;
    lavd_idle_acct a{};
    lavd_idle_enter(&a, 2 * kMs, 100 * kUs);
    CHECK(a.since == 2 * kMs);
    CHECK(a.tracked == 1u);

    REQUIRE(lavd_idle_cut(&a, 10 * kMs, 400 * kUs) == 1);
    __u64 idle = lavd_take(&a.idle_ns), irq = lavd_take(&a.idle_irq_ns);
    CHECK(idle == 8 * kMs);     // 2..10 ms
    CHECK(irq == 300 * kUs);    // 100 -> 400 us
    CHECK(lavd_busy_ns(10 * kMs, 0, idle, irq, a.tracked) == 2 * kMs + 300 * kUs);
    CHECK(a.since == 10 * kMs); // still idle, from the cut on

    lavd_idle_exit(&a, 13 * kMs, 500 * kUs);
    CHECK(a.since == 0u);
    lavd_idle_enter(&a, 15 * kMs, 500 * kUs);
    lavd_idle_exit(&a, 18 * kMs, 650 * kUs);
    CHECK(lavd_idle_cut(&a, 20 * kMs, 700 * kUs) == 0);  // not idle now: nothing to cut
    idle = lavd_take(&a.idle_ns);
    irq = lavd_take(&a.idle_irq_ns);
    CHECK(idle == 6 * kMs);     // 10..13 + 15..18 ms (not 8: the cut's part is not counted twice)
    CHECK(irq == 250 * kUs);    // 400 -> 500 + 500 -> 650 us (the 50 us while busy are not in it)
    CHECK(lavd_util(lavd_busy_ns(10 * kMs, 0, idle, irq, a.tracked), 10 * kMs) == 435u);  // 4.25 ms
    CHECK(a.idle_ns == 0u);
}

TEST_CASE("LavdUtilMath: IdleExitWithoutEnterCountsNothing", "[lavd][util_math]") {
    // attached while the CPU was idle: the first report is an exit
    lavd_idle_acct a{};
    lavd_idle_exit(&a, 5 * kMs, 100);
    CHECK(a.idle_ns == 0u);
    CHECK(a.idle_irq_ns == 0u);
    CHECK(a.tracked == 1u);
    CHECK(lavd_idle_cut(&a, 6 * kMs, 100) == 0);
}

TEST_CASE("LavdUtilMath: CutAtOrBeforeTheStartIsNoCut", "[lavd][util_math]") {
    lavd_idle_acct a{};
    lavd_idle_enter(&a, 5 * kMs, 0);
    CHECK(lavd_idle_cut(&a, 5 * kMs, 0) == 0);
    CHECK(lavd_idle_cut(&a, 4 * kMs, 0) == 0);
    CHECK(a.since == 5 * kMs);
    lavd_idle_exit(&a, 9 * kMs, 0);
    CHECK(a.idle_ns == 4 * kMs);
}

// lavd_log2x8 against the obvious definition (the leading one's position x 8 plus the next three
// bits), over every small value, both sides of every power of two, and the values the policy feeds
// it (frequencies up to 100,001, runtimes up to 1e8 ns, weights up to 10,000), up to 2^32 - 1, its
// width: every entry of its table is reached (values below 256 directly, larger ones shifted down
// to 8..255). This is g++'s build of the function; the BPF object's is covered by the VM scenarios
// that read the criticality lavd computes (lavd-latcri: periodic tasks ~250+).
TEST_CASE("LavdUtilMath: Log2x8", "[lavd][util_math]") {
    // floor(log2(v)) by counting, and the three bits as eighths of the way to the next power of two
    auto reference = [](__u64 v) -> __u32 {
        if (v <= 1)
            return 0;
        __u32 n = 0;
        while (n < 63 && (v >> (n + 1)) != 0)
            n++;
        __u64 rest = v - (1ULL << n);  // below 2^n
        __u32 eighths = n >= 3 ? static_cast<__u32>(rest >> (n - 3)) : static_cast<__u32>((rest << 3) >> n);
        return n * 8 + eighths;
    };
    for (__u32 v = 0; v < 70000; v++)
        REQUIRE(lavd_log2x8(v) == reference(v));
    for (__u32 k = 1; k < 32; k++) {
        __u32 p = 1U << k;
        for (__u32 v : {p - 1, p, p + 1, p + p / 8, p + p / 2, p + (p - 1)})
            REQUIRE(lavd_log2x8(v) == reference(v));
    }
    for (__u32 v : {100001U, 1000U, 100000000U, 10000U, 4294967295U})
        CHECK(lavd_log2x8(v) == reference(v));
    // 0b1100100: 6, then 100 (rounded 8 x log2(100) would give 53)
    CHECK(lavd_log2x8(100) == 6 * 8 + 4);
    // 1e8 = 0b101111101011110000100000000: 26, then 011 (rounded 8 x log2(1e8) would give 213)
    CHECK(lavd_log2x8(100000000) == 26 * 8 + 3);
}
