// schedulers/lavd/test_tables.cpp: the BPF topology tables (tables.hpp) built from the domain plan
// of every sysfs fixture machine: every online CPU sits in its domain's slice of cpdom_cpus, the
// neighbour slices list every other domain exactly once in plan order with per-level counts, both
// preference orders land at their offsets, capacities add up, offline CPUs are marked; and the
// --monitor line format (monitor.hpp) the VM scenarios parse.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>

#include "monitor.hpp"
#include "scxx_catch.hpp"
#include "tables.hpp"

namespace {

namespace fs = std::filesystem;
using Catch::Matchers::ContainsSubstring;
using scxx_test::error_text;

fs::path fixtures() {
    if (const char* env = std::getenv("SCXX_FIXTURES"); env && *env) return env;
    return SCXX_FIXTURES;
}

void check_machine(const std::string& name) {
    INFO(name);
    auto topo = scxx::Topology::read(fixtures() / name);
    UNSCOPED_INFO(error_text(topo));
    REQUIRE(topo.has_value());
    auto plan = lavd::plan_domains(*topo);
    UNSCOPED_INFO(error_text(plan));
    REQUIRE(plan.has_value());
    const lavd::Tables t = lavd::build_tables(*plan);
    const unsigned n = topo->nr_cpu_ids(), nd = static_cast<unsigned>(plan->domains.size());

    REQUIRE(t.cpus.size() == n);
    REQUIRE(t.cpdoms.size() == nd);
    CHECK(t.nr_cpus_onln == topo->online().weight());
    CHECK(t.cpdom_cpus.size() == topo->online().weight());

    uint64_t cap = 0;
    for (unsigned d = 0; d < nd; ++d) {
        const lavd_cpdom_ctx& c = t.cpdoms[d];
        CHECK(c.id == d);
        CHECK(c.alt_id == plan->domains[d].alt_id);
        CHECK(c.big == (plan->domains[d].big ? 1u : 0u));
        REQUIRE(c.cpu_off + c.nr_cpus <= t.cpdom_cpus.size());
        CHECK(c.nr_cpus == plan->domains[d].cpus.weight());
        uint64_t dcap = 0;
        for (uint32_t i = c.cpu_off; i < c.cpu_off + c.nr_cpus; ++i) {
            uint32_t cpu = t.cpdom_cpus[i];
            REQUIRE(cpu < n);
            UNSCOPED_INFO("cpu " << cpu);
            CHECK(t.cpus[cpu].cpdom_id == d);
            dcap += t.cpus[cpu].capacity;
        }
        CHECK(c.capacity == dcap);
        cap += dcap;
        // neighbours: every other domain once, level by level as planned
        REQUIRE(c.nbr_off + c.nr_nbrs <= t.cpdom_nbrs.size());
        CHECK(c.nr_nbrs == nd - 1);
        uint32_t off = c.nbr_off, sum = 0;
        std::set<uint32_t> seen;
        for (unsigned lvl = 0; lvl < LAVD_NR_LEVELS; ++lvl) {
            REQUIRE(c.nr_nbr_level[lvl] == plan->domains[d].neighbours[lvl].size());
            for (unsigned nb : plan->domains[d].neighbours[lvl]) CHECK(t.cpdom_nbrs[off++] == nb);
            sum += c.nr_nbr_level[lvl];
        }
        CHECK(sum == c.nr_nbrs);
        for (uint32_t i = c.nbr_off; i < c.nbr_off + c.nr_nbrs; ++i) {
            CHECK(t.cpdom_nbrs[i] != d);
            CHECK(seen.insert(t.cpdom_nbrs[i]).second);
        }
    }
    CHECK(cap == t.total_capacity);

    for (unsigned cpu = 0; cpu < n; ++cpu) {
        INFO("cpu " << cpu);
        const bool online = topo->online().test(cpu);
        CHECK(t.cpus[cpu].online == (online ? 1u : 0u));
        if (!online) {
            CHECK(t.cpus[cpu].cpdom_id == LAVD_NONE);
            continue;
        }
        CHECK(t.cpus[cpu].big == (topo->cpus()[cpu].type == scxx::CoreType::big ? 1u : 0u));
    }

    REQUIRE(t.pref_order.size() == 2u * n);
    for (size_t i = 0; i < n; ++i) {
        CHECK(t.pref_order[i] == (i < plan->order_performance.size() ? plan->order_performance[i] : LAVD_NONE));
        CHECK(t.pref_order[n + i] == (i < plan->order_powersave.size() ? plan->order_powersave[i] : LAVD_NONE));
    }
}

TEST_CASE("LavdTables: EveryFixtureMachine", "[lavd][tables]") {
    int machines = 0;
    for (const auto& e : fs::directory_iterator(fixtures())) {
        if (!e.is_directory()) continue;
        check_machine(e.path().filename().string());
        ++machines;
    }
    CHECK(machines >= 5);  // the fixtures are there: an empty directory must not pass
}

TEST_CASE("LavdTables: OfflineCpuIsOutsideEveryDomain", "[lavd][tables]") {
    auto topo = scxx::Topology::read(fixtures() / "offline-cpus");
    REQUIRE(topo.has_value());
    REQUIRE(topo->online().weight() < topo->nr_cpu_ids());  // the fixture has an offline CPU
    auto plan = lavd::plan_domains(*topo);
    REQUIRE(plan.has_value());
    auto t = lavd::build_tables(*plan);
    for (unsigned cpu = 0; cpu < topo->nr_cpu_ids(); ++cpu)
        if (!topo->online().test(cpu)) {
            CHECK(t.cpus[cpu].cpdom_id == LAVD_NONE);
            for (uint32_t c : t.cpdom_cpus) CHECK(c != cpu);
        }
}

TEST_CASE("LavdMonitor: LineFormat", "[lavd][tables]") {
    lavd_sample s{};
    s.seq = 3;
    s.pid = 42;
    s.cpu = 2;
    std::strncpy(s.comm, "lat probe", sizeof(s.comm));
    s.lat_cri = 700;
    s.perf_cri = 300;
    s.wait_freq = 200;
    s.wake_freq = 5;
    s.run_freq = 199;
    s.avg_runtime_ns = 1234567;
    s.deadline_ns = 250000;
    s.slice_ns = 5000000;
    CHECK(lavd::format_sample(s) ==
          "lavd-task pid=42 comm=lat_probe lat_cri=700 perf_cri=300 wait_freq=200 wake_freq=5 run_freq=199 "
          "avg_runtime_us=1234 deadline_us=250 slice_us=5000 cpu=2");
    std::memset(s.comm, 'x', sizeof(s.comm));  // a full comm without NUL stays within 16 bytes
    CHECK_THAT(lavd::format_sample(s), ContainsSubstring("comm=xxxxxxxxxxxxxxxx "));
}

}  // namespace
