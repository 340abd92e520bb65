// text.cpp: the one whitespace trim and number scanning (see text.hpp for who shares them).
#include "scxx/text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace scxx::text {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

bool take_number(std::string_view& s, uint64_t& out) {
    size_t i = 0;
    uint64_t v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        v = std::min<uint64_t>(v * 10 + static_cast<uint64_t>(s[i] - '0'), uint64_t{1} << 40);
        ++i;
    }
    if (i == 0) return false;
    out = v;
    s.remove_prefix(i);
    return true;
}

bool parse_finite(std::string_view s, double& out) {
    double v = 0;
    const char* end = s.data() + s.size();
    auto [ptr, ec] = std::from_chars(s.data(), end, v);
    if (s.empty() || ec != std::errc() || ptr != end || !std::isfinite(v)) return false;
    out = v;
    return true;
}

}  // namespace scxx::text
