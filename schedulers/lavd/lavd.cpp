// schedulers/lavd/lavd.cpp: the user-space half of `lavd`: settings and kernel feature probes
// before load, the topology -> compute-domain tables (cpdom.hpp) written into the BPF maps, the
// optional futex programs, the stats, the --monitor samples, and registration.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
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
#include "scxx/syscall_prog.hpp"
#include "scxx/timer_probe.hpp"

#include "cpdom.hpp"
#include "features.hpp"
#include "monitor.hpp"
#include "options.hpp"  // intf.h before the skeleton: it names struct lavd_sys_stat
#include "lavd.skel.h"
#include "lavd_defaults.hpp"
#include "tables.hpp"

namespace {

using scxx::Result;

template <class T>
Result<void> put(bpf_map* map, uint32_t key, const T& value) {
    if (int err = bpf_map__update_elem(map, &key, sizeof(key), &value, sizeof(value), BPF_ANY); err)
        return scxx::fail(err, fmt::format("write {}[{}]", bpf_map__name(map), key));
    return {};
}

class LavdScheduler final : public scxx::Scheduler {
public:
    ~LavdScheduler() override { detach(); }

    Result<void> attach(const scxx::SchedulerContext& ctx) override {
        // Everything that can be wrong with the options is checked before the object is opened.
        auto settings = lavd::settings_from_config(ctx.config);
        if (!settings) return scxx::fail(std::move(settings.error()));
        set_ = std::move(*settings);
        std::vector<unsigned> order;
        if (set_.user_order) {
            auto parsed = lavd::parse_pref_order(set_.cpu_pref_order, ctx.topology);
            if (!parsed) return scxx::fail(std::move(parsed.error()));
            if (parsed->empty())
                return scxx::fail(EINVAL, fmt::format("--cpu-pref-order \"{}\": names no CPU (give a CPU list such "
                                                      "as 0-3, or auto)",
                                                      set_.cpu_pref_order));
            order = std::move(*parsed);
        }
        auto plan = lavd::plan_domains(ctx.topology, order);
        if (!plan) return scxx::fail(std::move(plan.error()).context("lavd: compute domains"));
        plan_ = std::move(*plan);
        tables_ = lavd::build_tables(plan_);
        heterogeneous_ = ctx.topology.heterogeneous();
        probe_features();

        auto opened = scxx::Opened<lavd_bpf>::open("lavd");
        if (!opened) return scxx::fail(std::move(opened.error()));
        if (auto r = configure(opened->skel()); !r) return scxx::fail(std::move(r.error()).context("configure lavd"));
        opened->skel()->struct_ops.lavd_ops->timeout_ms = ctx.timeout_ms;

        auto loaded = std::move(*opened).load(ctx.verifier_log);
        if (!loaded) return scxx::fail(std::move(loaded.error()));
        if (auto r = write_tables(loaded->skel()); !r) return scxx::fail(std::move(r.error()).context("lavd"));
        const unsigned nr_masks = plan_.nr_cpu_ids + static_cast<unsigned>(plan_.domains.size()) + 1;
        if (auto r = scxx::run_syscall_until_done(loaded->skel()->progs.lavd_alloc_masks, "lavd: allocate cpumasks",
                                                  4 * nr_masks + 100);
            !r)
            return scxx::fail(std::move(r.error()));
        read_verified_insns(loaded->skel());
        attach_futex(loaded->skel());

        bpf_map* ops_map = loaded->skel()->maps.lavd_ops;
        auto attached = std::move(*loaded).attach(ops_map);
        if (!attached) {
            links_.clear();
            return scxx::fail(std::move(attached.error()));
        }
        sched_.emplace(std::move(*attached));
        next_monitor_ = std::chrono::steady_clock::now() + std::chrono::seconds(set_.monitor_s);
        return {};
    }

    std::vector<std::string> banner() const override {
        std::vector<std::string> lines;
        lines.push_back(fmt::format(
            "lavd: power mode {}, slice {}-{} us, pinned slice {} us, preempt-shift {}, core compaction {} "
            "(target {}%), {} DSQs, {} CPUs in {} compute domains{}",
            set_.autopilot ? "autopilot" : lavd::mode_name(set_.mode), set_.slice_min_us, set_.slice_max_us,
            set_.pinned_slice_us, set_.preempt_shift,
            !set_.core_compaction                                 ? "off"
            : (!set_.autopilot && set_.mode == LAVD_PM_PERFORMANCE) ? "off in performance mode"
                                                                   : "on",
            set_.lat_load_target_pct,
            set_.per_cpu_dsq ? "per-CPU" : "per-domain", plan_.order_performance.size(), plan_.domains.size(),
            heterogeneous_ ? ", big.LITTLE" : ""));
        for (auto& l : lavd::describe(plan_)) lines.push_back(l);
        for (auto& l : notes_) lines.push_back(l);
        lines.push_back(insns_line_);
        return lines;
    }

