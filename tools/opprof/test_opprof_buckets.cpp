// tools/opprof/test_opprof_buckets.cpp: the histogram's bucketing (opprof_intf.h), which the BPF
// side counts with and scx-opprof reads back: every value lands in the bucket whose lower bound is
// at most the value and within 25% of it, buckets are in value order, and opprof_bucket_low inverts
// opprof_bucket on every bucket boundary. Exit 0 when all hold, 1 with one line per failure.
#include <cstdio>

#include "opprof_intf.h"

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
    if (failures) return 1;
    std::printf("opprof buckets: ok (%d buckets)\n", OPPROF_NR_BUCKETS);
    return 0;
}
