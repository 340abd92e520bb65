#!/usr/bin/env python3
"""Writes the sysfs fixture trees read by tests/unit/test_topology.cpp.

  gen-fixtures.py              regenerate the small committed trees next to this script
  gen-fixtures.py 8192 DIR     write the 8192-CPU machine under DIR (the test does this into a
                               temporary directory; it is too big to commit)
  gen-fixtures.py many-llc DIR write the 1280-CPU, 4-node, 160-LLC hybrid machine under DIR (lavd's
                               compute-domain test: more than 64 domains and 512 CPUs)

Each tree holds only what scxx::Topology::read() looks at:
  sys/devices/system/cpu/{possible,online}
  sys/devices/system/cpu/cpuN/topology/{physical_package_id,core_id,thread_siblings_list,core_cpus_list}
  sys/devices/system/cpu/cpuN/cache/indexK/{level,type,shared_cpu_list}
  sys/devices/system/cpu/cpuN/{cpu_capacity,cpufreq/cpuinfo_max_freq}   (optional)
  sys/devices/system/node/{possible,online,nodeN/cpulist,nodeN/distance} (optional)
"""
import os
import shutil
import sys


def cpulist(cpus):
    """[0,1,2,3,8] -> "0-3,8" (the kernel's %*pbl format); a str is taken as already formatted."""
    if isinstance(cpus, str):
        return cpus
    cpus = sorted(set(cpus))
    out, i = [], 0
    while i < len(cpus):
        j = i
        while j + 1 < len(cpus) and cpus[j + 1] == cpus[j] + 1:
            j += 1
        out.append(str(cpus[i]) if i == j else f"{cpus[i]}-{cpus[j]}")
        i = j + 1
    return ",".join(out)


def put(tree, path, text):
    """Adds file `path` ("a/b/c") with `text` to the nested-dict tree."""
    *dirs, name = path.split("/")
    for d in dirs:
        tree = tree.setdefault(d, {})
    tree[name] = text + "\n"


def emit(tree, path, dedup, seen=None, keys=None):
    """Writes the tree under `path`. With dedup, a file whose content was written before becomes a
    hard link to it and a directory identical to one written before becomes a symlink to it, so the
    8192-CPU tree costs a few thousand inodes instead of ~100k (the reader cannot tell)."""
    if seen is None:
        seen = {}
        keys = {}
        if dedup:
            freeze(tree, keys)
    if isinstance(tree, str):
        if dedup and ("f", tree) in seen:
            os.link(seen[("f", tree)], path)
            return
        with open(path, "w") as f:
            f.write(tree)
        seen[("f", tree)] = path
        return
    key = ("d", keys[id(tree)]) if dedup else None
    if dedup and key in seen:
        os.symlink(seen[key], path)
        return
    os.makedirs(path, exist_ok=True)
    for name in sorted(tree, key=sort_key):
        emit(tree[name], os.path.join(path, name), dedup, seen, keys)
    if dedup:
        seen[key] = os.path.abspath(path)


def freeze(tree, keys):
    """A hashable key per directory (memoised in keys by id), equal for equal subtrees."""
    if isinstance(tree, str):
        return tree
    key = tuple(sorted((k, freeze(v, keys)) for k, v in tree.items()))
    keys[id(tree)] = key
    return key


def sort_key(name):  # cpu2 before cpu10, so the lowest-numbered copy is the real directory
    stem = name.rstrip("0123456789")
    return (stem, int(name[len(stem):]) if name != stem else -1)


