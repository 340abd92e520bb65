// test_stats_json.cpp: the control socket's stats forms (values, meta) and stats_from_json, which
// rebuilds a Stats from them: round trips and the errors for malformed input.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <cmath>

#include "scxx/stats.hpp"

using Catch::Matchers::ContainsSubstring;
using scxx::Stats;
using scxx::StatsFormat;

namespace {

Stats sample() {
    Stats s;
    s.gauge("nr_active", 2, "CPUs core compaction keeps active");
    s.counter("dispatched", 1200, "tasks moved to a CPU");
    s.section("wakeup");
    s.gauge("util", 45.5, "CPU utilisation", "%");
    s.counter("wait", 70, "time waited", "us");
    s.section("masks");
    s.text("mode", "say \"hi\"\\ok", "the mode");
    s.cpus("primary", *scxx::Cpumask::parse_list("0-3,8", 16), "primary CPUs");
    return s;
}

std::string error_of(std::string_view values, std::string_view meta) {
    auto r = scxx::stats_from_json(values, meta);
    REQUIRE(!r);
    return r.error().what();
}

}  // namespace

TEST_CASE("StatsJson: Values", "[stats_json]") {
    CHECK(scxx::stats_values_json(sample()) ==
          R"({"nr_active":2.0,"dispatched":1200,"util":45.5,"wait":70,"mode":"say \"hi\"\\ok","primary":"0-3,8"})");
    CHECK(scxx::stats_values_json(Stats()) == "{}");
}

TEST_CASE("StatsJson: Meta", "[stats_json]") {
    const std::string meta = scxx::stats_meta_json(sample());
    CHECK_THAT(meta, ContainsSubstring(
        R"({"name":"nr_active","type":"gauge","unit":"","help":"CPUs core compaction keeps active","section":""})"));
    CHECK_THAT(meta, ContainsSubstring(R"({"name":"wait","type":"counter","unit":"us","help":"time waited","section":"wakeup"})"));
    CHECK_THAT(meta, ContainsSubstring(R"({"name":"primary","type":"cpus","unit":"","help":"primary CPUs","section":"masks"})"));
    CHECK(scxx::stats_meta_json(Stats()) == "[]");
}

TEST_CASE("StatsJson: RoundTrip", "[stats_json]") {
    const Stats s = sample();
    auto back = scxx::stats_from_json(scxx::stats_values_json(s), scxx::stats_meta_json(s));
    REQUIRE(back);
    REQUIRE(back->entries().size() == s.entries().size());
    for (size_t i = 0; i < s.entries().size(); ++i) {
        const auto& a = s.entries()[i];
        const auto& b = back->entries()[i];
        CAPTURE(a.name);
        CHECK(a.kind == b.kind);
        CHECK(a.name == b.name);
        CHECK(a.unit == b.unit);
        CHECK(a.help == b.help);
        if (a.kind == Stats::Entry::Kind::cpus)
            CHECK(std::get<scxx::Cpumask>(a.value).to_list() == std::get<scxx::Cpumask>(b.value).to_list());
        else
            CHECK(a.value == b.value);
    }
    // The text and JSON lines of the rebuilt stats are the original's (CPU sets sized to their span).
    CHECK(back->format(StatsFormat::json, 1.0) == s.format(StatsFormat::json, 1.0));
}

TEST_CASE("StatsJson: PartialAndExtraValues", "[stats_json]") {
    const Stats s = sample();
    // A value the meta does not describe is kept (the runner's stats_error); a meta field without
    // a value is left out (a collect that failed part way).
    auto back = scxx::stats_from_json(R"({"nr_active":3,"stats_error":"read stats: EIO","ratio":0.5})",
                                      scxx::stats_meta_json(s));
    REQUIRE(back);
    REQUIRE(back->entries().size() == 3u);
    CHECK(std::get<double>(back->entries()[0].value) == 3.0);
    CHECK(back->entries()[1].kind == Stats::Entry::Kind::text);
    CHECK(back->entries()[1].name == "stats_error");
    CHECK(back->entries()[2].kind == Stats::Entry::Kind::gauge);
    // A non-finite gauge travels as null.
    auto nan = scxx::stats_from_json(R"({"g":null})", R"([{"name":"g","type":"gauge","unit":"","help":"h","section":""}])");
    REQUIRE(nan);
    CHECK(std::isnan(std::get<double>(nan->entries()[0].value)));
}

TEST_CASE("StatsJson: Malformed", "[stats_json]") {
    const std::string meta = R"([{"name":"n","type":"counter","unit":"","help":"h","section":""}])";
    CHECK_THAT(error_of("{", meta), ContainsSubstring("stats values: not valid JSON"));
    CHECK_THAT(error_of("[1]", meta), ContainsSubstring("stats values: not a JSON object"));
    CHECK_THAT(error_of("{}", "{}"), ContainsSubstring("stats meta: not a JSON array"));
    CHECK_THAT(error_of("{}", "nope"), ContainsSubstring("stats meta: not valid JSON"));
    CHECK_THAT(error_of("{}", "[1]"), ContainsSubstring("stats meta: field 0 is not a JSON object"));
    CHECK_THAT(error_of("{}", R"([{"type":"gauge"}])"), ContainsSubstring("field 0 has no string \"name\""));
    CHECK_THAT(error_of("{}", R"([{"name":"n","type":"gauge","unit":"","section":""}])"),
               ContainsSubstring("field 0 has no string \"help\""));
    CHECK_THAT(error_of("{}", R"([{"name":"n","type":"histogram","unit":"","help":"h","section":""}])"),
               ContainsSubstring("\"n\" has type \"histogram\" (expected counter, gauge, text or cpus)"));
    CHECK_THAT(error_of(R"({"n":-1})", meta), ContainsSubstring("\"n\" is number, but its meta says counter"));
    CHECK_THAT(error_of(R"({"n":1.5})", meta), ContainsSubstring("a non-negative integer expected"));
    CHECK_THAT(error_of(R"({"n":"x"})", R"([{"name":"n","type":"gauge","unit":"","help":"h","section":""}])"),
               ContainsSubstring("\"n\" is string, but its meta says gauge"));
    CHECK_THAT(error_of(R"({"n":"0-x"})", R"([{"name":"n","type":"cpus","unit":"","help":"h","section":""}])"),
               ContainsSubstring("stats values: \"n\""));
    CHECK_THAT(error_of(R"({"x":[1]})", "[]"), ContainsSubstring("\"x\" is array (expected a number or a string)"));
}
