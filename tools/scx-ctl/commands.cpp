// commands.cpp: scx-ctl's commands over a Session, and their human and --json output.
#include "commands.hpp"

#include <algorithm>
#include <chrono>
#include <ostream>
#include <thread>

#include <fmt/format.h>

#include "scxx/openmetrics.hpp"
#include "scxx/stats.hpp"
#include "stats_table.hpp"

namespace scxctl {
namespace {

// A failed call: an error response (code: message) or a transport/protocol failure.
struct Failure {
    std::string text;
};

int report(std::ostream& err, const Failure& f) {
    err << "scx-ctl: error: " << f.text << "\n";
    return kExitServerError;
}

// The result object of `cmd`, or the failure to report.
std::variant<json, Failure> call(Session& s, const std::string& cmd, json fields = json::object()) {
    auto r = s.call(cmd, std::move(fields));
    if (!r) return Failure{r.error().what()};
    if (!r->ok) return Failure{r->code + ": " + r->message};
    return std::move(r->result);
}

std::string scalar(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "-";
    return v.dump();
}

// "key: value" lines, aligned; objects as an indented block under their key.
void print_fields(std::ostream& out, const json& obj, size_t indent = 0) {
    size_t w = 0;
    for (const auto& [k, v] : obj.items()) w = std::max(w, k.size());
    for (const auto& [k, v] : obj.items()) {
        if (v.is_object()) {
            out << std::string(indent, ' ') << k << ":\n";
            print_fields(out, v, indent + 2);
        } else {
            out << fmt::format("{}{:<{}}  {}\n", std::string(indent, ' '), k + ":", w + 1, scalar(v));
        }
    }
}

// The maps census as a table: one row per map.
void print_maps(std::ostream& out, const json& res) {
    out << fmt::format("scheduler: {} (threads probed: {}, cgroups probed: {})\n", scalar(res.value("scheduler", json())),
                       scalar(res.value("threads", json())), scalar(res.value("cgroups", json())));
    out << fmt::format("{:<20} {:<16} {:>10} {:>11}  {}\n", "map", "type", "entries", "max_entries", "counted by");
    for (const json& m : res.value("maps", json::array()))
        out << fmt::format("{:<20} {:<16} {:>10} {:>11}  {}\n", scalar(m.value("name", json())),
                           scalar(m.value("type", json())), scalar(m.value("entries", json())),
                           scalar(m.value("max_entries", json())), scalar(m.value("how", json())));
}

// stats + stats_meta as a Stats; meta is fetched again when the scheduler changed.
struct StatsReader {
    std::string scheduler;
    json fields;