    // Every runner tick: --monitor prints its samples when their interval is due.
    void poll() override {
        if (!sched_ || !set_.monitor_s || std::chrono::steady_clock::now() < next_monitor_) return;
        next_monitor_ += std::chrono::seconds(set_.monitor_s);
        print_monitor();
    }

    scxx::ExitInfo exit_info() const override {
        if (!sched_) return {};
        return scxx::decode_exit_info(sched_->skel()->data->uei);
    }

    void collect(scxx::Stats& stats) override {
        if (!sched_) return;
        auto* skel = sched_->skel();
        auto sums = scxx::sum_percpu_u64(skel->maps.stats, LAVD_NR_STATS);
        if (!sums) return;
        const auto& s = *sums;
        const lavd_sys_stat ss = skel->bss->sys_stat;  // one snapshot: the timer keeps writing it
        auto delta = [&](int i) { return s[i] - (prev_.empty() ? 0 : prev_[i]); };
        uint64_t sched = delta(LAVD_STAT_SCHED);
        auto pct = [&](uint64_t n) { return sched ? std::min(100.0, 100.0 * double(n) / double(sched)) : 0.0; };
        uint64_t mode_total = ss.mode_ns[0] + ss.mode_ns[1] + ss.mode_ns[2];
        auto mode_pct = [&](int m) { return mode_total ? 100.0 * double(ss.mode_ns[m]) / double(mode_total) : 0.0; };

        stats.gauge("nr_queued_task", double(ss.nr_queued_now));
        stats.gauge("nr_active", double(ss.nr_active));
        stats.counter("nr_sched", s[LAVD_STAT_SCHED]);
        stats.counter("nr_preempt", s[LAVD_STAT_PREEMPT]);
        stats.gauge("pc_perf_cri", pct(delta(LAVD_STAT_PERF_CRI)), "%");
        stats.gauge("pc_lat_cri", pct(delta(LAVD_STAT_LAT_CRI)), "%");
        stats.gauge("pc_x_migration", pct(delta(LAVD_STAT_X_MIGRATION)), "%");
        stats.gauge("nr_stealee", double(ss.nr_stealee));
        stats.gauge("pc_big", pct(delta(LAVD_STAT_ON_BIG)), "%");
        stats.gauge("slice_us", double(ss.slice_ns / 1000));
        stats.gauge("nr_cpdoms", double(plan_.domains.size()));
        stats.counter("nr_x_migration", s[LAVD_STAT_X_MIGRATION]);
        stats.counter("nr_steal", s[LAVD_STAT_STEAL]);
        stats.counter("nr_direct", s[LAVD_STAT_DIRECT]);
        stats.counter("nr_slice_boost", s[LAVD_STAT_SLICE_BOOST]);
        stats.counter("nr_futex_boost", s[LAVD_STAT_FUTEX_BOOST]);
        stats.counter("nr_yield", s[LAVD_STAT_YIELD]);
        stats.gauge("avg_lat_cri", double(ss.avg_lat_cri));
        stats.gauge("thr_lat_cri", double(ss.thr_lat_cri));
        stats.gauge("util_pct", 100.0 * double(ss.avg_util) / LAVD_SCALE, "%");
        // capacity- and frequency-invariant: 100% = every online CPU busy at its full speed
        const double cap = double(tables_.total_capacity ? tables_.total_capacity : LAVD_SCALE);
        stats.gauge("util_scaled_pct", std::min(100.0, 100.0 * double(ss.util_cap_sum) / cap), "%");
        stats.gauge("irq_steal_pct", 100.0 * double(ss.avg_irq_steal) / LAVD_SCALE, "%");
        stats.gauge("pc_time_performance", mode_pct(LAVD_PM_PERFORMANCE), "%");
        stats.gauge("pc_time_balanced", mode_pct(LAVD_PM_BALANCED), "%");
        stats.gauge("pc_time_powersave", mode_pct(LAVD_PM_POWERSAVE), "%");
        auto mode = static_cast<lavd_power_mode>(ss.power_mode < LAVD_PM_NR ? ss.power_mode : uint64_t(LAVD_PM_BALANCED));
        stats.text("power_mode", std::string(lavd::mode_name(mode)) + (set_.autopilot ? " (autopilot)" : ""));
        prev_ = s;
    }

