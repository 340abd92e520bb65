// schedulers/nest/nest.cpp: the user-space half of `nest`: its declared options (each feeds a rodata
// variable), the CPU count, timer mode and map sizes set before load, the stats (wakeup / nest /
// consume counters and the four sampled CPU sets for any number of CPUs), and registration.
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
#include "scxx/skeleton_scheduler.hpp"
#include "scxx/syscall_prog.hpp"
#include "scxx/timer_probe.hpp"

#include "intf.h"
#include "nest.skel.h"

namespace {

using namespace std::chrono_literals;

struct StatName {
    nest_stat index;
    const char* name;
    const char* help;
};

constexpr std::array kWakeupStats{
    StatName{NEST_STAT_WAKEUP_ATTACHED, "wakeup_attached",
             "wake-ups onto the task's attached core (idle, in the primary nest)"},
    StatName{NEST_STAT_WAKEUP_PREV_PRIMARY, "wakeup_prev_primary",
             "wake-ups onto the previous CPU, idle and in the primary nest"},
    StatName{NEST_STAT_WAKEUP_FULLY_IDLE_PRIMARY, "wakeup_fully_idle_primary",
             "wake-ups onto a primary core whose SMT siblings are idle too"},
    StatName{NEST_STAT_WAKEUP_ANY_IDLE_PRIMARY, "wakeup_any_idle_primary", "wake-ups onto any idle primary CPU"},
    StatName{NEST_STAT_WAKEUP_FULLY_IDLE_RESERVE, "wakeup_fully_idle_reserve",
             "wake-ups onto a fully idle reserve core, then promoted"},
    StatName{NEST_STAT_WAKEUP_ANY_IDLE_RESERVE, "wakeup_any_idle_reserve",
             "wake-ups onto any idle reserve CPU, then promoted"},
    StatName{NEST_STAT_WAKEUP_IDLE_OTHER, "wakeup_idle_other", "wake-ups onto an idle CPU in neither nest"},
};
constexpr std::array kNestStats{
    StatName{NEST_STAT_TASK_IMPATIENT, "task_impatient",
             "tasks that missed r_impatient times in a row and went straight to primary"},
    StatName{NEST_STAT_PROMOTED_TO_PRIMARY, "promoted_to_primary", "cores promoted into the primary nest"},
    StatName{NEST_STAT_PROMOTED_TO_RESERVED, "promoted_to_reserved", "cores promoted into the reserve nest"},
    StatName{NEST_STAT_DEMOTED_TO_RESERVED, "demoted_to_reserved", "primary cores demoted to the reserve nest"},
    StatName{NEST_STAT_RESERVED_AT_CAPACITY, "reserved_at_capacity",
             "cores that could not join the reserve nest because r_max was reached"},
    StatName{NEST_STAT_SCHEDULED_COMPACTION, "scheduled_compaction",
             "compaction timers armed for an idle primary core"},
    StatName{NEST_STAT_CANCELLED_COMPACTION, "cancelled_compaction",
             "compactions called off: the core was used again before its timer fired"},
    StatName{NEST_STAT_EAGERLY_COMPACTED, "eagerly_compacted",
             "cores demoted at once because the task that ran there died"},
    StatName{NEST_STAT_CALLBACK_COMPACTED, "callback_compacted", "cores demoted by their compaction timer"},
    StatName{NEST_STAT_TIMER_ERRORS, "timer_errors", "bpf_timer_start failures (compaction skipped, no ejection)"},
};
constexpr std::array kConsumeStats{
    StatName{NEST_STAT_CONSUMED, "consumed", "times a CPU took a task from the shared queue"},
    StatName{NEST_STAT_NOT_CONSUMED, "not_consumed", "times a CPU found the shared queue empty"},
};
constexpr std::array<const char*, NEST_NR_MASKS> kMaskNames{"primary", "reserved", "other", "idle"};
constexpr std::array<const char*, NEST_NR_MASKS> kMaskHelp{
    "CPUs in the primary nest, as of the last sample", "CPUs in the reserve nest, as of the last sample",
    "CPUs in neither nest, as of the last sample", "idle CPUs, as of the last sample"};

struct Settings {
    scxx::Duration delay = 2000us;
    uint32_t r_max = 5;
    uint32_t r_impatient = 2;
    scxx::Duration slice = 20ms;
    bool find_fully_idle = false;
    scxx::Duration sampling = 2s;
};

class Nest final : public scxx::SkeletonScheduler<Nest, nest_bpf, Settings> {
public:
    static scxx::OptionList<Settings> options() {
        scxx::OptionList<Settings> o;
        o.duration("delay-us", &Settings::delay, "us", 0us, 10s,
                   "how long a primary core may stay idle before it is demoted (0 = at once)")
            .global("delay_ns").live();
        o.integer("r-max", &Settings::r_max, 0, 65536, "most cores in the reserve nest (0 = no reserve nest)")
            .global("r_max").live();
        o.integer("r-impatient", &Settings::r_impatient, 0, 1000,
                  "wakeups in a row without an idle primary core after which a task's next core goes straight to "
                  "the primary nest (0 = never)")
            .rodata("r_impatient");
        o.duration("slice-us", &Settings::slice, "us", 100us, 1s, "time slice").rodata("slice_ns");
        o.flag("find-fully-idle", &Settings::find_fully_idle,
               "look for a core whose SMT siblings are all idle before any idle CPU")
            .rodata("find_fully_idle");
        o.duration("sampling-ms", &Settings::sampling, "ms", 10ms, 60s,
                   "how often the four CPU sets are sampled for the stats")
            .rodata("sampling_ns");
        return o;
    }

