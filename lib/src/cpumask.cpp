// cpumask.cpp: Cpumask storage (u64 words, bits >= nr_cpus always zero), cpulist/hex parsing and
// printing, set algebra.
#include "scxx/cpumask.hpp"

#include "scxx/text.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>

namespace scxx {

namespace {

using text::take_number;
using text::trim;

constexpr unsigned kWordBits = 64;
// Upper bound for list_span(): keeps a corrupt cpulist from sizing a gigantic mask.
constexpr uint64_t kMaxSpan = uint64_t{1} << 22;

unsigned words_for(unsigned nr) { return (nr + kWordBits - 1) / kWordBits; }

std::string quote(std::string_view s) {
    std::string out = "\"";
    out += s;
    out += '"';
    return out;
}

std::string cpu_range_text(unsigned nr) {
    if (nr == 0) return "no CPUs";
    if (nr == 1) return "CPU 0";
    return "CPUs 0-" + std::to_string(nr - 1);
}

// One cpulist token: start-end, taking the first `used` CPUs of every group of `group` CPUs.
// A plain stride S is used=1, group=S; a plain range is used=group=1.
struct Span {
    uint64_t start = 0, end = 0, used = 1, group = 1;
    std::string_view token;

    uint64_t last() const {  // highest CPU actually selected
        uint64_t last_group = start + (end - start) / group * group;
        return std::min(end, last_group + used - 1);
    }
};

bool take_char(std::string_view& s, char c) {
    if (s.empty() || s.front() != c) return false;
    s.remove_prefix(1);
    return true;
}

// Splits and checks the syntax of a cpulist (not "all"/"none"). `range` describes the allowed
// CPUs for error messages. Does not check the upper bound.
Result<std::vector<Span>> parse_spans(std::string_view text, const std::string& range) {
    std::vector<Span> spans;
    const std::string head = "cpulist " + quote(text) + ": ";
    std::string_view rest = text;
    while (true) {
        size_t comma = rest.find(',');
        std::string_view raw = rest.substr(0, comma);
        std::string_view tok = trim(raw);
        if (tok.empty())
            return fail(EINVAL, head + "empty token (expected N or N-M with " + range + ")");
        std::string_view s = tok;
        Span sp;
        sp.token = tok;
        bool ok = take_number(s, sp.start);
        sp.end = sp.start;
        bool has_range = false;
        if (ok && take_char(s, '-')) {
            has_range = true;
            ok = take_number(s, sp.end);
        }
        if (ok && has_range && take_char(s, ':')) {
            uint64_t a = 0, b = 0;
            ok = take_number(s, a);
            if (ok && take_char(s, '/')) {
                ok = take_number(s, b);
                sp.used = a;
                sp.group = b;
            } else {
                sp.used = 1;
                sp.group = a;
            }
            if (ok && (sp.used == 0 || sp.group == 0 || sp.used > sp.group))
                return fail(EINVAL, head + "bad stride in " + quote(tok) +
                                        " (expected N-M:S or N-M:U/G with S, G >= 1 and U <= G)");
        }
        if (!ok || !s.empty())
            return fail(EINVAL, head + "bad token " + quote(tok) + " (expected N or N-M with " + range + ")");
        if (sp.end < sp.start)
            return fail(EINVAL, head + "reversed range " + quote(tok) + " (start " + std::to_string(sp.start) +
                                    " > end " + std::to_string(sp.end) + ")");
        spans.push_back(sp);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return spans;
}

std::string_view strip_hex_prefix(std::string_view s) {
    if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
    return s;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

Cpumask::Cpumask(unsigned nr_cpus) : nr_cpus_(nr_cpus), words_(words_for(nr_cpus), 0) {}

Cpumask Cpumask::all(unsigned nr_cpus) {
    Cpumask m(nr_cpus);
    std::fill(m.words_.begin(), m.words_.end(), ~uint64_t{0});
    if (unsigned tail = nr_cpus % kWordBits; tail != 0) m.words_.back() = (uint64_t{1} << tail) - 1;
    return m;
}

Result<unsigned> Cpumask::list_span(std::string_view text) {
    std::string_view t = trim(text);
    if (t.empty() || t == "none") return 0u;
    const std::string range = "CPUs 0-" + std::to_string(kMaxSpan - 1);
    auto spans = parse_spans(t, range);
    if (!spans) return fail(std::move(spans.error()));
    uint64_t span = 0;
    for (const Span& sp : *spans) {
        uint64_t last = sp.last();
        if (last >= kMaxSpan)
            return fail(EINVAL, "cpulist " + quote(t) + ": CPU " + std::to_string(last) + " in " + quote(sp.token) +
                                    " out of range (" + range + ")");
        span = std::max(span, last + 1);
    }
    return static_cast<unsigned>(span);
}

Result<Cpumask> Cpumask::parse_list(std::string_view text, unsigned nr_cpus) {
    std::string_view t = trim(text);
    if (t.empty() || t == "none") return Cpumask(nr_cpus);
    if (t == "all") return all(nr_cpus);
    const std::string range = cpu_range_text(nr_cpus);
    auto spans = parse_spans(t, range);
    if (!spans) return fail(std::move(spans.error()));
    Cpumask m(nr_cpus);
    for (const Span& sp : *spans) {
        if (uint64_t last = sp.last(); last >= nr_cpus)
            return fail(EINVAL, "cpulist " + quote(t) + ": CPU " + std::to_string(last) + " in " + quote(sp.token) +
                                    " out of range (" + range + ")");
        for (uint64_t base = sp.start; base <= sp.end; base += sp.group) {
            uint64_t hi = std::min(sp.end, base + sp.used - 1);
            for (uint64_t cpu = base; cpu <= hi; ++cpu) {
                // Whole words at a time for long contiguous ranges.
                if (cpu % kWordBits == 0 && hi - cpu + 1 >= kWordBits) {
                    m.words_[cpu / kWordBits] = ~uint64_t{0};
                    cpu += kWordBits - 1;
                } else {
                    m.words_[cpu / kWordBits] |= uint64_t{1} << (cpu % kWordBits);
                }
            }
        }
    }
    return m;
}

Result<Cpumask> Cpumask::parse_hex(std::string_view text, unsigned nr_cpus) {
    std::string_view t = strip_hex_prefix(trim(text));
    const std::string head = "hex cpumask " + quote(trim(text)) + ": ";
    if (t.empty()) return fail(EINVAL, head + "no hex digits (expected e.g. ff,00000001)");
    std::vector<std::string_view> groups;
    for (size_t pos = 0;;) {
        size_t comma = t.find(',', pos);
        groups.push_back(t.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
    }
    const bool grouped = groups.size() > 1;
    Cpumask m(nr_cpus);
    for (size_t gi = 0; gi < groups.size(); ++gi) {
        std::string_view g = groups[groups.size() - 1 - gi];  // least significant group first
        if (g.empty() || (grouped && g.size() > 8))
            return fail(EINVAL, head + "bad group " + quote(g) + " (expected 1-8 hex digits per 32-bit group)");
        const uint64_t base = grouped ? 32 * static_cast<uint64_t>(gi) : 0;
        for (size_t di = 0; di < g.size(); ++di) {
            char c = g[g.size() - 1 - di];
            int v = hex_value(c);
            if (v < 0)
                return fail(EINVAL, head + "bad hex digit '" + std::string(1, c) + "' in group " + quote(g));
            for (unsigned b = 0; b < 4; ++b) {
                if (!(v & (1 << b))) continue;
                uint64_t bit = base + 4 * di + b;
                if (bit >= nr_cpus)
                    return fail(EINVAL, head + "bit " + std::to_string(bit) + " set, beyond " +
                                            cpu_range_text(nr_cpus));
                m.words_[bit / kWordBits] |= uint64_t{1} << (bit % kWordBits);
            }
        }
    }
    return m;
}

Result<Cpumask> Cpumask::parse(std::string_view text, unsigned nr_cpus) {
    std::string_view t = trim(text);
    if (t.size() >= 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) return parse_hex(t, nr_cpus);
    return parse_list(t, nr_cpus);
}

bool Cpumask::test(unsigned cpu) const {
    return cpu < nr_cpus_ && (words_[cpu / kWordBits] >> (cpu % kWordBits)) & 1;
}

Result<void> Cpumask::set(unsigned cpu) {
    if (cpu >= nr_cpus_)
        return fail(EINVAL, "cpumask: CPU " + std::to_string(cpu) + " out of range (" + cpu_range_text(nr_cpus_) + ")");
    words_[cpu / kWordBits] |= uint64_t{1} << (cpu % kWordBits);
    return {};
}

Result<void> Cpumask::clear(unsigned cpu) {
    if (cpu >= nr_cpus_)
        return fail(EINVAL, "cpumask: CPU " + std::to_string(cpu) + " out of range (" + cpu_range_text(nr_cpus_) + ")");
    words_[cpu / kWordBits] &= ~(uint64_t{1} << (cpu % kWordBits));
    return {};
}

unsigned Cpumask::weight() const {
    unsigned n = 0;
    for (uint64_t w : words_) n += static_cast<unsigned>(std::popcount(w));
    return n;
}

int Cpumask::first() const {
    for (size_t i = 0; i < words_.size(); ++i)
        if (words_[i]) return static_cast<int>(i * kWordBits + static_cast<unsigned>(std::countr_zero(words_[i])));
    return -1;
}

int Cpumask::next(unsigned after) const {
    uint64_t cpu = uint64_t{after} + 1;
    if (cpu >= nr_cpus_) return -1;
    size_t i = cpu / kWordBits;
    uint64_t w = words_[i] & (~uint64_t{0} << (cpu % kWordBits));
    while (true) {
        if (w) return static_cast<int>(i * kWordBits + static_cast<unsigned>(std::countr_zero(w)));
        if (++i >= words_.size()) return -1;
        w = words_[i];
    }
}

Cpumask Cpumask::operator&(const Cpumask& o) const {
    Cpumask r(std::max(nr_cpus_, o.nr_cpus_));
    for (size_t i = 0; i < std::min(words_.size(), o.words_.size()); ++i) r.words_[i] = words_[i] & o.words_[i];
    return r;
}

Cpumask Cpumask::operator|(const Cpumask& o) const {
    Cpumask r(std::max(nr_cpus_, o.nr_cpus_));
    for (size_t i = 0; i < r.words_.size(); ++i)
        r.words_[i] = (i < words_.size() ? words_[i] : 0) | (i < o.words_.size() ? o.words_[i] : 0);
    return r;
}

Cpumask Cpumask::operator^(const Cpumask& o) const {
    Cpumask r(std::max(nr_cpus_, o.nr_cpus_));
    for (size_t i = 0; i < r.words_.size(); ++i)
        r.words_[i] = (i < words_.size() ? words_[i] : 0) ^ (i < o.words_.size() ? o.words_[i] : 0);
    return r;
}

Cpumask Cpumask::operator~() const {
    Cpumask r = all(nr_cpus_);
    for (size_t i = 0; i < words_.size(); ++i) r.words_[i] &= ~words_[i];
    return r;
}

Cpumask Cpumask::minus(const Cpumask& o) const {
    Cpumask r(std::max(nr_cpus_, o.nr_cpus_));
    for (size_t i = 0; i < words_.size(); ++i) r.words_[i] = words_[i] & ~(i < o.words_.size() ? o.words_[i] : 0);
    return r;
}

bool Cpumask::subset_of(const Cpumask& o) const {
    for (size_t i = 0; i < words_.size(); ++i)
        if (words_[i] & ~(i < o.words_.size() ? o.words_[i] : 0)) return false;
    return true;
}

bool Cpumask::intersects(const Cpumask& o) const {
    for (size_t i = 0; i < std::min(words_.size(), o.words_.size()); ++i)
        if (words_[i] & o.words_[i]) return true;
    return false;
}

bool Cpumask::operator==(const Cpumask& o) const {
    size_t n = std::max(words_.size(), o.words_.size());
    for (size_t i = 0; i < n; ++i)
        if ((i < words_.size() ? words_[i] : 0) != (i < o.words_.size() ? o.words_[i] : 0)) return false;
    return true;
}

std::vector<unsigned> Cpumask::cpus() const {
    std::vector<unsigned> out;
    out.reserve(weight());
    for (unsigned cpu : *this) out.push_back(cpu);
    return out;
}

std::string Cpumask::to_list() const {
    std::string out;
    int cpu = first();
    while (cpu >= 0) {
        unsigned start = static_cast<unsigned>(cpu);
        unsigned end = start;
        // Extend the run; skip whole full words quickly.
        while (true) {
            unsigned n = end + 1;
            if (n >= nr_cpus_) break;
            if (n % kWordBits == 0 && words_[n / kWordBits] == ~uint64_t{0}) {
                end = std::min(n + kWordBits - 1, nr_cpus_ - 1);
                continue;
            }
            if (!test(n)) break;
            end = n;
        }
        if (!out.empty()) out += ',';
        out += std::to_string(start);
        if (end != start) {
            out += '-';
            out += std::to_string(end);
        }
        cpu = next(end);
    }
    return out;
}

std::string Cpumask::to_hex() const {
    static const char digits[] = "0123456789abcdef";
    unsigned groups = std::max(1u, (nr_cpus_ + 31) / 32);
    std::string out;
    out.reserve(groups * 9);
    for (unsigned g = groups; g-- > 0;) {
        uint32_t v = 0;
        if (g / 2 < words_.size()) v = static_cast<uint32_t>(words_[g / 2] >> (32 * (g % 2)));
        char buf[8];
        for (int i = 7; i >= 0; --i) {
            buf[i] = digits[v & 0xf];
            v >>= 4;
        }
        int start = 0;
        if (g == groups - 1)  // leading group: no zero padding, but at least one digit
            while (start < 7 && buf[start] == '0') ++start;
        out.append(buf + start, buf + 8);
        if (g != 0) out += ',';
    }
    return out;
}

std::vector<uint64_t> Cpumask::to_u64_words() const { return words_; }

Cpumask Cpumask::resized(unsigned nr_cpus) const {
    Cpumask r(nr_cpus);
    for (size_t i = 0; i < std::min(words_.size(), r.words_.size()); ++i) r.words_[i] = words_[i];
    if (unsigned tail = nr_cpus % kWordBits; tail != 0 && !r.words_.empty())
        r.words_.back() &= (uint64_t{1} << tail) - 1;
    return r;
}

}  // namespace scxx
