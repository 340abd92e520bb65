// schedulers/pair/pair.cpp: the user-space half of `pair`: its declared options, the CPU pair layout,
// the choice between the two preemption paths, how all of it reaches the BPF object around load, the
// stats, the one-time report when --max-cgroups runs out, and registration.
#include <sys/stat.h>

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
#include "scxx/log.hpp"
#include "scxx/registry.hpp"
#include "scxx/skeleton_scheduler.hpp"

#include "intf.h"
#include "pair.skel.h"
#include "pair_layout.hpp"

namespace {

using namespace std::chrono_literals;
using scxx::Result;

enum class PreemptPath { ops, sched_switch };
enum class WantedPath { automatic, ops, sched_switch };  // --preempt-path auto|ops|switch

struct Settings {
    int64_t stride = -1;
    scxx::Duration batch = 20ms;
    uint32_t max_cgroups = 4096;
    uint64_t max_queued = 4096;
    WantedPath preempt_path = WantedPath::automatic;
};

// The cgroup2 directory whose inode number (= cgroup id) is `cgid`, for the overflow report.
std::string cgroup_path(const std::filesystem::path& root, uint64_t cgid) {
    namespace fs = std::filesystem;
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

class Pair final : public scxx::SkeletonScheduler<Pair, pair_bpf, Settings> {
public:
    static scxx::OptionList<Settings> options() {
        scxx::OptionList<Settings> o;
        o.integer("stride", &Settings::stride, -1, 1048576,
                  "CPU i pairs with CPU i+STRIDE (mod the paired CPUs); -1 = nr_cpu_ids/2. Must divide half the "
                  "paired CPUs; with an odd CPU count the highest CPU runs alone");
        o.duration("batch-us", &Settings::batch, "us", 100us, 1s,
                   "how long a pair runs one cgroup before moving to the next one waiting")
            .rodata("batch_ns");
        o.integer("max-cgroups", &Settings::max_cgroups, 1, 65536,
                  "cgroups tracked individually (one queue each); further cgroups share one overflow queue, "
                  "reported once")
            .rodata("max_cgroups");
        o.integer("max-queued", &Settings::max_queued, 1, 1048576,
                  "waiting tasks in one cgroup above which it is counted as congested (stat 'congested'; queues "
                  "have no fixed capacity)")
            .rodata("max_queued");
        o.choice("preempt-path", &Settings::preempt_path,
                 {{"auto", WantedPath::automatic}, {"ops", WantedPath::ops}, {"switch", WantedPath::sched_switch}},
                 "how preemption by higher sched classes is tracked: auto (cpu_acquire/cpu_release when the kernel "
                 "has them, else the sched_switch tracepoint), ops, or switch");
        return o;
    }

    std::vector<std::string> banner() const override {
        const Settings& s = settings();
        std::vector<std::string> lines;
        lines.push_back(fmt::format("pair: batch {} us, max-cgroups {}, max-queued {}, {} CPUs in {} pair contexts "
                                    "(stride {})",
                                    s.batch.count() / 1000, s.max_cgroups, s.max_queued, layout_.nr_cpu_ids,
                                    layout_.nr_pairs, layout_.stride));
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
        if (skel()) report_overflow_once();
    }

protected:
    // Everything that can be wrong with the options is checked before the object is opened.
    Result<void> prepare(const scxx::SchedulerContext& ctx) override {
        auto layout = pair_sched::compute_pair_layout(ctx.topology.nr_cpu_ids(), settings().stride);
        if (!layout) return scxx::fail(std::move(layout.error()));
        layout_ = std::move(*layout);
        if (!env().btf) return scxx::fail(ENOENT, "pair: the kernel's BTF is not loaded");
        kernel_has_ops_ = env().btf->has_member("sched_ext_ops", "cpu_acquire") &&
                          env().btf->has_member("sched_ext_ops", "cpu_release");
        const WantedPath want = settings().preempt_path;
        if (want == WantedPath::ops && !kernel_has_ops_)
            return scxx::fail(ENOTSUP, "--preempt-path ops: this kernel's struct sched_ext_ops has no "
                                       "cpu_acquire/cpu_release (use auto or switch)");
        path_ = (want == WantedPath::sched_switch || !kernel_has_ops_) ? PreemptPath::sched_switch : PreemptPath::ops;
        return {};
    }

    Result<void> configure(pair_bpf* skel) override {
        auto slice_dfl = env().kernel_enum("SCX_SLICE_DFL");
        if (!slice_dfl) return scxx::fail(std::move(slice_dfl.error()));
        const uint32_t nr_slots = settings().max_cgroups + 1;  // + the overflow slot
        auto* ro = skel->rodata;
        ro->nr_pairs = layout_.nr_pairs;
        ro->slice_dfl_ns = static_cast<uint64_t>(*slice_dfl);
        ro->switch_preempt = path_ == PreemptPath::sched_switch;
        if (path_ == PreemptPath::sched_switch) {
            // No cpu_acquire/cpu_release: neither loaded nor named in the ops table.
            bpf_program__set_autoload(skel->progs.pair_cpu_acquire, false);
            bpf_program__set_autoload(skel->progs.pair_cpu_release, false);
            skel->struct_ops.pair_ops->cpu_acquire = nullptr;
            skel->struct_ops.pair_ops->cpu_release = nullptr;
        }
        // Every CPU- and cgroup-indexed table is sized here, from nr_cpu_ids and the options.
        return scxx::size_maps({{skel->maps.cpu_ctx, layout_.nr_cpu_ids},
                                {skel->maps.pair_ctxs, layout_.nr_pairs},
                                {skel->maps.slots, nr_slots},
                                {skel->maps.top_q, nr_slots},
                                {skel->maps.cgrp_slots, settings().max_cgroups}});
    }

    Result<void> populate(pair_bpf* skel) override {
        std::vector<pair_cpu_ctx> cpus(layout_.nr_cpu_ids);
        for (unsigned cpu = 0; cpu < layout_.nr_cpu_ids; ++cpu) {
            cpus[cpu].partner = layout_.partner[cpu];
            cpus[cpu].pair_id = layout_.pair_id[cpu];
            cpus[cpu].idx = layout_.index[cpu];
        }
        if (auto r = scxx::write_array(skel->maps.cpu_ctx, cpus); !r) return scxx::fail(std::move(r.error()).context("pair"));
        return {};
    }

    // The tracepoint goes first: the pair gate's wake-ups must work from the first dispatch.
    Result<void> attach_programs(pair_bpf* skel) override {
        if (auto r = attach_program(skel->progs.pair_switch); !r)
            return scxx::fail(std::move(r.error()).context("pair: the sched_switch tracepoint"));
        return {};
    }

    Result<void> read_stats(pair_bpf* skel, scxx::Stats& stats) override {
        auto sums = scxx::sum_percpu_u64(skel->maps.stats, PAIR_NR_STATS);
        if (!sums) return scxx::fail(std::move(sums.error()));
        const auto& s = *sums;
        struct Counter {
            const char* name;
            int index;
            const char* help;
        };
        static constexpr Counter kCounters[] = {
            {"total", PAIR_STAT_TOTAL, "ops.enqueue calls"},
            {"dispatched", PAIR_STAT_DISPATCHED, "tasks moved from a cgroup queue to a CPU (or kept running there)"},
            {"missing", PAIR_STAT_MISSING, "top-queue entries whose cgroup had nothing queued any more"},
            {"kicks", PAIR_STAT_KICKS, "scx_bpf_kick_cpu calls"},
            {"preemptions", PAIR_STAT_PREEMPTIONS, "times a higher sched class took a CPU"},
            {"exps", PAIR_STAT_EXPS, "times a pair started draining its cgroup (batch over, cgroup empty, preempted)"},
            {"exp_waits", PAIR_STAT_EXP_WAITS, "dispatches that waited for the pair CPU to finish draining"},
            {"exp_empty", PAIR_STAT_EXP_EMPTY, "drains after which no cgroup had work"},
            {"cgrp_next", PAIR_STAT_CGRP_NEXT, "times a pair moved to the next cgroup"},
            {"cgrp_coll", PAIR_STAT_CGRP_COLL, "times the pair CPU moved the pair first and this CPU joined its choice"},
            {"cgrp_empty", PAIR_STAT_CGRP_EMPTY, "dispatches where the pair's cgroup had no task for this CPU"},
            {"pair_waits", PAIR_STAT_PAIR_WAITS, "dispatches that waited because the pair CPU still ran another cgroup"},
            {"renewed", PAIR_STAT_RENEWED, "batches that ended with no other cgroup waiting, so the pair stayed"},
            {"foreign", PAIR_STAT_FOREIGN, "tasks that started outside the pair's cgroup and were sent back"},
            {"reenqueued", PAIR_STAT_REENQUEUED, "tasks pulled off a local queue when a higher class took the CPU"},
            {"retry_kicks", PAIR_STAT_RETRY_KICKS, "dispatches that gave up after bounded retries and re-kicked the CPU"},
            {"overflow", PAIR_STAT_OVERFLOW, "enqueues into the shared overflow group (untracked cgroups)"},
            {"congested", PAIR_STAT_CONGESTED, "enqueues into a cgroup already holding --max-queued waiting tasks"},
        };
        for (const auto& c : kCounters) stats.counter(c.name, s[static_cast<size_t>(c.index)], c.help);
        stats.gauge("cgroups", static_cast<double>(std::max<int64_t>(0, skel->bss->nr_tracked)),
                    "cgroups holding a slot of their own");
        stats.gauge("untracked", static_cast<double>(std::max<int64_t>(0, skel->bss->nr_untracked)),
                    "cgroups that found no free slot and share the overflow group");
        stats.gauge("deepest", static_cast<double>(skel->bss->deepest_queue), "most tasks seen waiting in one cgroup");
        if (skel->bss->nr_untracked > 0)
            stats.text("overflow_note",
                       fmt::format("--max-cgroups {} exhausted: {} cgroup(s) share the overflow group",
                                   settings().max_cgroups, skel->bss->nr_untracked),
                       "shown when --max-cgroups ran out: how many cgroups share the overflow group");
        return {};
    }

private:
    void report_overflow_once() {
        if (overflow_reported_) return;
        const auto* bss = skel()->bss;
        if (bss->nr_untracked <= 0) return;
        overflow_reported_ = true;
        uint64_t cgid = bss->first_untracked_cgid;
        std::string path = cgroup_path(env().sys("fs/cgroup"), cgid);
        scxx::log(scxx::LogLevel::warn,
                  "pair: --max-cgroups {} exhausted: cgroup {}{} and any further cgroups run in the shared overflow "
                  "group (tracked cgroups stay isolated; raise --max-cgroups)",
                  settings().max_cgroups, path.empty() ? fmt::format("id {}", cgid) : path,
                  path.empty() ? "" : fmt::format(" (id {})", cgid));
    }

    pair_sched::PairLayout layout_;
    bool kernel_has_ops_ = false;
    PreemptPath path_ = PreemptPath::ops;
    bool overflow_reported_ = false;
};

const scxx::Registrar registrar{
    scxx::scheduler_entry<Pair>("pair", "sibling CPU pairs that only ever run tasks of the same cgroup at once")};

}  // namespace
