// scxx/registry.hpp: the scheduler registry. Each scheduler registers itself with a static
// Registrar in its own .cpp (linked whole), so neither the runner nor the registry change when a
// scheduler is added.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scxx/options.hpp"
#include "scxx/scheduler.hpp"

namespace scxx {

struct SchedulerEntry {
    std::string name;                  // "simple"; what --sched takes
    std::string description;           // one line for --list
    std::vector<OptionDecl> options;   // its declared options (CLI and JSON keys, defaults, ranges)
    // Cross-option checks of a complete config (what --check runs before printing); may be empty.
    std::function<Result<void>(const Config&)> check;
    std::function<std::unique_ptr<Scheduler>()> create;
    // Declarations that cannot work (OptionList::problems()); Registry::add refuses the entry.
    std::vector<std::string> problems;
};

// The entry of a scheduler class T with `static OptionList<Settings> options()` and
// `static Result<void> validate(const Settings&)` (SkeletonScheduler provides a default):
//   const scxx::Registrar reg{scxx::scheduler_entry<Mine>("mine", "what it does")};
template <class T>
SchedulerEntry scheduler_entry(std::string name, std::string description) {
    SchedulerEntry e;
    e.name = std::move(name);
    e.description = std::move(description);
    const auto list = T::options();
    e.options = list.decls();
    e.problems = list.problems();
    e.check = [](const Config& config) { return T::validate(T::options().settings(config)); };
    e.create = [] { return std::make_unique<T>(); };
    return e;
}

class Registry {
public:
    static Registry& instance();
    // Error when the name is taken, the entry is incomplete, or its option declarations are broken
    // (a default outside its range, a name declared twice, OptionList::problems()).
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
