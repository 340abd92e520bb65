// test_registry.cpp: adding, finding and listing schedulers; rejected registrations.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include "scxx/log.hpp"
#include "scxx/registry.hpp"

using Catch::Matchers::ContainsSubstring;

namespace {

class NullScheduler : public scxx::Scheduler {
public:
    scxx::Result<void> attach(const scxx::SchedulerContext&) override { return {}; }
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
