// test_config.cpp: options description, the defaults <- file <- command line merge, and validation
// errors (unknown key, wrong type, range, choices, missing default).
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "scxx/config.hpp"

namespace po = boost::program_options;
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

// A JSON file in a temp dir, removed with the object.
struct TempFile {
    std::string path;
    explicit TempFile(const std::string& text, const std::string& name = "cfg.json") {
        char tmpl[] = "/tmp/scxx-config-XXXXXX";
        path = std::string(mkdtemp(tmpl)) + "/" + name;
        std::ofstream(path) << text;
    }
    ~TempFile() {
        std::filesystem::remove_all(std::filesystem::path(path).parent_path());
    }
};

std::string error_of(const scxx::Result<json>& r) { return r ? std::string("(no error)") : r.error().what(); }

}  // namespace

TEST(Config, DefaultsOnly) {
    auto c = scxx::build_config(specs(), kDefaults, std::nullopt, parse({}));
    ASSERT_TRUE(c) << error_of(c);
    EXPECT_EQ((*c)["slice-us"], 5000);
    EXPECT_EQ((*c)["fifo"], false);
    EXPECT_EQ((*c)["mode"], "lat");
    EXPECT_DOUBLE_EQ((*c)["ratio"].get<double>(), 0.5);
}

TEST(Config, MergeOrderDefaultsFileCli) {
    TempFile f(R"({"slice-us": 2000, "mode": "thru"})");
    auto c = scxx::build_config(specs(), kDefaults, std::filesystem::path(f.path), parse({"--slice-us", "3000"}));
    ASSERT_TRUE(c) << error_of(c);
    EXPECT_EQ((*c)["slice-us"], 3000);   // CLI wins over the file
    EXPECT_EQ((*c)["mode"], "thru");     // file wins over defaults
    EXPECT_EQ((*c)["fifo"], false);      // default kept: flag not given
    EXPECT_DOUBLE_EQ((*c)["ratio"].get<double>(), 0.5);
}

TEST(Config, CliNumberAndEqualsForm) {
    auto c = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--ratio=0.25", "--slice-us=100"}));
    ASSERT_TRUE(c) << error_of(c);
    EXPECT_DOUBLE_EQ((*c)["ratio"].get<double>(), 0.25);
    EXPECT_EQ((*c)["slice-us"], 100);
}

TEST(Config, BoolFlag) {
    auto given = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--fifo"}));
    ASSERT_TRUE(given) << error_of(given);
    EXPECT_EQ((*given)["fifo"], true);

    auto off = scxx::build_config(specs(), R"({"slice-us": 5000, "fifo": true, "mode": "lat", "ratio": 0.5})",
                                  std::nullopt, parse({"--fifo=false"}));
    ASSERT_TRUE(off) << error_of(off);
    EXPECT_EQ((*off)["fifo"], false);

    // Not given: the file's value stays (no bool_switch default overriding it).
    TempFile f(R"({"fifo": true})");
    auto kept = scxx::build_config(specs(), kDefaults, std::filesystem::path(f.path), parse({"--mode", "thru"}));
    ASSERT_TRUE(kept) << error_of(kept);
    EXPECT_EQ((*kept)["fifo"], true);

    auto bad = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--fifo=maybe"}));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().what(), "option --fifo: expected a boolean (true/false), got \"maybe\"");
}

TEST(Config, UnknownKeyInFile) {
    TempFile f(R"({"slice-max": 3})", "lavd.json");
    auto c = scxx::build_config(specs(), kDefaults, std::filesystem::path(f.path), parse({}));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().what(),
              "config " + f.path + ": unknown key \"slice-max\" (known: slice-us, fifo, mode, ratio)");
}

TEST(Config, FileMustBeValidJsonObject) {
    TempFile bad(R"({"slice-us": 3)");
    auto c = scxx::build_config(specs(), kDefaults, std::filesystem::path(bad.path), parse({}));
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().what().find("config " + bad.path + ": invalid JSON: parse error at line"), std::string::npos)
        << c.error().what();

    TempFile arr("[1, 2]");
    auto a = scxx::build_config(specs(), kDefaults, std::filesystem::path(arr.path), parse({}));
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().what(), "config " + arr.path + ": expected a JSON object, got array");

    auto missing = scxx::build_config(specs(), kDefaults, std::filesystem::path("/nonexistent/x.json"), parse({}));
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().what().find("config /nonexistent/x.json: cannot open"), std::string::npos);
}

TEST(Config, OutOfRangeCliValue) {
    auto c = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--slice-us", "0"}));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().what(), "option --slice-us: 0 is out of range (allowed 100..100000)");

    auto big = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--slice-us", "99999999999999999999"}));
    ASSERT_FALSE(big);
    EXPECT_NE(big.error().what().find("out of range"), std::string::npos);

    auto ratio = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--ratio", "1.5"}));
    ASSERT_FALSE(ratio);
    EXPECT_EQ(ratio.error().what(), "option --ratio: 1.5 is out of range (allowed 0..1)");
}

TEST(Config, OutOfRangeFileValue) {
    TempFile f(R"({"slice-us": 100001})", "x.json");
    auto c = scxx::build_config(specs(), kDefaults, std::filesystem::path(f.path), parse({}));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().what(), "config " + f.path + ": key 'slice-us': 100001 is out of range (allowed 100..100000)");
}

