// fuzz_topology.cpp: libFuzzer target for Topology::read on a generated sysfs tree. The input
// becomes files under a temp root: byte 0 bit 0 starts from a valid 4-CPU SMT2 machine (else an
// empty tree), then records of <file byte><index byte><contents up to '\n'> write (or, with bit 7 of
// the file byte, delete) one of the files Topology reads. A topology that reads must be consistent.
// Trees with more than 4096 possible CPUs are skipped (slow, and the 8192-CPU fixtures cover them).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "scxx/topology.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path& root() {
    static const fs::path dir = [] {
        // $SCXX_FUZZ_TMPDIR (run-fuzzers removes it), else tmpfs when there is one (rewriting the
        // tree on a disk file system is ~10 times slower). libFuzzer's exit skips atexit: the tree
        // is removed after each input, an empty directory may stay.
        std::error_code ec;
        const char* env = std::getenv("SCXX_FUZZ_TMPDIR");
        fs::path base = env && *env ? fs::path(env)
                        : ::access("/dev/shm", W_OK) == 0 ? fs::path("/dev/shm") : fs::temp_directory_path(ec);
        std::string tmpl = (base / "scxx-fuzz-topology-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) std::abort();
        std::atexit([] { std::error_code ec; fs::remove_all(root(), ec); });
        return fs::path(tmpl);
    }();
    return dir;
}

void put(const std::string& rel, std::string_view text) {
    fs::path p = root() / "sys/devices/system" / rel;
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text << '\n';
}

void baseline() {
    put("cpu/possible", "0-3");
    put("cpu/online", "0-3");
    put("node/online", "0");
    put("node/node0/cpulist", "0-3");
    put("node/node0/distance", "10");
    for (int c = 0; c < 4; ++c) {
        std::string d = "cpu/cpu" + std::to_string(c) + "/";
        put(d + "topology/physical_package_id", "0");
        put(d + "topology/core_id", std::to_string(c / 2));
        put(d + "topology/thread_siblings_list", c < 2 ? "0-1" : "2-3");
        put(d + "cache/index0/level", "1");
        put(d + "cache/index0/type", "Data");
        put(d + "cache/index0/shared_cpu_list", c < 2 ? "0-1" : "2-3");
        put(d + "cache/index2/level", "2");
        put(d + "cache/index2/type", "Unified");
        put(d + "cache/index2/shared_cpu_list", c < 2 ? "0-1" : "2-3");
        put(d + "cache/index3/level", "3");
        put(d + "cache/index3/type", "Unified");
        put(d + "cache/index3/shared_cpu_list", "0-3");
        put(d + "cpufreq/cpuinfo_max_freq", c == 3 ? "2000000" : "3000000");
    }
}

std::string file_for(uint8_t sel, uint8_t idx) {
    const std::string i = std::to_string(idx & 7), k = std::to_string((idx >> 3) & 3);
    const std::string cpu = "cpu/cpu" + i + "/", node = "node/node" + i + "/";
    const std::string cache = cpu + "cache/index" + k + "/";
    switch ((sel & 0x7f) % 15) {
    case 0: return "cpu/possible";
    case 1: return "cpu/online";
    case 2: return "node/online";
    case 3: return "node/possible";
    case 4: return node + "cpulist";
    case 5: return node + "distance";
    case 6: return cpu + "topology/physical_package_id";
    case 7: return cpu + "topology/core_id";
    case 8: return cpu + "topology/thread_siblings_list";
    case 9: return cpu + "topology/core_cpus_list";
    case 10: return cache + "level";
    case 11: return cache + "type";
    case 12: return cache + "shared_cpu_list";
    case 13: return cpu + "cpu_capacity";
    default: return cpu + "cpufreq/cpuinfo_max_freq";
    }
}

void check(bool ok) {
    if (!ok) std::abort();
}

void check_topology(const scxx::Topology& t) {
    check(t.cpus().size() == t.nr_cpu_ids());
    check(t.online().subset_of(t.possible()));
    for (const auto& c : t.cpus()) {
        if (!c.online) continue;
        check(c.core >= 0 && static_cast<size_t>(c.core) < t.cores().size());
        check(c.llc >= 0 && static_cast<size_t>(c.llc) < t.llcs().size());
        check(t.cores()[c.core].cpus.test(c.id) && t.llcs()[c.llc].cpus.test(c.id));
        check(c.capacity <= 1024);
    }
    for (const auto& n : t.nodes()) check(n.distance.size() == t.nodes().size());
    check((t.big_cpus() | t.little_cpus()) == t.online());
    (void)t.summary();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    std::error_code ec;
    fs::remove_all(root() / "sys", ec);
    if (data[0] & 1) baseline();
    bool huge = false;  // millions of possible CPUs read fine, but slowly: not worth the fuzzing time
    std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
    while (in.size() >= 2) {
        uint8_t sel = static_cast<uint8_t>(in[0]), idx = static_cast<uint8_t>(in[1]);
        in.remove_prefix(2);
        auto nl = in.find('\n');
        std::string_view text = in.substr(0, nl);
        in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
        std::string rel = file_for(sel, idx);
        if (rel == "cpu/possible" && !(sel & 0x80)) {
            auto span = scxx::Cpumask::list_span(text);
            huge = span && *span > 4096;
        }
        if (sel & 0x80)
            fs::remove(root() / "sys/devices/system" / rel, ec);
        else
            put(rel, text);
    }
    int rc = 0;
    if (huge)
        rc = -1;  // not added to the corpus
    else if (auto t = scxx::Topology::read(root()))
        check_topology(*t);
    fs::remove_all(root() / "sys", ec);
    return rc;
}
