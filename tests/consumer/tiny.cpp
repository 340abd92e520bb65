// tests/consumer/tiny.cpp: a custom scheduler binary using the installed libscxx: it declares its
// scheduler on SkeletonScheduler, registers it and runs it with scxx::run_scheduler. `tiny-sched
// --self-test` (what the test runs on the host) checks the registration, the declared defaults, the
// config path and that the BPF object opens with the declared rodata written.
#include <cstring>
#include <iostream>

#include <scxx/bpf_object.hpp>
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

// Opens the object, writes the declared rodata for slice-us=7000 and reads it back.
int self_test(const scxx::SchedulerEntry& entry) {
    auto config = scxx::build_config(entry.options, std::nullopt, {{"slice-us", "7000"}});
    if (!config) return fail(config.error().what());
    auto opened = scxx::Opened<tiny_bpf>::open("tiny");
    if (!opened) return fail(opened.error().what());
    if (auto r = scxx::write_declared_rodata(opened->skel()->obj, entry.options, *config); !r)
        return fail(r.error().what());
    auto slice = scxx::rodata_value(opened->skel()->obj, "slice_ns");
    if (!slice || *slice != 7000000) return fail("slice_ns is not 7000000 after writing the declared rodata");
    std::cout << "tiny-sched: registered '" << entry.name << "', defaults "
              << scxx::config_to_json(entry.options, scxx::default_config(entry.options))
              << ", BPF object opens, slice_ns=" << *slice << "\n";
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
