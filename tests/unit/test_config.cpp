// test_config.cpp: options description, the defaults <- file <- command line merge, and validation
// errors (unknown key, wrong type, range, choices, missing default).
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <catch2/matchers/catch_matchers_floating_point.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "scxx/config.hpp"
#include "temp_dir.hpp"

namespace po = boost::program_options;
using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::WithinULP;
using scxx::OptionSpec;
using json = nlohmann::json;

namespace {

std::vector<OptionSpec> specs() {
    return {
        {"slice-us", OptionSpec::Type::integer, "slice", 100, 100000, {}},
        {"fifo", OptionSpec::Type::boolean, "fifo order", std::numeric_limits<int64_t>::min(),
         std::numeric_limits<int64_t>::max(), {}},
        {"mode", OptionSpec::Type::string, "mode", std::numeric_limits<int64_t>::min(),
         std::numeric_limits<int64_t>::max(), {"lat", "thru"}},
        {"ratio", OptionSpec::Type::number, "ratio", 0, 1, {}},
    };
}

const char* kDefaults = R"({"slice-us": 5000, "fifo": false, "mode": "lat", "ratio": 0.5})";

po::variables_map parse(const std::vector<std::string>& args) {
    static const po::options_description desc = scxx::options_description("test", specs());
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
    return vm;
}

// A JSON file in its own temporary directory, removed with the object.
struct TempFile {
    scxx_test::TempDir dir{"scxx-config"};
    std::string path;
    explicit TempFile(const std::string& text, const std::string& name = "cfg.json")
        : path((dir.path() / name).string()) {
        std::ofstream(path) << text;
    }
};

std::string error_of(const scxx::Result<json>& r) { return r ? std::string("(no error)") : r.error().what(); }

}  // namespace

TEST_CASE("Config: DefaultsOnly", "[config]") {
    auto c = scxx::build_config(specs(), kDefaults, std::nullopt, parse({}));
    UNSCOPED_INFO(error_of(c));
    REQUIRE(c);
    CHECK((*c)["slice-us"] == 5000);
    CHECK((*c)["fifo"] == false);
    CHECK((*c)["mode"] == "lat");
    CHECK_THAT((*c)["ratio"].get<double>(), WithinULP(0.5, 4));
}

TEST_CASE("Config: MergeOrderDefaultsFileCli", "[config]") {
    TempFile f(R"({"slice-us": 2000, "mode": "thru"})");
    auto c = scxx::build_config(specs(), kDefaults, std::filesystem::path(f.path), parse({"--slice-us", "3000"}));
    UNSCOPED_INFO(error_of(c));
    REQUIRE(c);
    CHECK((*c)["slice-us"] == 3000);   // CLI wins over the file
    CHECK((*c)["mode"] == "thru");     // file wins over defaults
    CHECK((*c)["fifo"] == false);      // default kept: flag not given
    CHECK_THAT((*c)["ratio"].get<double>(), WithinULP(0.5, 4));
}

TEST_CASE("Config: CliNumberAndEqualsForm", "[config]") {
    auto c = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--ratio=0.25", "--slice-us=100"}));
    UNSCOPED_INFO(error_of(c));
    REQUIRE(c);
    CHECK_THAT((*c)["ratio"].get<double>(), WithinULP(0.25, 4));
    CHECK((*c)["slice-us"] == 100);
}

TEST_CASE("Config: BoolFlag", "[config]") {
    auto given = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--fifo"}));
    UNSCOPED_INFO(error_of(given));
    REQUIRE(given);
    CHECK((*given)["fifo"] == true);

    auto off = scxx::build_config(specs(), R"({"slice-us": 5000, "fifo": true, "mode": "lat", "ratio": 0.5})",
                                  std::nullopt, parse({"--fifo=false"}));
    UNSCOPED_INFO(error_of(off));
    REQUIRE(off);
    CHECK((*off)["fifo"] == false);

    // Not given: the file's value stays (no bool_switch default overriding it).
    TempFile f(R"({"fifo": true})");
    auto kept = scxx::build_config(specs(), kDefaults, std::filesystem::path(f.path), parse({"--mode", "thru"}));
    UNSCOPED_INFO(error_of(kept));
    REQUIRE(kept);
    CHECK((*kept)["fifo"] == true);

    auto bad = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--fifo=maybe"}));
    REQUIRE_FALSE(bad);
    CHECK(bad.error().what() == "option --fifo: expected a boolean (true/false), got \"maybe\"");
}

