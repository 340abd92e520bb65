// schedulers/pair/pair.cpp: the user-space half of `pair`: options, the CPU pair layout, the choice
// between the two preemption paths, how all of it reaches the BPF object before load, the stats,
// the one-time report when --max-cgroups runs out, and registration.
#include <sys/stat.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "scxx/bpf_maps.hpp"
#include "scxx/kernel_btf.hpp"
#include "scxx/log.hpp"
#include "scxx/registry.hpp"
#include "scxx/scheduler.hpp"

#include "intf.h"
#include "pair.skel.h"
#include "pair_defaults.hpp"
#include "pair_layout.hpp"

namespace {

using scxx::Result;

enum class PreemptPath { ops, sched_switch };

// Does the running kernel's struct sched_ext_ops have cpu_acquire and cpu_release?
Result<bool> kernel_has_cpu_preempt_ops() {
    struct btf* vmlinux = btf__load_vmlinux_btf();
    if (!vmlinux) return scxx::fail(errno, "read kernel BTF /sys/kernel/btf/vmlinux");
    bool acquire = false, release = false;
    int id = btf__find_by_name_kind(vmlinux, "sched_ext_ops", BTF_KIND_STRUCT);
    if (id > 0) {
        const struct btf_type* t = btf__type_by_id(vmlinux, static_cast<__u32>(id));
        const struct btf_member* m = btf_members(t);
        for (__u16 i = 0; i < btf_vlen(t); ++i, ++m) {
            std::string_view name = btf__name_by_offset(vmlinux, m->name_off);
            acquire = acquire || name == "cpu_acquire";
            release = release || name == "cpu_release";
        }
    }
    btf__free(vmlinux);
    if (id <= 0) return scxx::fail(ENOENT, "kernel BTF has no struct sched_ext_ops");
    return acquire && release;
}

// The cgroup2 directory whose inode number (= cgroup id) is `cgid`, for the overflow report.
std::string cgroup_path(uint64_t cgid) {
    namespace fs = std::filesystem;
    const fs::path root = "/sys/fs/cgroup";
    std::error_code ec;
    struct stat st {};
    if (::stat(root.c_str(), &st) == 0 && st.st_ino == cgid) return "/";
    size_t seen = 0;
    for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end && seen < 100000; it.increment(ec), ++seen) {
        if (!it->is_directory(ec)) continue;
        if (::stat(it->path().c_str(), &st) == 0 && st.st_ino == cgid)
            return "/" + fs::relative(it->path(), root, ec).string();
    }
    return "";
}

class PairScheduler final : public scxx::Scheduler {
public:
    ~PairScheduler() override { detach(); }

    Result<void> attach(const scxx::SchedulerContext& ctx) override {
        // Everything that can be wrong with the options is checked before the object is opened.
        const auto& cfg = ctx.config;
        auto layout = pair_sched::compute_pair_layout(ctx.topology.nr_cpu_ids(), cfg.at("stride").get<int64_t>());
        if (!layout) return scxx::fail(std::move(layout.error()));
        layout_ = std::move(*layout);
        batch_us_ = cfg.at("batch-us").get<uint64_t>();
        max_cgroups_ = cfg.at("max-cgroups").get<uint32_t>();
        max_queued_ = cfg.at("max-queued").get<uint64_t>();

        auto has_ops = kernel_has_cpu_preempt_ops();
        if (!has_ops) return scxx::fail(std::move(has_ops.error()));
        kernel_has_ops_ = *has_ops;
        const std::string want = cfg.at("preempt-path").get<std::string>();
        if (want == "ops" && !kernel_has_ops_)
            return scxx::fail(ENOTSUP, "--preempt-path ops: this kernel's struct sched_ext_ops has no "
                                       "cpu_acquire/cpu_release (use auto or switch)");
        path_ = (want == "switch" || !kernel_has_ops_) ? PreemptPath::sched_switch : PreemptPath::ops;

        auto btf = scxx::KernelBtf::load();
        if (!btf) return scxx::fail(std::move(btf.error()));
        auto slice_dfl = btf->enum_value("SCX_SLICE_DFL");
        if (!slice_dfl) return scxx::fail(std::move(slice_dfl.error()));

        auto opened = scxx::Opened<pair_bpf>::open("pair");
        if (!opened) return scxx::fail(std::move(opened.error()));
        if (auto r = configure(opened->skel(), static_cast<uint64_t>(*slice_dfl)); !r)
            return scxx::fail(std::move(r.error()).context("configure pair"));
        opened->skel()->struct_ops.pair_ops->timeout_ms = ctx.timeout_ms;

        auto loaded = std::move(*opened).load(ctx.verifier_log);
        if (!loaded) return scxx::fail(std::move(loaded.error()));
        if (auto r = write_layout(loaded->skel()); !r) return scxx::fail(std::move(r.error()).context("pair"));

        // The tracepoint goes first: the pair gate's wake-ups must work from the first dispatch.
        auto tp = scxx::attach_program(loaded->skel()->progs.pair_switch);
        if (!tp) return scxx::fail(std::move(tp.error()).context("pair: the sched_switch tracepoint"));
        bpf_map* ops_map = loaded->skel()->maps.pair_ops;
        auto attached = std::move(*loaded).attach(ops_map);
        if (!attached) return scxx::fail(std::move(attached.error()));  // *tp goes with it
        tp_link_ = std::move(*tp);
        sched_.emplace(std::move(*attached));
        return {};
    }