def write_machine(root, possible, online, cpu, nodes=None, offline_files=True, dedup=False):
    """cpu(n) -> dict(package, core_id, siblings=[..], caches=[(level, type, [cpus]), ..],
    capacity=None, max_freq=None) for every online CPU n. nodes: [(id, [cpus], [distances])] or
    None for a machine without a node directory."""
    tree = {}
    base = "sys/devices/system"
    online_set = set(online)
    put(tree, f"{base}/cpu/possible", cpulist(possible))
    put(tree, f"{base}/cpu/online", cpulist(online))
    for n in possible:
        d = f"{base}/cpu/cpu{n}"
        if n not in online_set:
            if offline_files:
                put(tree, f"{d}/online", "0")  # like sysfs: an offline CPU has no topology/cache dirs
            continue
        c = cpu(n)
        put(tree, f"{d}/topology/physical_package_id", str(c["package"]))
        put(tree, f"{d}/topology/core_id", str(c["core_id"]))
        put(tree, f"{d}/topology/thread_siblings_list", cpulist(c["siblings"]))
        if c.get("core_cpus_list", True):
            put(tree, f"{d}/topology/core_cpus_list", cpulist(c["siblings"]))
        for k, (level, kind, shared) in enumerate(c["caches"]):
            put(tree, f"{d}/cache/index{k}/level", str(level))
            put(tree, f"{d}/cache/index{k}/type", kind)
            put(tree, f"{d}/cache/index{k}/shared_cpu_list", cpulist(shared))
        if c.get("capacity") is not None:
            put(tree, f"{d}/cpu_capacity", str(c["capacity"]))
        if c.get("max_freq") is not None:
            put(tree, f"{d}/cpufreq/cpuinfo_max_freq", str(c["max_freq"]))
    if nodes is not None:
        ids = [i for i, _, _ in nodes]
        put(tree, f"{base}/node/possible", cpulist(ids))
        put(tree, f"{base}/node/online", cpulist(ids))
        for i, cpus, dist in nodes:
            put(tree, f"{base}/node/node{i}/cpulist", cpulist(cpus))
            put(tree, f"{base}/node/node{i}/distance", " ".join(str(x) for x in dist))
    emit(tree, root, dedup)


def per_core_caches(siblings, l3=None, l2=None):
    """L1d + L1i + L2 shared by the SMT siblings (or by `l2`), then an optional L3."""
    caches = [(1, "Data", siblings), (1, "Instruction", siblings), (2, "Unified", l2 or siblings)]
    if l3 is not None:
        caches.append((3, "Unified", l3))
    return caches


def smt_1socket(root):
    """4 cores x 2 threads, Intel numbering: cpu N and N+4 are siblings; one L3."""
    cpus = list(range(8))

    def cpu(n):
        sib = [n % 4, n % 4 + 4]
        return dict(package=0, core_id=n % 4, siblings=sib, caches=per_core_caches(sib, l3=cpus))

    write_machine(root, cpus, cpus, cpu, nodes=[(0, cpus, [10])])


def numa_2socket(root):
    """2 packages = 2 nodes (distance 10/21), 4 cores each, no SMT, one L3 per socket.
    core_id restarts at 0 in each package, as on real machines."""
    cpus = list(range(8))

    def cpu(n):
        pkg = n // 4
        return dict(package=pkg, core_id=n % 4, siblings=[n],
                    caches=per_core_caches([n], l3=list(range(4 * pkg, 4 * pkg + 4))))

    write_machine(root, cpus, cpus, cpu,
                  nodes=[(0, cpus[:4], [10, 21]), (1, cpus[4:], [21, 10])])


