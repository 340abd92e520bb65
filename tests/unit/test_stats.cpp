// test_stats.cpp: the text and JSON stats formats, counter deltas, gauges and text entries.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <nlohmann/json.hpp>

#include "scxx/stats.hpp"

using Catch::Matchers::ContainsSubstring;
using scxx::Stats;
using scxx::StatsFormat;

TEST_CASE("Stats: Entries", "[stats]") {
    Stats s;
    s.counter("dispatched", 5, "help");
    s.gauge("util", 12.5, "help", "%");
    s.text("pairs", "[0,1]", "help");
    REQUIRE(s.entries().size() == 3u);
    CHECK(s.entries()[0].kind == Stats::Entry::Kind::counter);
    CHECK(std::get<uint64_t>(s.entries()[0].value) == 5u);
    CHECK(s.entries()[1].unit == "%");
    s.clear();
    CHECK(s.entries().empty());
}

TEST_CASE("Stats: TextLine", "[stats]") {
    Stats s;
    s.counter("dispatched", 1200, "help");
    s.counter("wait", 70, "help", "us");
    s.gauge("util", 45.678, "help", "%");
    s.gauge("load", 2.0, "help");
    s.gauge("ratio", 0.5, "help");
    CHECK(s.format(StatsFormat::text, 3.0) == "t=3.0s dispatched=1200 wait=70us util=45.68% load=2 ratio=0.5");
}

TEST_CASE("Stats: TextDeltas", "[stats]") {
    Stats prev;
    prev.counter("dispatched", 900, "help");
    prev.counter("local", 10, "help");
    Stats cur;
    cur.counter("dispatched", 1200, "help");
    cur.counter("local", 10, "help");
    cur.counter("fresh", 4, "help");   // not in previous: no delta
    cur.gauge("util", 1.0, "help");
    CHECK(cur.format(StatsFormat::text, 2.0, &prev) == "t=2.0s dispatched=1200 (+300) local=10 (+0) fresh=4 util=1");

    Stats reset;  // a new instance after a restart: counter went down, no bogus delta
    reset.counter("dispatched", 3, "help");
    CHECK(reset.format(StatsFormat::text, 2.5, &prev) == "t=2.5s dispatched=3");
}

TEST_CASE("Stats: TextEntriesOnOwnLines", "[stats]") {
    Stats s;
    s.counter("dispatched", 1, "help");
    s.text("pairs", "[0,2] [1,3]", "help");
    s.text("mode", "fifo", "help");
    CHECK(s.format(StatsFormat::text, 1.0) == "t=1.0s dispatched=1\npairs: [0,2] [1,3]\nmode: fifo");
}

TEST_CASE("Stats: Json", "[stats]") {
    Stats s;
    s.counter("dispatched", 123, "help");
    s.gauge("util", 0.25, "help", "%");
    s.text("pairs", "[0,1]", "help");
    std::string line = s.format(StatsFormat::json, 1.0);
    CHECK(line == R"({"t":1.0,"dispatched":123,"util":0.25,"pairs":"[0,1]"})");
    CHECK_THAT(line, !ContainsSubstring("\n"));
    auto j = nlohmann::json::parse(line);
    CHECK(j["dispatched"] == 123);
}

TEST_CASE("Stats: JsonIgnoresPreviousAndRoundsTime", "[stats]") {
    Stats prev;
    prev.counter("n", 1, "help");
    Stats s;
    s.counter("n", 3, "help");
    CHECK(s.format(StatsFormat::json, 1.1000000001, &prev) == R"({"t":1.1,"n":3})");
    Stats empty;
    CHECK(empty.format(StatsFormat::json, 0.0) == R"({"t":0.0})");
    CHECK(empty.format(StatsFormat::text, 0.0) == "t=0.0s");
}

TEST_CASE("Stats: Sections", "[stats]") {
    Stats s;
    s.gauge("nr", 2, "help");
    s.section("wakeup");
    s.counter("attached", 5, "help");
    s.section("nest");
    s.counter("promoted", 1, "help");
    CHECK(s.format(StatsFormat::text, 1.0) == "t=1.0s nr=2\n  wakeup: attached=5\n  nest: promoted=1");
    CHECK(s.format(StatsFormat::json, 1.0) == R"({"t":1.0,"nr":2.0,"attached":5,"promoted":1})");
}

// CPU sets: a bar up to 64 CPUs, bars wrapped every 64 CPUs with the row's first CPU up to 256, a
// cpulist beyond; names aligned; JSON always a cpulist.
TEST_CASE("Stats: CpuSets", "[stats]") {
    Stats s;
    s.cpus("primary", *scxx::Cpumask::parse_list("0,2", 4), "help");
    s.cpus("idle", scxx::Cpumask(4), "help");
    CHECK(s.format(StatsFormat::text, 1.0) == "t=1.0s\nprimary (2/4) |*-*-|\nidle    (0/4) |----|");
    CHECK(s.format(StatsFormat::json, 1.0) == R"({"t":1.0,"primary":"0,2","idle":""})");

    Stats wide;
    wide.cpus("primary", *scxx::Cpumask::parse_list("0,64-65,129", 130), "help");
    const std::string row0 = "*" + std::string(63, '-');
    const std::string row1 = "**" + std::string(62, '-');
    CHECK(wide.format(StatsFormat::text, 1.0) == "t=1.0s\nprimary (  4/130)   0 |" + row0 + "|\n" +
                                                   std::string(17, ' ') + "  64 |" + row1 + "|\n" +
                                                   std::string(17, ' ') + " 128 |-*|");

    Stats huge;
    huge.cpus("primary", *scxx::Cpumask::parse_list("0-3,8000", 8192), "help");
    huge.cpus("other", scxx::Cpumask(8192), "help");
    CHECK(huge.format(StatsFormat::text, 1.0) == "t=1.0s\nprimary (   5/8192) 0-3,8000\nother   (   0/8192) none");
}

TEST_CASE("Stats: HelpIsKept", "[stats]") {
    Stats s;
    s.counter("dispatched", 5, "tasks moved to a CPU", "tasks");
    s.cpus("idle", scxx::Cpumask(4), "idle CPUs");
    CHECK(s.entries()[0].help == "tasks moved to a CPU");
    CHECK(s.entries()[0].unit == "tasks");
    CHECK(s.entries()[1].help == "idle CPUs");
}

TEST_CASE("Stats: CheckMeta", "[stats]") {
    Stats good;
    good.counter("dispatched", 1, "tasks moved to a CPU");
    good.section("wakeup");
    good.section("wakeup");  // sections may repeat and have no help
    good.gauge("wait", 2, "average wait", "us");
    CHECK(scxx::check_stats_meta(good));

    Stats no_help;
    no_help.gauge("util", 1, "", "%");
    auto r = scxx::check_stats_meta(no_help);
    REQUIRE(!r);
    CHECK_THAT(r.error().what(), ContainsSubstring("'util' has no help"));

    Stats spaced;
    spaced.gauge("wait", 1, "average wait", "micro seconds");
    r = scxx::check_stats_meta(spaced);
    REQUIRE(!r);
    CHECK_THAT(r.error().what(), ContainsSubstring("unit 'micro seconds' of 'wait' has spaces"));

    Stats twice;
    twice.counter("n", 1, "first");
    twice.section("other");
    twice.text("n", "x", "second");
    r = scxx::check_stats_meta(twice);
    REQUIRE(!r);
    CHECK_THAT(r.error().what(), ContainsSubstring("'n' is published twice"));
}
