// schedulers/lavd/test_cpdom.cpp: lavd's compute-domain planner (cpdom.hpp) on the sysfs fixture
// machines of tests/data/sysfs (SMT, 2-socket, 4-node, multi-LLC, big.LITTLE, hybrid with SMT,
// offline CPUs) and on two generated big ones (8192 CPUs; 1280 CPUs in 320 domains), checking the
// exact domains, links, neighbour levels and orders, the general rules on every machine, and the
// --cpu-pref-order parser.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <catch2/matchers/catch_matchers_range_equals.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "cpdom.hpp"
#include "scxx_catch.hpp"
#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::RangeEquals;
using Catch::Matchers::StartsWith;
using lavd::DomainPlan;
using lavd::format_ordered;
using lavd::parse_pref_order;
using lavd::plan_domains;
using scxx::Topology;
using scxx_test::error_text;
using V = std::vector<unsigned>;
using Lines = std::vector<std::string>;

fs::path fixtures() {
    if (const char* env = std::getenv("SCXX_FIXTURES"); env && *env) return env;
    return SCXX_FIXTURES;
}

Topology load_from(const fs::path& root) {
    auto t = Topology::read(root);
    UNSCOPED_INFO(root << ": " << error_text(t));
    CHECK(t.has_value());
    return t ? std::move(*t) : Topology();
}

Topology load(const std::string& name) { return load_from(fixtures() / name); }

DomainPlan plan_of(const Topology& t, const V& order = {}) {
    auto p = plan_domains(t, order);
    UNSCOPED_INFO(error_text(p));
    CHECK(p.has_value());
    return p ? std::move(*p) : DomainPlan();
}

// Position of every CPU within its core (0 = first thread): the "pass" of order_performance.
std::vector<unsigned> thread_index(const Topology& t) {
    std::vector<unsigned> idx(t.nr_cpu_ids(), 0);
    for (const auto& core : t.cores()) {
        unsigned k = 0;
        for (unsigned cpu : core.cpus) idx[cpu] = k++;
    }
    return idx;
}

unsigned distance(const Topology& t, unsigned a, unsigned b) {
    return t.nodes()[static_cast<size_t>(t.node_index(static_cast<int>(a)))].distance[static_cast<size_t>(t.node_index(static_cast<int>(b)))];
}

