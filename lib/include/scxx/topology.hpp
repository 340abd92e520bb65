// scxx/topology.hpp: the machine's CPU topology read from an injectable sysfs root (default "/"),
// so tests describe 1-/2-socket, SMT, multi-LLC, big.LITTLE, offline-CPU and 8192-CPU machines as
// fixture trees under tests/data/sysfs/. Offline CPUs are known (possible) but carry no topology.
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
    int level = 3;            // 3 when an L3 exists, else 2
    int node = -1;
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
    // Reads <root>/sys/devices/system/{cpu,node}. Error names the file that was missing/malformed.
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
    Cpumask big_cpus() const;
    Cpumask little_cpus() const;
    std::string summary() const;     // one line: "8 CPUs (8 online), 1 node, 1 package, 2 LLCs, 4 cores, SMT"

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
