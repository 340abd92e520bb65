// scxx/scheduler.hpp: what a scheduler module implements. One Scheduler object owns one BPF
// skeleton through its lifecycle (open -> configure -> load -> attach -> detach). The runner drives
// it; it never knows which scheduler it runs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "scxx/exit_info.hpp"
#include "scxx/skeleton.hpp"
#include "scxx/result.hpp"
#include "scxx/stats.hpp"
#include "scxx/topology.hpp"

namespace scxx {

struct SchedulerContext {
    const Topology& topology;
    const nlohmann::json& config;        // defaults <- --config file <- command line, validated
    unsigned timeout_ms = 0;             // ops.timeout_ms (0 = kernel default)
    std::filesystem::path verifier_log;  // where to write the verifier log on a rejection
};

class Scheduler {
public:
    virtual ~Scheduler() = default;

    // Open, configure, load and attach. On error nothing stays attached or loaded.
    virtual Result<void> attach(const SchedulerContext& ctx) = 0;
    // Lines printed once after attach (e.g. "Pairs: [0,2] [1,3]").
    virtual std::vector<std::string> banner() const { return {}; }
    // Called by the runner on every tick while attached, before it checks exit_info(): periodic
    // userspace work (reports, samples). Must return quickly; it shares the runner's event loop.
    virtual void poll() {}
    // Current exit record; exited() is false while the scheduler runs. No side effects.
    virtual ExitInfo exit_info() const = 0;
    // Publishes this scheduler's counters and gauges.
    virtual void collect(Stats& stats) { (void)stats; }
    // Destroys the struct_ops link first, then reads the exit record. Idempotent.
    virtual ExitInfo detach() = 0;
};

// The common attach sequence: open the skeleton, let `configure` set rodata/arrays, set the ops
// table's timeout, load (verifier), let `populate` fill maps (e.g. run a syscall program that
// allocates cpumasks), attach the struct_ops map. Nothing stays loaded on error.
//   attach_skeleton<nest_bpf>("nest", ctx, configure, populate,
//                             [](auto* s) { return s->struct_ops.nest_ops; },
//                             [](auto* s) { return s->maps.nest_ops; });
template <class Skel, class Configure, class Populate, class OpsStruct, class OpsMap>
Result<Attached<Skel>> attach_skeleton(const std::string& name, const SchedulerContext& ctx, Configure&& configure,
                                       Populate&& populate, OpsStruct&& ops_struct, OpsMap&& ops_map) {
    auto opened = Opened<Skel>::open(name);
    if (!opened) return fail(std::move(opened.error()));
    if (auto ok = configure(opened->skel()); !ok) return fail(std::move(ok.error()).context("configure " + name));
    ops_struct(opened->skel())->timeout_ms = ctx.timeout_ms;
    auto loaded = std::move(*opened).load(ctx.verifier_log);
    if (!loaded) return fail(std::move(loaded.error()));
    if (auto ok = populate(loaded->skel()); !ok) return fail(std::move(ok.error()).context("populate " + name));
    bpf_map* map = ops_map(loaded->skel());
    return std::move(*loaded).attach(map);
}

// The same without a populate step.
template <class Skel, class Configure, class OpsStruct, class OpsMap>
Result<Attached<Skel>> attach_skeleton(const std::string& name, const SchedulerContext& ctx, Configure&& configure,
                                       OpsStruct&& ops_struct, OpsMap&& ops_map) {
    return attach_skeleton<Skel>(
        name, ctx, std::forward<Configure>(configure), [](Skel*) -> Result<void> { return {}; },
        std::forward<OpsStruct>(ops_struct), std::forward<OpsMap>(ops_map));
}

}  // namespace scxx
