// test_cpumask.cpp: Cpumask parsing (cpulist, kernel hex, all/none), printing, round trips, set
// algebra, iteration and large (8192+) masks.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <catch2/matchers/catch_matchers_range_equals.hpp>

#include <cerrno>
#include <random>

#include "scxx/cpumask.hpp"
#include "scxx_catch.hpp"  // masks print as their cpulist

namespace {

using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::RangeEquals;
using scxx::Cpumask;
using scxx_test::error_text;

Cpumask list(std::string_view text, unsigned nr) {
    auto m = Cpumask::parse_list(text, nr);
    UNSCOPED_INFO(text << ": " << error_text(m));
    CHECK(m.has_value());
    return m ? *m : Cpumask(nr);
}

// The error message of a parse that must fail.
std::string list_error(std::string_view text, unsigned nr) {
    auto m = Cpumask::parse_list(text, nr);
    UNSCOPED_INFO("\"" << text << "\" parsed as " << (m ? m->to_list() : std::string()));
    CHECK_FALSE(m.has_value());
    if (m) return "";
    CHECK(m.error().errnum() == EINVAL);
    return m.error().message();
}

std::string hex_error(std::string_view text, unsigned nr) {
    auto m = Cpumask::parse_hex(text, nr);
    UNSCOPED_INFO("\"" << text << "\" parsed as " << (m ? m->to_list() : std::string()));
    CHECK_FALSE(m.has_value());
    if (m) return "";
    CHECK(m.error().errnum() == EINVAL);
    return m.error().message();
}

TEST_CASE("CpumaskParseList: RangesAndSingles", "[cpumask]") {
    CHECK_THAT(list("0-3,8", 16).cpus(), RangeEquals(std::vector{0u, 1u, 2u, 3u, 8u}));
    CHECK_THAT(list("5", 8).cpus(), RangeEquals(std::vector{5u}));
    CHECK_THAT(list("7,0", 8).cpus(), RangeEquals(std::vector{0u, 7u}));
    CHECK_THAT(list("0-3,2-5", 8).cpus(), RangeEquals(std::vector{0u, 1u, 2u, 3u, 4u, 5u}));  // overlaps merge
    CHECK_THAT(list("4-4", 8).cpus(), RangeEquals(std::vector{4u}));
    CHECK(list("0-7", 8).weight() == 8u);
    CHECK(list("0-7", 8).nr_cpus() == 8u);
}

TEST_CASE("CpumaskParseList: Stride", "[cpumask]") {
    CHECK_THAT(list("0-15:4", 16).cpus(), RangeEquals(std::vector{0u, 4u, 8u, 12u}));
    CHECK_THAT(list("1-9:3", 16).cpus(), RangeEquals(std::vector{1u, 4u, 7u}));
    CHECK_THAT(list("0-7:1", 8).cpus(), RangeEquals(std::vector{0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u}));
    CHECK_THAT(list("0-2:8", 8).cpus(), RangeEquals(std::vector{0u}));
    // The kernel's used/group form: the first 2 of every 8.
    CHECK_THAT(list("0-19:2/8", 20).cpus(), RangeEquals(std::vector{0u, 1u, 8u, 9u, 16u, 17u}));
    CHECK_THAT(list("0-15:4,1", 16).cpus(), RangeEquals(std::vector{0u, 1u, 4u, 8u, 12u}));
    // A stride that only reaches past nr_cpus on paper is fine: 0-100:64 selects 0 and 64.
    CHECK_THAT(list("0-100:64", 65).cpus(), RangeEquals(std::vector{0u, 64u}));
}

TEST_CASE("CpumaskParseList: WhitespaceAllNone", "[cpumask]") {
    CHECK_THAT(list(" 0-3 , 8\n", 16).cpus(), RangeEquals(std::vector{0u, 1u, 2u, 3u, 8u}));
    CHECK_THAT(list("\t1,\t2 ", 16).cpus(), RangeEquals(std::vector{1u, 2u}));
    CHECK(list("all", 12) == Cpumask::all(12));
    CHECK(list(" all\n", 12).weight() == 12u);
    CHECK(list("none", 12).empty());
    CHECK(list("", 12).empty());
    CHECK(list(" \n", 12).empty());
    CHECK(list("", 12).nr_cpus() == 12u);
    CHECK(list("all", 0).empty());
}

TEST_CASE("CpumaskParseList: ErrorMessageFormat", "[cpumask]") {
    CHECK(list_error("0-3,x", 8) == "cpulist \"0-3,x\": bad token \"x\" (expected N or N-M with CPUs 0-7)");
    CHECK(list_error("0-9999", 8) == "cpulist \"0-9999\": CPU 9999 in \"0-9999\" out of range (CPUs 0-7)");
    CHECK(list_error("5-3", 8) == "cpulist \"5-3\": reversed range \"5-3\" (start 5 > end 3)");
    CHECK(list_error("1,,2", 8) == "cpulist \"1,,2\": empty token (expected N or N-M with CPUs 0-7)");
    CHECK(list_error("0", 0) == "cpulist \"0\": CPU 0 in \"0\" out of range (no CPUs)");
    CHECK(list_error("y", 1) == "cpulist \"y\": bad token \"y\" (expected N or N-M with CPU 0)");
}

TEST_CASE("CpumaskParseList: Malformed", "[cpumask]") {
    CHECK_THAT(list_error("x", 8), ContainsSubstring("bad token \"x\""));
    CHECK_THAT(list_error("1-", 8), ContainsSubstring("bad token \"1-\""));
    CHECK_THAT(list_error("-1", 8), ContainsSubstring("bad token \"-1\""));
    CHECK_THAT(list_error("3-1", 8), ContainsSubstring("reversed range \"3-1\""));
    CHECK_THAT(list_error("0-9999", 8), ContainsSubstring("CPU 9999"));
    CHECK_THAT(list_error("8", 8), ContainsSubstring("CPU 8 in \"8\" out of range (CPUs 0-7)"));
    CHECK_THAT(list_error("0-3,6-8", 8), ContainsSubstring("CPU 8 in \"6-8\""));
    CHECK_THAT(list_error("1,,2", 8), ContainsSubstring("empty token"));
    CHECK_THAT(list_error(",1", 8), ContainsSubstring("empty token"));
    CHECK_THAT(list_error("1,", 8), ContainsSubstring("empty token"));
    CHECK_THAT(list_error("1-2-3", 8), ContainsSubstring("bad token \"1-2-3\""));
    CHECK_THAT(list_error("1:2", 8), ContainsSubstring("bad token \"1:2\""));  // stride needs a range
    CHECK_THAT(list_error("0-7:", 8), ContainsSubstring("bad token \"0-7:\""));
    CHECK_THAT(list_error("0-7:0", 8), ContainsSubstring("bad stride in \"0-7:0\""));
    CHECK_THAT(list_error("0-7:3/2", 8), ContainsSubstring("bad stride in \"0-7:3/2\""));
    CHECK_THAT(list_error("0-7:1/", 8), ContainsSubstring("bad token \"0-7:1/\""));
    CHECK_THAT(list_error("0 - 3", 8), ContainsSubstring("bad token \"0 - 3\""));
    CHECK_THAT(list_error("+1", 8), ContainsSubstring("bad token \"+1\""));
    CHECK_THAT(list_error("0x3", 8), ContainsSubstring("bad token \"0x3\""));
    CHECK_THAT(list_error("All", 8), ContainsSubstring("bad token \"All\""));
    CHECK_THAT(list_error("99999999999999999999999", 8), ContainsSubstring("out of range (CPUs 0-7)"));
    CHECK_THAT(list_error("0-15:4", 12), ContainsSubstring("CPU 12 in \"0-15:4\""));
}

TEST_CASE("CpumaskParseHex: Good", "[cpumask]") {
    CHECK_THAT(Cpumask::parse_hex("ff", 8)->cpus(), RangeEquals(std::vector{0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u}));
    CHECK(*Cpumask::parse_hex("0xff", 8) == Cpumask::all(8));
    CHECK(*Cpumask::parse_hex("0XFF\n", 8) == Cpumask::all(8));
    CHECK(Cpumask::parse_hex("ff,00000001", 64)->to_list() == "0,32-39");
    CHECK(Cpumask::parse_hex("1,00000000", 33)->to_list() == "32");
    CHECK(Cpumask::parse_hex("0x1ffffffff", 64)->to_list() == "0-32");  // no commas: one number
    CHECK(Cpumask::parse_hex("8000000000000000", 64)->to_list() == "63");
    CHECK(Cpumask::parse_hex("0,000000ff", 8)->to_list() == "0-7");     // zero groups beyond nr are fine
    CHECK(Cpumask::parse_hex("a", 4)->to_list() == "1,3");
    CHECK(Cpumask::parse_hex("1,1,1", 65)->to_list() == "0,32,64");
    CHECK(Cpumask::parse_hex("0", 8)->empty());
    CHECK(Cpumask::parse_hex("00000000,00000000", 8)->empty());
}

TEST_CASE("CpumaskParseHex: Malformed", "[cpumask]") {
    CHECK_THAT(hex_error("fg", 8), ContainsSubstring("bad hex digit 'g' in group \"fg\""));
    CHECK_THAT(hex_error("0xff,0000000z", 64), ContainsSubstring("bad hex digit 'z'"));
    CHECK_THAT(hex_error("-1", 8), ContainsSubstring("bad hex digit '-'"));
    CHECK_THAT(hex_error("0x", 8), ContainsSubstring("no hex digits"));
    CHECK_THAT(hex_error("", 8), ContainsSubstring("no hex digits"));
    CHECK_THAT(hex_error("ff,,1", 96), ContainsSubstring("bad group \"\""));
    CHECK_THAT(hex_error("123456789,0", 96), ContainsSubstring("bad group \"123456789\""));
    // Too many bits for nr_cpus.
    CHECK(hex_error("1ff", 8) == "hex cpumask \"1ff\": bit 8 set, beyond CPUs 0-7");
    CHECK_THAT(hex_error("1,00000000", 32), ContainsSubstring("bit 32 set"));
    CHECK_THAT(hex_error("0x100000000", 32), ContainsSubstring("bit 32 set"));
    CHECK_THAT(hex_error("1", 0), ContainsSubstring("bit 0 set, beyond no CPUs"));
}

TEST_CASE("CpumaskParse: Dispatch", "[cpumask]") {
    CHECK(Cpumask::parse("0xf0", 8)->to_list() == "4-7");
    CHECK(Cpumask::parse(" 0x3 ", 8)->to_list() == "0-1");
    CHECK(Cpumask::parse("10", 16)->to_list() == "10");  // a list, not hex
    CHECK(Cpumask::parse("0-2,5", 8)->to_list() == "0-2,5");
    CHECK(*Cpumask::parse("all", 8) == Cpumask::all(8));
    CHECK(Cpumask::parse("none", 8)->empty());
    CHECK(Cpumask::parse("", 8)->empty());
    CHECK_FALSE(Cpumask::parse("ff", 8).has_value());     // hex needs 0x here
    CHECK_FALSE(Cpumask::parse("0xfff", 8).has_value());
}

TEST_CASE("CpumaskListSpan: Span", "[cpumask]") {
    CHECK(*Cpumask::list_span("0-7\n") == 8u);
    CHECK(*Cpumask::list_span("0-3,100") == 101u);
    CHECK(*Cpumask::list_span("0-15:4") == 13u);
    CHECK(*Cpumask::list_span("0-19:2/8") == 18u);
    CHECK(*Cpumask::list_span("") == 0u);
    CHECK(*Cpumask::list_span("none") == 0u);
    CHECK(*Cpumask::list_span("0-8191") == 8192u);
    CHECK_FALSE(Cpumask::list_span("all").has_value());
    CHECK_THAT(Cpumask::list_span("0,x").error().message(), ContainsSubstring("bad token \"x\""));
    CHECK_THAT(Cpumask::list_span("4-2").error().message(), ContainsSubstring("reversed range"));
    CHECK_THAT(Cpumask::list_span("0-99999999").error().message(), ContainsSubstring("out of range"));
}

TEST_CASE("CpumaskPrint: ToList", "[cpumask]") {
    CHECK(list("0-3,8", 16).to_list() == "0-3,8");
    CHECK(list("0,1", 16).to_list() == "0-1");
    CHECK(list("1,3,5", 16).to_list() == "1,3,5");
    CHECK(list("15", 16).to_list() == "15");
    CHECK(Cpumask(16).to_list() == "");
    CHECK(Cpumask().to_list() == "");
    CHECK(list("60-70,127-128", 200).to_list() == "60-70,127-128");
    CHECK(list("0-63,65", 66).to_list() == "0-63,65");
    CHECK(Cpumask::all(130).to_list() == "0-129");
}

TEST_CASE("CpumaskPrint: ToHex", "[cpumask]") {
    CHECK(list("0", 8).to_hex() == "1");
    CHECK(Cpumask::all(8).to_hex() == "ff");
    CHECK(Cpumask(8).to_hex() == "0");
    CHECK(Cpumask().to_hex() == "0");
    CHECK(list("0,32-39", 64).to_hex() == "ff,00000001");
    CHECK(list("0", 40).to_hex() == "0,00000001");
    CHECK(list("31", 32).to_hex() == "80000000");
    CHECK(list("32", 33).to_hex() == "1,00000000");
    CHECK(list("4-7,36", 64).to_hex() == "10,000000f0");
    std::string all8192;
    for (int g = 0; g < 256; ++g) all8192 += g ? ",ffffffff" : "ffffffff";
    CHECK(Cpumask::all(8192).to_hex() == all8192);
}

TEST_CASE("CpumaskPrint: Words", "[cpumask]") {
    CHECK(Cpumask().to_u64_words().empty());
    CHECK_THAT(list("0,63", 64).to_u64_words(), RangeEquals(std::vector{0x8000000000000001ull}));
    CHECK_THAT(list("1,64", 65).to_u64_words(), RangeEquals(std::vector{2ull, 1ull}));
    CHECK_THAT(Cpumask::all(70).to_u64_words(), RangeEquals(std::vector{~0ull, 0x3full}));
    CHECK(Cpumask(1).to_u64_words().size() == 1u);
    CHECK(Cpumask(129).to_u64_words().size() == 3u);
}

TEST_CASE("CpumaskRoundTrip: ListHexWords", "[cpumask]") {
    std::mt19937 rng(42);
    for (unsigned nr : {1u, 7u, 31u, 32u, 33u, 63u, 64u, 65u, 100u, 1000u, 8192u, 10000u}) {
        for (int density : {0, 5, 50, 95, 100}) {
            Cpumask m(nr);
            for (unsigned cpu = 0; cpu < nr; ++cpu)
                if (static_cast<int>(rng() % 100) < density) {
                    REQUIRE(m.set(cpu));
                }
            INFO("nr " << nr << " density " << density);
            auto from_list = Cpumask::parse_list(m.to_list(), nr);
            UNSCOPED_INFO(error_text(from_list));
            REQUIRE(from_list);
            CHECK(*from_list == m);
            auto from_hex = Cpumask::parse_hex(m.to_hex(), nr);
            UNSCOPED_INFO(error_text(from_hex));
            REQUIRE(from_hex);
            CHECK(*from_hex == m);
            CHECK(*Cpumask::parse("0x" + m.to_hex(), nr) == m);
            // Words agree with test().
            auto words = m.to_u64_words();
            REQUIRE(words.size() == (nr + 63) / 64);
            unsigned weight = 0;
            for (unsigned cpu = 0; cpu < nr; ++cpu) {
                bool bit = (words[cpu / 64] >> (cpu % 64)) & 1;
                CHECK(bit == m.test(cpu));
                weight += bit;
            }
            CHECK(weight == m.weight());
            CHECK(m.cpus().size() == m.weight());
        }
    }
}

TEST_CASE("CpumaskBig: Cpus8192", "[cpumask]") {
    Cpumask m(8192);
    CHECK(m.nr_cpus() == 8192u);
    CHECK(m.set(8191).has_value());
    CHECK(m.test(8191));
    CHECK(m.weight() == 1u);
    CHECK(m.first() == 8191);
    CHECK(m.to_list() == "8191");
    auto words = m.to_u64_words();
    REQUIRE(words.size() == 128u);
    CHECK(words[127] == (1ull << 63));
    CHECK(m.to_hex().substr(0, 9) == "80000000,");
    CHECK(m.to_hex().size() == 256u * 9 - 1);

    auto err = m.set(8192);
    REQUIRE_FALSE(err.has_value());
    CHECK_THAT(err.error().message(), ContainsSubstring("CPU 8192 out of range (CPUs 0-8191)"));

    Cpumask all = Cpumask::all(8192);
    CHECK(all.weight() == 8192u);
    CHECK(all.to_list() == "0-8191");
    CHECK(list("0-8191", 8192) == all);
    CHECK((~m).weight() == 8191u);
    CHECK((~m).to_list() == "0-8190");
    CHECK(list("0-8191:2", 8192).weight() == 4096u);
    CHECK(list("0-63,4096-4159", 8192).to_list() == "0-63,4096-4159");
    CHECK(*Cpumask::parse_hex(m.to_hex(), 8192) == m);
    CHECK_THAT(list_error("8192", 8192), ContainsSubstring("CPU 8192 in \"8192\" out of range (CPUs 0-8191)"));
}

TEST_CASE("CpumaskBig: BeyondNr8192", "[cpumask]") {
    Cpumask all = Cpumask::all(10000);
    CHECK(all.weight() == 10000u);
    CHECK(all.to_list() == "0-9999");
    CHECK(all.to_u64_words().size() == 157u);
    CHECK(all.to_u64_words().back() == (1ull << (10000 % 64)) - 1);
    Cpumask m = list("9999,5000", 10000);
    CHECK_THAT(m.cpus(), RangeEquals(std::vector{5000u, 9999u}));
    CHECK(m.next(5000) == 9999);
}

TEST_CASE("CpumaskAlgebra: SameSize", "[cpumask]") {
    Cpumask a = list("0-3", 8), b = list("2-5", 8);
    CHECK((a & b).to_list() == "2-3");
    CHECK((a | b).to_list() == "0-5");
    CHECK((a ^ b).to_list() == "0-1,4-5");
    CHECK((~a).to_list() == "4-7");
    CHECK(a.minus(b).to_list() == "0-1");
    CHECK(b.minus(a).to_list() == "4-5");
    CHECK(a.intersects(b));
    CHECK_FALSE(a.intersects(list("4-7", 8)));
    CHECK_FALSE(a.subset_of(b));
    CHECK(list("1-2", 8).subset_of(a));
    CHECK(Cpumask(8).subset_of(a));
    CHECK(a.subset_of(a));
    CHECK(a == list("0-3", 8));
    CHECK_FALSE(a == b);
    CHECK((a & b).nr_cpus() == 8u);
    CHECK(~Cpumask::all(8) == Cpumask(8));
    CHECK(~~a == a);
    CHECK((a ^ a) == Cpumask(8));
}

TEST_CASE("CpumaskAlgebra: ComplementStaysWithinNr", "[cpumask]") {
    Cpumask empty(70);
    Cpumask all = ~empty;
    CHECK(all.weight() == 70u);
    CHECK(all.to_u64_words()[1] == 0x3full);
    CHECK(all == Cpumask::all(70));
    CHECK((~Cpumask(0)).weight() == 0u);
}

TEST_CASE("CpumaskAlgebra: DifferentSizesUseTheLarger", "[cpumask]") {
    Cpumask small = list("0-3", 8), big = list("2-5,100", 128);
    CHECK((small | big).nr_cpus() == 128u);
    CHECK((big | small).nr_cpus() == 128u);
    CHECK((small | big).to_list() == "0-5,100");
    CHECK((small & big).to_list() == "2-3");
    CHECK((small & big).nr_cpus() == 128u);
    CHECK((small ^ big).to_list() == "0-1,4-5,100");
    CHECK(small.minus(big).to_list() == "0-1");
    CHECK(small.minus(big).nr_cpus() == 128u);
    CHECK(big.minus(small).to_list() == "4-5,100");
    CHECK(small.intersects(big));
    CHECK(list("2-3", 8).subset_of(big));
    CHECK_FALSE(big.subset_of(list("0-7", 8)));
    // == compares the CPU sets (zero-extended), not the sizes.
    CHECK(list("0-3", 8) == list("0-3", 16));
    CHECK_FALSE(list("0-3", 8) == list("0-3,9", 16));
    CHECK(Cpumask() == Cpumask(64));
}

TEST_CASE("CpumaskBits: SetClearTest", "[cpumask]") {
    Cpumask m(8);
    CHECK(m.empty());
    CHECK(m.set(3));
    CHECK(m.set(3));
    CHECK(m.set(7));
    CHECK(m.test(3));
    CHECK_FALSE(m.test(4));
    CHECK_FALSE(m.test(8));
    CHECK_FALSE(m.test(1000000));
    CHECK(m.weight() == 2u);
    CHECK(m.clear(3));
    CHECK_FALSE(m.test(3));
    CHECK(m.weight() == 1u);
    CHECK_FALSE(m.set(8).has_value());
    CHECK_FALSE(m.clear(8).has_value());
    CHECK_THAT(m.clear(8).error().message(), ContainsSubstring("CPU 8 out of range (CPUs 0-7)"));
    CHECK_FALSE(Cpumask().set(0).has_value());
}

TEST_CASE("CpumaskIteration: FirstNextRangeFor", "[cpumask]") {
    Cpumask m = list("1,63,64,65,200", 256);
    CHECK(m.first() == 1);
    CHECK(m.next(1) == 63);
    CHECK(m.next(63) == 64);
    CHECK(m.next(64) == 65);
    CHECK(m.next(65) == 200);
    CHECK(m.next(200) == -1);
    CHECK(m.next(255) == -1);
    CHECK(m.next(100000) == -1);
    CHECK(m.next(0) == 1);
    std::vector<unsigned> seen;
    for (unsigned cpu : m) seen.push_back(cpu);
    CHECK_THAT(seen, RangeEquals(std::vector{1u, 63u, 64u, 65u, 200u}));
    CHECK(seen == m.cpus());

    Cpumask empty(256);
    CHECK(empty.first() == -1);
    CHECK_FALSE(empty.begin() != empty.end());
    for (unsigned cpu : empty) FAIL_CHECK("cpu " << cpu << " in an empty mask");
    CHECK(Cpumask().first() == -1);
    CHECK(Cpumask().cpus().empty());
}

TEST_CASE("CpumaskResize: Resized", "[cpumask]") {
    Cpumask m = list("0,7,70", 128);
    CHECK(m.resized(8).to_list() == "0,7");
    CHECK(m.resized(8).nr_cpus() == 8u);
    CHECK(m.resized(7).to_list() == "0");
    CHECK(m.resized(256).to_list() == "0,7,70");
    CHECK(m.resized(256).nr_cpus() == 256u);
    CHECK((~m.resized(8)).to_list() == "1-6");
}

}  // namespace
