// test_modes.cpp: modes files (scxx/modes.hpp): a mode's object, the list in file order, the one-line
// errors (missing file, malformed JSON, a mode that is no object, an unknown mode listing the known
// ones), and the mode as a config layer: defaults <- mode <- --config file <- command line, errors
// naming "mode M (FILE)", and mode_config (the control socket's switch/mode builder) with its
// options object and the scheduler's cross-option check.
#include <catch2/catch_test_macros.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "scxx/modes.hpp"
#include "temp_dir.hpp"

namespace {

using namespace std::chrono_literals;

struct Settings {
    scxx::Duration slice = 5ms;
    bool fifo = false;
    int64_t n = 4;
};

scxx::OptionList<Settings> list() {
    scxx::OptionList<Settings> o;
    o.duration("slice-us", &Settings::slice, "us", 100us, 100ms, "slice");
    o.flag("fifo", &Settings::fifo, "fifo order");
    o.integer("n", &Settings::n, 1, 100, "n");
    return o;
}

scxx::SchedulerEntry entry() {
    scxx::SchedulerEntry e;
    e.name = "toy";
    e.options = list().decls();
    e.check = [](const scxx::Config& c) -> scxx::Result<void> {
        if (std::get<bool>(c.at("fifo")) && std::get<int64_t>(c.at("n")) > 10)
            return scxx::fail("toy: --fifo with --n above 10 (lower --n)");
        return {};
    };
    return e;
}

// A modes directory with toy.json.
struct ModesDir {
    scxx_test::TempDir dir{"scxx-modes"};
    explicit ModesDir(const std::string& text) { std::ofstream(dir.path() / "toy.json") << text; }
    const std::filesystem::path& path() const { return dir.path(); }
    std::string file() const { return (dir.path() / "toy.json").string(); }
};

const char* kModes = R"({"auto": {}, "gaming": {"slice-us": 1000, "fifo": true}, "server": {"n": 50}})";

template <class T>
std::string error_of(const scxx::Result<T>& r) {
    return r ? "(no error)" : r.error().what();
}

}  // namespace

TEST_CASE("load_mode returns the mode's object, list_modes the names in file order") {
    ModesDir d(kModes);
    auto gaming = scxx::load_mode(d.path(), "toy", "gaming");
    REQUIRE(gaming);
    CHECK(*gaming == R"({"slice-us":1000,"fifo":true})");
    CHECK(scxx::load_mode(d.path(), "toy", "auto").value() == "{}");
    auto names = scxx::list_modes(d.path(), "toy");
    REQUIRE(names);
    CHECK(*names == std::vector<std::string>{"auto", "gaming", "server"});
}

TEST_CASE("modes file errors are one line naming the file and the fix") {
    scxx_test::TempDir empty("scxx-modes");
    auto missing = scxx::load_mode(empty.path(), "toy", "auto");
    CHECK(error_of(missing) == "modes file " + (empty.path() / "toy.json").string() +
                                   " not found (install the modes with meson install, or pass --modes-dir DIR)");
    CHECK(error_of(scxx::list_modes(empty.path(), "toy")) == error_of(missing));

    ModesDir broken(R"({"auto": {}, )");
    auto bad = scxx::load_mode(broken.path(), "toy", "auto");
    CHECK(error_of(bad).rfind("modes file " + broken.file() + ": invalid JSON: ", 0) == 0);
    CHECK(error_of(bad).find('\n') == std::string::npos);

    ModesDir not_object(R"({"auto": {}, "gaming": 3})");
    CHECK(error_of(scxx::load_mode(not_object.path(), "toy", "auto")) ==
          "modes file " + not_object.file() + ": mode 'gaming' is a number, not a JSON object of options");
    ModesDir array("[]");
    CHECK(error_of(scxx::list_modes(array.path(), "toy")) ==
          "modes file " + array.file() + ": expected a JSON object of modes, got array");
}

TEST_CASE("an unknown mode lists the modes the file has") {
    ModesDir d(kModes);
    CHECK(error_of(scxx::load_mode(d.path(), "toy", "turbo")) ==
          "unknown mode 'turbo' for toy (" + d.file() + " has: auto, gaming, server)");
}

TEST_CASE("layers: defaults <- mode <- --config file <- command line") {
    ModesDir d(kModes);
    auto layer = scxx::mode_layer(d.path(), "toy", "gaming");
    REQUIRE(layer);
    CHECK(layer->origin == "mode gaming (" + d.file() + ")");

    auto only_mode = scxx::build_config(list().decls(), {*layer}, std::nullopt, {});
    REQUIRE(only_mode);
    CHECK(std::get<scxx::Duration>(only_mode->at("slice-us")) == 1ms);
    CHECK(std::get<bool>(only_mode->at("fifo")));
    CHECK(std::get<int64_t>(only_mode->at("n")) == 4);  // not in the mode: the default

    scxx_test::TempDir cfg_dir("scxx-modes");
    const auto cfg = cfg_dir.path() / "cfg.json";
    std::ofstream(cfg) << R"({"slice-us": 2000, "n": 7})";
    auto all = scxx::build_config(list().decls(), {*layer}, cfg, {{"n", "9"}});
    REQUIRE(all);
    CHECK(std::get<scxx::Duration>(all->at("slice-us")) == 2ms);  // file over mode
    CHECK(std::get<bool>(all->at("fifo")));                        // mode over default
    CHECK(std::get<int64_t>(all->at("n")) == 9);                   // command line over file
}

TEST_CASE("a bad value in a mode names the mode and its file") {
    ModesDir d(R"({"gaming": {"slice-us": 5}, "odd": {"nope": 1}})");
    auto gaming = scxx::build_config(list().decls(), {scxx::mode_layer(d.path(), "toy", "gaming").value()},
                                     std::nullopt, {});
    CHECK(error_of(gaming).rfind("mode gaming (" + d.file() + "): key 'slice-us': ", 0) == 0);
    CHECK(error_of(gaming).find("out of range") != std::string::npos);
    auto odd = scxx::build_config(list().decls(), {scxx::mode_layer(d.path(), "toy", "odd").value()}, std::nullopt,
                                  {});
    CHECK(error_of(odd) == "mode odd (" + d.file() + R"(): unknown key "nope" (known: slice-us, fifo, n))");
}

TEST_CASE("mode_config: defaults <- mode <- options, then the scheduler's check") {
    ModesDir d(kModes);
    const auto e = entry();
    auto plain = scxx::mode_config(e, d.path(), "", "");
    REQUIRE(plain);
    CHECK(std::get<int64_t>(plain->at("n")) == 4);

    auto server = scxx::mode_config(e, d.path(), "server", R"({"n": 60})");
    REQUIRE(server);
    CHECK(std::get<int64_t>(server->at("n")) == 60);

    auto options_only = scxx::mode_config(e, d.path(), "", R"({"fifo": true})");
    REQUIRE(options_only);
    CHECK(std::get<bool>(options_only->at("fifo")));

    CHECK(error_of(scxx::mode_config(e, d.path(), "gaming", R"({"n": 50})")) ==
          "toy: --fifo with --n above 10 (lower --n)");
    CHECK(error_of(scxx::mode_config(e, d.path(), "turbo", "")).rfind("unknown mode 'turbo' for toy", 0) == 0);
    CHECK(error_of(scxx::mode_config(e, d.path(), "", R"({"n": 0})")).rfind("options: key 'n': ", 0) == 0);
}
