// schedulers/lavd/test_tables.cpp: the BPF topology tables (tables.hpp) built from the domain plan
// of every sysfs fixture machine: every online CPU sits in its domain's slice of cpdom_cpus, the
// neighbour slices list every other domain exactly once in plan order with per-level counts, both
// preference orders land at their offsets, capacities add up, offline CPUs are marked; and the
// --monitor line format (monitor.hpp) the VM scenarios parse.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>

#include "monitor.hpp"
#include "tables.hpp"

namespace {

namespace fs = std::filesystem;

fs::path fixtures() {
    if (const char* env = std::getenv("SCXX_FIXTURES"); env && *env) return env;
    return SCXX_FIXTURES;
}

void check_machine(const std::string& name) {
    SCOPED_TRACE(name);
    auto topo = scxx::Topology::read(fixtures() / name);
    ASSERT_TRUE(topo.has_value()) << topo.error().what();
    auto plan = lavd::plan_domains(*topo);
    ASSERT_TRUE(plan.has_value()) << plan.error().what();
    const lavd::Tables t = lavd::build_tables(*plan);
    const unsigned n = topo->nr_cpu_ids(), nd = static_cast<unsigned>(plan->domains.size());

    ASSERT_EQ(t.cpus.size(), n);
    ASSERT_EQ(t.cpdoms.size(), nd);
    EXPECT_EQ(t.nr_cpus_onln, topo->online().weight());
    EXPECT_EQ(t.cpdom_cpus.size(), topo->online().weight());

    uint64_t cap = 0;
    for (unsigned d = 0; d < nd; ++d) {
        const lavd_cpdom_ctx& c = t.cpdoms[d];
        EXPECT_EQ(c.id, d);
        EXPECT_EQ(c.alt_id, plan->domains[d].alt_id);
        EXPECT_EQ(c.big, plan->domains[d].big ? 1u : 0u);
        ASSERT_LE(c.cpu_off + c.nr_cpus, t.cpdom_cpus.size());
        EXPECT_EQ(c.nr_cpus, plan->domains[d].cpus.weight());
        uint64_t dcap = 0;
        for (uint32_t i = c.cpu_off; i < c.cpu_off + c.nr_cpus; ++i) {
            uint32_t cpu = t.cpdom_cpus[i];
            ASSERT_LT(cpu, n);
            EXPECT_EQ(t.cpus[cpu].cpdom_id, d) << "cpu " << cpu;
            dcap += t.cpus[cpu].capacity;
        }
        EXPECT_EQ(c.capacity, dcap);
        cap += dcap;
        // neighbours: every other domain once, level by level as planned
        ASSERT_LE(c.nbr_off + c.nr_nbrs, t.cpdom_nbrs.size());
        EXPECT_EQ(c.nr_nbrs, nd - 1);
        uint32_t off = c.nbr_off, sum = 0;
        std::set<uint32_t> seen;
        for (unsigned lvl = 0; lvl < LAVD_NR_LEVELS; ++lvl) {
            ASSERT_EQ(c.nr_nbr_level[lvl], plan->domains[d].neighbours[lvl].size());
            for (unsigned nb : plan->domains[d].neighbours[lvl]) EXPECT_EQ(t.cpdom_nbrs[off++], nb);
            sum += c.nr_nbr_level[lvl];
        }
        EXPECT_EQ(sum, c.nr_nbrs);
        for (uint32_t i = c.nbr_off; i < c.nbr_off + c.nr_nbrs; ++i) {
            EXPECT_NE(t.cpdom_nbrs[i], d);
            EXPECT_TRUE(seen.insert(t.cpdom_nbrs[i]).second);
        }
    }
    EXPECT_EQ(cap, t.total_capacity);

    for (unsigned cpu = 0; cpu < n; ++cpu) {
        const bool online = topo->online().test(cpu);
        EXPECT_EQ(t.cpus[cpu].online, online ? 1u : 0u) << "cpu " << cpu;
        if (!online) {
            EXPECT_EQ(t.cpus[cpu].cpdom_id, LAVD_NONE) << "cpu " << cpu;
            continue;
        }
        EXPECT_EQ(t.cpus[cpu].big, topo->cpus()[cpu].type == scxx::CoreType::big ? 1u : 0u) << "cpu " << cpu;
    }

    ASSERT_EQ(t.pref_order.size(), 2u * n);
    for (size_t i = 0; i < n; ++i) {
        EXPECT_EQ(t.pref_order[i], i < plan->order_performance.size() ? plan->order_performance[i] : LAVD_NONE);
        EXPECT_EQ(t.pref_order[n + i], i < plan->order_powersave.size() ? plan->order_powersave[i] : LAVD_NONE);
    }
}

TEST(LavdTables, EveryFixtureMachine) {
    int machines = 0;
    for (const auto& e : fs::directory_iterator(fixtures())) {
        if (!e.is_directory()) continue;
        check_machine(e.path().filename().string());
        ++machines;
    }
    EXPECT_GE(machines, 5);  // the fixtures are there: an empty directory must not pass
}

TEST(LavdTables, OfflineCpuIsOutsideEveryDomain) {
    auto topo = scxx::Topology::read(fixtures() / "offline-cpus");
    ASSERT_TRUE(topo.has_value());
    ASSERT_LT(topo->online().weight(), topo->nr_cpu_ids());  // the fixture has an offline CPU
    auto plan = lavd::plan_domains(*topo);
    ASSERT_TRUE(plan.has_value());
    auto t = lavd::build_tables(*plan);
    for (unsigned cpu = 0; cpu < topo->nr_cpu_ids(); ++cpu)
        if (!topo->online().test(cpu)) {
            EXPECT_EQ(t.cpus[cpu].cpdom_id, LAVD_NONE);
            for (uint32_t c : t.cpdom_cpus) EXPECT_NE(c, cpu);
        }
}

TEST(LavdMonitor, LineFormat) {
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
    EXPECT_EQ(lavd::format_sample(s),
              "lavd-task pid=42 comm=lat_probe lat_cri=700 perf_cri=300 wait_freq=200 wake_freq=5 run_freq=199 "
              "avg_runtime_us=1234 deadline_us=250 slice_us=5000 cpu=2");
    std::memset(s.comm, 'x', sizeof(s.comm));  // a full comm without NUL stays within 16 bytes
    EXPECT_NE(lavd::format_sample(s).find("comm=xxxxxxxxxxxxxxxx "), std::string::npos);
}

}  // namespace
