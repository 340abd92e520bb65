// schedulers/pair/test_pair_layout.cpp: the pair layout rules (pair_layout.hpp) on machines from
// 1 to 8192 CPUs, every error case, and the banner text.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "pair_layout.hpp"

using pair_sched::compute_pair_layout;
using pair_sched::format_pairs;
using pair_sched::kAutoStride;
using pair_sched::PairLayout;

namespace {

// Every CPU is in exactly one pair context; partners are mutual, distinct and share an id; the two
// CPUs of a pair have indices 0 and 1; ids are dense.
void expect_consistent(const PairLayout& l) {
    ASSERT_EQ(l.partner.size(), l.nr_cpu_ids);
    std::set<unsigned> ids;
    unsigned alone = 0;
    for (unsigned cpu = 0; cpu < l.nr_cpu_ids; ++cpu) {
        ids.insert(l.pair_id[cpu]);
        int p = l.partner[cpu];
        if (p < 0) {
            EXPECT_EQ(p, -1);
            EXPECT_EQ(l.index[cpu], 0u);
            ++alone;
            continue;
        }
        ASSERT_LT(static_cast<unsigned>(p), l.nr_cpu_ids);
        EXPECT_NE(static_cast<unsigned>(p), cpu);
        EXPECT_EQ(l.partner[p], static_cast<int>(cpu));
        EXPECT_EQ(l.pair_id[p], l.pair_id[cpu]);
        EXPECT_EQ(l.index[p] + l.index[cpu], 1u);
    }
    EXPECT_EQ(ids.size(), l.nr_pairs);
    EXPECT_EQ(*ids.rbegin(), l.nr_pairs - 1);
    EXPECT_EQ(alone, l.nr_cpu_ids % 2);
}

std::string error_of(unsigned nr, int64_t stride) {
    auto l = compute_pair_layout(nr, stride);
    EXPECT_FALSE(l.has_value()) << "nr " << nr << " stride " << stride << " unexpectedly valid";
    return l ? std::string() : l.error().what();
}

}  // namespace

TEST(PairLayout, DefaultStrideIsHalf) {
    auto l = compute_pair_layout(4, kAutoStride);
    ASSERT_TRUE(l) << l.error().what();
    EXPECT_EQ(l->stride, 2u);
    EXPECT_EQ(l->nr_pairs, 2u);
    EXPECT_EQ(l->partner, (std::vector<int>{2, 3, 0, 1}));
    EXPECT_EQ(l->index, (std::vector<unsigned>{0, 0, 1, 1}));
    EXPECT_EQ(l->pair_id[0], l->pair_id[2]);
    EXPECT_NE(l->pair_id[0], l->pair_id[1]);
    expect_consistent(*l);
    EXPECT_EQ(format_pairs(*l), "Pairs: [0,2] [1,3]");
}

TEST(PairLayout, StrideOnePairsNeighbours) {
    auto l = compute_pair_layout(8, 1);
    ASSERT_TRUE(l) << l.error().what();
    EXPECT_EQ(l->partner, (std::vector<int>{1, 0, 3, 2, 5, 4, 7, 6}));
    expect_consistent(*l);
    EXPECT_EQ(format_pairs(*l), "Pairs: [0,1] [2,3] [4,5] [6,7]");
}

TEST(PairLayout, EveryDivisorOfHalfWorks) {
    for (unsigned nr : {2u, 4u, 6u, 8u, 12u, 16u, 64u, 96u}) {
        for (int64_t s = 1; s < nr; ++s) {
            auto l = compute_pair_layout(nr, s);
            bool should_work = (nr / 2) % s == 0;
            EXPECT_EQ(l.has_value(), should_work) << "nr " << nr << " stride " << s;
            if (l) {
                expect_consistent(*l);
                for (unsigned cpu = 0; cpu < nr; ++cpu)  // the pair is {i, i+s} in blocks of 2s
                    EXPECT_EQ(static_cast<unsigned>(l->partner[cpu]), (cpu / s) % 2 ? cpu - s : cpu + s);
            }
        }
    }
}

TEST(PairLayout, StrideZeroIsAnError) {
    std::string e = error_of(4, 0);
    EXPECT_NE(e.find("--stride 0"), std::string::npos) << e;
    EXPECT_NE(e.find("itself"), std::string::npos) << e;
}

TEST(PairLayout, StrideAtOrAboveNrCpuIdsIsAnError) {
    std::string e = error_of(4, 4);
    EXPECT_NE(e.find("--stride 4 is not below nr_cpu_ids 4"), std::string::npos) << e;
    EXPECT_NE(e.find("1, 2"), std::string::npos) << e;  // the strides that work
    error_of(4, 1000);
    error_of(1, 1);
}

TEST(PairLayout, ThreeCpusInOnePairIsAnError) {
    std::string e = error_of(4, 3);
    EXPECT_NE(e.find("--stride 3 puts CPUs 1, 0 and 3 in one pair"), std::string::npos) << e;
    EXPECT_NE(e.find("must divide 2: 1, 2"), std::string::npos) << e;
    e = error_of(6, 2);
    EXPECT_NE(e.find("in one pair"), std::string::npos) << e;
}

TEST(PairLayout, OddCountLeavesTheHighestCpuAlone) {
    auto l = compute_pair_layout(5, kAutoStride);
    ASSERT_TRUE(l) << l.error().what();
    EXPECT_EQ(l->stride, 2u);
    EXPECT_EQ(l->partner, (std::vector<int>{2, 3, 0, 1, -1}));
    EXPECT_EQ(l->nr_pairs, 3u);
    expect_consistent(*l);
    EXPECT_EQ(format_pairs(*l), "Pairs: [0,2] [1,3] [4]");

    auto three = compute_pair_layout(3, kAutoStride);
    ASSERT_TRUE(three);
    EXPECT_EQ(format_pairs(*three), "Pairs: [0,1] [2]");
}

TEST(PairLayout, OddCountStrideReachingTheLoneCpuIsAnError) {
    // 5 CPUs: 0-3 are paired, so stride 4 (< nr_cpu_ids) still has no partner to offer.
    std::string e = error_of(5, 4);
    EXPECT_NE(e.find("CPU 4 runs alone"), std::string::npos) << e;
}

TEST(PairLayout, SingleCpuRunsAlone) {
    auto l = compute_pair_layout(1, kAutoStride);
    ASSERT_TRUE(l) << l.error().what();
    EXPECT_EQ(l->partner, (std::vector<int>{-1}));
    EXPECT_EQ(l->nr_pairs, 1u);
    EXPECT_EQ(format_pairs(*l), "Pairs: [0]");
}

TEST(PairLayout, NoCpusIsAnError) { error_of(0, kAutoStride); }

TEST(PairLayout, NegativeStrideOtherThanAutoIsAnError) {
    std::string e = error_of(4, -2);
    EXPECT_NE(e.find("negative"), std::string::npos) << e;
}

TEST(PairLayout, LargeMachinesAreCompressed) {
    auto l = compute_pair_layout(8192, kAutoStride);
    ASSERT_TRUE(l) << l.error().what();
    expect_consistent(*l);
    EXPECT_EQ(l->stride, 4096u);
    EXPECT_EQ(l->partner[0], 4096);
    EXPECT_EQ(l->partner[8191], 4095);
    std::string s = format_pairs(*l);
    EXPECT_EQ(s.rfind("Pairs: [0,4096] [1,4097] ", 0), 0u) << s;
    EXPECT_NE(s.find(" ... [4094,8190] [4095,8191] (4096 pairs, stride 4096)"), std::string::npos) << s;
    EXPECT_LT(s.size(), 300u);
}
