// test_features.cpp: lavd's optional-feature decision (features.hpp) against made-up kernels: a
// kernel without the futex functions or without scx_bpf_cpuperf_set switches the feature off with
// one note naming what is missing; options switch features off on their own.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "features.hpp"

namespace {

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

TEST(LavdFeatures, EverythingOffered) {
    auto f = lavd::decide_features(lavd::Settings{}, kernel_with(kAll));
    EXPECT_TRUE(f.futex);
    EXPECT_TRUE(f.freq);
    EXPECT_TRUE(f.notes.empty());
}

TEST(LavdFeatures, MissingFutexFunctionSwitchesTheBoostOff) {
    for (const char* missing : lavd::kFutexFuncs) {
        auto funcs = kAll;
        funcs.erase(missing);
        auto f = lavd::decide_features(lavd::Settings{}, kernel_with(funcs));
        EXPECT_FALSE(f.futex) << missing;
        EXPECT_TRUE(f.freq) << missing;
        ASSERT_EQ(f.notes.size(), 1u) << missing;
        EXPECT_EQ(f.notes[0], std::string("lavd: feature off: futex boost (kernel BTF has no ") + missing + ")");
    }
}

TEST(LavdFeatures, NoCpuperfKfuncSwitchesFrequencyTargetsOff) {
    auto funcs = kAll;
    funcs.erase("scx_bpf_cpuperf_set");
    auto f = lavd::decide_features(lavd::Settings{}, kernel_with(funcs));
    EXPECT_TRUE(f.futex);
    EXPECT_FALSE(f.freq);
    ASSERT_EQ(f.notes.size(), 1u);
    EXPECT_EQ(f.notes[0], "lavd: feature off: CPU frequency targets (kernel has no scx_bpf_cpuperf_set)");
}

TEST(LavdFeatures, NoCpufreqDriverKeepsTargetsButSaysSo) {
    auto f = lavd::decide_features(lavd::Settings{}, kernel_with(kAll, /*cpufreq=*/false));
    EXPECT_TRUE(f.freq);
    ASSERT_EQ(f.notes.size(), 1u);
    EXPECT_EQ(f.notes[0], "lavd: no cpufreq driver: frequency targets are set but have no effect");
}

TEST(LavdFeatures, KfuncsTheBpfCodeSkipsAreReported) {
    auto funcs = kAll;
    funcs.erase("scx_bpf_dsq_peek");
    funcs.erase("scx_bpf_select_cpu_and");
    auto f = lavd::decide_features(lavd::Settings{}, kernel_with(funcs));
    EXPECT_TRUE(f.futex);
    EXPECT_TRUE(f.freq);
    ASSERT_EQ(f.notes.size(), 2u);
    EXPECT_NE(f.notes[0].find("tick-time yield"), std::string::npos) << f.notes[0];
    EXPECT_NE(f.notes[1].find("scx_bpf_select_cpu_and"), std::string::npos) << f.notes[1];
    lavd::Settings no_preemption;
    no_preemption.preemption = false;  // the yield is off anyway: nothing to say about it
    EXPECT_EQ(lavd::decide_features(no_preemption, kernel_with(funcs)).notes.size(), 1u);
}

TEST(LavdFeatures, UnreadableBtfSwitchesBothOff) {
    lavd::KernelOffers k;
    k.btf_error = "No such file or directory";
    auto f = lavd::decide_features(lavd::Settings{}, k);
    EXPECT_FALSE(f.futex);
    EXPECT_FALSE(f.freq);
    ASSERT_EQ(f.notes.size(), 1u);
    EXPECT_NE(f.notes[0].find("cannot read kernel BTF: No such file or directory"), std::string::npos);
}

TEST(LavdFeatures, OptionsSwitchFeaturesOff) {
    lavd::Settings set;
    set.futex_boost = false;
    set.freq_scaling = false;
    auto f = lavd::decide_features(set, kernel_with(kAll, false));
    EXPECT_FALSE(f.futex);
    EXPECT_FALSE(f.freq);
    ASSERT_EQ(f.notes.size(), 1u);
    EXPECT_EQ(f.notes[0], "lavd: futex boost off (--no-futex-boost)");
}
