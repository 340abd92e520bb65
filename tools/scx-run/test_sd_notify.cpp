// tools/scx-run/test_sd_notify.cpp: the sd_notify datagrams scx-run sends, received on a unix
// datagram socket bound in a TempDir (and in the abstract namespace) with NOTIFY_SOCKET naming it.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include <catch2/catch_test_macros.hpp>

#include "sd_notify.hpp"
#include "temp_dir.hpp"

namespace {

// A bound datagram socket; `address` in NOTIFY_SOCKET syntax (a path, or '@name').
class Receiver {
public:
    explicit Receiver(const std::string& address) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        std::memcpy(sa.sun_path, address.data(), address.size());
        if (address[0] == '@') sa.sun_path[0] = '\0';
        const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size());
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&sa), len) == 0);
        timeval tv{1, 0};
        REQUIRE(::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
    }
    ~Receiver() { ::close(fd_); }
    Receiver(const Receiver&) = delete;
    Receiver& operator=(const Receiver&) = delete;

    // The next datagram, or nullopt after the 1 s timeout.
    std::optional<std::string> next() {
        char buf[4096];
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n < 0) return std::nullopt;
        return std::string(buf, static_cast<size_t>(n));
    }
    // True when nothing is waiting.
    bool empty() {
        char c;
        return ::recv(fd_, &c, 1, MSG_DONTWAIT) < 0;
    }

private:
    int fd_ = -1;
};

// Sets NOTIFY_SOCKET for one test and restores "unset" afterwards.
struct NotifyEnv {
    explicit NotifyEnv(const std::string& value) { ::setenv("NOTIFY_SOCKET", value.c_str(), 1); }
    ~NotifyEnv() { ::unsetenv("NOTIFY_SOCKET"); }
};

}  // namespace

TEST_CASE("sd_notify without NOTIFY_SOCKET sends nothing and succeeds") {
    ::unsetenv("NOTIFY_SOCKET");
    auto r = scx_run::sd_notify("READY=1");
    REQUIRE(r);
    CHECK_FALSE(*r);
}

TEST_CASE("sd_notify sends one datagram to a socket path") {
    scxx_test::TempDir dir("scxx-notify");
    const std::string path = (dir.path() / "notify").string();
    Receiver rx(path);
    NotifyEnv env(path);
    auto r = scx_run::sd_notify("READY=1\nSTATUS=x");
    REQUIRE(r);
    CHECK(*r);
    CHECK(rx.next() == "READY=1\nSTATUS=x");
}

TEST_CASE("sd_notify reaches an abstract socket named with @") {
    const std::string address = "@scxx-test-notify-" + std::to_string(::getpid());
    Receiver rx(address);
    NotifyEnv env(address);
    REQUIRE(scx_run::sd_notify("WATCHDOG=1"));
    CHECK(rx.next() == "WATCHDOG=1");
}

TEST_CASE("sd_notify returns an error naming the socket when nobody listens") {
    scxx_test::TempDir dir("scxx-notify");
    const std::string path = (dir.path() / "nobody").string();
    NotifyEnv env(path);
    auto r = scx_run::sd_notify("READY=1");
    REQUIRE_FALSE(r);
    CHECK(r.error().what().find(path) != std::string::npos);
    NotifyEnv relative("run/notify");
    auto bad = scx_run::sd_notify("READY=1");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().what().find("not an absolute path") != std::string::npos);
}

TEST_CASE("ServiceNotifier: READY once, STATUS on every attach, STOPPING at the end") {
    scxx_test::TempDir dir("scxx-notify");
    const std::string path = (dir.path() / "notify").string();
    Receiver rx(path);
    NotifyEnv env(path);
    scx_run::ServiceNotifier notify;
    notify("attached", "lavd");
    CHECK(rx.next() == "READY=1\nSTATUS=lavd enabled");
    notify("attached", "nest");  // a switch
    CHECK(rx.next() == "STATUS=nest enabled");
    notify("something-else", "nest");
    notify("stopping", "nest");
    CHECK(rx.next() == "STOPPING=1\nSTATUS=nest stopping");
    CHECK(rx.empty());
}

TEST_CASE("ServiceNotifier keeps going when the socket is gone") {
    scxx_test::TempDir dir("scxx-notify");
    NotifyEnv env((dir.path() / "gone").string());
    scx_run::ServiceNotifier notify;
    notify("attached", "simple");  // logs one warning, no throw
    notify("stopping", "simple");
    SUCCEED();
}
