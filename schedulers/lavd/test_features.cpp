// test_features.cpp: lavd's optional-feature decision (features.hpp) against made-up kernels: a
// kernel without the futex functions or without scx_bpf_cpuperf_set switches the feature off with
// one note naming what is missing; options switch features off on their own.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <set>
#include <string>

#include "features.hpp"

namespace {

using Catch::Matchers::ContainsSubstring;

lavd::KernelOffers kernel_with(std::set<std::string> funcs, bool cpufreq = true) {
    lavd::KernelOffers k;
    k.has_func = [funcs = std::move(funcs)](std::string_view f) { return funcs.count(std::string(f)) > 0; };
    k.cpufreq = cpufreq;
    return k;
}

const std::set<std::string> kAll = {"futex_wait",          "futex_lock_pi",    "futex_wake",
                                    "futex_unlock_pi",     "scx_bpf_cpuperf_set", "scx_bpf_dsq_peek",
                                    "scx_bpf_select_cpu_and"};

}  // namespace

TEST_CASE("LavdFeatures: EverythingOffered", "[lavd][features]") {
    auto f = lavd::decide_features(lavd::Settings{}, kernel_with(kAll));
    CHECK(f.futex);
    CHECK(f.freq);
    CHECK(f.notes.empty());
}

TEST_CASE("LavdFeatures: MissingFutexFunctionSwitchesTheBoostOff", "[lavd][features]") {
    for (const char* missing : lavd::kFutexFuncs) {
        INFO(missing);
        auto funcs = kAll;
        funcs.erase(missing);
        auto f = lavd::decide_features(lavd::Settings{}, kernel_with(funcs));
        CHECK_FALSE(f.futex);
        CHECK(f.freq);
        REQUIRE(f.notes.size() == 1u);
        CHECK(f.notes[0] == std::string("lavd: feature off: futex boost (kernel BTF has no ") + missing + ")");
    }
}

TEST_CASE("LavdFeatures: NoCpuperfKfuncSwitchesFrequencyTargetsOff", "[lavd][features]") {
    auto funcs = kAll;
    funcs.erase("scx_bpf_cpuperf_set");
    auto f = lavd::decide_features(lavd::Settings{}, kernel_with(funcs));
    CHECK(f.futex);
    CHECK_FALSE(f.freq);
    REQUIRE(f.notes.size() == 1u);
    CHECK(f.notes[0] == "lavd: feature off: CPU frequency targets (kernel has no scx_bpf_cpuperf_set)");
}

TEST_CASE("LavdFeatures: NoCpufreqDriverKeepsTargetsButSaysSo", "[lavd][features]") {
    auto f = lavd::decide_features(lavd::Settings{}, kernel_with(kAll, /*cpufreq=*/false));
    CHECK(f.freq);
    REQUIRE(f.notes.size() == 1u);
    CHECK(f.notes[0] == "lavd: no cpufreq driver: frequency targets are set but have no effect");
}

TEST_CASE("LavdFeatures: KfuncsTheBpfCodeSkipsAreReported", "[lavd][features]") {
    auto funcs = kAll;
    funcs.erase("scx_bpf_dsq_peek");
    funcs.erase("scx_bpf_select_cpu_and");
    auto f = lavd::decide_features(lavd::Settings{}, kernel_with(funcs));
    CHECK(f.futex);
    CHECK(f.freq);
    REQUIRE(f.notes.size() == 2u);
    CHECK_THAT(f.notes[0], ContainsSubstring("tick-time yield"));
    CHECK_THAT(f.notes[1], ContainsSubstring("scx_bpf_select_cpu_and"));
    lavd::Settings no_preemption;
    no_preemption.no_preemption = true;  // the yield is off anyway: nothing to say about it
    CHECK(lavd::decide_features(no_preemption, kernel_with(funcs)).notes.size() == 1u);
}

TEST_CASE("LavdFeatures: UnreadableBtfSwitchesBothOff", "[lavd][features]") {
    lavd::KernelOffers k;
    k.btf_error = "No such file or directory";
    auto f = lavd::decide_features(lavd::Settings{}, k);
    CHECK_FALSE(f.futex);
    CHECK_FALSE(f.freq);
    REQUIRE(f.notes.size() == 1u);
    CHECK_THAT(f.notes[0], ContainsSubstring("cannot read kernel BTF: No such file or directory"));
}

TEST_CASE("LavdFeatures: OptionsSwitchFeaturesOff", "[lavd][features]") {
    lavd::Settings set;
    set.no_futex_boost = true;
    set.no_freq_scaling = true;
    auto f = lavd::decide_features(set, kernel_with(kAll, false));
    CHECK_FALSE(f.futex);
    CHECK_FALSE(f.freq);
    REQUIRE(f.notes.size() == 1u);
    CHECK(f.notes[0] == "lavd: futex boost off (--no-futex-boost)");
}