def multi_llc(root):
    """1 socket, 8 cores, no SMT, two L3s of 4 CPUs (AMD CCX style). CPUs 0-1 boost to 4.5 GHz,
    the rest to 4.2 GHz: capacities differ (1024 vs 956) but all are big."""
    cpus = list(range(8))

    def cpu(n):
        return dict(package=0, core_id=n, siblings=[n],
                    caches=per_core_caches([n], l3=list(range(n // 4 * 4, n // 4 * 4 + 4))),
                    max_freq=4500000 if n < 2 else 4200000)

    write_machine(root, cpus, cpus, cpu, nodes=[(0, cpus, [10])])


def big_little(root):
    """4 big (cpu_capacity 1024) + 4 little (446) CPUs, one L2 per cluster and no L3, no node
    directory (a single implicit node 0). cpufreq is present but cpu_capacity wins."""
    cpus = list(range(8))

    def cpu(n):
        big = n < 4
        cluster = list(range(0, 4)) if big else list(range(4, 8))
        return dict(package=0, core_id=n, siblings=[n], core_cpus_list=False,
                    caches=per_core_caches([n], l2=cluster),
                    capacity=1024 if big else 446, max_freq=2800000 if big else 1800000)

    write_machine(root, cpus, cpus, cpu, nodes=None)


def offline_cpus(root):
    """smt-1socket with cpu3 offline: possible 0-7, online 0-2,4-7; cpu7 loses its sibling."""
    possible = list(range(8))
    online = [0, 1, 2, 4, 5, 6, 7]

    def cpu(n):
        sib = [s for s in (n % 4, n % 4 + 4) if s in online]
        return dict(package=0, core_id=n % 4, siblings=sib, caches=per_core_caches(sib, l3=online))

    write_machine(root, possible, online, cpu, nodes=[(0, online, [10])])


def big_8192(root):
    """8192 CPUs: 2 packages = 2 nodes, 2048 cores x 2 threads each (cpu N and N+4096 are
    siblings), 64 L3s of 64 cores (128 CPUs). Only the L3 is described (an L2 per core would
    make every CPU directory unique); written with dedup (hard links / symlinks)."""
    nr, half = 8192, 4096

    def cpu(n):
        core = n % half
        sib = [core, core + half]
        first = core // 64 * 64
        l3 = f"{first}-{first + 63},{first + half}-{first + half + 63}"
        return dict(package=core // 2048, core_id=core % 2048, siblings=sib, core_cpus_list=False,
                    caches=[(3, "Unified", l3)])

    node = lambda p: list(range(2048 * p, 2048 * p + 2048)) + list(range(half + 2048 * p, half + 2048 * p + 2048))
    cpus = list(range(nr))
    write_machine(root, cpus, cpus, cpu, nodes=[(0, node(0), [10, 21]), (1, node(1), [21, 10])], dedup=True)


def hybrid_smt(root):
    """Intel hybrid style: 2 P-cores x 2 threads (cpus 0-3, 5.0 GHz) and 4 E-cores (cpus 4-7,
    3.8 GHz = 76%: little), one L3 shared by all, one node. Big and little share the LLC."""
    cpus = list(range(8))

    def cpu(n):
        sib = [n // 2 * 2, n // 2 * 2 + 1] if n < 4 else [n]
        return dict(package=0, core_id=n // 2 if n < 4 else n, siblings=sib,
                    caches=per_core_caches(sib, l3=cpus), max_freq=5000000 if n < 4 else 3800000)

    write_machine(root, cpus, cpus, cpu, nodes=[(0, cpus, [10])])


def numa_4node(root):
    """4 nodes of 2 CPUs (one L3 each, no SMT), two nodes per package: distance 12 to the other
    node of the package, 20 or 22 to the nodes of the other package."""
    cpus = list(range(8))
    dist = [[10, 12, 20, 22], [12, 10, 22, 20], [20, 22, 10, 12], [22, 20, 12, 10]]

    def cpu(n):
        node = n // 2
        return dict(package=n // 4, core_id=n % 4, siblings=[n],
                    caches=per_core_caches([n], l3=[2 * node, 2 * node + 1]))

    write_machine(root, cpus, cpus, cpu, nodes=[(i, [2 * i, 2 * i + 1], dist[i]) for i in range(4)])


def many_llc(root):
    """1280 CPUs: 4 nodes (distances as numa-4node) of 40 L3s of 8 CPUs, no SMT; in every L3
    CPUs 0-5 are big (cpu_capacity 1024) and 6-7 little (512): 320 compute domains for lavd.
    Only the L3 is described; written with dedup."""
    nr, per_node = 1280, 320
    dist = [[10, 12, 20, 22], [12, 10, 22, 20], [20, 22, 10, 12], [22, 20, 12, 10]]

    def cpu(n):
        first = n // 8 * 8
        return dict(package=n // (2 * per_node), core_id=n % (2 * per_node), siblings=[n], core_cpus_list=False,
                    caches=[(3, "Unified", [first + i for i in range(8)])],
                    capacity=1024 if n % 8 < 6 else 512)

    cpus = list(range(nr))
    write_machine(root, cpus, cpus, cpu, dedup=True,
                  nodes=[(i, list(range(per_node * i, per_node * (i + 1))), dist[i]) for i in range(4)])


SMALL = {
    "smt-1socket": smt_1socket,
    "numa-2socket": numa_2socket,
    "multi-llc": multi_llc,
    "big-little": big_little,
    "offline-cpus": offline_cpus,
    "hybrid-smt": hybrid_smt,
    "numa-4node": numa_4node,
}


def main(argv):
    if len(argv) == 3 and argv[1] == "8192":
        big_8192(argv[2])
        return 0
    if len(argv) == 3 and argv[1] == "many-llc":
        many_llc(argv[2])
        return 0
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    here = os.path.dirname(os.path.abspath(__file__))
    for name, gen in SMALL.items():
        shutil.rmtree(os.path.join(here, name), ignore_errors=True)
        gen(os.path.join(here, name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
