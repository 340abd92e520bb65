// schedulers/lavd/cpdom.hpp: lavd's compute domains (cpdoms) and CPU preference orders, computed
// from scxx::Topology in user space. A pure function of the topology (and --cpu-pref-order), so it
// is unit tested on the host fixture topologies; lavd.cpp copies the result into the BPF maps
// before load. No CPU or domain count is capped here: everything is sized by the topology.
//
// Rules (plan_domains):
// - Domains: one per (NUMA node, LLC, core type) holding at least one online CPU. Numbered by
//   (kernel node id, LLC index, big before little), so the numbering depends on the topology only.
//   A CPU's node is CpuInfo::node (an LLC spanning two nodes, as with SNC, gives one domain per
//   node); an online CPU without a node counts as the first node of Topology::nodes().
// - alt_id: the domain with the same node and LLC but the other core type (-1 when none).
// - Neighbour levels, seen from domain A, for every other domain B (each lands in exactly one):
//     0: same node, same core type (so another LLC)
//     1: same node, other core type (A's alt domain first, then other LLCs)
//     2: other node at A's smallest distance to any other node that has domains
//     3: other node, farther than that
//   Node distances come from nodes()[i].distance (a node missing from the table counts as 10 to
//   itself and 20 to the others). Within a level: nearest node first, then the same LLC, then id.
// - order_performance: pass k takes the k-th CPU (by id) of every core, so every core's first
//   thread comes before any SMT sibling; within a pass big cores come before little ones (as x86
//   ITMT ranks hybrid CPUs: P-core first threads, E-cores, P-core second threads); within a pass
//   and a type the domains take turns, one core each in domain-id order, so the first N CPUs spread
//   over as many LLCs (and nodes) as possible: most cache and memory bandwidth for few CPUs.
// - order_powersave: little domains before big ones, each domain filled completely (core by core,
//   all SMT siblings of a core together) before the next, domains in id order: the first N CPUs
//   sit on as few cores, LLCs and nodes as possible, and the rest can stay idle.
// - --cpu-pref-order LIST replaces both orders: LIST first, then every online CPU it leaves out, in
//   order_performance order; user_order is set.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scxx/cpumask.hpp"
#include "scxx/result.hpp"
#include "scxx/topology.hpp"

namespace lavd {

// Neighbour distance levels between two domains (see the rules above).
inline constexpr unsigned kDistanceLevels = 4;

struct ComputeDomain {
    unsigned id = 0;     // index in DomainPlan::domains
    int alt_id = -1;     // the domain of the other core type in the same node and LLC, -1 when none
    unsigned node = 0;   // kernel NUMA node id
    unsigned llc = 0;    // index into Topology::llcs()
    bool big = true;     // core type of every CPU in it
    scxx::Cpumask cpus;  // online CPUs, nr_cpu_ids bits
    // neighbours[d]: ids of the other domains at distance level d, nearest first within a level
    // (by node distance, then same LLC, then id). Every other domain appears in exactly one level.
    std::array<std::vector<unsigned>, kDistanceLevels> neighbours;
};

struct DomainPlan {
    unsigned nr_cpu_ids = 0;
    std::vector<ComputeDomain> domains;       // one per (node, LLC, core type) with online CPUs
    std::vector<int> cpu_domain;              // size nr_cpu_ids: domain id, -1 for offline CPUs
    std::vector<uint32_t> capacity;           // size nr_cpu_ids: Topology capacity (max 1024), 0 offline
    // Every online CPU exactly once, most preferred first. Core compaction uses the first N CPUs of
    // the order of the current power mode (performance/balanced: order_performance; powersave:
    // order_powersave).
    std::vector<unsigned> order_performance;  // see the rules above
    std::vector<unsigned> order_powersave;    // see the rules above
    bool user_order = false;                  // both orders come from --cpu-pref-order
};

// Parses --cpu-pref-order: an ordered cpulist such as "0-3,7,6,5,4" (order kept, ranges may run
// downwards: "7-4", an optional stride: "0-6:2", "7-1:2"). Errors (EINVAL) are one line starting
// with `--cpu-pref-order "TEXT":` and naming the bad token, a duplicate, an offline or an
// out-of-range CPU.
scxx::Result<std::vector<unsigned>> parse_pref_order(std::string_view text, const scxx::Topology& topo);

// Builds the domains, the neighbour lists and both preference orders. `pref_order` (when not empty)
// replaces both orders: online CPUs it does not name follow it, in performance order. A pref_order
// naming an offline, out-of-range or repeated CPU is an error (EINVAL), as in parse_pref_order.
// A topology without online CPUs is an error.
scxx::Result<DomainPlan> plan_domains(const scxx::Topology& topo, const std::vector<unsigned>& pref_order = {});

// An ordered CPU/id list in the syntax parse_pref_order reads: runs of consecutive ids become
// "a-b" (downward runs of 3 or more "b-a"), evenly strided runs of 3 or more "a-b:s".
std::string format_ordered(const std::vector<unsigned>& ids);

// Banner lines: one per domain, e.g.
//   "cpdom 0: node 0 llc 0 big cpus 0-1 (2) alt - nbr0 - nbr1 - nbr2 1 nbr3 -"
// then "order performance: ..." and "order powersave: ..." (format_ordered; an order of more than
// 24 runs shows its first 16 and last 4 runs around "... (N CPUs)"). Lines stay short for 8192 CPUs.
std::vector<std::string> describe(const DomainPlan& plan);

}  // namespace lavd