TEST_CASE("Config: UnknownKeyInFile", "[config]") {
    TempFile f(R"({"slice-max": 3})", "lavd.json");
    auto c = scxx::build_config(specs(), kDefaults, std::filesystem::path(f.path), parse({}));
    REQUIRE_FALSE(c);
    CHECK(c.error().what() == "config " + f.path + ": unknown key \"slice-max\" (known: slice-us, fifo, mode, ratio)");
}

TEST_CASE("Config: FileMustBeValidJsonObject", "[config]") {
    TempFile bad(R"({"slice-us": 3)");
    auto c = scxx::build_config(specs(), kDefaults, std::filesystem::path(bad.path), parse({}));
    REQUIRE_FALSE(c);
    CHECK_THAT(c.error().what(), ContainsSubstring("config " + bad.path + ": invalid JSON: parse error at line"));

    TempFile arr("[1, 2]");
    auto a = scxx::build_config(specs(), kDefaults, std::filesystem::path(arr.path), parse({}));
    REQUIRE_FALSE(a);
    CHECK(a.error().what() == "config " + arr.path + ": expected a JSON object, got array");

    auto missing = scxx::build_config(specs(), kDefaults, std::filesystem::path("/nonexistent/x.json"), parse({}));
    REQUIRE_FALSE(missing);
    CHECK_THAT(missing.error().what(), ContainsSubstring("config /nonexistent/x.json: cannot open"));
}

TEST_CASE("Config: OutOfRangeCliValue", "[config]") {
    auto c = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--slice-us", "0"}));
    REQUIRE_FALSE(c);
    CHECK(c.error().what() == "option --slice-us: 0 is out of range (allowed 100..100000)");

    auto big = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--slice-us", "99999999999999999999"}));
    REQUIRE_FALSE(big);
    CHECK_THAT(big.error().what(), ContainsSubstring("out of range"));

    auto ratio = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--ratio", "1.5"}));
    REQUIRE_FALSE(ratio);
    CHECK(ratio.error().what() == "option --ratio: 1.5 is out of range (allowed 0..1)");
}

TEST_CASE("Config: OutOfRangeFileValue", "[config]") {
    TempFile f(R"({"slice-us": 100001})", "x.json");
    auto c = scxx::build_config(specs(), kDefaults, std::filesystem::path(f.path), parse({}));
    REQUIRE_FALSE(c);
    CHECK(c.error().what() == "config " + f.path + ": key 'slice-us': 100001 is out of range (allowed 100..100000)");
}

TEST_CASE("Config: WrongType", "[config]") {
    auto cli = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--slice-us", "abc"}));
    REQUIRE_FALSE(cli);
    CHECK(cli.error().what() == "option --slice-us: expected an integer, got \"abc\"");

    auto frac = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--slice-us", "150.5"}));
    REQUIRE_FALSE(frac);
    CHECK(frac.error().what() == "option --slice-us: expected an integer, got \"150.5\"");

    auto num = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--ratio", "half"}));
    REQUIRE_FALSE(num);
    CHECK(num.error().what() == "option --ratio: expected a number, got \"half\"");

    TempFile f(R"({"slice-us": "abc"})", "t.json");
    auto file = scxx::build_config(specs(), kDefaults, std::filesystem::path(f.path), parse({}));
    REQUIRE_FALSE(file);
    CHECK(file.error().what() == "config " + f.path + ": key 'slice-us': expected an integer, got \"abc\"");

    CHECK_FALSE(scxx::validate_config(specs(), json{{"fifo", 1}}, "x"));
    CHECK_FALSE(scxx::validate_config(specs(), json{{"mode", 3}}, "x"));
    CHECK(scxx::validate_config(specs(), json{{"ratio", 1}}, "x"));  // an integer is a number
}

