// registry.cpp: the scheduler registry (a process-wide singleton filled by static Registrars).
#include "scxx/registry.hpp"

#include <algorithm>

#include "scxx/log.hpp"

namespace scxx {

Registry& Registry::instance() {
    // Function-local static: safe to use from other translation units' static initialisers.
    static Registry registry;
    return registry;
}

Result<void> Registry::add(SchedulerEntry entry) {
    if (entry.name.empty()) return fail("register scheduler: empty name");
    if (!entry.create) return fail(fmt::format("register scheduler {}: no create function", entry.name));
    for (const auto& p : entry.problems) return fail(fmt::format("register scheduler {}: {}", entry.name, p));
    for (size_t i = 0; i < entry.options.size(); ++i) {
        const OptionDecl& d = entry.options[i];
        for (size_t j = 0; j < i; ++j)
            if (entry.options[j].name == d.name)
                return fail(fmt::format("register scheduler {}: option --{} is declared twice", entry.name, d.name));
        if (d.live && !d.rodata.empty())
            return fail(fmt::format("register scheduler {}: option --{} is live but feeds rodata {}, which is frozen at "
                                    "load (declare .global(\"{}\") on a writable BPF global instead)",
                                    entry.name, d.name, d.rodata, d.rodata));
        if (auto r = check_option_value(d, d.default_value, "option --" + d.name + " default"); !r)
            return fail(fmt::format("register scheduler {}: {}", entry.name, r.error().what()));
    }
    if (find(entry.name) != nullptr)
        return fail(fmt::format("register scheduler {}: the name is already registered", entry.name));
    entries_.push_back(std::make_unique<SchedulerEntry>(std::move(entry)));
    return {};
}

const SchedulerEntry* Registry::find(std::string_view name) const {
    for (const auto& e : entries_)
        if (e->name == name) return e.get();
    return nullptr;
}

std::vector<const SchedulerEntry*> Registry::list() const {
    std::vector<const SchedulerEntry*> out;
    out.reserve(entries_.size());
    for (const auto& e : entries_) out.push_back(e.get());
    std::sort(out.begin(), out.end(), [](const SchedulerEntry* a, const SchedulerEntry* b) { return a->name < b->name; });
    return out;
}

std::string Registry::names() const {
    std::string out;
    for (const SchedulerEntry* e : list()) {
        if (!out.empty()) out += ", ";
        out += e->name;
    }
    return out;
}

Registrar::Registrar(SchedulerEntry entry) {
    if (auto r = Registry::instance().add(std::move(entry)); !r) log(LogLevel::error, "{}", r.error().what());
}

}  // namespace scxx