TEST(Config, WrongType) {
    auto cli = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--slice-us", "abc"}));
    ASSERT_FALSE(cli);
    EXPECT_EQ(cli.error().what(), "option --slice-us: expected an integer, got \"abc\"");

    auto frac = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--slice-us", "150.5"}));
    ASSERT_FALSE(frac);
    EXPECT_EQ(frac.error().what(), "option --slice-us: expected an integer, got \"150.5\"");

    auto num = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--ratio", "half"}));
    ASSERT_FALSE(num);
    EXPECT_EQ(num.error().what(), "option --ratio: expected a number, got \"half\"");

    TempFile f(R"({"slice-us": "abc"})", "t.json");
    auto file = scxx::build_config(specs(), kDefaults, std::filesystem::path(f.path), parse({}));
    ASSERT_FALSE(file);
    EXPECT_EQ(file.error().what(), "config " + f.path + ": key 'slice-us': expected an integer, got \"abc\"");

    EXPECT_FALSE(scxx::validate_config(specs(), json{{"fifo", 1}}, "x"));
    EXPECT_FALSE(scxx::validate_config(specs(), json{{"mode", 3}}, "x"));
    EXPECT_TRUE(scxx::validate_config(specs(), json{{"ratio", 1}}, "x"));  // an integer is a number
}

TEST(Config, BadBytesAndNewlinesStayOneLineNoThrow) {
    auto bad = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--slice-us", "\xff\xfe"}));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().what().find('\n'), std::string::npos);
    EXPECT_NE(bad.error().what().find("option --slice-us: expected an integer"), std::string::npos) << bad.error().what();

    TempFile f("{\"a\\nb\": 1}", "nl.json");
    auto nl = scxx::build_config(specs(), kDefaults, std::filesystem::path(f.path), parse({}));
    ASSERT_FALSE(nl);
    EXPECT_EQ(nl.error().what().find('\n'), std::string::npos) << nl.error().what();
}

TEST(Config, Choices) {
    auto c = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--mode", "fast"}));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().what(), "option --mode: \"fast\" is not one of: lat, thru");
    auto ok = scxx::build_config(specs(), kDefaults, std::nullopt, parse({"--mode", "thru"}));
    ASSERT_TRUE(ok) << error_of(ok);
    EXPECT_EQ((*ok)["mode"], "thru");
}

TEST(Config, MissingOrBadDefault) {
    auto missing = scxx::build_config(specs(), R"({"slice-us": 5000, "fifo": false, "mode": "lat"})", std::nullopt,
                                      parse({}));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().what(), "defaults: missing key 'ratio'");

    auto invalid = scxx::build_config(specs(), "{", std::nullopt, parse({}));
    ASSERT_FALSE(invalid);
    EXPECT_NE(invalid.error().what().find("defaults: invalid JSON"), std::string::npos);

    auto unknown = scxx::build_config(
        specs(), R"({"slice-us": 5000, "fifo": false, "mode": "lat", "ratio": 0.5, "x": 1})", std::nullopt, parse({}));
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().what(), "defaults: unknown key \"x\" (known: slice-us, fifo, mode, ratio)");

    auto range = scxx::build_config(specs(), R"({"slice-us": 5, "fifo": false, "mode": "lat", "ratio": 0.5})",
                                    std::nullopt, parse({}));
    ASSERT_FALSE(range);
    EXPECT_EQ(range.error().what(), "defaults: key 'slice-us': 5 is out of range (allowed 100..100000)");
}

TEST(Config, OpenEndedRanges) {
    std::vector<OptionSpec> s{{"n", OptionSpec::Type::integer, "", 1, std::numeric_limits<int64_t>::max(), {}},
                              {"m", OptionSpec::Type::integer, "", std::numeric_limits<int64_t>::min(), -1, {}}};
    auto a = scxx::validate_config(s, json{{"n", 0}}, "o");
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().what(), "o: key 'n': 0 is out of range (allowed >= 1)");
    auto b = scxx::validate_config(s, json{{"m", 5}}, "o");
    ASSERT_FALSE(b);
    EXPECT_EQ(b.error().what(), "o: key 'm': 5 is out of range (allowed <= -1)");
    EXPECT_TRUE(scxx::validate_config(s, json{{"m", -7}, {"n", 1}}, "o"));
}

TEST(Config, TypedVariablesMapValues) {
    // A hand-made description storing typed values is accepted as well.
    po::options_description desc;
    desc.add_options()("slice-us", po::value<int64_t>())("fifo", po::value<bool>()->zero_tokens()->implicit_value(true));
    po::variables_map vm;
    po::store(po::command_line_parser(std::vector<std::string>{"--slice-us", "700", "--fifo"}).options(desc).run(), vm);
    auto c = scxx::build_config(specs(), kDefaults, std::nullopt, vm);
    ASSERT_TRUE(c) << error_of(c);
    EXPECT_EQ((*c)["slice-us"], 700);
    EXPECT_EQ((*c)["fifo"], true);
}

TEST(Config, OptionsDescriptionHasEveryOption) {
    auto desc = scxx::options_description("title", specs());
    for (const auto& s : specs()) EXPECT_NE(desc.find_nothrow(s.name, false), nullptr) << s.name;
    std::ostringstream help;
    help << desc;
    EXPECT_NE(help.str().find("100..100000"), std::string::npos) << help.str();
    EXPECT_NE(help.str().find("one of: lat, thru"), std::string::npos) << help.str();
}
