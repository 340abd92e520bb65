// control_client.hpp: the control socket's transport for scx-ctl: connect to the unix socket, send
// one line, read one line, each bounded by a deadline. Knows nothing of JSON.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "scxx/result.hpp"

namespace scxctl {

class ControlClient {
public:
    // Connects to `path`. The error's errno tells why (ENOENT, ECONNREFUSED, EACCES, ...).
    static scxx::Result<ControlClient> connect(const std::string& path, std::chrono::milliseconds timeout);

    ControlClient(ControlClient&& o) noexcept;
    ControlClient& operator=(ControlClient&& o) noexcept;
    ControlClient(const ControlClient&) = delete;
    ControlClient& operator=(const ControlClient&) = delete;
    ~ControlClient();

    // Sends `data` as is (the caller adds the newline); `half_close` then shuts the write side down.
    scxx::Result<void> send(std::string_view data, bool half_close = false);
    // The next line without its newline; at end of file, what came before it (an error if nothing).
    scxx::Result<std::string> read_line();

private:
    ControlClient(int fd, std::string path, std::chrono::milliseconds timeout)
        : fd_(fd), path_(std::move(path)), timeout_(timeout) {}
    int fd_ = -1;
    std::string path_;
    std::chrono::milliseconds timeout_;
    std::string buffer_;  // bytes after the last line returned
};

}  // namespace scxctl
