// skeleton_scheduler.cpp: the non-template steps of SkeletonScheduler: the ops-table members set
// before load and the declared options written into their rodata variables.
#include "scxx/skeleton_scheduler.hpp"

#include <fmt/format.h>

extern "C" {
#include "scxx/exit_info.h"
}

namespace scxx {

Result<void> prepare_struct_ops(bpf_object* obj, const SchedulerContext& ctx) {
    auto ops = struct_ops_map(obj);
    if (!ops) return fail(std::move(ops.error()));
    if (auto r = set_struct_ops_member(obj, *ops, "timeout_ms", ctx.timeout_ms); !r) return r;
    if (auto r = set_struct_ops_member(obj, *ops, "exit_dump_len", SCXX_EXIT_DUMP_LEN); !r) return r;
    if (auto r = set_struct_ops_member(obj, *ops, "hotplug_seq", ctx.hotplug_seq); !r) return r;
    if (ctx.partial) {
        auto bit = ctx.env.kernel_enum("SCX_OPS_SWITCH_PARTIAL");
        if (!bit) return fail(std::move(bit.error()).context("--partial"));
        auto flags = struct_ops_member(obj, *ops, "flags");
        if (!flags) return fail(std::move(flags.error()));
        if (auto r = set_struct_ops_member(obj, *ops, "flags", *flags | static_cast<uint64_t>(*bit)); !r) return r;
    }
    return {};
}

Result<void> write_declared_variables(bpf_object* obj, const std::vector<OptionDecl>& decls, const Config& config) {
    for (const auto& d : decls) {
        if (d.rodata.empty() && d.global.empty()) continue;
        auto raw = option_bpf_value(d, config.contains(d.name) ? config.at(d.name) : d.default_value);
        if (!raw) return fail(std::move(raw.error()));
        if (!d.rodata.empty())
            if (auto r = set_rodata(obj, d.rodata, *raw); !r) return fail(std::move(r.error()).context("option --" + d.name));
        if (!d.global.empty())
            if (auto r = set_global(obj, d.global, *raw); !r) return fail(std::move(r.error()).context("option --" + d.name));
    }
    return {};
}

}  // namespace scxx
