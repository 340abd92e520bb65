// scxx/registry.hpp: the scheduler registry. Each scheduler registers itself with a static
// Registrar in its own .cpp (linked whole), so neither the runner nor the registry change when a
// scheduler is added.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scxx/config.hpp"
#include "scxx/scheduler.hpp"

namespace scxx {

struct SchedulerEntry {
    std::string name;                  // "simple"; what --sched takes
    std::string description;           // one line for --list
    std::vector<OptionSpec> options;   // its own options (CLI and JSON keys), with ranges
    std::string defaults_json;         // the scheduler's defaults.json, embedded at build time
    std::function<std::unique_ptr<Scheduler>()> create;
};

class Registry {
public:
    static Registry& instance();
    // Error when the name is taken or the entry is incomplete.
    Result<void> add(SchedulerEntry entry);
    const SchedulerEntry* find(std::string_view name) const;
    std::vector<const SchedulerEntry*> list() const;  // sorted by name
    std::string names() const;                        // "nest, pair, simple"
private:
    std::vector<std::unique_ptr<SchedulerEntry>> entries_;
};

// static scxx::Registrar reg{SchedulerEntry{...}};  A failed add is logged (never exit()).
struct Registrar {
    explicit Registrar(SchedulerEntry entry);
};

}  // namespace scxx
