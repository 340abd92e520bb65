// test_registry.cpp: adding, finding and listing schedulers; rejected registrations.
#include <gtest/gtest.h>

#include "scxx/log.hpp"
#include "scxx/registry.hpp"

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
    e.defaults_json = "{}";
    e.create = [] { return std::make_unique<NullScheduler>(); };
    return e;
}

}  // namespace

TEST(Registry, AddFindList) {
    scxx::Registry reg;
    ASSERT_TRUE(reg.add(entry("simple", "the template")));
    ASSERT_TRUE(reg.add(entry("pair")));
    ASSERT_TRUE(reg.add(entry("nest")));

    const scxx::SchedulerEntry* s = reg.find("simple");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->description, "the template");
    EXPECT_NE(s->create(), nullptr);
    EXPECT_EQ(reg.find("lavd"), nullptr);
    EXPECT_EQ(reg.find(""), nullptr);

    auto list = reg.list();
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[0]->name, "nest");
    EXPECT_EQ(list[1]->name, "pair");
    EXPECT_EQ(list[2]->name, "simple");
    EXPECT_EQ(reg.names(), "nest, pair, simple");
}

TEST(Registry, Empty) {
    scxx::Registry reg;
    EXPECT_TRUE(reg.list().empty());
    EXPECT_EQ(reg.names(), "");
}

TEST(Registry, RejectsDuplicate) {
    scxx::Registry reg;
    ASSERT_TRUE(reg.add(entry("simple", "first")));
    auto r = reg.add(entry("simple", "second"));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().what().find("simple"), std::string::npos);
    EXPECT_NE(r.error().what().find("already registered"), std::string::npos);
    EXPECT_EQ(reg.find("simple")->description, "first");
    EXPECT_EQ(reg.list().size(), 1u);
}

TEST(Registry, RejectsIncompleteEntries) {
    scxx::Registry reg;
    auto no_name = reg.add(entry(""));
    ASSERT_FALSE(no_name);
    EXPECT_NE(no_name.error().what().find("empty name"), std::string::npos);

    auto e = entry("nocreate");
    e.create = nullptr;
    auto no_create = reg.add(std::move(e));
    ASSERT_FALSE(no_create);
    EXPECT_NE(no_create.error().what().find("nocreate"), std::string::npos);
    EXPECT_TRUE(reg.list().empty());
}

TEST(Registry, RegistrarUsesTheSingletonAndLogsFailures) {
    std::vector<std::string> logged;
    scxx::set_log_sink([&](scxx::LogLevel, std::string_view text) { logged.emplace_back(text); });
    { scxx::Registrar a{entry("registrar-test")}; }
    EXPECT_NE(scxx::Registry::instance().find("registrar-test"), nullptr);
    EXPECT_TRUE(logged.empty());
    { scxx::Registrar b{entry("registrar-test")}; }  // duplicate: logged, not fatal
    scxx::set_log_sink(nullptr);
    ASSERT_EQ(logged.size(), 1u);
    EXPECT_NE(logged[0].find("registrar-test"), std::string::npos);
    EXPECT_EQ(&scxx::Registry::instance(), &scxx::Registry::instance());
}
