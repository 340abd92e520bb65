// schedulers/pair/test_pair_layout.cpp: the pair layout rules (pair_layout.hpp) on machines from
// 1 to 8192 CPUs, every error case, and the banner text.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <set>
#include <string>

#include "pair_layout.hpp"
#include "scxx_catch.hpp"

using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::StartsWith;
using pair_sched::compute_pair_layout;
using pair_sched::PairLayout;
using scxx_test::error_text;

namespace {

// Every CPU is in exactly one pair context; partners are mutual, distinct and share an id; the two
// CPUs of a pair have indices 0 and 1; ids are dense.
void expect_consistent(const PairLayout& l) {
    REQUIRE(l.partner.size() == l.nr_cpu_ids);
    std::set<unsigned> ids;
    unsigned alone = 0;
    for (unsigned cpu = 0; cpu < l.nr_cpu_ids; ++cpu) {
        ids.insert(l.pair_id[cpu]);
        int p = l.partner[cpu];
        if (p < 0) {
            CHECK(p == -1);
            CHECK(l.index[cpu] == 0u);
            ++alone;
            continue;
        }
        REQUIRE(static_cast<unsigned>(p) < l.nr_cpu_ids);
        CHECK(static_cast<unsigned>(p) != cpu);
        CHECK(l.partner[p] == static_cast<int>(cpu));
        CHECK(l.pair_id[p] == l.pair_id[cpu]);
        CHECK(l.index[p] + l.index[cpu] == 1u);
    }
    CHECK(ids.size() == l.nr_pairs);
    CHECK(*ids.rbegin() == l.nr_pairs - 1);
    CHECK(alone == l.nr_cpu_ids % 2);
}

std::string error_of(unsigned nr, int64_t stride) {
    auto l = compute_pair_layout(nr, stride);
    UNSCOPED_INFO("nr " << nr << " stride " << stride << " unexpectedly valid");
    CHECK_FALSE(l.has_value());
    return l ? std::string() : l.error().what();
}

}  // namespace

TEST_CASE("PairLayout: DefaultStrideIsHalf", "[pair][layout]") {
    auto l = compute_pair_layout(4, pair_sched::kAutoStride);
    UNSCOPED_INFO(error_text(l));
    REQUIRE(l);
    CHECK(l->stride == 2u);
    CHECK(l->nr_pairs == 2u);
    CHECK(l->partner == (std::vector<int>{2, 3, 0, 1}));
    CHECK(l->index == (std::vector<unsigned>{0, 0, 1, 1}));
    CHECK(l->pair_id[0] == l->pair_id[2]);
    CHECK(l->pair_id[0] != l->pair_id[1]);
    expect_consistent(*l);
    CHECK(pair_sched::format_pairs(*l) == "Pairs: [0,2] [1,3]");
}

TEST_CASE("PairLayout: StrideOnePairsNeighbours", "[pair][layout]") {
    auto l = compute_pair_layout(8, 1);
    UNSCOPED_INFO(error_text(l));
    REQUIRE(l);
    CHECK(l->partner == (std::vector<int>{1, 0, 3, 2, 5, 4, 7, 6}));
    expect_consistent(*l);
    CHECK(pair_sched::format_pairs(*l) == "Pairs: [0,1] [2,3] [4,5] [6,7]");
}

TEST_CASE("PairLayout: EveryDivisorOfHalfWorks", "[pair][layout]") {
    for (unsigned nr : {2u, 4u, 6u, 8u, 12u, 16u, 64u, 96u}) {
        for (int64_t s = 1; s < nr; ++s) {
            auto l = compute_pair_layout(nr, s);
            bool should_work = (nr / 2) % s == 0;
            UNSCOPED_INFO("nr " << nr << " stride " << s);
            CHECK(l.has_value() == should_work);
            if (l) {
                expect_consistent(*l);
                for (unsigned cpu = 0; cpu < nr; ++cpu)  // the pair is {i, i+s} in blocks of 2s
                    CHECK(static_cast<unsigned>(l->partner[cpu]) == ((cpu / s) % 2 ? cpu - s : cpu + s));
            }
        }
    }
}