    std::vector<std::string> banner() const override {
        std::vector<std::string> lines;
        lines.push_back(fmt::format("pair: batch {} us, max-cgroups {}, max-queued {}, {} CPUs in {} pair contexts "
                                    "(stride {})",
                                    batch_us_, max_cgroups_, max_queued_, layout_.nr_cpu_ids, layout_.nr_pairs,
                                    layout_.stride));
        lines.push_back(pair_sched::format_pairs(layout_));
        if (path_ == PreemptPath::ops)
            lines.push_back("pair: preemption by higher sched classes: ops.cpu_acquire/cpu_release");
        else
            lines.push_back(fmt::format("pair: preemption by higher sched classes: sched_switch tracepoint ({})",
                                        kernel_has_ops_ ? "forced by --preempt-path switch"
                                                        : "the kernel has no cpu_acquire/cpu_release"));
        return lines;
    }

    // Every runner tick: the --max-cgroups overflow is reported once per run.
    void poll() override {
        if (sched_) report_overflow_once();
    }

    scxx::ExitInfo exit_info() const override {
        if (!sched_) return {};
        return scxx::decode_exit_info(sched_->skel()->data->uei);
    }

    void collect(scxx::Stats& stats) override {
        if (!sched_) return;
        auto* skel = sched_->skel();
        auto sums = scxx::sum_percpu_u64(skel->maps.stats, PAIR_NR_STATS);
        if (!sums) return;
        const auto& s = *sums;
        stats.counter("total", s[PAIR_STAT_TOTAL]);
        stats.counter("dispatched", s[PAIR_STAT_DISPATCHED]);
        stats.counter("missing", s[PAIR_STAT_MISSING]);
        stats.counter("kicks", s[PAIR_STAT_KICKS]);
        stats.counter("preemptions", s[PAIR_STAT_PREEMPTIONS]);
        stats.counter("exps", s[PAIR_STAT_EXPS]);
        stats.counter("exp_waits", s[PAIR_STAT_EXP_WAITS]);
        stats.counter("exp_empty", s[PAIR_STAT_EXP_EMPTY]);
        stats.counter("cgrp_next", s[PAIR_STAT_CGRP_NEXT]);
        stats.counter("cgrp_coll", s[PAIR_STAT_CGRP_COLL]);
        stats.counter("cgrp_empty", s[PAIR_STAT_CGRP_EMPTY]);
        stats.counter("pair_waits", s[PAIR_STAT_PAIR_WAITS]);
        stats.counter("renewed", s[PAIR_STAT_RENEWED]);
        stats.counter("foreign", s[PAIR_STAT_FOREIGN]);
        stats.counter("reenqueued", s[PAIR_STAT_REENQUEUED]);
        stats.counter("retry_kicks", s[PAIR_STAT_RETRY_KICKS]);
        stats.counter("overflow", s[PAIR_STAT_OVERFLOW]);
        stats.counter("congested", s[PAIR_STAT_CONGESTED]);
        stats.gauge("cgroups", static_cast<double>(std::max<int64_t>(0, skel->bss->nr_tracked)));
        stats.gauge("untracked", static_cast<double>(std::max<int64_t>(0, skel->bss->nr_untracked)));
        stats.gauge("deepest", static_cast<double>(skel->bss->deepest_queue));
        if (skel->bss->nr_untracked > 0)
            stats.text("overflow_note", fmt::format("--max-cgroups {} exhausted: {} cgroup(s) share the overflow group",
                                                    max_cgroups_, skel->bss->nr_untracked));
    }

