// test_registry.cpp: adding, finding and listing schedulers; rejected registrations.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include "scxx/log.hpp"
#include "scxx/registry.hpp"

using Catch::Matchers::ContainsSubstring;

namespace {

class NullScheduler : public scxx::Scheduler {
public:
    scxx::Result<void> load(const scxx::SchedulerContext&) override { return {}; }
    scxx::ExitInfo exit_info() const override { return {}; }
    scxx::ExitInfo detach() override { return {}; }
};

scxx::SchedulerEntry entry(std::string name, std::string description = "test scheduler") {
    scxx::SchedulerEntry e;
    e.name = std::move(name);
    e.description = std::move(description);
    e.create = [] { return std::make_unique<NullScheduler>(); };
    return e;
}

}  // namespace

TEST_CASE("Registry: AddFindList", "[registry]") {
    scxx::Registry reg;
    REQUIRE(reg.add(entry("simple", "the template")));
    REQUIRE(reg.add(entry("pair")));
    REQUIRE(reg.add(entry("nest")));

    const scxx::SchedulerEntry* s = reg.find("simple");
    REQUIRE(s != nullptr);
    CHECK(s->description == "the template");
    CHECK(s->create() != nullptr);
    CHECK(reg.find("lavd") == nullptr);
    CHECK(reg.find("") == nullptr);

    auto list = reg.list();
    REQUIRE(list.size() == 3u);
    CHECK(list[0]->name == "nest");
    CHECK(list[1]->name == "pair");
    CHECK(list[2]->name == "simple");
    CHECK(reg.names() == "nest, pair, simple");
}

TEST_CASE("Registry: Empty", "[registry]") {
    scxx::Registry reg;
    CHECK(reg.list().empty());
    CHECK(reg.names() == "");
}

TEST_CASE("Registry: RejectsDuplicate", "[registry]") {
    scxx::Registry reg;
    REQUIRE(reg.add(entry("simple", "first")));
    auto r = reg.add(entry("simple", "second"));
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().what(), ContainsSubstring("simple"));
    CHECK_THAT(r.error().what(), ContainsSubstring("already registered"));
    CHECK(reg.find("simple")->description == "first");
    CHECK(reg.list().size() == 1u);
}

TEST_CASE("Registry: RejectsIncompleteEntries", "[registry]") {
    scxx::Registry reg;
    auto no_name = reg.add(entry(""));
    REQUIRE_FALSE(no_name);
    CHECK_THAT(no_name.error().what(), ContainsSubstring("empty name"));

    auto e = entry("nocreate");
    e.create = nullptr;
    auto no_create = reg.add(std::move(e));
    REQUIRE_FALSE(no_create);
    CHECK_THAT(no_create.error().what(), ContainsSubstring("nocreate"));
    CHECK(reg.list().empty());
}

TEST_CASE("Registry: RegistrarUsesTheSingletonAndLogsFailures", "[registry]") {
    std::vector<std::string> logged;
    scxx::set_log_sink([&](scxx::LogLevel, std::string_view text) { logged.emplace_back(text); });
    { scxx::Registrar a{entry("registrar-test")}; }
    CHECK(scxx::Registry::instance().find("registrar-test") != nullptr);
    CHECK(logged.empty());
    { scxx::Registrar b{entry("registrar-test")}; }  // duplicate: logged, not fatal
    scxx::set_log_sink(nullptr);
    REQUIRE(logged.size() == 1u);
    CHECK_THAT(logged[0], ContainsSubstring("registrar-test"));
    CHECK(&scxx::Registry::instance() == &scxx::Registry::instance());
}

namespace {

enum class Color { red, green, blue };

struct Knobs {
    uint8_t small = 3;
    int64_t n = 5;
    Color color = Color::blue;
};

// A scheduler class whose options() is `declare`, for scheduler_entry<T>.
template <scxx::OptionList<Knobs> (*declare)()>
struct Declared : NullScheduler {
    static scxx::OptionList<Knobs> options() { return declare(); }
    static scxx::Result<void> validate(const Knobs&) { return {}; }
};

scxx::OptionList<Knobs> good() {
    scxx::OptionList<Knobs> o;
    o.integer("small", &Knobs::small, 0, 255, "fits a byte");
    o.choice("color", &Knobs::color, {{"red", Color::red}, {"blue", Color::blue}}, "a colour");
    return o;
}
scxx::OptionList<Knobs> range_too_wide() {
    scxx::OptionList<Knobs> o;
    o.integer("small", &Knobs::small, -1, 300, "does not fit a byte");
    return o;
}
scxx::OptionList<Knobs> default_out_of_range() {
    scxx::OptionList<Knobs> o;
    o.integer("n", &Knobs::n, 10, 20, "default 5 is below 10");
    return o;
}
scxx::OptionList<Knobs> default_not_a_word() {
    scxx::OptionList<Knobs> o;
    o.choice("color", &Knobs::color, {{"red", Color::red}, {"green", Color::green}}, "blue is no word");
    return o;
}
scxx::OptionList<Knobs> live_rodata() {
    scxx::OptionList<Knobs> o;
    o.integer("n", &Knobs::n, 0, 10, "frozen at load").rodata("n_var").live();
    return o;
}
scxx::OptionList<Knobs> declared_twice() {
    scxx::OptionList<Knobs> o;
    o.integer("n", &Knobs::n, 0, 10, "once");
    o.integer("n", &Knobs::n, 0, 10, "twice");
    return o;
}

}  // namespace

TEST_CASE("Registry: broken option declarations are refused", "[registry]") {
    scxx::Registry reg;
    auto good_entry = scxx::scheduler_entry<Declared<good>>("good", "ok");
    REQUIRE(reg.add(good_entry));
    CHECK(std::get<int64_t>(good_entry.options[1].default_value) == 1);  // "blue" is the second word
    auto refused = [&](scxx::SchedulerEntry e, const std::string& what) {
        auto r = reg.add(std::move(e));
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().what(), ContainsSubstring(what));
    };
    refused(scxx::scheduler_entry<Declared<range_too_wide>>("a", "x"),
            "register scheduler a: option --small: its range -1..300 does not fit the settings field's type");
    refused(scxx::scheduler_entry<Declared<default_out_of_range>>("b", "x"),
            "register scheduler b: option --n default: 5 is out of range (allowed 10..20)");
    refused(scxx::scheduler_entry<Declared<default_not_a_word>>("c", "x"),
            "register scheduler c: option --color default: expected one of: red, green");
    refused(scxx::scheduler_entry<Declared<declared_twice>>("d", "x"), "option --n is declared twice");
    refused(scxx::scheduler_entry<Declared<live_rodata>>("e", "x"),
            "option --n is live but feeds rodata n_var, which is frozen at load (declare .global(\"n_var\")");
    CHECK(reg.find("a") == nullptr);
}

TEST_CASE("Registry: a kept declaration handle stays valid while more options are declared", "[registry]") {
    scxx::OptionList<Knobs> o;
    auto first = o.integer("n", &Knobs::n, 0, 10, "n");
    for (int i = 0; i < 64; ++i) o.integer("x" + std::to_string(i), &Knobs::n, 0, 10, "grows the vector");
    first.live().global("n_var");
    CHECK(o.decls()[0].live);
    CHECK(o.decls()[0].global == "n_var");
}
