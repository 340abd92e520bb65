// scxx/options.hpp: typed scheduler options, declared once. A scheduler declares each option with
// its name, type, range, help, flags and the field of its settings struct it fills; the default is
// that field's initialiser. Everything else comes from the declaration: the runner's --help, the
// JSON defaults and --check output, config validation, the settings struct handed to the scheduler,
// and the BPF rodata variable an option feeds directly (.rodata("slice_ns")).
//
//   struct Settings { scxx::Duration slice{0}; bool fifo = false; };
//   static scxx::OptionList<Settings> options() {
//       scxx::OptionList<Settings> o;
//       o.duration("slice-us", &Settings::slice, "us", {}, std::chrono::seconds(1), "time slice").rodata("slice_ns");
//       o.flag("fifo", &Settings::fifo, "FIFO order").rodata("fifo");
//       return o;
//   }
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "scxx/result.hpp"

namespace scxx {

using Duration = std::chrono::nanoseconds;

enum class OptionType {
    boolean,   // a flag: --name, --name=false
    integer,   // int64 within [min, max]
    number,    // double within [min, max]
    duration,  // a bare number counts in the declared unit; "5ms", "250us", "1s", "100ns" also accepted
    choice,    // one word of a fixed list, each standing for an integer (an enum)
    cpulist,   // an ordered CPU list "0-3,7-4" (ranges may run down), or one of the declared keywords
    text,      // any string
};

// A value as the options layer holds it: bool, int64_t (integer, choice index), double, Duration,
// std::string (cpulist, text).
using OptionValue = std::variant<bool, int64_t, double, Duration, std::string>;

struct OptionDecl {
    std::string name;  // "--name" on the command line, "name" in a JSON config
    OptionType type = OptionType::integer;
    std::string help;
    OptionValue default_value;
    int64_t min_int = std::numeric_limits<int64_t>::min(), max_int = std::numeric_limits<int64_t>::max();
    double min_num = -std::numeric_limits<double>::infinity(), max_num = std::numeric_limits<double>::infinity();
    Duration min_dur = Duration::zero(), max_dur = Duration::max();
    std::string unit;                    // duration: the unit of a bare number ("ns", "us", "ms", "s")
    std::vector<std::string> choices;    // choice: the words
    std::vector<int64_t> choice_values;  // choice: what each word stands for
    std::vector<std::string> keywords;   // cpulist: words accepted instead of a list ("auto")
    bool live = false;                   // may change while the scheduler is attached (scx-ctl set)
    bool test_only = false;              // a knob for tests: hidden from --help
    std::string rodata;                  // the BPF rodata variable set from it before load ("" = none)
    std::string global;                  // the writable BPF global (.data/.bss) set from it before load
                                         // and on every live change ("" = none)
};

// The validated value of every declared option of one scheduler.
class Config {
public:
    Config() = default;
    explicit Config(std::map<std::string, OptionValue> values) : values_(std::move(values)) {}
    // The value of a declared option; the runner only builds complete configs.
    const OptionValue& at(const std::string& name) const { return values_.at(name); }
    bool contains(const std::string& name) const { return values_.count(name) != 0; }
    const std::map<std::string, OptionValue>& values() const { return values_; }

private:
    std::map<std::string, OptionValue> values_;
};

// --- the option layer (lib/src/options.cpp) -------------------------------------------------

// A command-line text converted to the option's type and checked against its range. `label` names
// the value in errors ("option --slice-us"):
//   option --slice-us: "fast" is not a duration (a number of us, or a number with ns/us/ms/s)
Result<OptionValue> parse_option_text(const OptionDecl& decl, std::string_view text, const std::string& label);
// Checks the type and range of a value (e.g. from JSON) against its declaration.
Result<void> check_option_value(const OptionDecl& decl, const OptionValue& value, const std::string& label);
// The value as text: durations in the declared unit ("5000", or "1500ns" when not a whole number
// of it), choices as their word, flags as true/false.
std::string format_option_value(const OptionDecl& decl, const OptionValue& value);
// The value as the integer a BPF variable holds: flags 0/1, durations in ns, choices their
// enumerator, integers as they are; an error for negative values and non-integer types.
Result<uint64_t> option_bpf_value(const OptionDecl& decl, const OptionValue& value);
// One line of help: the declared help, then "(default D; range R; live)".
std::string option_help(const OptionDecl& decl);
// The value-name shown by --help ("INT", "NUM", "DURATION", "a|b|c", "CPUS", "TEXT"; "" for flags).
std::string option_value_name(const OptionDecl& decl);

// Every declared default.
Config default_config(const std::vector<OptionDecl>& decls);

// A JSON object (text, as in a --config file) layered over the defaults, e.g. a mode (scxx/modes.hpp).
// `origin` prefixes its errors: "mode gaming (/etc/scxx/modes/lavd.json)".
struct JsonLayer {
    std::string json;
    std::string origin;
};

// defaults <- JSON config file (if any) <- command-line values (name, text) in order. Errors name
// the file or option, the key, and what is allowed:
//   config lavd.json: unknown key "slice-max" (known: slice-max-us, ...)
//   option --slice-us: 0 is out of range (allowed 100..100000)
Result<Config> build_config(const std::vector<OptionDecl>& decls, const std::optional<std::filesystem::path>& file,
                            const std::vector<std::pair<std::string, std::string>>& cli);
// The same with JSON layers under the file: defaults <- layers in order (a mode, ...) <- JSON config
// file (if any) <- command line.
Result<Config> build_config(const std::vector<OptionDecl>& decls, const std::vector<JsonLayer>& layers,
                            const std::optional<std::filesystem::path>& file,
                            const std::vector<std::pair<std::string, std::string>>& cli);
// The same for a JSON object given as text (tests, the control socket later). `origin` prefixes errors.
Result<Config> config_from_json(const std::vector<OptionDecl>& decls, const std::string& json_text,
                                const std::string& origin);
// The config as a JSON object, in declaration order (what --check prints; a valid --config file).
std::string config_to_json(const std::vector<OptionDecl>& decls, const Config& config);

// --- declaring options bound to a settings struct --------------------------------------------

template <class S>
class OptionList {
public:
    // Chained after a declaration: o.flag(...).rodata("fifo").live(); it names the declaration by
    // index, so it stays valid while more options are declared.
    class Decl {
    public:
        Decl(OptionList& list, size_t index) : list_(list), index_(index) {}
        Decl& rodata(std::string var) { d().rodata = std::move(var); return *this; }
        // A writable BPF global (.data or .bss): set before load like rodata, and again whenever
        // the option changes live.
        Decl& global(std::string var) { d().global = std::move(var); return *this; }
        // May change while attached. The new value reaches BPF through .global(), or through the
        // scheduler's apply_live hook for values it derives; never through .rodata (frozen at load).
        Decl& live() { d().live = true; return *this; }
        Decl& test_only() { d().test_only = true; return *this; }