// The rules of cpdom.hpp, checked independently of how cpdom.cpp computes them.
void expect_rules(const Topology& t, const DomainPlan& p) {
    const unsigned nr = t.nr_cpu_ids();
    REQUIRE(p.nr_cpu_ids == nr);
    REQUIRE(p.cpu_domain.size() == nr);
    REQUIRE(p.capacity.size() == nr);
    REQUIRE_FALSE(p.domains.empty());

    // Domains: dense ids, the documented numbering, every online CPU in exactly one, one domain per
    // (node, LLC, type).
    std::set<std::tuple<unsigned, unsigned, bool>> keys;
    scxx::Cpumask all(nr);
    for (size_t i = 0; i < p.domains.size(); ++i) {
        const auto& d = p.domains[i];
        REQUIRE(d.id == i);
        REQUIRE(d.cpus.nr_cpus() == nr);
        UNSCOPED_INFO("domain " << i);
        REQUIRE_FALSE(d.cpus.empty());
        UNSCOPED_INFO("domain " << i << " overlaps an earlier one");
        CHECK_FALSE(d.cpus.intersects(all));
        all = all | d.cpus;
        UNSCOPED_INFO("two domains for one (node, llc, type)");
        CHECK(keys.emplace(d.node, d.llc, !d.big).second);
        if (i > 0) {
            const auto& prev = p.domains[i - 1];
            UNSCOPED_INFO("numbering at " << i);
            CHECK(std::make_tuple(prev.node, prev.llc, !prev.big) < std::make_tuple(d.node, d.llc, !d.big));
        }
        for (unsigned cpu : d.cpus) {
            INFO("cpu " << cpu);
            const auto& info = t.cpus()[cpu];
            CHECK(p.cpu_domain[cpu] == static_cast<int>(i));
            CHECK(info.node == static_cast<int>(d.node));
            CHECK(info.llc == static_cast<int>(d.llc));
            CHECK((info.type == scxx::CoreType::big) == d.big);
        }
    }
    CHECK(all == t.online());
    for (unsigned cpu = 0; cpu < nr; ++cpu) {
        if (t.online().test(cpu)) {
            CHECK(p.capacity[cpu] == t.cpus()[cpu].capacity);
        } else {
            CHECK(p.cpu_domain[cpu] == -1);
            CHECK(p.capacity[cpu] == 0u);
        }
    }

    // alt: mutual, same node and LLC, other type; set whenever such a domain exists.
    for (const auto& d : p.domains) {
        int expect = -1;
        for (const auto& o : p.domains)
            if (o.node == d.node && o.llc == d.llc && o.big != d.big) expect = static_cast<int>(o.id);
        UNSCOPED_INFO("domain " << d.id);
        CHECK(d.alt_id == expect);
        if (d.alt_id >= 0) {
            CHECK(p.domains[static_cast<size_t>(d.alt_id)].alt_id == static_cast<int>(d.id));
        }
    }

    // Neighbours: every other domain exactly once, in the level the rule gives, nearest first.
    for (const auto& a : p.domains) {
        unsigned nearest = ~0u;
        for (const auto& b : p.domains)
            if (b.node != a.node) nearest = std::min(nearest, distance(t, a.node, b.node));
        std::vector<int> level_of(p.domains.size(), -1);
        for (unsigned l = 0; l < lavd::kDistanceLevels; ++l) {
            unsigned prev_dist = 0;
            for (unsigned id : a.neighbours[l]) {
                REQUIRE(id < p.domains.size());
                UNSCOPED_INFO("domain " << a.id << " is its own neighbour");
                CHECK(id != a.id);
                UNSCOPED_INFO("domain " << id << " listed twice by " << a.id);
                CHECK(level_of[id] == -1);
                level_of[id] = static_cast<int>(l);
                const unsigned dist = distance(t, a.node, p.domains[id].node);
                UNSCOPED_INFO("level " << l << " of domain " << a.id << " not nearest first");
                CHECK(dist >= prev_dist);
                prev_dist = dist;
            }
        }
        for (const auto& b : p.domains) {
            if (b.id == a.id) continue;
            int want;
            if (b.node == a.node)
                want = b.big == a.big ? 0 : 1;
            else
                want = distance(t, a.node, b.node) == nearest ? 2 : 3;
            UNSCOPED_INFO("domain " << b.id << " seen from " << a.id);
            CHECK(level_of[b.id] == want);
        }
        if (a.alt_id >= 0) {
            UNSCOPED_INFO("alt first in level 1");
            CHECK(a.neighbours[1].front() == static_cast<unsigned>(a.alt_id));
        }
    }

    // Orders: each a permutation of the online CPUs.
    for (const V* order : {&p.order_performance, &p.order_powersave}) {
        REQUIRE(order->size() == t.online().weight());
        std::vector<char> seen(nr, 0);
        for (unsigned cpu : *order) {
            REQUIRE(cpu < nr);
            UNSCOPED_INFO("offline cpu " << cpu << " in an order");
            CHECK(t.online().test(cpu));
            UNSCOPED_INFO("cpu " << cpu << " twice in an order");
            CHECK_FALSE(seen[cpu]);
            seen[cpu] = 1;
        }
    }
    if (p.user_order) return;

    // Performance: (thread index, little) never decreases, so first threads come before SMT
    // siblings and, within that, big before little.
    const auto idx = thread_index(t);
    for (size_t i = 1; i < p.order_performance.size(); ++i) {
        const unsigned a = p.order_performance[i - 1], b = p.order_performance[i];
        UNSCOPED_INFO("performance order: cpu " << b << " after " << a);
        CHECK(std::make_pair(idx[a], t.cpus()[a].type == scxx::CoreType::little) <=
              std::make_pair(idx[b], t.cpus()[b].type == scxx::CoreType::little));
    }
    // Performance spreads: the first k CPUs of a pass and type lie in min(k, #domains of that type)
    // different domains.
    {
        size_t i = 0;
        while (i < p.order_performance.size()) {
            const unsigned head = p.order_performance[i];
            const auto key = std::make_pair(idx[head], t.cpus()[head].type);
            std::set<int> doms;
            size_t n_type = 0;
            for (const auto& d : p.domains) n_type += d.big == (key.second == scxx::CoreType::big);
            size_t j = i;
            for (; j < p.order_performance.size(); ++j) {
                const unsigned cpu = p.order_performance[j];
                if (std::make_pair(idx[cpu], t.cpus()[cpu].type) != key) break;
                if (j - i < n_type) doms.insert(p.cpu_domain[cpu]);
            }
            UNSCOPED_INFO("performance order does not spread at position " << i);
            CHECK(doms.size() == std::min(n_type, j - i));
            i = j;
        }
    }
    // Powersave: little before big; a domain's CPUs contiguous and in domain-id order within a type;
    // a core's CPUs contiguous.
    {
        const auto& o = p.order_powersave;
        std::vector<char> done_domain(p.domains.size(), 0), done_core(t.cores().size(), 0);
        for (size_t i = 0; i < o.size(); ++i) {
            const unsigned cpu = o[i];
            const int d = p.cpu_domain[cpu], c = t.cpus()[cpu].core;
            if (i > 0) {
                const unsigned prev = o[i - 1];
                UNSCOPED_INFO("powersave: big before little");
                CHECK((t.cpus()[prev].type == scxx::CoreType::big) <= (t.cpus()[cpu].type == scxx::CoreType::big));
                const int pd = p.cpu_domain[prev], pc = t.cpus()[prev].core;
                if (pd != d) {
                    done_domain[static_cast<size_t>(pd)] = 1;
                    if (p.domains[static_cast<size_t>(pd)].big == p.domains[static_cast<size_t>(d)].big) {
                        UNSCOPED_INFO("powersave: domain order");
                        CHECK(pd < d);
                    }
                }
                if (pc != c) done_core[static_cast<size_t>(pc)] = 1;
            }
            UNSCOPED_INFO("powersave: domain " << d << " split at cpu " << cpu);
            CHECK_FALSE(done_domain[static_cast<size_t>(d)]);
            UNSCOPED_INFO("powersave: core " << c << " split at cpu " << cpu);
            CHECK_FALSE(done_core[static_cast<size_t>(c)]);
        }
    }

    // The banner: one line per domain and two order lines, none of them long.
    const auto lines = lavd::describe(p);
    REQUIRE(lines.size() == p.domains.size() + 2);
    for (size_t i = 0; i < p.domains.size(); ++i)
        CHECK_THAT(lines[i], StartsWith("cpdom " + std::to_string(i) + ": node "));
    for (const auto& l : lines) {
        CHECK_THAT(l, !ContainsSubstring("\n"));
        UNSCOPED_INFO(l);
        CHECK(l.size() < 400u);
    }
    CHECK_THAT(lines[lines.size() - 2], StartsWith("order performance: "));
    CHECK_THAT(lines.back(), StartsWith("order powersave: "));

    // Round trip: format_ordered's text parses back into the same order.
    for (const V* order : {&p.order_performance, &p.order_powersave}) {
        auto back = parse_pref_order(format_ordered(*order), t);
        UNSCOPED_INFO(error_text(back));
        REQUIRE(back.has_value());
        CHECK(*back == *order);
    }
}

