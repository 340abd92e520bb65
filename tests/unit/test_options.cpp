// test_options.cpp: the typed option layer (scxx/options.hpp): declarations bound to a settings
// struct (defaults from its initialisers), the defaults <- file <- command line merge, every value
// type (flags, integers, numbers, durations with units, choices, CPU lists, text), validation errors
// (unknown key, wrong type, range, choices: one line, naming the option and what is allowed), the
// JSON form --check prints, and the help line.
#include <catch2/catch_test_macros.hpp>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "scxx/options.hpp"
#include "temp_dir.hpp"

namespace {

using namespace std::chrono_literals;

enum class Mode { lat = 3, thru = 7 };

struct Settings {
    scxx::Duration slice = 5ms;
    bool fifo = false;
    Mode mode = Mode::lat;
    double ratio = 0.5;
    int64_t n = 4;
    uint32_t small = 1;
    std::string cpus = "auto";
    std::string label = "x";
};

scxx::OptionList<Settings> list() {
    scxx::OptionList<Settings> o;
    o.duration("slice-us", &Settings::slice, "us", 100us, 100ms, "slice").global("slice_ns").live();
    o.flag("fifo", &Settings::fifo, "fifo order");
    o.choice("mode", &Settings::mode, {{"lat", Mode::lat}, {"thru", Mode::thru}}, "mode");
    o.number("ratio", &Settings::ratio, 0, 1, "ratio");
    o.integer("n", &Settings::n, 1, std::numeric_limits<int64_t>::max(), "n");
    o.integer("small", &Settings::small, std::numeric_limits<int64_t>::min(), -1 + 1000, "small").test_only();
    o.cpulist("cpus", &Settings::cpus, {"auto"}, "cpus");
    o.text("label", &Settings::label, "label");
    return o;
}

using Cli = std::vector<std::pair<std::string, std::string>>;

scxx::Result<scxx::Config> build(const Cli& cli, const std::optional<std::filesystem::path>& file = std::nullopt) {
    return scxx::build_config(list().decls(), file, cli);
}

std::string error_of(const scxx::Result<scxx::Config>& r) { return r ? "(no error)" : r.error().what(); }

// A JSON file in a temp dir, removed with the object.
struct JsonFile {
    scxx_test::TempDir dir{"scxx-options"};
    std::filesystem::path path;
    explicit JsonFile(const std::string& text) : path(dir.path() / "cfg.json") { std::ofstream(path) << text; }
};

}  // namespace

TEST_CASE("options: defaults come from the settings struct's initialisers", "[options]") {
    auto c = build({});
    REQUIRE(c);
    Settings s = list().settings(*c);
    CHECK(s.slice == 5ms);
    CHECK_FALSE(s.fifo);
    CHECK(s.mode == Mode::lat);
    CHECK(s.ratio == 0.5);
    CHECK(s.cpus == "auto");
    CHECK(scxx::config_to_json(list().decls(), *c) ==
          "{\n  \"slice-us\": 5000,\n  \"fifo\": false,\n  \"mode\": \"lat\",\n  \"ratio\": 0.5,\n  \"n\": 4,\n"
          "  \"small\": 1,\n  \"cpus\": \"auto\",\n  \"label\": \"x\"\n}");
}

TEST_CASE("options: merge order is defaults, then the file, then the command line", "[options]") {
    JsonFile f(R"({"slice-us": 200, "fifo": true, "mode": "thru"})");
    auto c = build({{"slice-us", "300"}}, f.path);
    REQUIRE(c);
    Settings s = list().settings(*c);
    CHECK(s.slice == 300us);  // the command line wins over the file
    CHECK(s.fifo);            // the file wins over the default
    CHECK(s.mode == Mode::thru);
    CHECK(s.ratio == 0.5);    // the default stays
}

TEST_CASE("options: durations take a unit or count in the declared one", "[options]") {
    CHECK(list().settings(*build({{"slice-us", "250"}})).slice == 250us);
    CHECK(list().settings(*build({{"slice-us", "2ms"}})).slice == 2ms);
    CHECK(list().settings(*build({{"slice-us", "1500000ns"}})).slice == 1500us);
    CHECK(list().settings(*build({{"slice-us", "100ms"}})).slice == 100ms);
    CHECK(error_of(build({{"slice-us", "1s"}})) == "option --slice-us: 1s is out of range (allowed 100us..100ms)");
    CHECK(error_of(build({{"slice-us", "50us"}})) == "option --slice-us: 50us is out of range (allowed 100us..100ms)");
    CHECK(error_of(build({{"slice-us", "fast"}})) ==
          "option --slice-us: \"fast\" is not a duration (a number of us, or a number with ns/us/ms/s)");
    CHECK(error_of(build({{"slice-us", "-5"}})) == "option --slice-us: -5 is out of range (allowed 100us..100ms)");
    CHECK(error_of(build({{"slice-us", "--5"}})).find("is not a duration") != std::string::npos);
    auto odd = build({{"slice-us", "150500ns"}});
    REQUIRE(odd);
    CHECK(scxx::config_to_json(list().decls(), *odd).find("\"slice-us\": \"150500ns\"") != std::string::npos);
    JsonFile f(R"({"slice-us": "3ms"})");
    CHECK(list().settings(*build({}, f.path)).slice == 3ms);
}

