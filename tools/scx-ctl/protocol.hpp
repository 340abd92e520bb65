// protocol.hpp: control protocol v1 for scx-ctl (docs/control-protocol.md): a connection that sends
// requests {"v":1,"id":N,"cmd":...} and returns their parsed responses.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "control_client.hpp"
#include "scxx/result.hpp"

namespace scxctl {

using json = nlohmann::ordered_json;

struct Response {
    bool ok = false;
    json result;        // ok: the result object
    std::string code;   // !ok: the error code and message
    std::string message;
};

class Session {
public:
    // `reconnect` opens a new connection: used once when the server closed an idle one (the
    // runner drops clients silent for 30 s; a `stats --watch 60` is one between its samples).
    using Connector = std::function<scxx::Result<ControlClient>()>;
    explicit Session(ControlClient client, Connector reconnect = {})
        : client_(std::move(client)), reconnect_(std::move(reconnect)) {}
    // Sends {"v":1,"id":N,"cmd":cmd, ...fields} and reads its response. An error here is a transport
    // or protocol failure (no response, not JSON, another id), not an error response.
    scxx::Result<Response> call(const std::string& cmd, json fields = json::object());
    // Sends `line` verbatim (plus a newline unless `no_newline`, which half-closes instead) and returns
    // the response line as received.
    scxx::Result<std::string> raw(const std::string& line, bool no_newline);

private:
    scxx::Result<Response> exchange(const std::string& request, int id);

    ControlClient client_;
    Connector reconnect_;
    int next_id_ = 1;
};

// A response line parsed and checked against the request's id.
scxx::Result<Response> parse_response(const std::string& line, int id);

}  // namespace scxctl