TEST_CASE("Config: BadBytesAndNewlinesStayOneLineNoThrow", "[config]") {
    auto bad = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--slice-us", "\xff\xfe"}));
    REQUIRE_FALSE(bad);
    CHECK_THAT(bad.error().what(), !ContainsSubstring("\n"));
    CHECK_THAT(bad.error().what(), ContainsSubstring("option --slice-us: expected an integer"));

    TempFile f("{\"a\\nb\": 1}", "nl.json");
    auto nl = scxx::build_config(specs(), kDefaults, std::filesystem::path(f.path), parse({}));
    REQUIRE_FALSE(nl);
    CHECK_THAT(nl.error().what(), !ContainsSubstring("\n"));
}

TEST_CASE("Config: Choices", "[config]") {
    auto c = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--mode", "fast"}));
    REQUIRE_FALSE(c);
    CHECK(c.error().what() == "option --mode: \"fast\" is not one of: lat, thru");
    auto ok = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--mode", "thru"}));
    UNSCOPED_INFO(error_of(ok));
    REQUIRE(ok);
    CHECK((*ok)["mode"] == "thru");
}

TEST_CASE("Config: MissingOrBadDefault", "[config]") {
    auto missing = scxx::build_config(specs(), R"({"slice-us": 5000, "fifo": false, "mode": "lat"})", std::nullopt,
                                      parse({}));
    REQUIRE_FALSE(missing);
    CHECK(missing.error().what() == "defaults: missing key 'ratio'");

    auto invalid = scxx::build_config(specs(), "{", std::nullopt, parse({}));
    REQUIRE_FALSE(invalid);
    CHECK_THAT(invalid.error().what(), ContainsSubstring("defaults: invalid JSON"));

    auto unknown = scxx::build_config(
        specs(), R"({"slice-us": 5000, "fifo": false, "mode": "lat", "ratio": 0.5, "x": 1})", std::nullopt, parse({}));
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().what() == "defaults: unknown key \"x\" (known: slice-us, fifo, mode, ratio)");

    auto range = scxx::build_config(specs(), R"({"slice-us": 5, "fifo": false, "mode": "lat", "ratio": 0.5})",
                                    std::nullopt, parse({}));
    REQUIRE_FALSE(range);
    CHECK(range.error().what() == "defaults: key 'slice-us': 5 is out of range (allowed 100..100000)");
}

TEST_CASE("Config: OpenEndedRanges", "[config]") {
    std::vector<OptionSpec> s{{"n", OptionSpec::Type::integer, "", 1, std::numeric_limits<int64_t>::max(), {}},
                              {"m", OptionSpec::Type::integer, "", std::numeric_limits<int64_t>::min(), -1, {}}};
    auto a = scxx::validate_config(s, json{{"n", 0}}, "o");
    REQUIRE_FALSE(a);
    CHECK(a.error().what() == "o: key 'n': 0 is out of range (allowed >= 1)");
    auto b = scxx::validate_config(s, json{{"m", 5}}, "o");
    REQUIRE_FALSE(b);
    CHECK(b.error().what() == "o: key 'm': 5 is out of range (allowed <= -1)");
    CHECK(scxx::validate_config(s, json{{"m", -7}, {"n", 1}}, "o"));
}

TEST_CASE("Config: TypedVariablesMapValues", "[config]") {
    // A hand-made description storing typed values is accepted as well.
    po::options_description desc;
    desc.add_options()("slice-us", po::value<int64_t>())("fifo", po::value<bool>()->zero_tokens()->implicit_value(true));
    po::variables_map vm;
    po::store(po::command_line_parser(std::vector<std::string>{"--slice-us", "700", "--fifo"}).options(desc).run(), vm);
    auto c = scxx::build_config(specs(), kDefaults, std::nullopt, vm);
    UNSCOPED_INFO(error_of(c));
    REQUIRE(c);
    CHECK((*c)["slice-us"] == 700);
    CHECK((*c)["fifo"] == true);
}

TEST_CASE("Config: OptionsDescriptionHasEveryOption", "[config]") {
    auto desc = scxx::options_description("title", specs());
    for (const auto& s : specs()) {
        UNSCOPED_INFO(s.name);
        CHECK(desc.find_nothrow(s.name, false) != nullptr);
    }
    std::ostringstream help;
    help << desc;
    CHECK_THAT(help.str(), ContainsSubstring("100..100000"));
    CHECK_THAT(help.str(), ContainsSubstring("one of: lat, thru"));
}
