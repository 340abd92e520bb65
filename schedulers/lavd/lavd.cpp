// schedulers/lavd/lavd.cpp: the user-space half of `lavd` on SkeletonScheduler: kernel feature
// probes and the derived rodata before load, the topology -> compute-domain tables (cpdom.hpp) written into the BPF maps, the
// optional futex programs, the stats, the --monitor samples, and registration.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <tuple>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "scxx/bpf_maps.hpp"
#include "scxx/bpf_object.hpp"
#include "scxx/registry.hpp"
#include "scxx/skeleton_scheduler.hpp"
#include "scxx/syscall_prog.hpp"
#include "scxx/timer_probe.hpp"

#include "cpdom.hpp"
#include "features.hpp"
#include "monitor.hpp"
#include "options.hpp"  // intf.h before the skeleton: it names struct lavd_sys_stat
#include "lavd.skel.h"
#include "tables.hpp"

namespace {

using scxx::Result;

class Lavd final : public scxx::SkeletonScheduler<Lavd, lavd_bpf, lavd::Settings> {
public:
    static scxx::OptionList<lavd::Settings> options() { return lavd::option_list(); }
    static Result<void> validate(const lavd::Settings& s) { return lavd::check_settings(s); }

    std::vector<std::string> banner() const override {
        const lavd::Settings& s = settings();
        const lavd::PowerChoice power = lavd::power_choice(s);
        std::vector<std::string> lines;
        lines.push_back(fmt::format(
            "lavd: power mode {}, slice {}-{} us, pinned slice {} us, preempt-shift {}, core compaction {} "
            "(target {}%), {} DSQs, {} CPUs in {} compute domains{}",
            power.autopilot ? "autopilot" : lavd::mode_name(power.mode), us(s.slice_min), us(s.slice_max),
            us(s.pinned_slice), s.preempt_shift,
            s.no_core_compaction                                        ? "off"
            : (!power.autopilot && power.mode == LAVD_PM_PERFORMANCE) ? "off in performance mode"
                                                                      : "on",
            s.lat_load_target_pct, s.per_cpu_dsq ? "per-CPU" : "per-domain", plan_.order_performance.size(),
            plan_.domains.size(), heterogeneous_ ? ", big.LITTLE" : ""));
        for (auto& l : lavd::describe(plan_)) lines.push_back(l);
        for (auto& l : notes_) lines.push_back(l);
        lines.push_back(insns_line_);
        return lines;
    }

    // Every runner tick: --monitor prints its samples when their interval is due.
    void poll() override {
        if (!skel() || !settings().monitor_s || std::chrono::steady_clock::now() < next_monitor_) return;
        next_monitor_ += std::chrono::seconds(settings().monitor_s);
        print_monitor();
    }

protected:
    // Everything that can be wrong with the options is checked before the object is opened.
    Result<void> prepare(const scxx::SchedulerContext& ctx) override {
        const lavd::Settings& s = settings();
        std::vector<unsigned> order;
        if (lavd::user_order(s)) {
            auto parsed = lavd::parse_pref_order(s.cpu_pref_order, ctx.topology);
            if (!parsed) return scxx::fail(std::move(parsed.error()));
            if (parsed->empty())
                return scxx::fail(EINVAL, fmt::format("--cpu-pref-order \"{}\": names no CPU (give a CPU list such "
                                                      "as 0-3, or auto)",
                                                      s.cpu_pref_order));
            order = std::move(*parsed);
        }
        auto plan = lavd::plan_domains(ctx.topology, order);
        if (!plan) return scxx::fail(std::move(plan.error()).context("lavd: compute domains"));
        plan_ = std::move(*plan);
        tables_ = lavd::build_tables(plan_);
        heterogeneous_ = ctx.topology.heterogeneous();
        probe_features();
        auto timers = scxx::probe_bpf_timers();
        if (!timers) return scxx::fail(std::move(timers.error()));
        bpf_timers_ = *timers;
        if (!bpf_timers_)
            notes_.push_back("lavd: this kernel refuses bpf_timer (PREEMPT_RT): the 10 ms statistics round runs "
                             "from ops.tick/ops.dispatch");
        return {};
    }

