// schedulers/nest/nest.cpp: the user-space half of `nest`: options, how they and the CPU count reach
// the BPF object before load, the stats (wakeup / nest / consume counters and the four sampled CPU
// sets for any number of CPUs), and registration.
#include <bpf/libbpf.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "scxx/bpf_maps.hpp"
#include "scxx/registry.hpp"
#include "scxx/scheduler.hpp"
#include "scxx/syscall_prog.hpp"
#include "scxx/timer_probe.hpp"

#include "intf.h"
#include "nest.skel.h"
#include "nest_defaults.hpp"

namespace {

using scxx::Result;

struct StatName {
    nest_stat index;
    const char* name;
};

constexpr std::array kWakeupStats{
    StatName{NEST_STAT_WAKEUP_ATTACHED, "wakeup_attached"},
    StatName{NEST_STAT_WAKEUP_PREV_PRIMARY, "wakeup_prev_primary"},
    StatName{NEST_STAT_WAKEUP_FULLY_IDLE_PRIMARY, "wakeup_fully_idle_primary"},
    StatName{NEST_STAT_WAKEUP_ANY_IDLE_PRIMARY, "wakeup_any_idle_primary"},
    StatName{NEST_STAT_WAKEUP_FULLY_IDLE_RESERVE, "wakeup_fully_idle_reserve"},
    StatName{NEST_STAT_WAKEUP_ANY_IDLE_RESERVE, "wakeup_any_idle_reserve"},
    StatName{NEST_STAT_WAKEUP_IDLE_OTHER, "wakeup_idle_other"},
};
constexpr std::array kNestStats{
    StatName{NEST_STAT_TASK_IMPATIENT, "task_impatient"},
    StatName{NEST_STAT_PROMOTED_TO_PRIMARY, "promoted_to_primary"},
    StatName{NEST_STAT_PROMOTED_TO_RESERVED, "promoted_to_reserved"},
    StatName{NEST_STAT_DEMOTED_TO_RESERVED, "demoted_to_reserved"},
    StatName{NEST_STAT_RESERVED_AT_CAPACITY, "reserved_at_capacity"},
    StatName{NEST_STAT_SCHEDULED_COMPACTION, "scheduled_compaction"},
    StatName{NEST_STAT_CANCELLED_COMPACTION, "cancelled_compaction"},
    StatName{NEST_STAT_EAGERLY_COMPACTED, "eagerly_compacted"},
    StatName{NEST_STAT_CALLBACK_COMPACTED, "callback_compacted"},
    StatName{NEST_STAT_TIMER_ERRORS, "timer_errors"},
};
constexpr std::array kConsumeStats{
    StatName{NEST_STAT_CONSUMED, "consumed"},
    StatName{NEST_STAT_NOT_CONSUMED, "not_consumed"},
};
constexpr std::array<const char*, NEST_NR_MASKS> kMaskNames{"primary", "reserved", "other", "idle"};

class NestScheduler final : public scxx::Scheduler {
public:
    Result<void> attach(const scxx::SchedulerContext& ctx) override {
        const auto& cfg = ctx.config;
        nr_cpu_ids_ = ctx.topology.nr_cpu_ids();
        delay_us_ = cfg.at("delay-us").get<uint64_t>();
        r_max_ = cfg.at("r-max").get<uint32_t>();
        r_impatient_ = cfg.at("r-impatient").get<uint32_t>();
        slice_us_ = cfg.at("slice-us").get<uint64_t>();
        find_fully_idle_ = cfg.at("find-fully-idle").get<bool>();
        sampling_ms_ = cfg.at("sampling-ms").get<uint64_t>();
        nr_words_ = NEST_MASK_WORDS(nr_cpu_ids_);
        auto timers = scxx::probe_bpf_timers();
        if (!timers) return scxx::fail(std::move(timers.error()));
        bpf_timers_ = *timers;
        // timer-free mode: sweep four times per compaction delay, within [100 us, 10 ms]
        sweep_us_ = std::clamp<uint64_t>(delay_us_ / 4, 100, 10000);

        auto configure = [&](nest_bpf* skel) -> Result<void> {
            auto* ro = skel->rodata;
            ro->nr_cpu_ids = nr_cpu_ids_;
            ro->slice_ns = slice_us_ * 1000;
            ro->delay_ns = delay_us_ * 1000;
            ro->r_max = r_max_;
            ro->r_impatient = r_impatient_;
            ro->find_fully_idle = find_fully_idle_;
            ro->sampling_ns = sampling_ms_ * 1000000;
            ro->scxx_bpf_timers = bpf_timers_;
            ro->sweep_ns = sweep_us_ * 1000;
            const std::pair<bpf_map*, uint32_t> sizes[] = {
                {skel->maps.cpu_ctxs, nr_cpu_ids_},
                {skel->maps.scratch_masks, nr_cpu_ids_},
                {skel->maps.sampled, NEST_NR_MASKS * nr_words_},
            };
            for (const auto& [map, n] : sizes)
                if (int err = bpf_map__set_max_entries(map, n); err)
                    return scxx::fail(err, fmt::format("size map {} to {} entries", bpf_map__name(map), n));
            return {};
        };
        auto populate = [this](nest_bpf* skel) {
            return scxx::run_syscall_until_done(skel->progs.nest_alloc_masks, "nest: allocate cpumasks",
                                                4 * (nr_cpu_ids_ + 2) + 100);
        };
        auto attached = scxx::attach_skeleton<nest_bpf>(
            "nest", ctx, configure, populate, [](nest_bpf* s) { return s->struct_ops.nest_ops; },
            [](nest_bpf* s) { return s->maps.nest_ops; });
        if (!attached) return scxx::fail(std::move(attached.error()));
        sched_.emplace(std::move(*attached));
        return {};
    }