    private:
        OptionDecl& d() { return list_.decls_[index_]; }
        OptionList& list_;
        size_t index_;
    };

    Decl flag(std::string name, bool S::*field, std::string help) {
        return add(std::move(name), OptionType::boolean, std::move(help), defaults_.*field,
                   [field](S& s, const OptionValue& v) { s.*field = std::get<bool>(v); });
    }

    template <class I>
    Decl integer(std::string name, I S::*field, int64_t min, int64_t max, std::string help) {
        static_assert(std::is_integral_v<I> && !std::is_same_v<I, bool>, "integer options bind integer fields");
        if (!fits<I>(min) || !fits<I>(max))
            problems_.push_back("option --" + name + ": its range " + std::to_string(min) + ".." + std::to_string(max) +
                                " does not fit the settings field's type");
        Decl d = add(std::move(name), OptionType::integer, std::move(help), static_cast<int64_t>(defaults_.*field),
                     [field](S& s, const OptionValue& v) { s.*field = static_cast<I>(std::get<int64_t>(v)); });
        last().min_int = min;
        last().max_int = max;
        return d;
    }

    Decl number(std::string name, double S::*field, double min, double max, std::string help) {
        Decl d = add(std::move(name), OptionType::number, std::move(help), defaults_.*field,
                     [field](S& s, const OptionValue& v) { s.*field = std::get<double>(v); });
        last().min_num = min;
        last().max_num = max;
        return d;
    }