    Result<void> configure(lavd_bpf* skel) override {
        const lavd::Settings& s = settings();
        const unsigned nr_cpus = plan_.nr_cpu_ids;
        const unsigned nd = static_cast<unsigned>(plan_.domains.size());
        auto* ro = skel->rodata;
        ro->nr_cpu_ids_lavd = nr_cpus;
        ro->nr_cpdoms = nd;
        ro->nr_cpus_onln = tables_.nr_cpus_onln;
        ro->total_capacity = tables_.total_capacity;
        ro->lat_load_target = s.lat_load_target_pct * LAVD_SCALE / 100;
        ro->lb_low_util = s.lb_low_util_pct * LAVD_SCALE / 100;
        ro->lb_local_dsq_util = s.lb_local_dsq_util_pct * LAVD_SCALE / 100;
        ro->no_freq_scaling = !freq_;
        ro->have_little_core = heterogeneous_;
        ro->monitor_on = s.monitor_s > 0;
        ro->scxx_bpf_timers = bpf_timers_;
        if (!futex_)
            for (bpf_program* p : futex_progs(skel)) bpf_program__set_autoload(p, false);
        // Every CPU- and domain-indexed table is sized here, from nr_cpu_ids and the domain count.
        return scxx::size_maps({
            {skel->maps.cpu_ctxs, nr_cpus},
            {skel->maps.cpdom_ctxs, nd},
            {skel->maps.cpdom_cpus, nr_cpus},
            {skel->maps.cpdom_nbrs, std::max<uint32_t>(1, static_cast<uint32_t>(tables_.cpdom_nbrs.size()))},
            {skel->maps.pref_order, 2 * nr_cpus},
            {skel->maps.cpdom_masks, nd},
            {skel->maps.scratch_masks, nr_cpus},
        });
    }

    // The topology tables (tables.hpp) into the maps, the cpumasks allocated, after load.
    Result<void> populate(lavd_bpf* skel) override {
        auto& m = skel->maps;
        auto r = scxx::write_array(m.cpdom_ctxs, tables_.cpdoms);
        if (r) r = scxx::write_array(m.cpu_ctxs, tables_.cpus);
        if (r) r = scxx::write_array(m.cpdom_cpus, tables_.cpdom_cpus);
        if (r) r = scxx::write_array(m.cpdom_nbrs, tables_.cpdom_nbrs);
        if (r) r = scxx::write_array(m.pref_order, tables_.pref_order);
        if (!r) return scxx::fail(std::move(r.error()).context("lavd"));
        const unsigned nr_masks = plan_.nr_cpu_ids + static_cast<unsigned>(plan_.domains.size()) + 1;
        if (auto r = scxx::run_syscall_until_done(skel->progs.lavd_alloc_masks, "lavd: allocate cpumasks",
                                                  4 * nr_masks + 100);
            !r)
            return r;
        insns_line_ = "lavd: verified_insns " + scxx::format_verified_insns(scxx::verified_insns(skel->obj));
        return {};
    }

    // The futex programs are best effort: a kernel that loads but refuses to attach them loses the
    // boost, not the scheduler.
    Result<void> attach_programs(lavd_bpf* skel) override {
        next_monitor_ = std::chrono::steady_clock::now() + std::chrono::seconds(settings().monitor_s);
        if (!futex_) return {};
        for (bpf_program* p : futex_progs(skel)) {
            if (auto r = attach_program(p); !r) {
                notes_.push_back("lavd: feature off: futex boost (" + r.error().what() + ")");
                drop_links();
                return {};
            }
        }
        notes_.push_back("lavd: futex boost on (futex_wait, futex_lock_pi, futex_wake, futex_unlock_pi)");
        return {};
    }

