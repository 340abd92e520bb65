// tests/consumer/tiny.cpp: a custom scheduler binary using the installed libscxx: it declares its
// scheduler on SkeletonScheduler, registers it and runs it with scxx::run_scheduler. `tiny-sched
// --self-test` (what the test runs on the host) checks the registration, the declared defaults, the
// config path, and that the BPF object opens with the declared rodata and the ops header written.
#include <cstring>
#include <iostream>

#include <scxx/registry.hpp>
#include <scxx/runner.hpp>
#include <scxx/skeleton_scheduler.hpp>

#include "tiny.skel.h"

namespace {

using namespace std::chrono_literals;

struct Settings {
    scxx::Duration slice = 5ms;
};

class Tiny final : public scxx::SkeletonScheduler<Tiny, tiny_bpf, Settings> {
public:
    static scxx::OptionList<Settings> options() {
        scxx::OptionList<Settings> o;
        o.duration("slice-us", &Settings::slice, "us", 100us, 100ms, "time slice").rodata("slice_ns");
        return o;
    }
};

const scxx::Registrar reg{scxx::scheduler_entry<Tiny>("tiny", "out-of-tree FIFO example")};

int fail(const std::string& what) {
    std::cerr << "tiny-sched: " << what << "\n";
    return 1;
}

// Opens the object, writes the declared rodata for slice-us=7000 and the ops header the base sets,
// and reads both back through the skeleton's own (compiler-laid-out) types: a wrong BTF offset in
// the library's named writes shows here.
int self_test(const scxx::SchedulerEntry& entry) {
    auto config = scxx::build_config(entry.options, std::nullopt, {{"slice-us", "7000"}});
    if (!config) return fail(config.error().what());
    auto opened = scxx::Opened<tiny_bpf>::open("tiny");
    if (!opened) return fail(opened.error().what());
    tiny_bpf* skel = opened->skel();
    if (auto r = scxx::write_declared_variables(skel->obj, entry.options, *config); !r) return fail(r.error().what());
    if (skel->rodata->slice_ns != 7000000) return fail("slice_ns is not 7000000 after writing the declared rodata");
    const scxx::Topology topology;
    const scxx::Environment env;
    const scxx::SchedulerContext ctx{"tiny", topology, *config, env, 1234, false, 77, {}};
    if (auto r = scxx::prepare_struct_ops(skel->obj, ctx); !r) return fail(r.error().what());
    const auto* ops = skel->struct_ops.tiny_ops;
    if (ops->timeout_ms != 1234 || ops->hotplug_seq != 77 || ops->exit_dump_len != SCXX_EXIT_DUMP_LEN)
        return fail("the ops header (timeout_ms, hotplug_seq, exit_dump_len) is not where the skeleton has it");
    std::cout << "tiny-sched: registered '" << entry.name << "', defaults "
              << scxx::config_to_json(entry.options, scxx::default_config(entry.options))
              << ", BPF object opens, slice_ns=" << skel->rodata->slice_ns << ", timeout_ms=" << ops->timeout_ms
              << ", hotplug_seq=" << ops->hotplug_seq << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const scxx::SchedulerEntry* entry = scxx::Registry::instance().find("tiny");
    if (!entry) return fail("not registered");
    if (argc > 1 && std::strcmp(argv[1], "--self-test") == 0) return self_test(*entry);
    auto btf = scxx::KernelBtf::load();
    if (!btf) return fail(btf.error().what());
    scxx::RunOptions opts;
    opts.btf = &*btf;
    auto rc = scxx::run_scheduler(*entry, scxx::default_config(entry->options), opts, std::cout);
    if (!rc) return fail(rc.error().what());
    return *rc;
}
