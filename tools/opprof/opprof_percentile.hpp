// tools/opprof/opprof_percentile.hpp: a percentile read off scx-opprof's histogram (buckets in
// opprof_intf.h): the lower bound of the bucket holding the sample of nearest rank ceil(q * total).
// Header-only so that the host test checks the very code scx-opprof runs.
#pragma once

#include <cmath>
#include <vector>

#include "opprof_intf.h"

namespace opprof {

// hist[i] is the count of bucket i; total their sum; q in (0, 1]. 0 for an empty histogram.
inline unsigned long long percentile(const std::vector<unsigned long long>& hist, unsigned long long total, double q) {
    const auto rank = static_cast<unsigned long long>(std::ceil(q * static_cast<double>(total)));
    unsigned long long seen = 0;
    for (unsigned i = 0; i < hist.size(); i++) {
        seen += hist[i];
        if (seen >= rank && seen > 0) return opprof_bucket_low(i);
    }
    return 0;
}

}  // namespace opprof