TEST_CASE("options: flags", "[options]") {
    for (const char* yes : {"true", "1", "yes", "on"}) CHECK(list().settings(*build({{"fifo", yes}})).fifo);
    for (const char* no : {"false", "0", "no", "off"}) CHECK_FALSE(list().settings(*build({{"fifo", no}})).fifo);
    CHECK(error_of(build({{"fifo", "maybe"}})) == "option --fifo: expected a boolean (true/false), got \"maybe\"");
}

TEST_CASE("options: integers, numbers and open-ended ranges", "[options]") {
    CHECK(error_of(build({{"n", "0"}})) == "option --n: 0 is out of range (allowed >= 1)");
    CHECK(error_of(build({{"small", "1000"}})) == "option --small: 1000 is out of range (allowed <= 999)");
    CHECK(error_of(build({{"n", "abc"}})) == "option --n: expected an integer, got \"abc\"");
    CHECK(error_of(build({{"n", "150.5"}})) == "option --n: expected an integer, got \"150.5\"");
    CHECK(error_of(build({{"n", "99999999999999999999"}})) ==
          "option --n: 99999999999999999999 is out of range (allowed >= 1)");
    CHECK(error_of(build({{"ratio", "1.5"}})) == "option --ratio: 1.5 is out of range (allowed 0..1)");
    CHECK(error_of(build({{"ratio", "half"}})) == "option --ratio: expected a number, got \"half\"");
    CHECK(list().settings(*build({{"ratio", "0.25"}})).ratio == 0.25);
}

TEST_CASE("options: choices stand for enumerators", "[options]") {
    CHECK(list().settings(*build({{"mode", "thru"}})).mode == Mode::thru);
    CHECK(error_of(build({{"mode", "fast"}})) == "option --mode: \"fast\" is not one of: lat, thru");
    const auto decls = list().decls();
    const auto& d = decls[2];
    CHECK(d.choice_values == std::vector<int64_t>{3, 7});
}

TEST_CASE("options: CPU lists and their keywords", "[options]") {
    CHECK(list().settings(*build({{"cpus", "0-3,7-4,9"}})).cpus == "0-3,7-4,9");
    CHECK(list().settings(*build({{"cpus", "auto"}})).cpus == "auto");
    for (const char* bad : {"", "a", "1-", "1,,2", "-3", "1-2-3"})
        CHECK(error_of(build({{"cpus", bad}})).find("is not a CPU list (such as 0-3,7-4) or auto") != std::string::npos);
}

TEST_CASE("options: config file errors name the file and the key", "[options]") {
    JsonFile unknown(R"({"slice": 5})");
    CHECK(error_of(build({}, unknown.path)) ==
          "config " + unknown.path.string() +
              ": unknown key \"slice\" (known: slice-us, fifo, mode, ratio, n, small, cpus, label)");
    JsonFile array("[1, 2]");
    CHECK(error_of(build({}, array.path)) == "config " + array.path.string() + ": expected a JSON object, got array");
    JsonFile broken("{");
    CHECK(error_of(build({}, broken.path)).find("config " + broken.path.string() + ": invalid JSON") == 0);
    JsonFile range(R"({"slice-us": 100001})");
    CHECK(error_of(build({}, range.path)) ==
          "config " + range.path.string() + ": key 'slice-us': 100001 is out of range (allowed 100us..100ms)");
    JsonFile type(R"({"n": "abc"})");
    CHECK(error_of(build({}, type.path)) == "config " + type.path.string() + ": key 'n': expected an integer, got \"abc\"");
    CHECK(error_of(build({}, std::filesystem::path("/nonexistent/x.json"))).find("cannot open") != std::string::npos);
}

TEST_CASE("options: bad bytes and newlines stay on one line and never throw", "[options]") {
    CHECK(error_of(build({{"mode", std::string("\xff\xfe", 2)}})).find('\n') == std::string::npos);
    CHECK(error_of(build({{"mode", "a\nb"}})).find('\n') == std::string::npos);
    JsonFile bad("{\"mode\": \"\xff\"}");
    CHECK(error_of(build({}, bad.path)).find('\n') == std::string::npos);
}

TEST_CASE("options: an unknown command-line option is refused", "[options]") {
    CHECK(error_of(build({{"nope", "1"}})).find("unknown option --nope") == 0);
}

TEST_CASE("options: the JSON form reads back to the same config", "[options]") {
    auto c = build({{"slice-us", "7ms"}, {"mode", "thru"}, {"cpus", "1-2"}, {"fifo", "true"}});
    REQUIRE(c);
    auto again = scxx::config_from_json(list().decls(), scxx::config_to_json(list().decls(), *c), "check");
    REQUIRE(again);
    CHECK(again->values() == c->values());
}

TEST_CASE("options: help lines show default, range and flags", "[options]") {
    const auto decls = list().decls();
    CHECK(scxx::option_help(decls[0]) == "slice (default 5ms; range 100us..100ms; bare numbers in us; live)");
    CHECK(scxx::option_help(decls[1]) == "fifo order (--fifo=false turns it off)");
    CHECK(scxx::option_help(decls[2]) == "mode (default lat)");
    CHECK(scxx::option_value_name(decls[2]) == "lat|thru");
    CHECK(scxx::option_value_name(decls[6]) == "CPUS|auto");
    CHECK(decls[5].test_only);
    CHECK(decls[0].global == "slice_ns");
}