TEST_CASE("PairLayout: StrideZeroIsAnError", "[pair][layout]") {
    std::string e = error_of(4, 0);
    CHECK_THAT(e, ContainsSubstring("--stride 0"));
    CHECK_THAT(e, ContainsSubstring("itself"));
}

TEST_CASE("PairLayout: StrideAtOrAboveNrCpuIdsIsAnError", "[pair][layout]") {
    std::string e = error_of(4, 4);
    CHECK_THAT(e, ContainsSubstring("--stride 4 is not below nr_cpu_ids 4"));
    CHECK_THAT(e, ContainsSubstring("1, 2"));  // the strides that work
    error_of(4, 1000);
    error_of(1, 1);
}

TEST_CASE("PairLayout: ThreeCpusInOnePairIsAnError", "[pair][layout]") {
    std::string e = error_of(4, 3);
    CHECK_THAT(e, ContainsSubstring("--stride 3 puts CPUs 1, 0 and 3 in one pair"));
    CHECK_THAT(e, ContainsSubstring("must divide 2: 1, 2"));
    e = error_of(6, 2);
    CHECK_THAT(e, ContainsSubstring("in one pair"));
}

TEST_CASE("PairLayout: OddCountLeavesTheHighestCpuAlone", "[pair][layout]") {
    auto l = compute_pair_layout(5, pair_sched::kAutoStride);
    UNSCOPED_INFO(error_text(l));
    REQUIRE(l);
    CHECK(l->stride == 2u);
    CHECK(l->partner == (std::vector<int>{2, 3, 0, 1, -1}));
    CHECK(l->nr_pairs == 3u);
    expect_consistent(*l);
    CHECK(pair_sched::format_pairs(*l) == "Pairs: [0,2] [1,3] [4]");

    auto three = compute_pair_layout(3, pair_sched::kAutoStride);
    REQUIRE(three);
    CHECK(pair_sched::format_pairs(*three) == "Pairs: [0,1] [2]");
}

TEST_CASE("PairLayout: OddCountStrideReachingTheLoneCpuIsAnError", "[pair][layout]") {
    // 5 CPUs: 0-3 are paired, so stride 4 (< nr_cpu_ids) still has no partner to offer.
    std::string e = error_of(5, 4);
    CHECK_THAT(e, ContainsSubstring("CPU 4 runs alone"));
}

TEST_CASE("PairLayout: SingleCpuRunsAlone", "[pair][layout]") {
    auto l = compute_pair_layout(1, pair_sched::kAutoStride);
    UNSCOPED_INFO(error_text(l));
    REQUIRE(l);
    CHECK(l->partner == (std::vector<int>{-1}));
    CHECK(l->nr_pairs == 1u);
    CHECK(pair_sched::format_pairs(*l) == "Pairs: [0]");
}

TEST_CASE("PairLayout: NoCpusIsAnError", "[pair][layout]") { error_of(0, pair_sched::kAutoStride); }

TEST_CASE("PairLayout: NegativeStrideOtherThanAutoIsAnError", "[pair][layout]") {
    std::string e = error_of(4, -2);
    CHECK_THAT(e, ContainsSubstring("negative"));
}

TEST_CASE("PairLayout: LargeMachinesAreCompressed", "[pair][layout]") {
    auto l = compute_pair_layout(8192, pair_sched::kAutoStride);
    UNSCOPED_INFO(error_text(l));
    REQUIRE(l);
    expect_consistent(*l);
    CHECK(l->stride == 4096u);
    CHECK(l->partner[0] == 4096);
    CHECK(l->partner[8191] == 4095);
    std::string s = pair_sched::format_pairs(*l);
    CHECK_THAT(s, StartsWith("Pairs: [0,4096] [1,4097] "));
    CHECK_THAT(s, ContainsSubstring(" ... [4094,8190] [4095,8191] (4096 pairs, stride 4096)"));
    CHECK(s.size() < 300u);
}
