// schedulers/pair/pair_layout.hpp: which CPU pairs with which, computed from --stride before
// anything is loaded (a pure function, unit tested on the host in test_pair_layout.cpp).
//
// Rule: CPUs 0..M-1 are paired, M = nr_cpu_ids rounded down to even; CPU i pairs with
// (i + stride) mod M, in increasing order of i. stride -1 means M/2. With an odd nr_cpu_ids the
// highest CPU (nr_cpu_ids - 1) has no partner and runs alone: a pair of one, which can never run
// two cgroups at once. A stride works when M is a multiple of 2*stride; any other stride puts a
// CPU with itself or three CPUs in one pair and is an error naming them and the strides that work.
// Pairing is over possible CPUs (nr_cpu_ids), so an offline CPU keeps its place.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scxx/result.hpp"

namespace pair_sched {

struct PairLayout {
    unsigned nr_cpu_ids = 0;
    unsigned stride = 0;            // effective stride (0 when no CPU is paired)
    unsigned nr_pairs = 0;          // pair contexts: pairs plus CPUs running alone
    std::vector<int> partner;       // per CPU: the pair CPU, -1 when it runs alone
    std::vector<unsigned> pair_id;  // per CPU: its pair context, 0..nr_pairs-1
    std::vector<unsigned> index;    // per CPU: 0 or 1 within its pair
};

constexpr int64_t kAutoStride = -1;

// The layout for nr_cpu_ids possible CPUs. Errors are one line and name the option, e.g.
// "--stride 3 puts CPUs 1, 0 and 3 in one pair (with 4 paired CPUs the stride must divide 2: 1, 2)".
scxx::Result<PairLayout> compute_pair_layout(unsigned nr_cpu_ids, int64_t stride);

// "Pairs: [0,2] [1,3]" (a CPU running alone shows as "[4]"). Beyond max_listed pairs the middle is
// elided: "Pairs: [0,64] [1,65] [2,66] [3,67] ... [62,126] [63,127] (64 pairs, stride 64)".
std::string format_pairs(const PairLayout& layout, size_t max_listed = 16);

}  // namespace pair_sched
