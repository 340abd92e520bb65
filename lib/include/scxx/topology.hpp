// scxx/topology.hpp: the machine's CPU topology read from an injectable sysfs root (default "/"),
// so tests describe 1-/2-socket, SMT, multi-LLC, big.LITTLE, offline-CPU and 8192-CPU machines as
// fixture trees under tests/data/sysfs/. Offline CPUs are known (possible) but carry no topology.
//
// Rules (see Topology::read):
// - LLC: per CPU, the highest-level cache/indexK of type Unified or Data (L3 when present, else L2);
//   CPUs whose shared_cpu_list is the same share the LLC. A CPU without any cache info gets an
//   LLC per package with level 0.
// - Cores: online CPUs grouped by (physical_package_id, thread_siblings_list); core_cpus_list is
//   used only when thread_siblings_list is absent. A negative physical_package_id counts as 0.
// - Shortcuts (the kernel keeps these lists symmetric; they save most file reads on big machines):
//   a CPU listed in the thread_siblings_list of a lower-numbered CPU takes that CPU's package,
//   core_id and core without reading its own topology/; a CPU listed in the LLC shared_cpu_list of
//   a lower-numbered CPU shares that LLC without reading its own cache/.
// - Capacity: cpu_capacity when the CPU has it; else cpuinfo_max_freq scaled so the fastest online
//   CPU is 1024; else 1024. Little = capacity < 80% of the highest online capacity (so turbo-bin
//   differences between "favoured" cores do not make little cores; Intel E-cores at ~75% and
//   ARM little cores do). Everything else, and every offline CPU, is big.
// - Nodes: node/online (else node/possible) with nodeN/cpulist and nodeN/distance (which lists the
//   distances to the online nodes in order). No node directory: one node 0 with every online CPU
//   and distance {10}. Node ids in CpuInfo/Llc are kernel node numbers (Node::id).
// - Cores, LLCs are numbered in order of their first CPU; packages and nodes by kernel id. All
//   masks of cores/LLCs/nodes/packages hold online CPUs only and have nr_cpu_ids bits.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "scxx/cpumask.hpp"
#include "scxx/result.hpp"

namespace scxx {

enum class CoreType { big, little };

struct CpuInfo {
    unsigned id = 0;
    bool online = false;
    int node = -1;        // NUMA node, -1 when unknown/offline
    int package = -1;     // physical_package_id
    int core_id = -1;     // topology/core_id as the kernel reports it (not unique across packages)
    int core = -1;        // index into Topology::cores
    int llc = -1;         // index into Topology::llcs
    unsigned capacity = 0;   // cpu_capacity, else scaled max frequency, normalised to max 1024
    unsigned long max_freq_khz = 0;  // cpuinfo_max_freq when present, else 0
    CoreType type = CoreType::big;
};

struct Core {
    unsigned id = 0;          // index in Topology::cores
    int package = -1;
    int llc = -1;
    Cpumask cpus;             // SMT siblings (online)
};

struct Llc {
    unsigned id = 0;          // index in Topology::llcs
    int level = 3;            // 3 when an L3 exists, else 2 (0: no cache info, LLC = package)
    int node = -1;            // kernel node of its CPUs, -1 when they span nodes (e.g. SNC)
    Cpumask cpus;
};

struct Node {
    unsigned id = 0;                 // kernel node number
    Cpumask cpus;
    std::vector<unsigned> distance;  // distance[i] to nodes[i] (same order as Topology::nodes)
};

struct Package {
    unsigned id = 0;   // physical_package_id
    Cpumask cpus;
};

class Topology {
public:
    // Reads <root>/sys/devices/system/{cpu,node}. Error names the file that was missing/malformed
    // (errno from the failed read, EINVAL for bad contents).
    static Result<Topology> read(const std::filesystem::path& root = "/");

    unsigned nr_cpu_ids() const { return nr_cpu_ids_; }  // highest possible CPU + 1
    const Cpumask& possible() const { return possible_; }
    const Cpumask& online() const { return online_; }
    const std::vector<CpuInfo>& cpus() const { return cpus_; }   // indexed by CPU id, size nr_cpu_ids
    const std::vector<Core>& cores() const { return cores_; }
    const std::vector<Llc>& llcs() const { return llcs_; }
    const std::vector<Node>& nodes() const { return nodes_; }
    const std::vector<Package>& packages() const { return packages_; }
    bool smt() const;                // any core has > 1 online CPU
    bool heterogeneous() const;      // both big and little CPUs present
    Cpumask big_cpus() const;        // online big CPUs (all online CPUs on a homogeneous machine)
    Cpumask little_cpus() const;     // online little CPUs
    // Index into nodes() of kernel node `node_id`, -1 when there is no such node.
    int node_index(int node_id) const;
    // One line: "8 CPUs (8 online), 1 node, 1 package, 2 LLCs, 4 cores, SMT"; hybrid machines end
    // in ", 4 big + 4 little"; an LLC level other than 3 shows as "2 LLCs (L2)" ("(per package)" without cache info).
    std::string summary() const;

private:
    friend class TopologyReader;
    unsigned nr_cpu_ids_ = 0;
    Cpumask possible_, online_;
    std::vector<CpuInfo> cpus_;
    std::vector<Core> cores_;
    std::vector<Llc> llcs_;
    std::vector<Node> nodes_;
    std::vector<Package> packages_;
};

}  // namespace scxx
