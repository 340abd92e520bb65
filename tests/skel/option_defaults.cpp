// option_defaults.cpp: skel tier. For every scheduler object given, the options its registry entry
// declares with .rodata("var") or .global("var") must name an existing .rodata or .data/.bss variable, and the declared default must
// equal the variable's initialiser in the BPF object, unless the BPF side has none (0): a default is
// written once (the declaration), never contradicted by a second copy in the BPF code.
// It also checks the ops-table members SkeletonScheduler sets before load (timeout_ms, exit_dump_len,
// hotplug_seq) land in the object's struct_ops image.
// Usage: option_defaults NAME OBJ [NAME OBJ ...] (linked with every scheduler, like scx-run).
#include <cstdio>
#include <string>
#include <utility>

#include <bpf/libbpf.h>

#include "scxx/bpf_object.hpp"
#include "scxx/registry.hpp"
#include "scxx/skeleton_scheduler.hpp"

namespace {

// prepare_struct_ops on an opened object, read back member by member.
int check_ops_header(const std::string& name, bpf_object* obj) {
    const scxx::Topology topology;
    const scxx::Config config;
    const scxx::Environment env;
    const scxx::SchedulerContext ctx{name, topology, config, env, 1234, false, 77, {}};
    if (auto r = scxx::prepare_struct_ops(obj, ctx); !r) {
        std::printf("FAIL %s: %s\n", name.c_str(), r.error().what().c_str());
        return 1;
    }
    auto ops = scxx::struct_ops_map(obj);
    const std::pair<const char*, uint64_t> want[] = {{"timeout_ms", 1234}, {"exit_dump_len", SCXX_EXIT_DUMP_LEN},
                                                     {"hotplug_seq", 77}};
    for (const auto& [member, value] : want) {
        auto got = ops ? scxx::struct_ops_member(obj, *ops, member) : scxx::Result<uint64_t>(0);
        if (!ops || !got || *got != value) {
            std::printf("FAIL %s: struct_ops %s is not %llu after prepare_struct_ops\n", name.c_str(), member,
                        static_cast<unsigned long long>(value));
            return 1;
        }
    }
    return 0;
}

int check(const std::string& name, const std::string& path) {
    const scxx::SchedulerEntry* entry = scxx::Registry::instance().find(name);
    if (!entry) {
        std::printf("FAIL %s: not registered\n", name.c_str());
        return 1;
    }
    bpf_object* pristine = bpf_object__open_file(path.c_str(), nullptr);
    bpf_object* written = bpf_object__open_file(path.c_str(), nullptr);
    int failed = 0, checked = 0;
    if (!pristine || !written) {
        std::printf("FAIL %s: libbpf cannot open %s\n", name.c_str(), path.c_str());
        failed = 1;
    } else if (auto r = scxx::write_declared_variables(written, entry->options, scxx::default_config(entry->options)); !r) {
        std::printf("FAIL %s: %s\n", name.c_str(), r.error().what().c_str());
        failed = 1;
    } else {
        for (const auto& d : entry->options) {
            // The rodata variable and the writable global an option feeds, each checked the same way.
            for (bool rodata : {true, false}) {
                const std::string& var = rodata ? d.rodata : d.global;
                if (var.empty()) continue;
                auto read = rodata ? scxx::rodata_value : scxx::global_value;
                auto init = read(pristine, var);
                auto want = read(written, var);
                if (!init || !want) {
                    std::printf("FAIL %s: --%s: %s\n", name.c_str(), d.name.c_str(),
                                (!init ? init.error() : want.error()).what().c_str());
                    ++failed;
                } else if (*init != 0 && *init != *want) {
                    std::printf("FAIL %s: --%s defaults to %llu in %s but the BPF initialiser is %llu (drop the "
                                "initialiser or make them equal)\n",
                                name.c_str(), d.name.c_str(), static_cast<unsigned long long>(*want), var.c_str(),
                                static_cast<unsigned long long>(*init));
                    ++failed;
                }
                ++checked;
            }
        }
    }
    if (!failed) failed += check_ops_header(name, written);
    if (pristine) bpf_object__close(pristine);
    if (written) bpf_object__close(written);
    if (!failed) std::printf("ok %s: %d option-fed rodata variables agree with the declared defaults; ops header set\n", name.c_str(), checked);
    return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    libbpf_set_print(nullptr);
    if (argc < 3 || argc % 2 == 0) {
        std::printf("FAIL: no objects given\n");
        return 1;
    }
    int failed = 0;
    for (int i = 1; i + 1 < argc; i += 2) failed += check(argv[i], argv[i + 1]);
    return failed ? 1 : 0;
}