// ---- the small fixtures, exactly ----

TEST_CASE("LavdCpdom: Smt1Socket", "[lavd][cpdom]") {
    const Topology t = load("smt-1socket");
    const DomainPlan p = plan_of(t);
    expect_rules(t, p);
    REQUIRE(p.domains.size() == 1u);
    CHECK(p.domains[0].cpus.to_list() == "0-7");
    for (const auto& level : p.domains[0].neighbours) CHECK(level.empty());
    CHECK(p.order_performance == (V{0, 1, 2, 3, 4, 5, 6, 7}));  // first threads, then siblings 4-7
    CHECK(p.order_powersave == (V{0, 4, 1, 5, 2, 6, 3, 7}));     // a core's siblings together
    CHECK_THAT(lavd::describe(p),
               RangeEquals(Lines{"cpdom 0: node 0 llc 0 big cpus 0-7 (8) alt - nbr0 - nbr1 - nbr2 - nbr3 -",
                                 "order performance: 0-7", "order powersave: 0,4,1,5,2,6,3,7"}));
}

TEST_CASE("LavdCpdom: Numa2Socket", "[lavd][cpdom]") {
    const Topology t = load("numa-2socket");
    const DomainPlan p = plan_of(t);
    expect_rules(t, p);
    REQUIRE(p.domains.size() == 2u);
    CHECK(p.domains[0].cpus.to_list() == "0-3");
    CHECK(p.domains[1].cpus.to_list() == "4-7");
    CHECK(p.domains[1].node == 1u);
    CHECK(p.domains[1].llc == 1u);
    CHECK(p.domains[0].neighbours[2] == (V{1}));
    CHECK(p.domains[1].neighbours[2] == (V{0}));
    CHECK(p.order_performance == (V{0, 4, 1, 5, 2, 6, 3, 7}));  // the two domains take turns
    CHECK(p.order_powersave == (V{0, 1, 2, 3, 4, 5, 6, 7}));     // node 0 full before node 1
    CHECK_THAT(lavd::describe(p),
               RangeEquals(Lines{"cpdom 0: node 0 llc 0 big cpus 0-3 (4) alt - nbr0 - nbr1 - nbr2 1 nbr3 -",
                                 "cpdom 1: node 1 llc 1 big cpus 4-7 (4) alt - nbr0 - nbr1 - nbr2 0 nbr3 -",
                                 "order performance: 0,4,1,5,2,6,3,7", "order powersave: 0-7"}));
}

