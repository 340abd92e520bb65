// scxx/text.hpp: the small text-scanning pieces shared across libscxx and the schedulers: the one
// whitespace trim (cpulists, sysfs and procfs files, exit reports, option values) and number scanning
// (option values, scx-run's command line).
#pragma once

#include <cstdint>
#include <string_view>

namespace scxx::text {

// s without leading and trailing ASCII whitespace.
std::string_view trim(std::string_view s);
// Consumes [0-9]+ at the front of s into out; false (s untouched) when s does not start with a digit.
// Values saturate at 2^40, which every caller treats as out of range.
bool take_number(std::string_view& s, uint64_t& out);
// The whole of s as a finite decimal number ("0.5", "2", "1e3"; never "inf", "nan", "0x10", " 1").
bool parse_finite(std::string_view s, double& out);

}  // namespace scxx::text