    scxx::ExitInfo detach() override {
        if (!sched_) return {};
        sched_->detach();  // struct_ops first: the kernel runs ops.exit before this returns
        links_.clear();
        return scxx::decode_exit_info(sched_->skel()->data->uei);
    }

private:
    // Optional kernel features, decided from the running kernel's BTF and sysfs (never its version).
    void probe_features() {
        auto btf = scxx::KernelBtf::load();
        lavd::KernelOffers kernel;
        if (btf)
            kernel.has_func = [&btf](std::string_view name) { return btf->has_func(name); };
        else
            kernel.btf_error = btf.error().what();
        kernel.cpufreq = std::filesystem::exists("/sys/devices/system/cpu/cpufreq/policy0");
        auto f = lavd::decide_features(set_, kernel);
        futex_ = f.futex;
        freq_ = f.freq;
        notes_.insert(notes_.end(), f.notes.begin(), f.notes.end());
    }

    Result<void> configure(lavd_bpf* skel) {
        const unsigned nr_cpus = plan_.nr_cpu_ids;
        const unsigned nd = static_cast<unsigned>(plan_.domains.size());
        auto* ro = skel->rodata;
        ro->nr_cpu_ids_lavd = nr_cpus;
        ro->nr_cpdoms = nd;
        ro->nr_cpus_onln = tables_.nr_cpus_onln;
        ro->total_capacity = tables_.total_capacity;
        ro->slice_min_ns = set_.slice_min_us * 1000;
        ro->slice_max_ns = set_.slice_max_us * 1000;
        ro->pinned_slice_ns = set_.pinned_slice_us * 1000;
        ro->preempt_shift = set_.preempt_shift;
        ro->lat_load_target = set_.lat_load_target_pct * LAVD_SCALE / 100;
        ro->lb_low_util = set_.lb_low_util_pct * LAVD_SCALE / 100;
        ro->lb_local_dsq_util = set_.lb_local_dsq_util_pct * LAVD_SCALE / 100;
        ro->no_preemption = !set_.preemption;
        ro->no_wake_sync = !set_.wake_sync;
        ro->no_slice_boost = !set_.slice_boost;
        ro->no_freq_scaling = !freq_;
        ro->no_core_compaction = !set_.core_compaction;
        ro->per_cpu_dsq = set_.per_cpu_dsq;
        ro->autopilot = set_.autopilot;
        ro->initial_power_mode = set_.mode;
        ro->have_little_core = heterogeneous_;
        ro->monitor_on = set_.monitor_s > 0;
        auto timers = scxx::probe_bpf_timers();
        if (!timers) return scxx::fail(std::move(timers.error()));
        ro->scxx_bpf_timers = *timers;
        if (!*timers && !timer_note_)
            notes_.push_back("lavd: this kernel refuses bpf_timer (PREEMPT_RT): the 10 ms statistics round runs "
                             "from ops.tick/ops.dispatch");
        timer_note_ = timer_note_ || !*timers;

        // Every CPU- and domain-indexed table is sized here, from nr_cpu_ids and the domain count.
        const std::pair<bpf_map*, uint32_t> sizes[] = {
            {skel->maps.cpu_ctxs, nr_cpus},
            {skel->maps.cpdom_ctxs, nd},
            {skel->maps.cpdom_cpus, nr_cpus},
            {skel->maps.cpdom_nbrs, std::max<uint32_t>(1, static_cast<uint32_t>(tables_.cpdom_nbrs.size()))},
            {skel->maps.pref_order, 2 * nr_cpus},
            {skel->maps.cpdom_masks, nd},
            {skel->maps.scratch_masks, nr_cpus},
        };
        for (const auto& [map, n] : sizes)
            if (int err = bpf_map__set_max_entries(map, n); err)
                return scxx::fail(err, fmt::format("size map {} to {} entries", bpf_map__name(map), n));

        if (!futex_)
            for (bpf_program* p : futex_progs(skel)) bpf_program__set_autoload(p, false);
        return {};
    }

