// scxx/skeleton_scheduler.hpp: the base every BPF-skeleton scheduler derives from. It owns the whole
// lifecycle, in this order, and the scheduler fills in hooks:
//   settings   the declared options (Derived::options()) turned into the Settings struct,
//              Derived::validate() (cross-option checks; --check runs it too)
//   prepare    hook: work before the object is opened (layouts from the topology, kernel probes)
//   open       the skeleton; every option declared .rodata("var") or .global("var") is written
//              into that variable;
//              the ops table gets timeout_ms, exit_dump_len, hotplug_seq and (--partial)
//              SCX_OPS_SWITCH_PARTIAL
//   configure  hook: more rodata, map sizes, programs switched off (before load)
//   load       the kernel verifier (its log goes to the runner's --verifier-log on rejection)
//   populate   hook: map writes after load, before attach (tables, syscall programs)
//   programs   hook: extra programs attached before the scheduler goes live (attach_program())
//   (load() ends here; the runner may load a scheduler it switches to while the old one runs)
//   enable     the struct_ops link: the scheduler is live
// set_live() changes a live option while attached: its .global() variable, then apply_live().
// detach() destroys the struct_ops link first (the kernel runs ops.exit), then the extra links, newest
// first; the skeleton stays readable for the exit record until the object is destroyed. Any failure
// on the way leaves nothing loaded or attached.
//
//   struct Settings { scxx::Duration slice{0}; };
//   class Mine final : public scxx::SkeletonScheduler<Mine, mine_bpf, Settings> {
//   public:
//       static scxx::OptionList<Settings> options();
//   };
//   const scxx::Registrar reg{scxx::scheduler_entry<Mine>("mine", "what it does")};
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <bpf/libbpf.h>

#include "scxx/bpf_object.hpp"
#include "scxx/exit_info.hpp"
#include "scxx/scheduler.hpp"
#include "scxx/skeleton.hpp"

namespace scxx {

// The ops-table members the base sets before load: timeout_ms, exit_dump_len, hotplug_seq, and the
// SCX_OPS_SWITCH_PARTIAL flag (value from the kernel's BTF) for ctx.partial.
Result<void> prepare_struct_ops(bpf_object* obj, const SchedulerContext& ctx);
// Every option declared .rodata("var") written into `var` (see OptionDecl::rodata).
Result<void> write_declared_variables(bpf_object* obj, const std::vector<OptionDecl>& decls, const Config& config);

template <class Derived, class Skel, class SettingsT>
class SkeletonScheduler : public Scheduler {
public:
    using Settings = SettingsT;

    ~SkeletonScheduler() override { detach(); }

    // Cross-option checks a single option's range cannot express. Derived may hide it with its own
    // static Result<void> validate(const Settings&).
    static Result<void> validate(const Settings&) { return {}; }

    Result<void> load(const SchedulerContext& ctx) final {
        drop_links();
        loaded_.reset();
        attached_.reset();
        env_ = ctx.env;
        name_ = ctx.name;
        settings_ = Derived::options().settings(ctx.config);
        if (auto r = Derived::validate(settings_); !r) return r;
        if (auto r = prepare(ctx); !r) return r;

        auto opened = Opened<Skel>::open(ctx.name);
        if (!opened) return fail(std::move(opened.error()));
        Skel* skel = opened->skel();
        if (auto r = write_declared_variables(skel->obj, Derived::options().decls(), ctx.config); !r)
            return fail(std::move(r.error()).context("configure " + ctx.name));
        if (auto r = prepare_struct_ops(skel->obj, ctx); !r)
            return fail(std::move(r.error()).context("configure " + ctx.name));
        if (auto r = configure(skel); !r) return fail(std::move(r.error()).context("configure " + ctx.name));

        auto loaded = std::move(*opened).load(ctx.verifier_log);
        if (!loaded) return fail(std::move(loaded.error()));
        skel = loaded->skel();
        if (auto r = populate(skel); !r) return fail(std::move(r.error()).context("populate " + ctx.name));
        if (auto r = attach_programs(skel); !r) {
            drop_links();
            return r;
        }
        loaded_.emplace(std::move(*loaded));
        return {};
    }

