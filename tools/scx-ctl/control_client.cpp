// control_client.cpp: unix stream socket I/O with poll() deadlines for scx-ctl.
#include "control_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include <fmt/format.h>

namespace scxctl {
namespace {

using Clock = std::chrono::steady_clock;

// Responses are small; this only stops a runaway peer from filling memory.
constexpr size_t kMaxLine = 64u << 20;

// Waits until `fd` is ready for `events` or the deadline passes (ETIMEDOUT).
scxx::Result<void> wait_for(int fd, short events, Clock::time_point deadline, const std::string& what) {
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return scxx::fail(ETIMEDOUT, what);
        pollfd p{fd, events, 0};
        int n = ::poll(&p, 1, static_cast<int>(left));
        if (n > 0) return {};
        if (n < 0 && errno != EINTR) return scxx::fail(errno, what);
    }
}

}  // namespace

scxx::Result<ControlClient> ControlClient::connect(const std::string& path, std::chrono::milliseconds timeout) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(addr.sun_path))
        return scxx::fail(ENAMETOOLONG, fmt::format("socket path '{}' is empty or longer than {} bytes", path,
                                                    sizeof(addr.sun_path) - 1));
    std::memcpy(addr.sun_path, path.data(), path.size());
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return scxx::fail(errno, "socket(AF_UNIX)");
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
        int err = errno;
        ::close(fd);
        struct stat st{};
        if (err == ECONNREFUSED && ::stat(path.c_str(), &st) == 0 && !S_ISSOCK(st.st_mode))
            return scxx::fail(ENOTSOCK, fmt::format("cannot connect to {}", path));
        return scxx::fail(err, fmt::format("cannot connect to {}", path));
    }
    return ControlClient(fd, path, timeout);
}

ControlClient::ControlClient(ControlClient&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)), path_(std::move(o.path_)), timeout_(o.timeout_), buffer_(std::move(o.buffer_)) {}

ControlClient& ControlClient::operator=(ControlClient&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(o.fd_, -1);
        path_ = std::move(o.path_);
        timeout_ = o.timeout_;
        buffer_ = std::move(o.buffer_);
    }
    return *this;
}

ControlClient::~ControlClient() {
    if (fd_ >= 0) ::close(fd_);
}

scxx::Result<void> ControlClient::send(std::string_view data, bool half_close) {
    const auto deadline = Clock::now() + timeout_;
    const std::string what = fmt::format("{}: send the request within {} ms", path_, timeout_.count());
    while (!data.empty()) {
        if (auto r = wait_for(fd_, POLLOUT, deadline, what); !r) return r;
        ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return scxx::fail(errno, fmt::format("{}: send the request", path_));
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    if (half_close && ::shutdown(fd_, SHUT_WR) != 0) return scxx::fail(errno, fmt::format("{}: shutdown", path_));
    return {};
}

scxx::Result<std::string> ControlClient::read_line() {
    const auto deadline = Clock::now() + timeout_;
    const std::string what =
        fmt::format("{}: no response within {} s (a slow command? raise --timeout)", path_, timeout_.count() / 1000.0);
    for (;;) {
        if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
            std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return line;
        }
        if (buffer_.size() > kMaxLine) return scxx::fail(EMSGSIZE, fmt::format("{}: response line too long", path_));
        if (auto r = wait_for(fd_, POLLIN, deadline, what); !r) return scxx::fail(std::move(r.error()));
        char chunk[65536];
        ssize_t n = ::recv(fd_, chunk, sizeof(chunk), MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return scxx::fail(errno, fmt::format("{}: read the response", path_));
        }
        if (n == 0) {
            if (buffer_.empty())
                return scxx::fail(ECONNRESET, fmt::format("{}: the server closed the connection without a response", path_));
            return std::exchange(buffer_, std::string());
        }
        buffer_.append(chunk, static_cast<size_t>(n));
    }
}

}  // namespace scxctl
