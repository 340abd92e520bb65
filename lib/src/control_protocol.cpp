// control_protocol.cpp: request checking and dispatch of the control protocol v1 (see
// scxx/control.hpp and docs/control-protocol.md). Every failure becomes an error response; nothing
// here throws out or touches the scheduler before a request is fully checked.
#include "scxx/control.hpp"

#include <map>
#include <set>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "json_unique.hpp"

namespace scxx {
namespace {

using json = nlohmann::json;

std::string response(const json& id, const ControlReply& reply) {
    json r = json::object();
    r["v"] = kControlVersion;
    r["id"] = id;
    if (reply) {
        r["ok"] = true;
        json result = json::parse(*reply, nullptr, false);
        r["result"] = result.is_discarded() ? json::object() : result;
        if (result.is_discarded()) {
            r["ok"] = false;
            r.erase("result");
            r["error"] = {{"code", "internal"}, {"message", "the runner produced an unreadable result"}};
        }
    } else {
        r["ok"] = false;
        r["error"] = {{"code", reply.error().code}, {"message", reply.error().message}};
    }
    return r.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The fields each command takes beyond v, id and cmd: name -> required.
const std::map<std::string, std::map<std::string, bool>>& commands() {
    static const std::map<std::string, std::map<std::string, bool>> table{
        {"stats", {}},
        {"stats_meta", {}},
        {"status", {}},
        {"events", {}},
        {"maps", {}},
        {"set", {{"key", true}, {"value", true}}},
        {"switch", {{"sched", true}, {"mode", false}, {"options", false}}},
        {"mode", {{"name", true}}},
    };
    return table;
}

// "its fields: key, value" or "it takes only v, id and cmd".
std::string fields_text(const std::map<std::string, bool>& fields) {
    if (fields.empty()) return "it takes only v, id and cmd";
    std::string out = "its fields: ";
    bool first = true;
    for (const auto& [name, required] : fields) {
        out += (first ? "" : ", ") + name + (required ? "" : " (optional)");
        first = false;
    }
    return out;
}

std::string known_commands() {
    std::string out;
    for (const auto& [name, fields] : commands()) out += (out.empty() ? "" : ", ") + name;
    return out;
}

ControlReply string_field(const json& req, const char* name, std::string& out) {
    auto it = req.find(name);
    if (it == req.end()) return {};
    if (!it->is_string() || it->get_ref<const std::string&>().empty())
        return control_error("bad_request", fmt::format("field \"{}\" must be a non-empty string", name));
    out = it->get<std::string>();
    return {};
}

ControlReply dispatch(const std::string& cmd, const json& req, ControlTarget& target) {
    if (cmd == "stats") return target.stats();
    if (cmd == "stats_meta") return target.stats_meta();
    if (cmd == "status") return target.status();
    if (cmd == "events") return target.events();
    if (cmd == "maps") return target.maps();
    if (cmd == "set") {
        std::string key;
        if (auto r = string_field(req, "key", key); !r) return r;
        const json& v = req.at("value");
        std::string value;
        if (v.is_string())
            value = v.get<std::string>();
        else if (v.is_number() || v.is_boolean())
            value = v.dump();
        else
            return control_error("bad_request", "field \"value\" must be a string, a number or a boolean");
        return target.set(key, value);
    }
    if (cmd == "switch") {
        std::string sched, mode, options;
        if (auto r = string_field(req, "sched", sched); !r) return r;
        if (auto r = string_field(req, "mode", mode); !r) return r;
        if (auto it = req.find("options"); it != req.end()) {
            if (!it->is_object()) return control_error("bad_request", "field \"options\" must be a JSON object of option values");
            options = it->dump();
        }
        return target.switch_to(sched, mode, options);
    }
    std::string name;
    if (auto r = string_field(req, "name", name); !r) return r;
    return target.mode(name);
}

}  // namespace

std::string control_error_line(const std::string& code, const std::string& message) {
    return response(json(nullptr), control_error(code, message));
}

std::string handle_control_line(std::string_view line, ControlTarget& target) {
    json id(nullptr);
    try {
        if (line.size() + 1 > kControlMaxLine)
            return control_error_line("too_long", fmt::format("the request is {} bytes; a line may be at most {}",
                                                              line.size() + 1, kControlMaxLine));
        // The JSON parser takes a NUL for the end of the input: what follows one would go unread.
        if (line.find('\0') != std::string_view::npos)
            return control_error_line("parse", "the request contains a NUL byte (send one JSON object per line)");
        std::string duplicate;
        size_t duplicate_depth = 0;
        json req = detail::parse_unique_keys<json>(line, duplicate, false, &duplicate_depth);
        if (req.is_discarded())
            return control_error_line("parse", "the request is not JSON (send one JSON object per line)");
        if (!req.is_object())
            return control_error_line("parse", "the request must be a JSON object (send one JSON object per line)");
        const auto twice = [&] {
            return control_error("bad_request",
                                 fmt::format("field \"{}\" appears twice in one object (send it once)", duplicate));
        };
        if (duplicate == "id" && duplicate_depth == 1) return response(id, twice());  // which id? None.
        if (auto it = req.find("id"); it != req.end()) {
            if (it->is_structured())
                return control_error_line("bad_request", "field \"id\" must be a string, a number, a boolean or null");
            id = *it;
        }
        if (!duplicate.empty()) return response(id, twice());  // answered with the request's id
        auto v = req.find("v");
        if (v == req.end() || !v->is_number_integer() || v->get<int64_t>() != kControlVersion)
            return response(id, control_error("version", fmt::format("field \"v\" must be the protocol version {} "
                                                                      "(this runner speaks version {} only)",
                                                                      kControlVersion, kControlVersion)));
        auto c = req.find("cmd");
        if (c == req.end() || !c->is_string())
            return response(id, control_error("bad_request", "field \"cmd\" is missing or not a string (e.g. "
                                                             "\"cmd\":\"status\")"));
        const std::string cmd = c->get<std::string>();
        auto spec = commands().find(cmd);
        if (spec == commands().end())
            return response(id, control_error("unknown_command",
                                              fmt::format("unknown command \"{}\" (known: {})", cmd, known_commands())));
        for (const auto& [key, value] : req.items())
            if (key != "v" && key != "id" && key != "cmd" && !spec->second.count(key))
                return response(id, control_error("bad_request", fmt::format("command {} takes no field \"{}\" ({})", cmd,
                                                                             key, fields_text(spec->second))));
        for (const auto& [field, required] : spec->second)
            if (required && !req.contains(field))
                return response(id, control_error("bad_request", fmt::format("command {} needs field \"{}\"", cmd, field)));
        return response(id, dispatch(cmd, req, target));
    } catch (const std::exception& e) {
        return response(id, control_error("internal", std::string("request failed: ") + e.what()));
    }
}

}  // namespace scxx
