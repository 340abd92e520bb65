// tools/scx-run/sd_notify.cpp: the sd_notify datagram protocol (sd_notify.hpp).
#include "sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "scxx/log.hpp"

namespace scx_run {

namespace {

// The socket address `address` names. Errors name the variable, the value and the fix.
scxx::Result<sockaddr_un> notify_address(std::string_view address) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (address.size() < 2 || (address[0] != '/' && address[0] != '@'))
        return scxx::fail(fmt::format("NOTIFY_SOCKET={}: not an absolute path or @abstract name (systemd sets it "
                                      "for Type=notify services; unset it otherwise)",
                                      address));
    if (address.size() >= sizeof(sa.sun_path))
        return scxx::fail(fmt::format("NOTIFY_SOCKET={}: longer than {} bytes (systemd sets it for Type=notify "
                                      "services; unset it otherwise)",
                                      address, sizeof(sa.sun_path) - 1));
    std::memcpy(sa.sun_path, address.data(), address.size());
    if (address[0] == '@') sa.sun_path[0] = '\0';  // abstract: no trailing NUL counts
    return sa;
}

}  // namespace

scxx::Result<void> notify_socket_send(std::string_view address, std::string_view message) {
    const std::string label = fmt::format("sd_notify to NOTIFY_SOCKET={}", address);
    auto addr = notify_address(address);
    if (!addr) return scxx::fail(std::move(addr.error()));
    sockaddr_un sa = *addr;
    const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size());

    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return scxx::fail(errno, label + ": socket");
    const ssize_t n = ::sendto(fd, message.data(), message.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&sa), len);
    const int err = errno;
    ::close(fd);
    if (n < 0) return scxx::fail(err, label);
    if (static_cast<size_t>(n) != message.size()) return scxx::fail(EMSGSIZE, label + ": short send");
    return {};
}

scxx::Result<void> check_notify_socket() {
    const char* address = std::getenv("NOTIFY_SOCKET");
    if (!address || !*address) return {};
    if (auto a = notify_address(address); !a) return scxx::fail(std::move(a.error()));
    return {};
}

scxx::Result<bool> sd_notify(std::string_view message) {
    const char* address = std::getenv("NOTIFY_SOCKET");
    if (!address || !*address) return false;
    if (auto r = notify_socket_send(address, message); !r) return scxx::fail(std::move(r.error()));
    return true;
}

void ServiceNotifier::operator()(std::string_view state, std::string_view sched) {
    std::string message;
    if (state == "attached") {
        message = fmt::format("{}STATUS={} enabled", ready_sent_ ? "" : "READY=1\n", sched);
        ready_sent_ = true;
    } else if (state == "stopping") {
        message = fmt::format("STOPPING=1\nSTATUS={} stopping", sched);
    } else {
        return;
    }
    if (auto r = sd_notify(message); !r && !warned_) {
        warned_ = true;
        scxx::log_message(scxx::LogLevel::warn, r.error().what());
    }
}

}  // namespace scx_run