    // `unit`: what a bare number counts ("us" for an option named slice-us).
    Decl duration(std::string name, Duration S::*field, std::string unit, Duration min, Duration max,
                  std::string help) {
        Decl d = add(std::move(name), OptionType::duration, std::move(help), defaults_.*field,
                     [field](S& s, const OptionValue& v) { s.*field = std::get<Duration>(v); });
        last().unit = std::move(unit);
        last().min_dur = min;
        last().max_dur = max;
        return d;
    }

    // An enum field: each word stands for one enumerator (the rodata gets its integer value).
    template <class E>
    Decl choice(std::string name, E S::*field, std::vector<std::pair<std::string, E>> words, std::string help) {
        std::vector<std::string> names;
        std::vector<int64_t> values;
        int64_t def = -1;  // an index no word has: check_option_value refuses it at registration
        for (size_t i = 0; i < words.size(); ++i) {
            names.push_back(words[i].first);
            values.push_back(static_cast<int64_t>(words[i].second));
            if (def < 0 && words[i].second == defaults_.*field) def = static_cast<int64_t>(i);
        }
        Decl d = add(std::move(name), OptionType::choice, std::move(help), def,
                     [field, words](S& s, const OptionValue& v) {
                         auto i = static_cast<size_t>(std::get<int64_t>(v));
                         if (i < words.size()) s.*field = words[i].second;
                     });
        last().choices = std::move(names);
        last().choice_values = std::move(values);
        return d;
    }

    Decl cpulist(std::string name, std::string S::*field, std::vector<std::string> keywords, std::string help) {
        Decl d = add(std::move(name), OptionType::cpulist, std::move(help), defaults_.*field,
                     [field](S& s, const OptionValue& v) { s.*field = std::get<std::string>(v); });
        last().keywords = std::move(keywords);
        return d;
    }

    Decl text(std::string name, std::string S::*field, std::string help) {
        return add(std::move(name), OptionType::text, std::move(help), defaults_.*field,
                   [field](S& s, const OptionValue& v) { s.*field = std::get<std::string>(v); });
    }

    const std::vector<OptionDecl>& decls() const { return decls_; }
    // Declarations that cannot work (a range the field cannot hold); the registry refuses the
    // scheduler with them. Defaults outside their range and repeated names are found there too.
    const std::vector<std::string>& problems() const { return problems_; }

    // The settings struct a complete, validated config describes.
    S settings(const Config& config) const {
        S s = defaults_;
        for (size_t i = 0; i < decls_.size(); ++i)
            if (config.contains(decls_[i].name)) setters_[i](s, config.at(decls_[i].name));
        return s;
    }

private:
    Decl add(std::string name, OptionType type, std::string help, OptionValue def,
             std::function<void(S&, const OptionValue&)> set) {
        OptionDecl d;
        d.name = std::move(name);
        d.type = type;
        d.help = std::move(help);
        d.default_value = std::move(def);
        decls_.push_back(std::move(d));
        setters_.push_back(std::move(set));
        return Decl(*this, decls_.size() - 1);
    }
    OptionDecl& last() { return decls_.back(); }
    template <class I>
    static bool fits(int64_t v) {
        if constexpr (std::is_signed_v<I>)
            return v >= static_cast<int64_t>(std::numeric_limits<I>::min()) &&
                   v <= static_cast<int64_t>(std::numeric_limits<I>::max());
        else
            return v >= 0 && static_cast<uint64_t>(v) <= static_cast<uint64_t>(std::numeric_limits<I>::max());
    }
    S defaults_{};
    std::vector<OptionDecl> decls_;
    std::vector<std::function<void(S&, const OptionValue&)>> setters_;
    std::vector<std::string> problems_;
};

}  // namespace scxx