    scxx::ExitInfo detach() override {
        if (!sched_) return {};
        sched_->detach();  // struct_ops first: the kernel runs ops.exit before this returns
        tp_link_.reset();
        return scxx::decode_exit_info(sched_->skel()->data->uei);
    }

private:
    Result<void> configure(pair_bpf* skel, uint64_t slice_dfl_ns) {
        const unsigned nr_cpus = layout_.nr_cpu_ids;
        const uint32_t nr_slots = max_cgroups_ + 1;  // + the overflow slot
        auto* ro = skel->rodata;
        ro->nr_pairs = layout_.nr_pairs;
        ro->max_cgroups = max_cgroups_;
        ro->max_queued = max_queued_;
        ro->batch_ns = batch_us_ * 1000;
        ro->slice_dfl_ns = slice_dfl_ns;
        ro->switch_preempt = path_ == PreemptPath::sched_switch;

        // Every CPU- and cgroup-indexed table is sized here, from nr_cpu_ids and the options.
        const std::pair<bpf_map*, uint32_t> sizes[] = {
            {skel->maps.cpu_ctx, nr_cpus},
            {skel->maps.pair_ctxs, layout_.nr_pairs},
            {skel->maps.slots, nr_slots},
            {skel->maps.top_q, nr_slots},
            {skel->maps.cgrp_slots, max_cgroups_},
        };
        for (const auto& [map, n] : sizes)
            if (int err = bpf_map__set_max_entries(map, n); err)
                return scxx::fail(err, fmt::format("size map {} to {} entries", bpf_map__name(map), n));

        if (path_ == PreemptPath::sched_switch) {
            // No cpu_acquire/cpu_release: neither loaded nor named in the ops table.
            bpf_program__set_autoload(skel->progs.pair_cpu_acquire, false);
            bpf_program__set_autoload(skel->progs.pair_cpu_release, false);
            skel->struct_ops.pair_ops->cpu_acquire = nullptr;
            skel->struct_ops.pair_ops->cpu_release = nullptr;
        }
        return {};
    }

    Result<void> write_layout(pair_bpf* skel) {
        for (unsigned cpu = 0; cpu < layout_.nr_cpu_ids; ++cpu) {
            pair_cpu_ctx c{};
            c.partner = layout_.partner[cpu];
            c.pair_id = layout_.pair_id[cpu];
            c.idx = layout_.index[cpu];
            uint32_t key = cpu;
            if (int err = bpf_map__update_elem(skel->maps.cpu_ctx, &key, sizeof(key), &c, sizeof(c), BPF_ANY); err)
                return scxx::fail(err, fmt::format("write the layout of cpu {}", cpu));
        }
        return {};
    }

    void report_overflow_once() {
        if (overflow_reported_) return;
        const auto* bss = sched_->skel()->bss;
        if (bss->nr_untracked <= 0) return;
        overflow_reported_ = true;
        uint64_t cgid = bss->first_untracked_cgid;
        std::string path = cgroup_path(cgid);
        scxx::log(scxx::LogLevel::warn,
                  "pair: --max-cgroups {} exhausted: cgroup {}{} and any further cgroups run in the shared overflow "
                  "group (tracked cgroups stay isolated; raise --max-cgroups)",
                  max_cgroups_, path.empty() ? fmt::format("id {}", cgid) : path,
                  path.empty() ? "" : fmt::format(" (id {})", cgid));
    }

    std::optional<scxx::Attached<pair_bpf>> sched_;
    scxx::Link tp_link_;
    pair_sched::PairLayout layout_;
    uint64_t batch_us_ = 0;
    uint32_t max_cgroups_ = 0;
    uint64_t max_queued_ = 0;
    bool kernel_has_ops_ = false;
    PreemptPath path_ = PreemptPath::ops;
    bool overflow_reported_ = false;
};

const scxx::Registrar registrar{scxx::SchedulerEntry{
    .name = "pair",
    .description = "sibling CPU pairs that only ever run tasks of the same cgroup at once",
    .options =
        {
            scxx::int_option("stride",
                             "CPU i pairs with CPU i+STRIDE (mod the paired CPUs); -1 = nr_cpu_ids/2. Must divide "
                             "half the paired CPUs; with an odd CPU count the highest CPU runs alone",
                             -1, 1048576),
            scxx::int_option("batch-us", "how long a pair runs one cgroup before moving to the next one waiting",
                             100, 1000000),
            scxx::int_option("max-cgroups",
                             "cgroups tracked individually (one queue each); further cgroups share one overflow "
                             "queue, reported once",
                             1, 65536),
            scxx::int_option("max-queued",
                             "waiting tasks in one cgroup above which it is counted as congested (stat "
                             "'congested'; queues have no fixed capacity)",
                             1, 1048576),
            scxx::string_option("preempt-path",
                                "how preemption by higher sched classes is tracked: auto (cpu_acquire/cpu_release "
                                "when the kernel has them, else the sched_switch tracepoint), ops, or switch",
                                {"auto", "ops", "switch"}),
        },
    .defaults_json = std::string(pair_defaults_json),
    .create = [] { return std::make_unique<PairScheduler>(); },
}};

}  // namespace