TEST_CASE("LavdCpdom: Numa4NodeLevels", "[lavd][cpdom]") {
    const Topology t = load("numa-4node");
    const DomainPlan p = plan_of(t);
    expect_rules(t, p);
    REQUIRE(p.domains.size() == 4u);
    // node 0: node 1 at 12 (nearest remote), node 2 at 20, node 3 at 22.
    CHECK(p.domains[0].neighbours[2] == (V{1}));
    CHECK(p.domains[0].neighbours[3] == (V{2, 3}));
    // node 1: node 0 at 12; node 3 at 20 before node 2 at 22.
    CHECK(p.domains[1].neighbours[2] == (V{0}));
    CHECK(p.domains[1].neighbours[3] == (V{3, 2}));
    CHECK(p.domains[2].neighbours[2] == (V{3}));
    CHECK(p.domains[2].neighbours[3] == (V{0, 1}));
    CHECK(p.domains[3].neighbours[3] == (V{1, 0}));
    CHECK(p.order_performance == (V{0, 2, 4, 6, 1, 3, 5, 7}));
    CHECK(lavd::describe(p)[1] == "cpdom 1: node 1 llc 1 big cpus 2-3 (2) alt - nbr0 - nbr1 - nbr2 0 nbr3 3,2");
}

TEST_CASE("LavdCpdom: MultiLlc", "[lavd][cpdom]") {
    const Topology t = load("multi-llc");
    const DomainPlan p = plan_of(t);
    expect_rules(t, p);
    REQUIRE(p.domains.size() == 2u);  // 956/1024 is not little: one core type
    CHECK(p.domains[0].llc == 0u);
    CHECK(p.domains[1].llc == 1u);
    CHECK(p.domains[0].neighbours[0] == (V{1}));
    CHECK(p.capacity[0] == 1024u);
    CHECK(p.capacity[5] == 956u);
    CHECK(p.order_performance == (V{0, 4, 1, 5, 2, 6, 3, 7}));
    CHECK(p.order_powersave == (V{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST_CASE("LavdCpdom: BigLittleClusters", "[lavd][cpdom]") {
    const Topology t = load("big-little");
    const DomainPlan p = plan_of(t);
    expect_rules(t, p);
    REQUIRE(p.domains.size() == 2u);
    CHECK(p.domains[0].big);
    CHECK_FALSE(p.domains[1].big);
    CHECK(p.domains[1].cpus.to_list() == "4-7");
    CHECK(p.domains[0].alt_id == -1);  // the little cluster has its own L2: no alt
    CHECK(p.domains[0].neighbours[1] == (V{1}));
    CHECK(p.capacity[4] == 446u);
    CHECK(p.order_performance == (V{0, 1, 2, 3, 4, 5, 6, 7}));
    CHECK(p.order_powersave == (V{4, 5, 6, 7, 0, 1, 2, 3}));
    CHECK(lavd::describe(p)[1] == "cpdom 1: node 0 llc 1 little cpus 4-7 (4) alt - nbr0 - nbr1 0 nbr2 - nbr3 -");
}

TEST_CASE("LavdCpdom: HybridSharedLlc", "[lavd][cpdom]") {
    const Topology t = load("hybrid-smt");
    const DomainPlan p = plan_of(t);
    expect_rules(t, p);
    REQUIRE(p.domains.size() == 2u);
    CHECK(p.domains[0].cpus.to_list() == "0-3");
    CHECK(p.domains[1].cpus.to_list() == "4-7");
    CHECK(p.domains[0].llc == p.domains[1].llc);
    CHECK(p.domains[0].alt_id == 1);
    CHECK(p.domains[1].alt_id == 0);
    // P-core first threads, E-cores, then P-core second threads.
    CHECK(p.order_performance == (V{0, 2, 4, 5, 6, 7, 1, 3}));
    CHECK(p.order_powersave == (V{4, 5, 6, 7, 0, 1, 2, 3}));
    CHECK(lavd::describe(p)[0] == "cpdom 0: node 0 llc 0 big cpus 0-3 (4) alt 1 nbr0 - nbr1 1 nbr2 - nbr3 -");
}

TEST_CASE("LavdCpdom: OfflineCpu", "[lavd][cpdom]") {
    const Topology t = load("offline-cpus");
    const DomainPlan p = plan_of(t);
    expect_rules(t, p);
    REQUIRE(p.domains.size() == 1u);
    CHECK(p.domains[0].cpus.to_list() == "0-2,4-7");
    CHECK(p.cpu_domain[3] == -1);
    CHECK(p.capacity[3] == 0u);
    CHECK(p.order_performance == (V{0, 1, 2, 7, 4, 5, 6}));  // cpu7 lost its sibling: a first thread
    CHECK(p.order_powersave == (V{0, 4, 1, 5, 2, 6, 7}));
}

TEST_CASE("LavdCpdom: UserOrder", "[lavd][cpdom]") {
    const Topology t = load("smt-1socket");
    auto order = parse_pref_order("7-6", t);
    UNSCOPED_INFO(error_text(order));
    REQUIRE(order);
    const DomainPlan p = plan_of(t, *order);
    expect_rules(t, p);
    CHECK(p.user_order);
    CHECK(p.order_performance == (V{7, 6, 0, 1, 2, 3, 4, 5}));  // the rest in performance order
    CHECK(p.order_powersave == p.order_performance);
    const auto lines = lavd::describe(p);
    CHECK(lines[1] == "order performance (--cpu-pref-order): 7,6,0-5");

    const Topology off = load("offline-cpus");
    auto bad = plan_domains(off, V{0, 3});
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().errnum() == EINVAL);
    CHECK_THAT(bad.error().what(), ContainsSubstring("CPU 3 is offline"));
    CHECK_FALSE(plan_domains(t, V{1, 1}).has_value());
    CHECK_FALSE(plan_domains(t, V{8}).has_value());
}

// ---- --cpu-pref-order ----

TEST_CASE("LavdCpdom: ParsePrefOrder", "[lavd][cpdom]") {
    const Topology t = load("smt-1socket");
    auto ok = [&](const char* text) {
        auto r = parse_pref_order(text, t);
        UNSCOPED_INFO(text << ": " << error_text(r));
        CHECK(r.has_value());
        return r ? *r : V{};
    };
    CHECK(ok("0-3,7,6,5,4") == (V{0, 1, 2, 3, 7, 6, 5, 4}));
    CHECK(ok("7-4") == (V{7, 6, 5, 4}));
    CHECK(ok("0-6:2") == (V{0, 2, 4, 6}));
    CHECK(ok("7-1:3") == (V{7, 4, 1}));
    CHECK(ok("0-7:100") == (V{0}));
    CHECK(ok(" 1 , 0 ") == (V{1, 0}));
    CHECK(ok("5") == (V{5}));
    CHECK(ok("3-3") == (V{3}));
}

TEST_CASE("LavdCpdom: ParsePrefOrderErrors", "[lavd][cpdom]") {
    const Topology t = load("smt-1socket");
    auto err = [&](const std::string& text) {
        auto r = parse_pref_order(text, t);
        UNSCOPED_INFO("\"" << text << "\" was accepted");
        CHECK_FALSE(r.has_value());
        if (r) return std::string();
        UNSCOPED_INFO(text);
        CHECK(r.error().errnum() == EINVAL);
        const std::string what = r.error().what();
        CHECK_THAT(what, !ContainsSubstring("\n"));
        CHECK_THAT(what, StartsWith("--cpu-pref-order \""));
        return what;
    };
    CHECK_THAT(err(""), ContainsSubstring("empty list"));
    CHECK_THAT(err("  "), ContainsSubstring("empty list"));
    for (const char* bad : {"x", "1-", "-1", "1-2-3", "1:2", "0-4:0", "0-4:", "0,,1", "0,", "1 2", "0x3", "all"})
        {
        INFO(bad);
        CHECK_THAT(err(bad), ContainsSubstring("bad token"));
    }
    CHECK_THAT(err("0,,1"), ContainsSubstring("bad token \"\""));
    CHECK_THAT(err("0-3,x"), ContainsSubstring("bad token \"x\" (expected N, N-M, M-N or N-M:STRIDE with CPUs 0-7)"));
    CHECK_THAT(err("8"), ContainsSubstring("CPU 8 does not exist (CPUs 0-7)"));
    CHECK_THAT(err("9-2"), ContainsSubstring("CPU 9 does not exist"));
    CHECK_THAT(err("0-99999999999999999999"), ContainsSubstring("does not exist"));  // no walk over the range
    CHECK_THAT(err("1,0-2"), ContainsSubstring("CPU 1 is named twice"));
    CHECK_THAT(err("0-3,3-7"), ContainsSubstring("CPU 3 is named twice"));

    const Topology off = load("offline-cpus");
    auto r = parse_pref_order("0-7", off);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().what() == "--cpu-pref-order \"0-7\": CPU 3 is offline (online: 0-2,4-7) (Invalid argument)");
}

TEST_CASE("LavdCpdom: FormatOrdered", "[lavd][cpdom]") {
    CHECK(format_ordered({}) == "");
    CHECK(format_ordered({5}) == "5");
    CHECK(format_ordered({0, 1, 2, 3}) == "0-3");
    CHECK(format_ordered({0, 1}) == "0-1");
    CHECK(format_ordered({1, 0}) == "1,0");
    CHECK(format_ordered({7, 6, 5, 4}) == "7-4");
    CHECK(format_ordered({0, 2, 4, 6}) == "0-6:2");
    CHECK(format_ordered({0, 2}) == "0,2");
    CHECK(format_ordered({9, 6, 3, 0, 1}) == "9-0:3,1");
    CHECK(format_ordered({0, 4, 1, 5, 2, 6, 3, 7}) == "0,4,1,5,2,6,3,7");
    CHECK(format_ordered({3, 3, 3}) == "3,3,3");
}

// ---- generated big machines ----

// gen-fixtures.py MODE DIR, read back.
Topology generate(const std::string& mode, const scxx_test::TempDir& dir) {
    const fs::path script = fixtures() / "gen-fixtures.py";
    const std::string cmd = "python3 '" + script.string() + "' " + mode + " '" + (dir.path() / mode).string() + "'";
    UNSCOPED_INFO(cmd);
    CHECK(std::system(cmd.c_str()) == 0);
    return load_from(dir.path() / mode);
}

TEST_CASE("LavdCpdom: Machine8192", "[lavd][cpdom]") {
    scxx_test::TempDir dir("scxx-cpdom");
    const Topology t = generate("8192", dir);
    REQUIRE(t.nr_cpu_ids() == 8192u);
    const DomainPlan p = plan_of(t);
    expect_rules(t, p);
    REQUIRE(p.domains.size() == 64u);  // 2 nodes x 32 LLCs, one core type
    CHECK(p.domains[0].cpus.to_list() == "0-63,4096-4159");
    CHECK(p.domains[63].cpus.to_list() == "4032-4095,8128-8191");
    CHECK(p.cpu_domain[8191] == 63);
    CHECK(p.cpu_domain[4096 + 2048] == 32);
    V node0_others, node1;
    for (unsigned i = 1; i < 32; ++i) node0_others.push_back(i);
    for (unsigned i = 32; i < 64; ++i) node1.push_back(i);
    CHECK(p.domains[0].neighbours[0] == node0_others);
    CHECK(p.domains[0].neighbours[1].empty());
    CHECK(p.domains[0].neighbours[2] == node1);
    CHECK(p.domains[0].neighbours[3].empty());
    // Performance: one core from each of the 64 domains in turn, no sibling before CPU 4095's turn.
    for (unsigned i = 0; i < 64; ++i) CHECK(p.order_performance[i] == 64 * i);
    CHECK(p.order_performance[64] == 1u);
    for (unsigned i = 0; i < 4096; ++i) {
        UNSCOPED_INFO("position " << i);
        REQUIRE(p.order_performance[i] < 4096u);
    }
    // Powersave: domain 0 first, core by core with its sibling.
    CHECK((V(p.order_powersave.begin(), p.order_powersave.begin() + 4)) == (V{0, 4096, 1, 4097}));
    for (unsigned i = 0; i < 128; ++i) {
        UNSCOPED_INFO("position " << i);
        REQUIRE(p.cpu_domain[p.order_powersave[i]] == 0);
    }
    const auto lines = lavd::describe(p);
    CHECK(lines[0] == "cpdom 0: node 0 llc 0 big cpus 0-63,4096-4159 (128) alt - nbr0 1-31 nbr1 - nbr2 32-63 nbr3 -");
    CHECK_THAT(lines[64], StartsWith("order performance: 0-4032:64,1-4033:64,"));
    CHECK_THAT(lines[64], ContainsSubstring(" (8192 CPUs)"));
    auto rev = parse_pref_order("8191-0", t);
    UNSCOPED_INFO(error_text(rev));
    REQUIRE(rev);
    CHECK(rev->size() == 8192u);
    CHECK(rev->front() == 8191u);
}

// More than 64 domains (320) and 512 CPUs (1280), four nodes at two remote distances, big and
// little in every LLC.
TEST_CASE("LavdCpdom: ManyDomains", "[lavd][cpdom]") {
    scxx_test::TempDir dir("scxx-cpdom");
    const Topology t = generate("many-llc", dir);
    REQUIRE(t.nr_cpu_ids() == 1280u);
    const DomainPlan p = plan_of(t);
    expect_rules(t, p);
    REQUIRE(p.domains.size() == 320u);
    CHECK(p.domains[0].cpus.to_list() == "0-5");
    CHECK(p.domains[1].cpus.to_list() == "6-7");
    CHECK(p.domains[319].cpus.to_list() == "1278-1279");
    CHECK_FALSE(p.domains[319].big);
    CHECK(p.domains[0].alt_id == 1);
    CHECK(p.domains[318].alt_id == 319);
    const auto& n = p.domains[0].neighbours;
    CHECK(n[0].size() == 39u);   // node 0's other big domains
    CHECK(n[1].size() == 40u);   // node 0's little domains, alt first
    CHECK(n[1].front() == 1u);
    CHECK(n[2].size() == 80u);   // node 1 (12)
    CHECK(n[3].size() == 160u);  // node 2 (20), then node 3 (22)
    CHECK(p.domains[n[3].front()].node == 2u);
    CHECK(p.domains[n[3].back()].node == 3u);
    const auto& n1 = p.domains[80].neighbours;  // node 1: node 3 (20) before node 2 (22)
    CHECK(p.domains[80].node == 1u);
    CHECK(p.domains[n1[3].front()].node == 3u);
    // Performance: 960 big CPUs, the first 160 in 160 different domains; powersave: 320 little first.
    std::set<int> first;
    for (unsigned i = 0; i < 160; ++i) first.insert(p.cpu_domain[p.order_performance[i]]);
    CHECK(first.size() == 160u);
    CHECK(p.order_performance[960] == 6u);
    CHECK((V(p.order_powersave.begin(), p.order_powersave.begin() + 4)) == (V{6, 7, 14, 15}));
    CHECK(p.order_powersave[320] == 0u);
}

TEST_CASE("LavdCpdom: NoOnlineCpuIsAnError", "[lavd][cpdom]") {
    auto p = plan_domains(Topology());
    REQUIRE_FALSE(p.has_value());
    CHECK(p.error().errnum() == EINVAL);
}

}  // namespace
