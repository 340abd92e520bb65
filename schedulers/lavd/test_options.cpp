// schedulers/lavd/test_options.cpp: lavd's cross-option checks (options.hpp) on the host: the
// option list validates defaults.json, contradictory power modes and slices are refused with a
// one-line message naming both options, and good combinations give the expected settings.
#include <gtest/gtest.h>

#include <string>

#include "lavd_test_defaults.hpp"  // defaults.json, embedded for this test
#include "options.hpp"
#include "scxx/config.hpp"

namespace {

nlohmann::json config(const nlohmann::json& overrides = nlohmann::json::object()) {
    auto c = nlohmann::json::parse(std::string(lavd_defaults_json));
    for (const auto& [k, v] : overrides.items()) c[k] = v;
    return c;
}

TEST(LavdOptions, DefaultsAreValidAndMeanAutopilot) {
    auto specs = lavd::option_specs();
    auto c = config();
    ASSERT_TRUE(scxx::validate_config(specs, c, "defaults.json").has_value());
    auto s = lavd::settings_from_config(c);
    ASSERT_TRUE(s.has_value()) << s.error().what();
    EXPECT_TRUE(s->autopilot);
    EXPECT_FALSE(s->user_order);
    EXPECT_EQ(s->slice_max_us, 5000u);
    EXPECT_EQ(s->slice_min_us, 500u);
    EXPECT_EQ(s->pinned_slice_us, 5000u);
    EXPECT_EQ(s->preempt_shift, 6u);
    EXPECT_EQ(s->lb_low_util_pct, 25u);
    EXPECT_EQ(s->lb_local_dsq_util_pct, 10u);
}

TEST(LavdOptions, OnePowerModeAtATime) {
    const char* modes[] = {"autopilot", "performance", "balanced", "powersave"};
    for (const char* a : modes)
        for (const char* b : modes) {
            if (std::string(a) >= std::string(b)) continue;
            auto s = lavd::settings_from_config(config({{a, true}, {b, true}}));
            ASSERT_FALSE(s.has_value()) << a << " + " << b;
            const std::string w = s.error().what();
            EXPECT_NE(w.find(std::string("--") + a), std::string::npos) << w;
            EXPECT_NE(w.find(std::string("--") + b), std::string::npos) << w;
            EXPECT_NE(w.find("mutually exclusive"), std::string::npos) << w;
            EXPECT_EQ(w.find('\n'), std::string::npos) << w;
        }
    auto p = lavd::settings_from_config(config({{"powersave", true}}));
    ASSERT_TRUE(p.has_value());
    EXPECT_FALSE(p->autopilot);
    EXPECT_EQ(p->mode, LAVD_PM_POWERSAVE);
    auto a = lavd::settings_from_config(config({{"autopilot", true}}));
    ASSERT_TRUE(a.has_value());
    EXPECT_TRUE(a->autopilot);
}

TEST(LavdOptions, SliceMinAboveMaxIsRefused) {
    auto s = lavd::settings_from_config(config({{"slice-min-us", 6000}, {"slice-max-us", 5000}}));
    ASSERT_FALSE(s.has_value());
    EXPECT_NE(s.error().what().find("--slice-min-us 6000 is above --slice-max-us 5000"), std::string::npos);
    EXPECT_TRUE(lavd::settings_from_config(config({{"slice-min-us", 5000}, {"slice-max-us", 5000}})).has_value());
}

TEST(LavdOptions, PrefOrderNeedsCompaction) {
    auto s = lavd::settings_from_config(config({{"cpu-pref-order", "0-3"}, {"no-core-compaction", true}}));
    ASSERT_FALSE(s.has_value());
    EXPECT_NE(s.error().what().find("--cpu-pref-order"), std::string::npos);
    auto ok = lavd::settings_from_config(config({{"cpu-pref-order", "3-0"}}));
    ASSERT_TRUE(ok.has_value());
    EXPECT_TRUE(ok->user_order);
    EXPECT_EQ(ok->cpu_pref_order, "3-0");
    // "" is a given (empty) order, not "auto": lavd.cpp refuses it against the topology
    auto empty = lavd::settings_from_config(config({{"cpu-pref-order", ""}}));
    ASSERT_TRUE(empty.has_value());
    EXPECT_TRUE(empty->user_order);
}

TEST(LavdOptions, RangesComeFromTheOptionList) {
    auto specs = lavd::option_specs();
    EXPECT_FALSE(scxx::validate_config(specs, config({{"preempt-shift", 11}}), "t").has_value());
    EXPECT_FALSE(scxx::validate_config(specs, config({{"lat-load-target-pct", 101}}), "t").has_value());
    EXPECT_FALSE(scxx::validate_config(specs, config({{"slice-max-us", 0}}), "t").has_value());
    EXPECT_FALSE(scxx::validate_config(specs, config({{"monitor", -1}}), "t").has_value());
    EXPECT_TRUE(scxx::validate_config(specs, config({{"preempt-shift", 10}}), "t").has_value());
}

}  // namespace