    Result<void> enable() final {
        if (!loaded_) return fail(EINVAL, "enable " + name_ + ": not loaded");
        Loaded<Skel> loaded = std::move(*loaded_);
        loaded_.reset();
        auto ops = struct_ops_map(loaded.skel()->obj);
        if (!ops) {
            drop_links();
            return fail(std::move(ops.error()));
        }
        auto attached = std::move(loaded).attach(*ops);
        if (!attached) {
            drop_links();
            return fail(std::move(attached.error()));
        }
        attached_.emplace(std::move(*attached));
        return {};
    }

    // Live options: the final settings checked once, every .global() written, then the apply_live
    // hook; on a failure the globals written so far get their old values back.
    Result<void> set_live(const std::vector<const OptionDecl*>& changed, const Config& config) final {
        if (!attached_) return fail(EINVAL, name_ + " is not attached");
        for (const OptionDecl* d : changed)
            if (!d->live) return Scheduler::set_live({d}, config);
        Settings next = Derived::options().settings(config);
        if (auto r = Derived::validate(next); !r) return r;
        Skel* s = attached_->skel();
        std::vector<std::pair<std::string, uint64_t>> undo;  // global, old value
        auto restore = [&] {
            for (auto it = undo.rbegin(); it != undo.rend(); ++it) (void)set_global(s->obj, it->first, it->second);
        };
        for (const OptionDecl* d : changed) {
            if (d->global.empty()) continue;
            auto raw = option_bpf_value(*d, config.at(d->name));
            auto old = raw ? global_value(s->obj, d->global) : Result<uint64_t>(fail(std::move(raw.error())));
            Result<void> r = old ? set_global(s->obj, d->global, *raw) : Result<void>(fail(std::move(old.error())));
            if (!r) {
                restore();
                return fail(std::move(r.error()).context("option --" + d->name));
            }
            undo.emplace_back(d->global, *old);
        }
        if (auto r = apply_live(s, next); !r) {
            restore();
            (void)apply_live(s, settings_);
            return r;
        }
        settings_ = std::move(next);
        return {};
    }

    ExitInfo exit_info() const final {
        return attached_ ? decode_exit_info(attached_->skel()->data->uei) : ExitInfo{};
    }

    const bpf_object* bpf_obj() const override { return attached_ ? attached_->skel()->obj : nullptr; }

    Result<void> collect(Stats& stats) final {
        if (!attached_) return {};
        return read_stats(attached_->skel(), stats);
    }

    ExitInfo detach() final {
        if (!attached_) {  // loaded, never enabled (a switch that did not happen): unload
            drop_links();
            loaded_.reset();
            return {};
        }
        attached_->detach();  // struct_ops first: the kernel runs ops.exit before this returns
        drop_links();
        return exit_info();
    }

protected:
    // Hooks (each optional).
    virtual Result<void> prepare(const SchedulerContext& ctx) {
        (void)ctx;
        return {};
    }
    virtual Result<void> configure(Skel* skel) {
        (void)skel;
        return {};
    }
    virtual Result<void> populate(Skel* skel) {
        (void)skel;
        return {};
    }
    virtual Result<void> attach_programs(Skel* skel) {
        (void)skel;
        return {};
    }
    // A live option changed (its .global(), if any, is written): update what the BPF side derives
    // from `next` (e.g. a slice of 0 meaning the kernel's default). settings() still holds the old ones.
    virtual Result<void> apply_live(Skel* skel, const Settings& next) {
        (void)skel;
        (void)next;
        return {};
    }
    virtual Result<void> read_stats(Skel* skel, Stats& stats) {
        (void)skel;
        (void)stats;
        return {};
    }

    // From attach_programs: attaches `prog` the way its SEC() says; the link lives until detach.
    Result<void> attach_program(bpf_program* prog) {
        auto link = scxx::attach_program(prog);
        if (!link) return fail(std::move(link.error()));
        links_.push_back(std::move(*link));
        return {};
    }
    // From attach_programs: gives up the links attached so far (a best-effort feature that failed).
    void drop_links() {
        while (!links_.empty()) links_.pop_back();  // newest first
    }

    const Settings& settings() const { return settings_; }
    const Environment& env() const { return env_; }
    // The live skeleton (null before attach).
    Skel* skel() const { return attached_ ? attached_->skel() : nullptr; }

private:
    Environment env_;  // a copy: the context need not outlive attach()
    Settings settings_{};
    std::string name_;
    std::vector<Link> links_;
    std::optional<Loaded<Skel>> loaded_;  // between load() and enable()
    std::optional<Attached<Skel>> attached_;
};

}  // namespace scxx