    std::variant<Sample, Failure> read(Session& s, json* raw_result = nullptr) {
        auto r = call(s, "stats");
        if (auto* f = std::get_if<Failure>(&r)) return *f;
        json& res = std::get<json>(r);
        const std::string sched = res.value("scheduler", std::string());
        if (fields.is_null() || sched != scheduler) {
            auto m = call(s, "stats_meta");
            if (auto* f = std::get_if<Failure>(&m)) return *f;
            fields = std::get<json>(m).value("fields", json::array());
            scheduler = sched;
        }
        auto stats = scxx::stats_from_json(res.value("values", json::object()).dump(), fields.dump());
        if (!stats) return Failure{"bad stats response: " + stats.error().what()};
        Sample sample{std::move(*stats), res.value("t", 0.0)};
        if (raw_result) *raw_result = std::move(res);
        return sample;
    }
};

int cmd_stats(const Command& c, Session& s, std::ostream& out, std::ostream& err) {
    StatsReader reader;
    std::optional<Sample> previous;
    for (unsigned n = 1;; ++n) {
        json raw;
        auto r = reader.read(s, &raw);
        if (auto* f = std::get_if<Failure>(&r)) return report(err, *f);
        Sample& now = std::get<Sample>(r);
        if (c.json) {
            out << raw.dump() << "\n";
        } else {
            if (n > 1) out << "\n";
            out << fmt::format("{}  t={:.1f}s\n", reader.scheduler, now.t);
            out << format_stats_table(now, previous ? &*previous : nullptr);
        }
        out.flush();
        if (c.watch_s <= 0 || (c.count && n >= c.count)) return kExitOk;
        previous = std::move(now);
        std::this_thread::sleep_for(std::chrono::duration<double>(c.watch_s));
    }
}

int cmd_meta(const Command& c, Session& s, std::ostream& out, std::ostream& err) {
    auto r = call(s, "stats_meta");
    if (auto* f = std::get_if<Failure>(&r)) return report(err, *f);
    const json& res = std::get<json>(r);
    if (c.json) {
        out << res.dump() << "\n";
        return kExitOk;
    }
    const json fields = res.value("fields", json::array());
    size_t name_w = 4, unit_w = 4;
    for (const auto& f : fields) {
        name_w = std::max(name_w, f.value("name", std::string()).size());
        unit_w = std::max(unit_w, f.value("unit", std::string()).size());
    }
    std::string section;
    out << fmt::format("{:<{}}  {:<7}  {:<{}}  {}\n", "name", name_w, "type", "unit", unit_w, "help");
    for (const auto& f : fields) {
        if (const std::string sec = f.value("section", std::string()); sec != section) out << (section = sec) << ":\n";
        out << fmt::format("{:<{}}  {:<7}  {:<{}}  {}\n", f.value("name", std::string()), name_w,
                           f.value("type", std::string()), f.value("unit", std::string()), unit_w,
                           f.value("help", std::string()));
    }
    return kExitOk;
}

int cmd_metrics(Session& s, std::ostream& out, std::ostream& err) {
    StatsReader reader;
    auto st = call(s, "status");
    if (auto* f = std::get_if<Failure>(&st)) return report(err, *f);
    auto r = reader.read(s);
    if (auto* f = std::get_if<Failure>(&r)) return report(err, *f);
    const json& status = std::get<json>(st);
    scxx::OpenMetricsInfo info;
    info.state = status.value("state", std::string("unknown"));
    info.uptime_s = status.value("uptime_s", 0.0);
    info.restarts = status.value("restarts", uint64_t(0));
    out << scxx::format_openmetrics(std::get<Sample>(r).stats, reader.scheduler, info);
    return kExitOk;
}

// Commands whose human output is a line or a few derived from the result.
int cmd_simple(const Command& c, Session& s, std::ostream& out, std::ostream& err) {
    json fields = json::object();
    std::string cmd = c.name;
    if (c.name == "set") {
        fields = {{"key", c.key}, {"value", c.value}};
    } else if (c.name == "switch") {
        fields["sched"] = c.key;
        if (c.mode) fields["mode"] = *c.mode;
        if (!c.options.empty()) {
            json opts = json::object();
            for (const auto& [k, v] : c.options) std::visit([&, &k = k](const auto& x) { opts[k] = x; }, v);
            fields["options"] = opts;
        }
    } else if (c.name == "mode") {
        fields["name"] = c.key;
    }
    auto r = call(s, cmd, fields);
    if (auto* f = std::get_if<Failure>(&r)) return report(err, *f);
    const json& res = std::get<json>(r);
    if (c.json) {
        out << res.dump() << "\n";
    } else if (c.name == "set") {
        out << fmt::format("{}: {} -> {}\n", scalar(res.value("key", json())), scalar(res.value("previous", json())),
                           scalar(res.value("value", json())));
    } else if (c.name == "switch") {
        const auto ms = [&](const char* key) {
            const json& v = res.contains(key) ? res.at(key) : json();
            return v.is_number() ? fmt::format("{:.1f}", v.get<double>()) : scalar(v);
        };
        out << fmt::format("switched to {} (loaded in {} ms while the old one ran; {} ms on the kernel's default "
                           "scheduler: detach {} + enable {})\n",
                           scalar(res.value("scheduler", json())), ms("attach_ms"), ms("gap_ms"), ms("detach_ms"),
                           ms("enable_ms"));
    } else if (c.name == "mode") {
        out << fmt::format("mode {} applied ({})\n", scalar(res.value("mode", json())),
                           scalar(res.value("applied", json())));
        if (res.contains("options") && res["options"].is_object()) print_fields(out, {{"options", res["options"]}});
    } else if (c.name == "events") {
        out << "scheduler: " << scalar(res.value("scheduler", json())) << "\n";
        print_fields(out, res.value("events", json::object()));
    } else if (c.name == "maps") {
        print_maps(out, res);
    } else {
        print_fields(out, res);
    }
    return kExitOk;
}

int cmd_raw(const Command& c, Session& s, std::ostream& out, std::ostream& err) {
    auto line = s.raw(c.raw, c.no_newline);
    if (!line) return report(err, Failure{line.error().what()});
    out << *line << "\n";
    json j = json::parse(*line, nullptr, false);
    return j.is_object() && j.value("ok", false) ? kExitOk : kExitServerError;
}

}  // namespace

int run_command(const Command& c, Session& session, std::ostream& out, std::ostream& err) {
    if (c.name == "stats") return cmd_stats(c, session, out, err);
    if (c.name == "meta") return cmd_meta(c, session, out, err);
    if (c.name == "metrics") return cmd_metrics(session, out, err);
    if (c.name == "raw") return cmd_raw(c, session, out, err);
    return cmd_simple(c, session, out, err);
}

}  // namespace scxctl
