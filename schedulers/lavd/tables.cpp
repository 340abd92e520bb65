// schedulers/lavd/tables.cpp: DomainPlan -> the BPF topology tables (see tables.hpp).
#include "tables.hpp"

namespace lavd {

Tables build_tables(const DomainPlan& plan) {
    Tables t;
    const unsigned nr_cpus = plan.nr_cpu_ids;
    for (const auto& d : plan.domains) {
        lavd_cpdom_ctx c{};
        c.id = d.id;
        c.alt_id = d.alt_id;
        c.node = d.node;
        c.big = d.big;
        c.cpu_off = static_cast<uint32_t>(t.cpdom_cpus.size());
        c.nbr_off = static_cast<uint32_t>(t.cpdom_nbrs.size());
        for (unsigned cpu : d.cpus) {
            t.cpdom_cpus.push_back(cpu);
            c.capacity += plan.capacity[cpu];
        }
        c.nr_cpus = static_cast<uint32_t>(t.cpdom_cpus.size()) - c.cpu_off;
        for (unsigned lvl = 0; lvl < LAVD_NR_LEVELS && lvl < kDistanceLevels; ++lvl) {
            c.nr_nbr_level[lvl] = static_cast<uint32_t>(d.neighbours[lvl].size());
            for (unsigned nb : d.neighbours[lvl]) t.cpdom_nbrs.push_back(nb);
        }
        c.nr_nbrs = static_cast<uint32_t>(t.cpdom_nbrs.size()) - c.nbr_off;
        t.cpdoms.push_back(c);
    }
    t.cpus.resize(nr_cpus);
    for (unsigned cpu = 0; cpu < nr_cpus; ++cpu) {
        lavd_cpu_ctx& c = t.cpus[cpu];
        int dom = plan.cpu_domain[cpu];
        c.cpdom_id = dom < 0 ? LAVD_NONE : static_cast<uint32_t>(dom);
        c.capacity = plan.capacity[cpu];
        c.big = dom >= 0 && plan.domains[static_cast<size_t>(dom)].big;
        c.online = dom >= 0;
        if (c.online) {
            t.total_capacity += c.capacity;
            t.nr_cpus_onln++;
        }
    }
    t.pref_order.assign(2 * static_cast<size_t>(nr_cpus), LAVD_NONE);
    for (size_t i = 0; i < plan.order_performance.size(); ++i) t.pref_order[i] = plan.order_performance[i];
    for (size_t i = 0; i < plan.order_powersave.size(); ++i) t.pref_order[nr_cpus + i] = plan.order_powersave[i];
    return t;
}

}  // namespace lavd