    static std::vector<bpf_program*> futex_progs(lavd_bpf* skel) {
        return {skel->progs.lavd_futex_wait, skel->progs.lavd_futex_lock_pi, skel->progs.lavd_futex_wake,
                skel->progs.lavd_futex_unlock_pi};
    }

    // The topology tables (tables.hpp) into the maps, after load and before attach.
    Result<void> write_tables(lavd_bpf* skel) {
        auto& m = skel->maps;
        for (size_t i = 0; i < tables_.cpdoms.size(); ++i)
            if (auto r = put(m.cpdom_ctxs, uint32_t(i), tables_.cpdoms[i]); !r) return r;
        for (size_t i = 0; i < tables_.cpus.size(); ++i)
            if (auto r = put(m.cpu_ctxs, uint32_t(i), tables_.cpus[i]); !r) return r;
        const std::pair<bpf_map*, const std::vector<uint32_t>*> lists[] = {
            {m.cpdom_cpus, &tables_.cpdom_cpus}, {m.cpdom_nbrs, &tables_.cpdom_nbrs}, {m.pref_order, &tables_.pref_order}};
        for (const auto& [map, v] : lists)
            for (size_t i = 0; i < v->size(); ++i)
                if (auto r = put(map, uint32_t(i), (*v)[i]); !r) return r;
        return {};
    }

    // One banner line with every loaded program's verified_insns (tools/lavd-verified-insns).
    void read_verified_insns(lavd_bpf* skel) {
        std::string line = "lavd: verified_insns";
        uint64_t total = 0;
        bpf_program* prog;
        bpf_object__for_each_program(prog, skel->obj) {
            int fd = bpf_program__fd(prog);
            if (fd < 0) continue;
            bpf_prog_info info{};
            __u32 len = sizeof(info);
            if (bpf_prog_get_info_by_fd(fd, &info, &len) != 0) continue;
            line += fmt::format(" {}={}", bpf_program__name(prog), info.verified_insns);
            total += info.verified_insns;
        }
        insns_line_ = line + fmt::format(" (total {})", total);
    }

    // The futex programs are best effort: a kernel that loads but refuses to attach them loses the
    // boost, not the scheduler.
    void attach_futex(lavd_bpf* skel) {
        if (!futex_) return;
        for (bpf_program* p : futex_progs(skel)) {
            auto link = scxx::attach_program(p);
            if (!link) {
                notes_.push_back("lavd: feature off: futex boost (" + link.error().what() + ")");
                links_.clear();
                return;
            }
            links_.push_back(std::move(*link));
        }
        notes_.push_back("lavd: futex boost on (futex_wait, futex_lock_pi, futex_wake, futex_unlock_pi)");
    }

    void print_monitor() {
        const unsigned nr_cpus = plan_.nr_cpu_ids;
        std::set<int> seen;
        for (unsigned cpu = 0; cpu < nr_cpus; ++cpu) {
            if (plan_.cpu_domain[cpu] < 0) continue;
            lavd_cpu_ctx c{};
            uint32_t key = cpu;
            if (bpf_map__lookup_elem(sched_->skel()->maps.cpu_ctxs, &key, sizeof(key), &c, sizeof(c), 0) != 0) continue;
            const lavd_sample& s = c.sample;
            if (monitor_seq_.size() < nr_cpus) monitor_seq_.resize(nr_cpus, 0);
            if (s.seq == 0 || s.seq == monitor_seq_[cpu]) continue;  // nothing new ran here
            monitor_seq_[cpu] = s.seq;
            if (!seen.insert(s.pid).second) continue;
            std::cout << lavd::format_sample(s) << '\n' << std::flush;
        }
    }

    std::optional<scxx::Attached<lavd_bpf>> sched_;
    std::vector<scxx::Link> links_;
    lavd::Settings set_;
    lavd::DomainPlan plan_;
    lavd::Tables tables_;
    bool heterogeneous_ = false;
    bool futex_ = false, freq_ = false;
    std::vector<std::string> notes_;
    bool timer_note_ = false;
    std::string insns_line_;
    std::vector<uint64_t> prev_;
    std::chrono::steady_clock::time_point next_monitor_{};
    std::vector<uint64_t> monitor_seq_;
};

const scxx::Registrar registrar{scxx::SchedulerEntry{
    .name = "lavd",
    .description = "latency-criticality aware virtual deadline: compute domains, core compaction, power modes",
    .options = lavd::option_specs(),
    .defaults_json = std::string(lavd_defaults_json),
    .create = [] { return std::make_unique<LavdScheduler>(); },
}};

}  // namespace
