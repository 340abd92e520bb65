// scxx/control.hpp: the control protocol (docs/control-protocol.md), version 1, apart from the
// socket. handle_control_line() checks one request line (JSON, version, command, fields, types),
// calls the matching ControlTarget method and returns the response line. The runner is the target;
// tests use fakes. Results are JSON object texts, so this header needs no JSON library.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace scxx {

inline constexpr int kControlVersion = 1;
inline constexpr size_t kControlMaxLine = 65536;  // bytes, newline included

struct ControlError {
    std::string code;     // "not_live", "invalid_value", ... (the table in docs/control-protocol.md)
    std::string message;  // one line: the problem and, where there is one, the fix
};
// A command's result: a JSON object text, or an error.
using ControlReply = tl::expected<std::string, ControlError>;

inline tl::unexpected<ControlError> control_error(std::string code, std::string message) {
    return tl::unexpected<ControlError>(ControlError{std::move(code), std::move(message)});
}

// What the commands act on. Values of `set` arrive as text (a JSON string as it is, a number or a
// boolean as JSON writes it); `options_json` is a JSON object text or "" (none).
class ControlTarget {
public:
    virtual ~ControlTarget() = default;
    virtual ControlReply stats() = 0;
    virtual ControlReply stats_meta() = 0;
    virtual ControlReply status() = 0;
    virtual ControlReply events() = 0;
    virtual ControlReply maps() = 0;
    virtual ControlReply set(const std::string& key, const std::string& value) = 0;
    virtual ControlReply switch_to(const std::string& sched, const std::string& mode, const std::string& options_json) = 0;
    virtual ControlReply mode(const std::string& name) = 0;
};

// One request line (without its newline) -> one response line (without newline). Never throws.
std::string handle_control_line(std::string_view line, ControlTarget& target);
// An error response not tied to a request (too_long, busy, permission): id null.
std::string control_error_line(const std::string& code, const std::string& message);

}  // namespace scxx