    std::vector<std::string> banner() const override {
        const Settings& s = settings();
        return {fmt::format("nest: delay {} us, r-max {}, r-impatient {}{}, slice {} us, sampling every {} ms, "
                            "find-fully-idle {}, {} CPUs",
                            us(s.delay), s.r_max, s.r_impatient, s.r_impatient == 0 ? " (off)" : "", us(s.slice),
                            us(s.sampling) / 1000, s.find_fully_idle ? "on" : "off", nr_cpu_ids_),
                bpf_timers_ ? std::string("nest: compaction and sampling on bpf_timer")
                            : fmt::format("nest: this kernel refuses bpf_timer (PREEMPT_RT): compaction and sampling "
                                          "run from select_cpu/dispatch, swept every {} us",
                                          sweep_us_)};
    }

protected:
    scxx::Result<void> prepare(const scxx::SchedulerContext& ctx) override {
        nr_cpu_ids_ = ctx.topology.nr_cpu_ids();
        nr_words_ = NEST_MASK_WORDS(nr_cpu_ids_);
        auto timers = scxx::probe_bpf_timers();
        if (!timers) return scxx::fail(std::move(timers.error()));
        bpf_timers_ = *timers;
        return {};
    }

    scxx::Result<void> configure(nest_bpf* skel) override {
        skel->rodata->nr_cpu_ids = nr_cpu_ids_;
        skel->rodata->scxx_bpf_timers = bpf_timers_;
        set_sweep(skel, settings());
        return scxx::size_maps({{skel->maps.cpu_ctxs, nr_cpu_ids_},
                                {skel->maps.scratch_masks, nr_cpu_ids_},
                                {skel->maps.sampled, NEST_NR_MASKS * nr_words_}});
    }

    scxx::Result<void> populate(nest_bpf* skel) override {
        return scxx::run_syscall_until_done(skel->progs.nest_alloc_masks, "nest: allocate cpumasks",
                                            4 * (nr_cpu_ids_ + 2) + 100);
    }

    // delay-us and r-max reach BPF through their globals; the sweep period follows the delay.
    scxx::Result<void> apply_live(nest_bpf* skel, const Settings& next) override {
        set_sweep(skel, next);
        return {};
    }

    scxx::Result<void> read_stats(nest_bpf* skel, scxx::Stats& stats) override {
        auto sums = scxx::sum_percpu_u64(skel->maps.stats, NEST_NR_STATS);
        if (!sums) return scxx::fail(std::move(sums.error()));
        auto masks = read_masks(skel);
        if (masks) {
            stats.gauge("nr_primary", (*masks)[NEST_MASK_PRIMARY].weight(), "CPUs in the primary nest");
            stats.gauge("nr_reserved", (*masks)[NEST_MASK_RESERVED].weight(), "CPUs in the reserve nest");
        }
        auto publish = [&](const char* section, const auto& names) {
            stats.section(section);
            for (const auto& s : names) stats.counter(s.name, (*sums)[s.index], s.help);
        };
        publish("wakeup", kWakeupStats);
        publish("nest", kNestStats);
        publish("consume", kConsumeStats);
        if (!masks) return scxx::fail(std::move(masks.error()));
        for (unsigned m = 0; m < NEST_NR_MASKS; ++m) stats.cpus(kMaskNames[m], std::move((*masks)[m]), kMaskHelp[m]);
        return {};
    }

private:
    static uint64_t us(scxx::Duration d) { return static_cast<uint64_t>(d.count() / 1000); }

    // The four CPU sets as of the last sampling timer (see intf.h for the layout of `sampled`).
    scxx::Result<std::array<scxx::Cpumask, NEST_NR_MASKS>> read_masks(nest_bpf* skel) const {
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

    unsigned nr_cpu_ids_ = 0;
    unsigned nr_words_ = 0;
    bool bpf_timers_ = true;
    uint64_t sweep_us_ = 0;

    // Timer-free mode: sweep four times per compaction delay, within [100 us, 10 ms]; follows a live
    // --delay-us change.
    void set_sweep(nest_bpf* skel, const Settings& s) {
        sweep_us_ = std::clamp<uint64_t>(us(s.delay) / 4, 100, 10000);
        skel->bss->sweep_ns = sweep_us_ * 1000;
    }
};

const scxx::Registrar registrar{scxx::scheduler_entry<Nest>(
    "nest", "Nest: wakeups prefer a small nest of recently used (warm) cores; idle cores leave it")};

}  // namespace
