// test_cpumask.cpp: Cpumask parsing (cpulist, kernel hex, all/none), printing, round trips, set
// algebra, iteration and large (8192+) masks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <ostream>
#include <random>

#include "scxx/cpumask.hpp"

namespace scxx {
// gtest prints masks as their cpulist.
void PrintTo(const Cpumask& m, std::ostream* os) { *os << "{" << m.to_list() << "}/" << m.nr_cpus(); }
}  // namespace scxx

namespace {

using scxx::Cpumask;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Cpumask list(std::string_view text, unsigned nr) {
    auto m = Cpumask::parse_list(text, nr);
    EXPECT_TRUE(m.has_value()) << text << ": " << m.error().what();
    return m ? *m : Cpumask(nr);
}

// The error message of a parse that must fail.
std::string list_error(std::string_view text, unsigned nr) {
    auto m = Cpumask::parse_list(text, nr);
    EXPECT_FALSE(m.has_value()) << "\"" << text << "\" parsed as " << m->to_list();
    if (m) return "";
    EXPECT_EQ(m.error().errnum(), EINVAL);
    return m.error().message();
}

std::string hex_error(std::string_view text, unsigned nr) {
    auto m = Cpumask::parse_hex(text, nr);
    EXPECT_FALSE(m.has_value()) << "\"" << text << "\" parsed as " << m->to_list();
    if (m) return "";
    EXPECT_EQ(m.error().errnum(), EINVAL);
    return m.error().message();
}

TEST(CpumaskParseList, RangesAndSingles) {
    EXPECT_THAT(list("0-3,8", 16).cpus(), ElementsAre(0u, 1u, 2u, 3u, 8u));
    EXPECT_THAT(list("5", 8).cpus(), ElementsAre(5u));
    EXPECT_THAT(list("7,0", 8).cpus(), ElementsAre(0u, 7u));
    EXPECT_THAT(list("0-3,2-5", 8).cpus(), ElementsAre(0u, 1u, 2u, 3u, 4u, 5u));  // overlaps merge
    EXPECT_THAT(list("4-4", 8).cpus(), ElementsAre(4u));
    EXPECT_EQ(list("0-7", 8).weight(), 8u);
    EXPECT_EQ(list("0-7", 8).nr_cpus(), 8u);
}

TEST(CpumaskParseList, Stride) {
    EXPECT_THAT(list("0-15:4", 16).cpus(), ElementsAre(0u, 4u, 8u, 12u));
    EXPECT_THAT(list("1-9:3", 16).cpus(), ElementsAre(1u, 4u, 7u));
    EXPECT_THAT(list("0-7:1", 8).cpus(), ElementsAre(0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u));
    EXPECT_THAT(list("0-2:8", 8).cpus(), ElementsAre(0u));
    // The kernel's used/group form: the first 2 of every 8.
    EXPECT_THAT(list("0-19:2/8", 20).cpus(), ElementsAre(0u, 1u, 8u, 9u, 16u, 17u));
    EXPECT_THAT(list("0-15:4,1", 16).cpus(), ElementsAre(0u, 1u, 4u, 8u, 12u));
    // A stride that only reaches past nr_cpus on paper is fine: 0-100:64 selects 0 and 64.
    EXPECT_THAT(list("0-100:64", 65).cpus(), ElementsAre(0u, 64u));
}

TEST(CpumaskParseList, WhitespaceAllNone) {
    EXPECT_THAT(list(" 0-3 , 8\n", 16).cpus(), ElementsAre(0u, 1u, 2u, 3u, 8u));
    EXPECT_THAT(list("\t1,\t2 ", 16).cpus(), ElementsAre(1u, 2u));
    EXPECT_EQ(list("all", 12), Cpumask::all(12));
    EXPECT_EQ(list(" all\n", 12).weight(), 12u);
    EXPECT_TRUE(list("none", 12).empty());
    EXPECT_TRUE(list("", 12).empty());
    EXPECT_TRUE(list(" \n", 12).empty());
    EXPECT_EQ(list("", 12).nr_cpus(), 12u);
    EXPECT_TRUE(list("all", 0).empty());
}

TEST(CpumaskParseList, ErrorMessageFormat) {
    EXPECT_EQ(list_error("0-3,x", 8), "cpulist \"0-3,x\": bad token \"x\" (expected N or N-M with CPUs 0-7)");
    EXPECT_EQ(list_error("0-9999", 8), "cpulist \"0-9999\": CPU 9999 in \"0-9999\" out of range (CPUs 0-7)");
    EXPECT_EQ(list_error("5-3", 8), "cpulist \"5-3\": reversed range \"5-3\" (start 5 > end 3)");
    EXPECT_EQ(list_error("1,,2", 8), "cpulist \"1,,2\": empty token (expected N or N-M with CPUs 0-7)");
    EXPECT_EQ(list_error("0", 0), "cpulist \"0\": CPU 0 in \"0\" out of range (no CPUs)");
    EXPECT_EQ(list_error("y", 1), "cpulist \"y\": bad token \"y\" (expected N or N-M with CPU 0)");
}

TEST(CpumaskParseList, Malformed) {
    EXPECT_THAT(list_error("x", 8), HasSubstr("bad token \"x\""));
    EXPECT_THAT(list_error("1-", 8), HasSubstr("bad token \"1-\""));
    EXPECT_THAT(list_error("-1", 8), HasSubstr("bad token \"-1\""));
    EXPECT_THAT(list_error("3-1", 8), HasSubstr("reversed range \"3-1\""));
    EXPECT_THAT(list_error("0-9999", 8), HasSubstr("CPU 9999"));
    EXPECT_THAT(list_error("8", 8), HasSubstr("CPU 8 in \"8\" out of range (CPUs 0-7)"));
    EXPECT_THAT(list_error("0-3,6-8", 8), HasSubstr("CPU 8 in \"6-8\""));
    EXPECT_THAT(list_error("1,,2", 8), HasSubstr("empty token"));
    EXPECT_THAT(list_error(",1", 8), HasSubstr("empty token"));
    EXPECT_THAT(list_error("1,", 8), HasSubstr("empty token"));
    EXPECT_THAT(list_error("1-2-3", 8), HasSubstr("bad token \"1-2-3\""));
    EXPECT_THAT(list_error("1:2", 8), HasSubstr("bad token \"1:2\""));  // stride needs a range
    EXPECT_THAT(list_error("0-7:", 8), HasSubstr("bad token \"0-7:\""));
    EXPECT_THAT(list_error("0-7:0", 8), HasSubstr("bad stride in \"0-7:0\""));
    EXPECT_THAT(list_error("0-7:3/2", 8), HasSubstr("bad stride in \"0-7:3/2\""));
    EXPECT_THAT(list_error("0-7:1/", 8), HasSubstr("bad token \"0-7:1/\""));
    EXPECT_THAT(list_error("0 - 3", 8), HasSubstr("bad token \"0 - 3\""));
    EXPECT_THAT(list_error("+1", 8), HasSubstr("bad token \"+1\""));
    EXPECT_THAT(list_error("0x3", 8), HasSubstr("bad token \"0x3\""));
    EXPECT_THAT(list_error("All", 8), HasSubstr("bad token \"All\""));
    EXPECT_THAT(list_error("99999999999999999999999", 8), HasSubstr("out of range (CPUs 0-7)"));
    EXPECT_THAT(list_error("0-15:4", 12), HasSubstr("CPU 12 in \"0-15:4\""));
}

TEST(CpumaskParseHex, Good) {
    EXPECT_THAT(Cpumask::parse_hex("ff", 8)->cpus(), ElementsAre(0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u));
    EXPECT_EQ(*Cpumask::parse_hex("0xff", 8), Cpumask::all(8));
    EXPECT_EQ(*Cpumask::parse_hex("0XFF\n", 8), Cpumask::all(8));
    EXPECT_EQ(Cpumask::parse_hex("ff,00000001", 64)->to_list(), "0,32-39");
    EXPECT_EQ(Cpumask::parse_hex("1,00000000", 33)->to_list(), "32");
    EXPECT_EQ(Cpumask::parse_hex("0x1ffffffff", 64)->to_list(), "0-32");  // no commas: one number
    EXPECT_EQ(Cpumask::parse_hex("8000000000000000", 64)->to_list(), "63");
    EXPECT_EQ(Cpumask::parse_hex("0,000000ff", 8)->to_list(), "0-7");     // zero groups beyond nr are fine
    EXPECT_EQ(Cpumask::parse_hex("a", 4)->to_list(), "1,3");
    EXPECT_EQ(Cpumask::parse_hex("1,1,1", 65)->to_list(), "0,32,64");
    EXPECT_TRUE(Cpumask::parse_hex("0", 8)->empty());
    EXPECT_TRUE(Cpumask::parse_hex("00000000,00000000", 8)->empty());
}

TEST(CpumaskParseHex, Malformed) {
    EXPECT_THAT(hex_error("fg", 8), HasSubstr("bad hex digit 'g' in group \"fg\""));
    EXPECT_THAT(hex_error("0xff,0000000z", 64), HasSubstr("bad hex digit 'z'"));
    EXPECT_THAT(hex_error("-1", 8), HasSubstr("bad hex digit '-'"));
    EXPECT_THAT(hex_error("0x", 8), HasSubstr("no hex digits"));
    EXPECT_THAT(hex_error("", 8), HasSubstr("no hex digits"));
    EXPECT_THAT(hex_error("ff,,1", 96), HasSubstr("bad group \"\""));
    EXPECT_THAT(hex_error("123456789,0", 96), HasSubstr("bad group \"123456789\""));
    // Too many bits for nr_cpus.
    EXPECT_EQ(hex_error("1ff", 8), "hex cpumask \"1ff\": bit 8 set, beyond CPUs 0-7");
    EXPECT_THAT(hex_error("1,00000000", 32), HasSubstr("bit 32 set"));
    EXPECT_THAT(hex_error("0x100000000", 32), HasSubstr("bit 32 set"));
    EXPECT_THAT(hex_error("1", 0), HasSubstr("bit 0 set, beyond no CPUs"));
}

TEST(CpumaskParse, Dispatch) {
    EXPECT_EQ(Cpumask::parse("0xf0", 8)->to_list(), "4-7");
    EXPECT_EQ(Cpumask::parse(" 0x3 ", 8)->to_list(), "0-1");
    EXPECT_EQ(Cpumask::parse("10", 16)->to_list(), "10");  // a list, not hex
    EXPECT_EQ(Cpumask::parse("0-2,5", 8)->to_list(), "0-2,5");
    EXPECT_EQ(*Cpumask::parse("all", 8), Cpumask::all(8));
    EXPECT_TRUE(Cpumask::parse("none", 8)->empty());
    EXPECT_TRUE(Cpumask::parse("", 8)->empty());
    EXPECT_FALSE(Cpumask::parse("ff", 8).has_value());     // hex needs 0x here
    EXPECT_FALSE(Cpumask::parse("0xfff", 8).has_value());
}

TEST(CpumaskListSpan, Span) {
    EXPECT_EQ(*Cpumask::list_span("0-7\n"), 8u);
    EXPECT_EQ(*Cpumask::list_span("0-3,100"), 101u);
    EXPECT_EQ(*Cpumask::list_span("0-15:4"), 13u);
    EXPECT_EQ(*Cpumask::list_span("0-19:2/8"), 18u);
    EXPECT_EQ(*Cpumask::list_span(""), 0u);
    EXPECT_EQ(*Cpumask::list_span("none"), 0u);
    EXPECT_EQ(*Cpumask::list_span("0-8191"), 8192u);
    EXPECT_FALSE(Cpumask::list_span("all").has_value());
    EXPECT_THAT(Cpumask::list_span("0,x").error().message(), HasSubstr("bad token \"x\""));
    EXPECT_THAT(Cpumask::list_span("4-2").error().message(), HasSubstr("reversed range"));
    EXPECT_THAT(Cpumask::list_span("0-99999999").error().message(), HasSubstr("out of range"));
}

TEST(CpumaskPrint, ToList) {
    EXPECT_EQ(list("0-3,8", 16).to_list(), "0-3,8");
    EXPECT_EQ(list("0,1", 16).to_list(), "0-1");
    EXPECT_EQ(list("1,3,5", 16).to_list(), "1,3,5");
    EXPECT_EQ(list("15", 16).to_list(), "15");
    EXPECT_EQ(Cpumask(16).to_list(), "");
    EXPECT_EQ(Cpumask().to_list(), "");
    EXPECT_EQ(list("60-70,127-128", 200).to_list(), "60-70,127-128");
    EXPECT_EQ(list("0-63,65", 66).to_list(), "0-63,65");
    EXPECT_EQ(Cpumask::all(130).to_list(), "0-129");
}

TEST(CpumaskPrint, ToHex) {
    EXPECT_EQ(list("0", 8).to_hex(), "1");
    EXPECT_EQ(Cpumask::all(8).to_hex(), "ff");
    EXPECT_EQ(Cpumask(8).to_hex(), "0");
    EXPECT_EQ(Cpumask().to_hex(), "0");
    EXPECT_EQ(list("0,32-39", 64).to_hex(), "ff,00000001");
    EXPECT_EQ(list("0", 40).to_hex(), "0,00000001");
    EXPECT_EQ(list("31", 32).to_hex(), "80000000");
    EXPECT_EQ(list("32", 33).to_hex(), "1,00000000");
    EXPECT_EQ(list("4-7,36", 64).to_hex(), "10,000000f0");
    std::string all8192;
    for (int g = 0; g < 256; ++g) all8192 += g ? ",ffffffff" : "ffffffff";
    EXPECT_EQ(Cpumask::all(8192).to_hex(), all8192);
}

TEST(CpumaskPrint, Words) {
    EXPECT_TRUE(Cpumask().to_u64_words().empty());
    EXPECT_THAT(list("0,63", 64).to_u64_words(), ElementsAre(0x8000000000000001ull));
    EXPECT_THAT(list("1,64", 65).to_u64_words(), ElementsAre(2ull, 1ull));
    EXPECT_THAT(Cpumask::all(70).to_u64_words(), ElementsAre(~0ull, 0x3full));
    EXPECT_EQ(Cpumask(1).to_u64_words().size(), 1u);
    EXPECT_EQ(Cpumask(129).to_u64_words().size(), 3u);
}

TEST(CpumaskRoundTrip, ListHexWords) {
    std::mt19937 rng(42);
    for (unsigned nr : {1u, 7u, 31u, 32u, 33u, 63u, 64u, 65u, 100u, 1000u, 8192u, 10000u}) {
        for (int density : {0, 5, 50, 95, 100}) {
            Cpumask m(nr);
            for (unsigned cpu = 0; cpu < nr; ++cpu)
                if (static_cast<int>(rng() % 100) < density) {
                    ASSERT_TRUE(m.set(cpu));
                }
            SCOPED_TRACE("nr " + std::to_string(nr) + " density " + std::to_string(density));
            auto from_list = Cpumask::parse_list(m.to_list(), nr);
            ASSERT_TRUE(from_list) << from_list.error().what();
            EXPECT_EQ(*from_list, m);
            auto from_hex = Cpumask::parse_hex(m.to_hex(), nr);
            ASSERT_TRUE(from_hex) << from_hex.error().what();
            EXPECT_EQ(*from_hex, m);
            EXPECT_EQ(*Cpumask::parse("0x" + m.to_hex(), nr), m);
            // Words agree with test().
            auto words = m.to_u64_words();
            ASSERT_EQ(words.size(), (nr + 63) / 64);
            unsigned weight = 0;
            for (unsigned cpu = 0; cpu < nr; ++cpu) {
                bool bit = (words[cpu / 64] >> (cpu % 64)) & 1;
                EXPECT_EQ(bit, m.test(cpu));
                weight += bit;
            }
            EXPECT_EQ(weight, m.weight());
            EXPECT_EQ(m.cpus().size(), m.weight());
        }
    }
}

TEST(CpumaskBig, Cpus8192) {
    Cpumask m(8192);
    EXPECT_EQ(m.nr_cpus(), 8192u);
    EXPECT_TRUE(m.set(8191).has_value());
    EXPECT_TRUE(m.test(8191));
    EXPECT_EQ(m.weight(), 1u);
    EXPECT_EQ(m.first(), 8191);
    EXPECT_EQ(m.to_list(), "8191");
    auto words = m.to_u64_words();
    ASSERT_EQ(words.size(), 128u);
    EXPECT_EQ(words[127], 1ull << 63);
    EXPECT_EQ(m.to_hex().substr(0, 9), "80000000,");
    EXPECT_EQ(m.to_hex().size(), 256u * 9 - 1);

    auto err = m.set(8192);
    ASSERT_FALSE(err.has_value());
    EXPECT_THAT(err.error().message(), HasSubstr("CPU 8192 out of range (CPUs 0-8191)"));

    Cpumask all = Cpumask::all(8192);
    EXPECT_EQ(all.weight(), 8192u);
    EXPECT_EQ(all.to_list(), "0-8191");
    EXPECT_EQ(list("0-8191", 8192), all);
    EXPECT_EQ((~m).weight(), 8191u);
    EXPECT_EQ((~m).to_list(), "0-8190");
    EXPECT_EQ(list("0-8191:2", 8192).weight(), 4096u);
    EXPECT_EQ(list("0-63,4096-4159", 8192).to_list(), "0-63,4096-4159");
    EXPECT_EQ(*Cpumask::parse_hex(m.to_hex(), 8192), m);
    EXPECT_THAT(list_error("8192", 8192), HasSubstr("CPU 8192 in \"8192\" out of range (CPUs 0-8191)"));
}

TEST(CpumaskBig, BeyondNr8192) {
    Cpumask all = Cpumask::all(10000);
    EXPECT_EQ(all.weight(), 10000u);
    EXPECT_EQ(all.to_list(), "0-9999");
    EXPECT_EQ(all.to_u64_words().size(), 157u);
    EXPECT_EQ(all.to_u64_words().back(), (1ull << (10000 % 64)) - 1);
    Cpumask m = list("9999,5000", 10000);
    EXPECT_THAT(m.cpus(), ElementsAre(5000u, 9999u));
    EXPECT_EQ(m.next(5000), 9999);
}

TEST(CpumaskAlgebra, SameSize) {
    Cpumask a = list("0-3", 8), b = list("2-5", 8);
    EXPECT_EQ((a & b).to_list(), "2-3");
    EXPECT_EQ((a | b).to_list(), "0-5");
    EXPECT_EQ((a ^ b).to_list(), "0-1,4-5");
    EXPECT_EQ((~a).to_list(), "4-7");
    EXPECT_EQ(a.minus(b).to_list(), "0-1");
    EXPECT_EQ(b.minus(a).to_list(), "4-5");
    EXPECT_TRUE(a.intersects(b));
    EXPECT_FALSE(a.intersects(list("4-7", 8)));
    EXPECT_FALSE(a.subset_of(b));
    EXPECT_TRUE(list("1-2", 8).subset_of(a));
    EXPECT_TRUE(Cpumask(8).subset_of(a));
    EXPECT_TRUE(a.subset_of(a));
    EXPECT_TRUE(a == list("0-3", 8));
    EXPECT_FALSE(a == b);
    EXPECT_EQ((a & b).nr_cpus(), 8u);
    EXPECT_EQ(~Cpumask::all(8), Cpumask(8));
    EXPECT_EQ(~~a, a);
    EXPECT_EQ(a ^ a, Cpumask(8));
}

TEST(CpumaskAlgebra, ComplementStaysWithinNr) {
    Cpumask empty(70);
    Cpumask all = ~empty;
    EXPECT_EQ(all.weight(), 70u);
    EXPECT_EQ(all.to_u64_words()[1], 0x3full);
    EXPECT_EQ(all, Cpumask::all(70));
    EXPECT_EQ((~Cpumask(0)).weight(), 0u);
}

TEST(CpumaskAlgebra, DifferentSizesUseTheLarger) {
    Cpumask small = list("0-3", 8), big = list("2-5,100", 128);
    EXPECT_EQ((small | big).nr_cpus(), 128u);
    EXPECT_EQ((big | small).nr_cpus(), 128u);
    EXPECT_EQ((small | big).to_list(), "0-5,100");
    EXPECT_EQ((small & big).to_list(), "2-3");
    EXPECT_EQ((small & big).nr_cpus(), 128u);
    EXPECT_EQ((small ^ big).to_list(), "0-1,4-5,100");
    EXPECT_EQ(small.minus(big).to_list(), "0-1");
    EXPECT_EQ(small.minus(big).nr_cpus(), 128u);
    EXPECT_EQ(big.minus(small).to_list(), "4-5,100");
    EXPECT_TRUE(small.intersects(big));
    EXPECT_TRUE(list("2-3", 8).subset_of(big));
    EXPECT_FALSE(big.subset_of(list("0-7", 8)));
    // == compares the CPU sets (zero-extended), not the sizes.
    EXPECT_EQ(list("0-3", 8), list("0-3", 16));
    EXPECT_FALSE(list("0-3", 8) == list("0-3,9", 16));
    EXPECT_EQ(Cpumask(), Cpumask(64));
}

TEST(CpumaskBits, SetClearTest) {
    Cpumask m(8);
    EXPECT_TRUE(m.empty());
    EXPECT_TRUE(m.set(3));
    EXPECT_TRUE(m.set(3));
    EXPECT_TRUE(m.set(7));
    EXPECT_TRUE(m.test(3));
    EXPECT_FALSE(m.test(4));
    EXPECT_FALSE(m.test(8));
    EXPECT_FALSE(m.test(1000000));
    EXPECT_EQ(m.weight(), 2u);
    EXPECT_TRUE(m.clear(3));
    EXPECT_FALSE(m.test(3));
    EXPECT_EQ(m.weight(), 1u);
    EXPECT_FALSE(m.set(8).has_value());
    EXPECT_FALSE(m.clear(8).has_value());
    EXPECT_THAT(m.clear(8).error().message(), HasSubstr("CPU 8 out of range (CPUs 0-7)"));
    EXPECT_FALSE(Cpumask().set(0).has_value());
}

TEST(CpumaskIteration, FirstNextRangeFor) {
    Cpumask m = list("1,63,64,65,200", 256);
    EXPECT_EQ(m.first(), 1);
    EXPECT_EQ(m.next(1), 63);
    EXPECT_EQ(m.next(63), 64);
    EXPECT_EQ(m.next(64), 65);
    EXPECT_EQ(m.next(65), 200);
    EXPECT_EQ(m.next(200), -1);
    EXPECT_EQ(m.next(255), -1);
    EXPECT_EQ(m.next(100000), -1);
    EXPECT_EQ(m.next(0), 1);
    std::vector<unsigned> seen;
    for (unsigned cpu : m) seen.push_back(cpu);
    EXPECT_THAT(seen, ElementsAre(1u, 63u, 64u, 65u, 200u));
    EXPECT_EQ(seen, m.cpus());

    Cpumask empty(256);
    EXPECT_EQ(empty.first(), -1);
    EXPECT_FALSE(empty.begin() != empty.end());
    for (unsigned cpu : empty) ADD_FAILURE() << cpu;
    EXPECT_EQ(Cpumask().first(), -1);
    EXPECT_TRUE(Cpumask().cpus().empty());
}

TEST(CpumaskResize, Resized) {
    Cpumask m = list("0,7,70", 128);
    EXPECT_EQ(m.resized(8).to_list(), "0,7");
    EXPECT_EQ(m.resized(8).nr_cpus(), 8u);
    EXPECT_EQ(m.resized(7).to_list(), "0");
    EXPECT_EQ(m.resized(256).to_list(), "0,7,70");
    EXPECT_EQ(m.resized(256).nr_cpus(), 256u);
    EXPECT_EQ((~m.resized(8)).to_list(), "1-6");
}

}  // namespace
