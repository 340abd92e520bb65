// schedulers/lavd/test_options.cpp: lavd's declared options and cross-option checks (options.hpp)
// on the host: the defaults mean autopilot with the documented values, --power-mode's words and
// live declarations, contradictory slices are refused with a one-line message naming both options, good combinations give the
// expected settings, and ranges come from the declarations.
#include <catch2/catch_test_macros.hpp>

#include <string>
#include <utility>
#include <vector>

#include "options.hpp"

namespace {

using namespace std::chrono_literals;

// The settings of the defaults overridden by (option, text) pairs, as the command line gives them;
// the cross-option check's result alongside.
struct Built {
    scxx::Result<scxx::Config> config;
    lavd::Settings settings;
    scxx::Result<void> check;
};

Built build(const std::vector<std::pair<std::string, std::string>>& cli = {}) {
    const auto list = lavd::option_list();
    Built b{scxx::build_config(list.decls(), std::nullopt, cli), {}, {}};
    if (b.config) {
        b.settings = list.settings(*b.config);
        b.check = lavd::check_settings(b.settings);
    }
    return b;
}

}  // namespace

TEST_CASE("lavd options: the defaults are valid and mean autopilot", "[lavd][options]") {
    auto b = build();
    REQUIRE(b.config);
    REQUIRE(b.check);
    CHECK(lavd::power_choice(b.settings).autopilot);
    CHECK_FALSE(lavd::user_order(b.settings));
    CHECK(b.settings.slice_max == 5000us);
    CHECK(b.settings.slice_min == 4000us);
    CHECK(b.settings.pinned_slice == 5000us);
    CHECK(b.settings.preempt_shift == 0u);
    CHECK(b.settings.lb_low_util_pct == 25u);
    CHECK(b.settings.lb_local_dsq_util_pct == 10u);
}

TEST_CASE("lavd options: --power-mode names one mode or autopilot, and is live", "[lavd][options]") {
    const std::pair<const char*, lavd_power_mode> fixed[] = {
        {"performance", LAVD_PM_PERFORMANCE}, {"balanced", LAVD_PM_BALANCED}, {"powersave", LAVD_PM_POWERSAVE}};
    for (const auto& [word, mode] : fixed) {
        INFO(word);
        auto b = build({{"power-mode", word}});
        REQUIRE(b.check);
        CHECK_FALSE(lavd::power_choice(b.settings).autopilot);
        CHECK(lavd::power_choice(b.settings).mode == mode);
        CHECK(static_cast<uint32_t>(b.settings.power_mode) == static_cast<uint32_t>(mode));
    }
    auto a = build({{"power-mode", "autopilot"}});
    REQUIRE(a.check);
    CHECK(lavd::power_choice(a.settings).autopilot);
    CHECK(static_cast<uint32_t>(a.settings.power_mode) == LAVD_PM_AUTOPILOT);  // what BPF's power_request holds
    auto bad = build({{"power-mode", "turbo"}});
    REQUIRE_FALSE(bad.config);
    CHECK(bad.config.error().what().find("autopilot, performance, balanced, powersave") != std::string::npos);
    const auto list = lavd::option_list();
    for (const auto& d : list.decls())
        if (d.name == "power-mode" || d.name == "slice-max-us" || d.name == "slice-min-us") {
            INFO(d.name);
            CHECK(d.live);
            CHECK(d.rodata.empty());
            CHECK_FALSE(d.global.empty());
        }
}

TEST_CASE("lavd options: slice-min above slice-max is refused", "[lavd][options]") {
    auto b = build({{"slice-min-us", "6000"}, {"slice-max-us", "5000"}});
    REQUIRE(b.config);
    REQUIRE_FALSE(b.check);
    CHECK(b.check.error().what().find("--slice-min-us 6000 is above --slice-max-us 5000") != std::string::npos);
    CHECK(build({{"slice-min-us", "5ms"}, {"slice-max-us", "5000"}}).check);
}

TEST_CASE("lavd options: a CPU preference order needs core compaction", "[lavd][options]") {
    auto b = build({{"cpu-pref-order", "0-3"}, {"no-core-compaction", "true"}});
    REQUIRE(b.config);
    REQUIRE_FALSE(b.check);
    CHECK(b.check.error().what().find("--cpu-pref-order") != std::string::npos);
    auto ok = build({{"cpu-pref-order", "3-0"}});
    REQUIRE(ok.check);
    CHECK(lavd::user_order(ok.settings));
    CHECK(ok.settings.cpu_pref_order == "3-0");
    // "" is neither a list nor "auto": refused by the option's type, before any topology is read
    auto empty = build({{"cpu-pref-order", ""}});
    REQUIRE_FALSE(empty.config);
    CHECK(empty.config.error().what().find("not a CPU list") != std::string::npos);
}

TEST_CASE("lavd options: ranges come from the declarations", "[lavd][options]") {
    CHECK_FALSE(build({{"preempt-shift", "11"}}).config);
    CHECK_FALSE(build({{"lat-load-target-pct", "101"}}).config);
    CHECK_FALSE(build({{"slice-max-us", "0"}}).config);
    CHECK_FALSE(build({{"monitor", "-1"}}).config);
    CHECK(build({{"preempt-shift", "10"}}).config);
}
