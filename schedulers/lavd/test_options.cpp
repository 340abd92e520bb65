// schedulers/lavd/test_options.cpp: lavd's cross-option checks (options.hpp) on the host: the
// option list validates defaults.json, contradictory power modes and slices are refused with a
// one-line message naming both options, and good combinations give the expected settings.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <string>

#include "lavd_test_defaults.hpp"  // defaults.json, embedded for this test
#include "options.hpp"
#include "scxx/config.hpp"
#include "scxx_catch.hpp"

namespace {

using Catch::Matchers::ContainsSubstring;
using scxx_test::error_text;

nlohmann::json config(const nlohmann::json& overrides = nlohmann::json::object()) {
    auto c = nlohmann::json::parse(std::string(lavd_defaults_json));
    for (const auto& [k, v] : overrides.items()) c[k] = v;
    return c;
}

TEST_CASE("LavdOptions: DefaultsAreValidAndMeanAutopilot", "[lavd][options]") {
    auto specs = lavd::option_specs();
    auto c = config();
    REQUIRE(scxx::validate_config(specs, c, "defaults.json").has_value());
    auto s = lavd::settings_from_config(c);
    UNSCOPED_INFO(error_text(s));
    REQUIRE(s.has_value());
    CHECK(s->autopilot);
    CHECK_FALSE(s->user_order);
    CHECK(s->slice_max_us == 5000u);
    CHECK(s->slice_min_us == 500u);
    CHECK(s->pinned_slice_us == 5000u);
    CHECK(s->preempt_shift == 6u);
    CHECK(s->lb_low_util_pct == 25u);
    CHECK(s->lb_local_dsq_util_pct == 10u);
}

TEST_CASE("LavdOptions: OnePowerModeAtATime", "[lavd][options]") {
    const char* modes[] = {"autopilot", "performance", "balanced", "powersave"};
    for (const char* a : modes)
        for (const char* b : modes) {
            if (std::string(a) >= std::string(b)) continue;
            auto s = lavd::settings_from_config(config({{a, true}, {b, true}}));
            UNSCOPED_INFO(a << " + " << b);
            REQUIRE_FALSE(s.has_value());
            const std::string w = s.error().what();
            CHECK_THAT(w, ContainsSubstring(std::string("--") + a));
            CHECK_THAT(w, ContainsSubstring(std::string("--") + b));
            CHECK_THAT(w, ContainsSubstring("mutually exclusive"));
            CHECK_THAT(w, !ContainsSubstring("\n"));
        }
    auto p = lavd::settings_from_config(config({{"powersave", true}}));
    REQUIRE(p.has_value());
    CHECK_FALSE(p->autopilot);
    CHECK(p->mode == LAVD_PM_POWERSAVE);
    auto a = lavd::settings_from_config(config({{"autopilot", true}}));
    REQUIRE(a.has_value());
    CHECK(a->autopilot);
}

TEST_CASE("LavdOptions: SliceMinAboveMaxIsRefused", "[lavd][options]") {
    auto s = lavd::settings_from_config(config({{"slice-min-us", 6000}, {"slice-max-us", 5000}}));
    REQUIRE_FALSE(s.has_value());
    CHECK_THAT(s.error().what(), ContainsSubstring("--slice-min-us 6000 is above --slice-max-us 5000"));
    CHECK(lavd::settings_from_config(config({{"slice-min-us", 5000}, {"slice-max-us", 5000}})).has_value());
}

TEST_CASE("LavdOptions: PrefOrderNeedsCompaction", "[lavd][options]") {
    auto s = lavd::settings_from_config(config({{"cpu-pref-order", "0-3"}, {"no-core-compaction", true}}));
    REQUIRE_FALSE(s.has_value());
    CHECK_THAT(s.error().what(), ContainsSubstring("--cpu-pref-order"));
    auto ok = lavd::settings_from_config(config({{"cpu-pref-order", "3-0"}}));
    REQUIRE(ok.has_value());
    CHECK(ok->user_order);
    CHECK(ok->cpu_pref_order == "3-0");
    // "" is a given (empty) order, not "auto": lavd.cpp refuses it against the topology
    auto empty = lavd::settings_from_config(config({{"cpu-pref-order", ""}}));
    REQUIRE(empty.has_value());
    CHECK(empty->user_order);
}

TEST_CASE("LavdOptions: RangesComeFromTheOptionList", "[lavd][options]") {
    auto specs = lavd::option_specs();
    CHECK_FALSE(scxx::validate_config(specs, config({{"preempt-shift", 11}}), "t").has_value());
    CHECK_FALSE(scxx::validate_config(specs, config({{"lat-load-target-pct", 101}}), "t").has_value());
    CHECK_FALSE(scxx::validate_config(specs, config({{"slice-max-us", 0}}), "t").has_value());
    CHECK_FALSE(scxx::validate_config(specs, config({{"monitor", -1}}), "t").has_value());
    CHECK(scxx::validate_config(specs, config({{"preempt-shift", 10}}), "t").has_value());
}

}  // namespace
