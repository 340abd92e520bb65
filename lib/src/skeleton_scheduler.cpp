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

Result<void> write_declared_rodata(bpf_object* obj, const std::vector<OptionDecl>& decls, const Config& config) {
    for (const auto& d : decls) {
        if (d.rodata.empty()) continue;
        const OptionValue& v = config.contains(d.name) ? config.at(d.name) : d.default_value;
        uint64_t raw = 0;
        switch (d.type) {
        case OptionType::boolean: raw = std::get<bool>(v) ? 1 : 0; break;
        case OptionType::duration: raw = static_cast<uint64_t>(std::get<Duration>(v).count()); break;
        case OptionType::integer:
        case OptionType::choice: {
            int64_t i = std::get<int64_t>(v);
            if (d.type == OptionType::choice) i = d.choice_values.at(static_cast<size_t>(i));
            if (i < 0) return fail(ERANGE, fmt::format("option --{}: a negative value cannot feed rodata {}", d.name, d.rodata));
            raw = static_cast<uint64_t>(i);
            break;
        }
        default: return fail(EINVAL, fmt::format("option --{}: its type cannot feed rodata {}", d.name, d.rodata));
        }
        if (auto r = set_rodata(obj, d.rodata, raw); !r) return fail(std::move(r.error()).context("option --" + d.name));
    }
    return {};
}

}  // namespace scxx