    Result<void> read_stats(lavd_bpf* skel, scxx::Stats& stats) override {
        auto sums = scxx::sum_percpu_u64(skel->maps.stats, LAVD_NR_STATS);
        if (!sums) return scxx::fail(std::move(sums.error()));
        const auto& s = *sums;
        const lavd_sys_stat ss = skel->bss->sys_stat;  // one snapshot: the timer keeps writing it
        auto delta = [&](int i) { return s[i] - (prev_.empty() ? 0 : prev_[i]); };
        uint64_t sched = delta(LAVD_STAT_SCHED);
        auto pct = [&](uint64_t n) { return sched ? std::min(100.0, 100.0 * double(n) / double(sched)) : 0.0; };
        uint64_t mode_total = ss.mode_ns[0] + ss.mode_ns[1] + ss.mode_ns[2];
        auto mode_pct = [&](int m) { return mode_total ? 100.0 * double(ss.mode_ns[m]) / double(mode_total) : 0.0; };

        stats.gauge("nr_queued_task", double(ss.nr_queued_now),
                    "tasks waiting in the queues at the last 10 ms round");
        stats.gauge("nr_active", double(ss.nr_active),
                    "CPUs core compaction keeps active");
        stats.counter("nr_sched", s[LAVD_STAT_SCHED],
                      "tasks started running (ops.running)");
        stats.counter("nr_preempt", s[LAVD_STAT_PREEMPT],
                      "preemptions: tasks put on a victim CPU ahead of its queue");
        stats.gauge("pc_perf_cri", pct(delta(LAVD_STAT_PERF_CRI)),
                    "share of runs since the last sample that were performance critical (prefer big cores)", "%");
        stats.gauge("pc_lat_cri", pct(delta(LAVD_STAT_LAT_CRI)),
                    "share of runs since the last sample at or above the latency-criticality threshold", "%");
        stats.gauge("pc_x_migration", pct(delta(LAVD_STAT_X_MIGRATION)),
                    "share of runs since the last sample that started in another compute domain", "%");
        stats.gauge("nr_stealee", double(ss.nr_stealee),
                    "compute domains the migration plan marks over-loaded");
        stats.gauge("pc_big", pct(delta(LAVD_STAT_ON_BIG)),
                    "share of runs since the last sample on a big core", "%");
        stats.gauge("slice_us", double(ss.slice_ns / 1000),
                    "current time slice in microseconds (smoothed)");
        stats.gauge("nr_cpdoms", double(plan_.domains.size()),
                    "compute domains in the plan");
        static constexpr std::tuple<const char*, int, const char*> kCounters[] = {
            {"nr_x_migration", LAVD_STAT_X_MIGRATION, "runs that started in another compute domain than the task's last"},
            {"nr_steal", LAVD_STAT_STEAL, "tasks taken from a neighbour domain's queue at dispatch"},
            {"nr_direct", LAVD_STAT_DIRECT, "wake-ups straight to a CPU's local queue: an idle CPU's, or a sync waker's"},
            {"nr_slice_boost", LAVD_STAT_SLICE_BOOST, "running slices boosted to the task's average runtime"},
            {"nr_futex_boost", LAVD_STAT_FUTEX_BOOST, "runs of tasks holding a futex (lock-holder boost)"},
            {"nr_yield", LAVD_STAT_YIELD, "running tasks cut short at tick because an earlier deadline was waiting"},
            {"nr_preempt_pinned", LAVD_STAT_PREEMPT_PINNED, "preemptions by a pinned task, of its own CPU (part of nr_preempt)"},
            {"nr_preempt_held", LAVD_STAT_PREEMPT_HELD,
             "preemptions of a task a higher sched class (RT, deadline) had interrupted (part of nr_preempt)"},
        };
        for (const auto& [name, index, help] : kCounters) stats.counter(name, s[static_cast<size_t>(index)], help);
        stats.gauge("avg_lat_cri", double(ss.avg_lat_cri),
                    "average latency criticality of the tasks that ran");
        stats.gauge("thr_lat_cri", double(ss.thr_lat_cri),
                    "latency criticality at or above which a task counts as latency critical and may preempt");
        stats.gauge("util_pct", 100.0 * double(ss.avg_util) / LAVD_SCALE,
                    "CPU utilisation (100 = every online CPU busy)", "%");
        // capacity- and frequency-invariant: 100% = every online CPU busy at its full speed
        const double cap = double(tables_.total_capacity ? tables_.total_capacity : LAVD_SCALE);
        stats.gauge("util_scaled_pct", std::min(100.0, 100.0 * double(ss.util_cap_sum) / cap),
                    "capacity- and frequency-invariant utilisation (100 = every online CPU busy at full speed)", "%");
        stats.gauge("irq_steal_pct", 100.0 * double(ss.avg_irq_steal) / LAVD_SCALE,
                    "CPU time taken by interrupts, softirqs and steal", "%");
        stats.gauge("nr_pinned", double(ss.nr_pinned),
                    "pinned tasks counted as waiting for their CPU at the last 10 ms round (slices there are capped)");
        for (auto m : {LAVD_PM_PERFORMANCE, LAVD_PM_BALANCED, LAVD_PM_POWERSAVE}) {
            const std::string name(lavd::mode_name(m));
            stats.gauge("pc_time_" + name, mode_pct(m), "share of time spent in the " + name + " power mode", "%");
        }
        auto mode = static_cast<lavd_power_mode>(ss.power_mode < LAVD_PM_NR ? ss.power_mode : uint64_t(LAVD_PM_BALANCED));
        stats.text("power_mode",
                   std::string(lavd::mode_name(mode)) + (lavd::power_choice(settings()).autopilot ? " (autopilot)" : ""),
                   "power mode in effect (performance, balanced or powersave; autopilot picks it from the load)");
        prev_ = s;
        return {};
    }

private:
    static uint64_t us(scxx::Duration d) { return static_cast<uint64_t>(d.count() / 1000); }

