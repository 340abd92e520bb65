// protocol.cpp: request framing and response checking for scx-ctl (see protocol.hpp).
#include "protocol.hpp"

#include <cerrno>
#include <optional>

#include <fmt/format.h>

namespace scxctl {
namespace {

// After a failed send: the line a refusing server (busy, permission) wrote before closing, maybe
// before the request went out. Such a send fails with EPIPE or ECONNRESET, not with the answer.
std::optional<std::string> refusal_after(const scxx::Error& send_error, ControlClient& client) {
    const int e = send_error.errnum();
    if (e != EPIPE && e != ECONNRESET) return std::nullopt;
    auto line = client.read_line();
    if (!line) return std::nullopt;
    return std::move(*line);
}

}  // namespace

scxx::Result<Response> parse_response(const std::string& line, int id) {
    auto bad = [&](const std::string& why) {
        std::string shown = line.size() > 200 ? line.substr(0, 200) + "..." : line;
        return scxx::fail(EPROTO, fmt::format("bad response ({}): {}", why, shown));
    };
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
    if (j.value("v", json()) != 1) return bad("\"v\" is not 1: is the runner another protocol version?");
    auto ok = j.find("ok");
    if (ok == j.end() || !ok->is_boolean()) return bad("no boolean \"ok\"");
    // Errors not tied to a request (busy, permission, too_long) carry id null.
    const bool unrelated_error = !ok->get<bool>() && j.value("id", json()).is_null();
    if (j.value("id", json()) != id && !unrelated_error) return bad(fmt::format("the id is not {}", id));
    Response r;
    r.ok = ok->get<bool>();
    if (r.ok) {
        auto result = j.find("result");
        if (result == j.end() || !result->is_object()) return bad("no \"result\" object");
        r.result = *result;
        return r;
    }
    auto err = j.find("error");
    if (err == j.end() || !err->is_object()) return bad("no \"error\" object");
    r.code = err->value("code", std::string("?"));
    r.message = err->value("message", std::string());
    return r;
}

scxx::Result<Response> Session::call(const std::string& cmd, json fields) {
    const int id = next_id_++;
    json request = {{"v", 1}, {"id", id}, {"cmd", cmd}};
    for (auto& [k, v] : fields.items()) request[k] = std::move(v);
    const std::string text = request.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    auto r = exchange(text, id);
    const int e = r ? 0 : r.error().errnum();
    if (r || !reconnect_ || (e != ECONNRESET && e != EPIPE)) return r;
    auto fresh = reconnect_();  // the server closed an idle connection: once more on a new one
    if (!fresh) return scxx::fail(std::move(fresh.error()));
    client_ = std::move(*fresh);
    return exchange(text, id);
}

scxx::Result<Response> Session::exchange(const std::string& request, int id) {
    if (auto r = client_.send(request); !r) {
        // that answer, not the broken pipe, is what to report
        if (auto line = refusal_after(r.error(), client_)) {
            auto refusal = parse_response(*line, id);
            if (refusal && !refusal->ok) return refusal;
        }
        return scxx::fail(std::move(r.error()));
    }
    auto line = client_.read_line();
    if (!line) return scxx::fail(std::move(line.error()));
    return parse_response(*line, id);
}

scxx::Result<std::string> Session::raw(const std::string& line, bool no_newline) {
    if (auto r = client_.send(no_newline ? line : line + "\n", no_newline); !r) {
        if (auto answer = refusal_after(r.error(), client_)) return std::move(*answer);
        return scxx::fail(std::move(r.error()));
    }
    return client_.read_line();
}

}  // namespace scxctl