    std::vector<std::string> banner() const override {
        return {fmt::format("nest: delay {} us, r-max {}, r-impatient {}{}, slice {} us, sampling every {} ms, "
                            "find-fully-idle {}, {} CPUs",
                            delay_us_, r_max_, r_impatient_, r_impatient_ == 0 ? " (off)" : "", slice_us_,
                            sampling_ms_, find_fully_idle_ ? "on" : "off", nr_cpu_ids_),
                bpf_timers_ ? std::string("nest: compaction and sampling on bpf_timer")
                            : fmt::format("nest: this kernel refuses bpf_timer (PREEMPT_RT): compaction and sampling "
                                          "run from select_cpu/dispatch, swept every {} us",
                                          sweep_us_)};
    }

    scxx::ExitInfo exit_info() const override {
        return sched_ ? scxx::decode_exit_info(sched_->skel()->data->uei) : scxx::ExitInfo{};
    }

    void collect(scxx::Stats& stats) override {
        if (!sched_) return;
        auto* skel = sched_->skel();
        auto sums = scxx::sum_percpu_u64(skel->maps.stats, NEST_NR_STATS);
        if (!sums) return;
        auto masks = read_masks(skel);
        if (masks) {
            stats.gauge("nr_primary", (*masks)[NEST_MASK_PRIMARY].weight());
            stats.gauge("nr_reserved", (*masks)[NEST_MASK_RESERVED].weight());
        }
        auto publish = [&](const char* section, const auto& names) {
            stats.section(section);
            for (const auto& s : names) stats.counter(s.name, (*sums)[s.index]);
        };
        publish("wakeup", kWakeupStats);
        publish("nest", kNestStats);
        publish("consume", kConsumeStats);
        if (masks)
            for (unsigned m = 0; m < NEST_NR_MASKS; ++m) stats.cpus(kMaskNames[m], std::move((*masks)[m]));
    }

    scxx::ExitInfo detach() override {
        if (!sched_) return {};
        sched_->detach();
        return exit_info();
    }

private:
    // The four CPU sets as of the last sampling timer (see intf.h for the layout of `sampled`).
    Result<std::array<scxx::Cpumask, NEST_NR_MASKS>> read_masks(nest_bpf* skel) const {
        std::array<scxx::Cpumask, NEST_NR_MASKS> masks;
        for (unsigned m = 0; m < NEST_NR_MASKS; ++m) {
            masks[m] = scxx::Cpumask(nr_cpu_ids_);
            for (unsigned w = 0; w < nr_words_; ++w) {
                uint32_t key = m * nr_words_ + w;
                uint64_t word = 0;
                if (int err = bpf_map__lookup_elem(skel->maps.sampled, &key, sizeof(key), &word, sizeof(word), 0); err)
                    return scxx::fail(err, "read nest's sampled CPU sets");
                for (unsigned bit = 0; bit < 64 && w * 64 + bit < nr_cpu_ids_; ++bit)
                    if (word & (uint64_t{1} << bit)) (void)masks[m].set(w * 64 + bit);
            }
        }
        return masks;
    }

    std::optional<scxx::Attached<nest_bpf>> sched_;
    unsigned nr_cpu_ids_ = 0;
    unsigned nr_words_ = 0;
    uint64_t delay_us_ = 0;
    uint32_t r_max_ = 0;
    uint32_t r_impatient_ = 0;
    uint64_t slice_us_ = 0;
    bool find_fully_idle_ = false;
    uint64_t sampling_ms_ = 0;
    bool bpf_timers_ = true;
    uint64_t sweep_us_ = 0;
};

const scxx::Registrar registrar{scxx::SchedulerEntry{
    .name = "nest",
    .description = "Nest: wakeups prefer a small nest of recently used (warm) cores; idle cores leave it",
    .options =
        {
            scxx::int_option("delay-us", "how long a primary core may stay idle before it is demoted (0 = at once)",
                             0, 10000000),
            scxx::int_option("r-max", "most cores in the reserve nest (0 = no reserve nest)", 0, 65536),
            scxx::int_option("r-impatient",
                             "wakeups in a row without an idle primary core after which a task's next core goes "
                             "straight to the primary nest (0 = never)",
                             0, 1000),
            scxx::int_option("slice-us", "time slice in microseconds", 100, 1000000),
            scxx::flag_option("find-fully-idle", "look for a core whose SMT siblings are all idle before any idle CPU"),
            scxx::int_option("sampling-ms", "how often the four CPU sets are sampled for the stats", 10, 60000),
        },
    .defaults_json = std::string(nest_defaults_json),
    .create = [] { return std::make_unique<NestScheduler>(); },
}};

}  // namespace