    // Optional kernel features, decided from the running kernel's BTF and sysfs (never its version).
    void probe_features() {
        lavd::KernelOffers kernel;
        if (const scxx::KernelBtf* btf = env().btf)
            kernel.has_func = [btf](std::string_view name) { return btf->has_func(name); };
        else
            kernel.btf_error = "the kernel's BTF is not loaded";
        kernel.cpufreq = std::filesystem::exists(env().sys("devices/system/cpu/cpufreq/policy0"));
        auto f = lavd::decide_features(settings(), kernel);
        futex_ = f.futex;
        freq_ = f.freq;
        notes_.insert(notes_.end(), f.notes.begin(), f.notes.end());
    }

    static std::vector<bpf_program*> futex_progs(lavd_bpf* skel) {
        return {skel->progs.lavd_futex_wait, skel->progs.lavd_futex_lock_pi, skel->progs.lavd_futex_wake,
                skel->progs.lavd_futex_unlock_pi};
    }

    void print_monitor() {
        const unsigned nr_cpus = plan_.nr_cpu_ids;
        std::set<int> seen;
        for (unsigned cpu = 0; cpu < nr_cpus; ++cpu) {
            if (plan_.cpu_domain[cpu] < 0) continue;
            lavd_cpu_ctx c{};
            uint32_t key = cpu;
            if (bpf_map__lookup_elem(skel()->maps.cpu_ctxs, &key, sizeof(key), &c, sizeof(c), 0) != 0) continue;
            const lavd_sample& s = c.sample;
            if (monitor_seq_.size() < nr_cpus) monitor_seq_.resize(nr_cpus, 0);
            if (s.seq == 0 || s.seq == monitor_seq_[cpu]) continue;  // nothing new ran here
            monitor_seq_[cpu] = s.seq;
            if (!seen.insert(s.pid).second) continue;
            if (env().out) *env().out << lavd::format_sample(s) << '\n' << std::flush;
        }
    }

    lavd::DomainPlan plan_;
    lavd::Tables tables_;
    bool heterogeneous_ = false;
    bool futex_ = false, freq_ = false, bpf_timers_ = true;
    std::vector<std::string> notes_;
    std::string insns_line_;
    std::vector<uint64_t> prev_;
    std::chrono::steady_clock::time_point next_monitor_{};
    std::vector<uint64_t> monitor_seq_;
};

const scxx::Registrar registrar{scxx::scheduler_entry<Lavd>(
    "lavd", "latency-criticality aware virtual deadline: compute domains, core compaction, power modes")};

}  // namespace
