// fuzz_options.cpp: libFuzzer target for the option layer: config_from_json and parse_option_text
// against a local declaration list with every OptionType. Input byte 0 picks the entry point: 0-127
// a JSON config (the rest of the input), else one option's command-line text. Accepted values must
// pass check_option_value and survive formatting and parsing again unchanged.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "scxx/options.hpp"

namespace {

enum class Policy { fifo = 0, vtime = 3, mixed = 7 };

struct Settings {
    bool fifo = false;
    int32_t nr_queues = 4;
    uint64_t budget = 1000;
    double ratio = 0.5;
    scxx::Duration slice{std::chrono::microseconds(5000)};
    scxx::Duration idle{0};
    Policy policy = Policy::vtime;
    std::string primary = "auto";
    std::string label;
};

const std::vector<scxx::OptionDecl>& decls() {
    static const std::vector<scxx::OptionDecl> list = [] {
        scxx::OptionList<Settings> o;
        o.flag("fifo", &Settings::fifo, "FIFO order").rodata("fifo").live();
        o.integer("nr-queues", &Settings::nr_queues, -8, 1 << 20, "queues");
        o.integer("budget", &Settings::budget, 0, INT64_MAX, "budget");
        o.number("ratio", &Settings::ratio, 0.0, 1.0, "ratio").live();
        o.duration("slice-us", &Settings::slice, "us", std::chrono::microseconds(100), std::chrono::seconds(1), "slice");
        o.duration("idle-ns", &Settings::idle, "ns", scxx::Duration::zero(), scxx::Duration::max(), "idle");
        o.choice("policy", &Settings::policy, {{"fifo", Policy::fifo}, {"vtime", Policy::vtime}, {"mixed", Policy::mixed}},
                 "policy");
        o.cpulist("primary", &Settings::primary, {"auto", "all", "none"}, "primary CPUs");
        o.text("label", &Settings::label, "label");
        if (!o.problems().empty()) std::abort();
        return o.decls();
    }();
    return list;
}

bool same(const scxx::OptionValue& a, const scxx::OptionValue& b) {
    if (a.index() != b.index()) return false;
    if (auto* x = std::get_if<double>(&a)) {
        double y = std::get<double>(b);
        return *x == y || (*x != *x && y != y) || (std::abs(*x - y) <= 1e-9 * std::abs(*x));
    }
    return a == b;
}

void check_value(const scxx::OptionDecl& d, const scxx::OptionValue& v) {
    if (!scxx::check_option_value(d, v, "fuzz")) std::abort();
    std::string text = scxx::format_option_value(d, v);
    auto again = scxx::parse_option_text(d, text, "fuzz");
    if (!again || !same(*again, v)) std::abort();
    (void)scxx::option_bpf_value(d, v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const auto& ds = decls();
    std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
    if (data[0] < 128) {
        auto config = scxx::config_from_json(ds, rest, "fuzz");
        if (!config) return 0;
        for (const auto& d : ds) check_value(d, config->at(d.name));
        auto again = scxx::config_from_json(ds, scxx::config_to_json(ds, *config), "again");
        if (!again) std::abort();
        for (const auto& d : ds)
            if (!same(again->at(d.name), config->at(d.name))) std::abort();
        return 0;
    }
    const auto& d = ds[data[0] % ds.size()];
    if (auto v = scxx::parse_option_text(d, rest, "option --" + d.name)) check_value(d, *v);
    return 0;
}
