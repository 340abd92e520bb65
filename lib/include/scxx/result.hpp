// scxx/result.hpp: the library's error type (errno + context chain) and Result<T>.
// Errors are created once at the libbpf/syscall boundary and wrapped with context on the way up,
// e.g. "load simple: verifier rejected simple_enqueue: Permission denied".
#pragma once

#include <cerrno>
#include <string>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace scxx {

class Error {
public:
    Error(int err, std::string message) : errno_(err < 0 ? -err : err), message_(std::move(message)) {}
    explicit Error(std::string message) : Error(0, std::move(message)) {}

    // Adds an outer layer of context ("load simple") in front of the message.
    Error&& context(std::string outer) && {
        contexts_.push_back(std::move(outer));
        return std::move(*this);
    }
    Error& context(std::string outer) & {
        contexts_.push_back(std::move(outer));
        return *this;
    }

    int errnum() const { return errno_; }
    const std::string& message() const { return message_; }
    // Full one-line text: "outer: inner: message[: strerror]".
    std::string what() const;

private:
    int errno_ = 0;
    std::string message_;
    std::vector<std::string> contexts_;  // innermost first
};

template <class T = void>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(int err, std::string message) { return tl::unexpected(Error(err, std::move(message))); }
inline tl::unexpected<Error> fail(std::string message) { return tl::unexpected(Error(0, std::move(message))); }
inline tl::unexpected<Error> fail(Error e) { return tl::unexpected(std::move(e)); }

}  // namespace scxx
