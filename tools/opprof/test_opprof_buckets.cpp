// tools/opprof/test_opprof_buckets.cpp: the histogram's bucketing (opprof_intf.h), which the BPF
// side counts with and scx-opprof reads back: every value lands in the bucket whose lower bound is
// at most the value and within 25% of it, buckets are in value order, and opprof_bucket_low inverts
// opprof_bucket on every bucket boundary; percentiles (opprof_percentile.hpp) are the lower bound of
// the bucket holding the nearest-rank sample. Exit 0 when all hold, 1 with one line per failure.
#include <cstdio>
#include <vector>

#include "opprof_intf.h"
#include "opprof_percentile.hpp"

namespace {

int failures = 0;

void expect(bool ok, const char* what, unsigned long long v) {
    if (ok) return;
    std::printf("FAIL: %s (value %llu)\n", what, v);
    failures++;
}

}  // namespace

int main() {
    for (unsigned i = 0; i < OPPROF_NR_BUCKETS; i++) {
        const unsigned long long low = opprof_bucket_low(i);
        expect(opprof_bucket(low) == i, "bucket(bucket_low(i)) == i", low);
        if (i > 0) expect(opprof_bucket_low(i - 1) < low, "bucket lower bounds increase", low);
    }
    unsigned prev = 0;
    for (unsigned long long v = 0; v < 200000; v++) {
        const unsigned b = opprof_bucket(v);
        const unsigned long long low = opprof_bucket_low(b);
        expect(b >= prev, "buckets follow value order", v);
        expect(low <= v, "the lower bound is at most the value", v);
        expect(v < 4 || (v - low) * 4 <= low, "the value is within 25% of its bucket's lower bound", v);
        prev = b;
    }
    for (int shift = 17; shift < 64; shift++) {
        const unsigned long long v = (1ULL << shift) + 12345;
        const unsigned b = opprof_bucket(v);
        expect(b < OPPROF_NR_BUCKETS, "huge values stay in range", v);
        expect(b == OPPROF_NR_BUCKETS - 1 || (opprof_bucket_low(b) <= v && (v - opprof_bucket_low(b)) * 4 <= opprof_bucket_low(b)),
               "large values: lower bound within 25%", v);
    }
    // percentiles: 100 samples, 90 of 1000 ns, 9 of 50000 ns, 1 of 10 ms
    std::vector<unsigned long long> hist(OPPROF_NR_BUCKETS, 0);
    hist[opprof_bucket(1000)] += 90;
    hist[opprof_bucket(50000)] += 9;
    hist[opprof_bucket(10000000)] += 1;
    expect(opprof::percentile(hist, 100, 0.50) == opprof_bucket_low(opprof_bucket(1000)), "p50 of 90x1000", 1000);
    expect(opprof::percentile(hist, 100, 0.90) == opprof_bucket_low(opprof_bucket(1000)), "p90 is the 90th", 1000);
    expect(opprof::percentile(hist, 100, 0.91) == opprof_bucket_low(opprof_bucket(50000)), "p91 is the 91st", 50000);
    expect(opprof::percentile(hist, 100, 0.99) == opprof_bucket_low(opprof_bucket(50000)), "p99 is the 99th", 50000);
    expect(opprof::percentile(hist, 100, 0.999) == opprof_bucket_low(opprof_bucket(10000000)), "p99.9 is the 100th",
           10000000);
    expect(opprof::percentile(std::vector<unsigned long long>(OPPROF_NR_BUCKETS, 0), 0, 0.5) == 0, "empty: 0", 0);
    if (failures) return 1;
    std::printf("opprof buckets: ok (%d buckets)\n", OPPROF_NR_BUCKETS);
    return 0;
}
