// scxx/control_server.hpp: the control socket (docs/control-protocol.md, "Transport"). A unix
// stream socket, mode 0600, peers checked by SO_PEERCRED, non-blocking throughout: one epoll file
// descriptor (fd()) the owner's event loop waits on, then process() serves whatever is ready, so a
// slow or hostile client never blocks the scheduler's loop. Lines go to a handler that returns the
// response line (the runner: handle_control_line). Removes its socket (and the directory it made)
// when destroyed.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>
#include <sys/types.h>

#include "scxx/result.hpp"

namespace scxx {

// scx-run's default socket. Its directory is the one place a stale socket's directory is removed at
// exit although this runner did not make it (a killed runner did).
inline constexpr const char* kDefaultControlSocket = "/run/scxx/control.sock";

// Whether a control socket could be served at `path`, without creating or removing anything: the
// path fits a unix socket address, the nearest existing ancestor of its directory is a directory, and
// no other file is in the way (a socket left by a killed runner is fine). With `check_live`, a socket
// another runner still answers on is an error too. The errors are the ones open() gives; scx-run
// calls this before loading anything.
Result<void> check_control_socket_path(const std::filesystem::path& path, bool check_live = true);

class ControlServer {
public:
    using Handler = std::function<std::string(std::string_view line)>;

    struct Limits {
        size_t max_line = 65536;                       // bytes, newline included
        size_t max_clients = 16;
        size_t max_pending_output = 4 << 20;           // a client that reads nothing is dropped past this
        std::chrono::milliseconds idle_timeout{30000};
    };

    // Binds `path`. A stale socket (nobody answers) is replaced; a live one is an error (another
    // runner), as is any other file there. The parent directory is created (0755) if missing. The
    // directories it created, and the one that held a stale socket (a killed runner's), are
    // removed on destruction when empty.
    static Result<std::unique_ptr<ControlServer>> open(const std::filesystem::path& path, Limits limits);
    static Result<std::unique_ptr<ControlServer>> open(const std::filesystem::path& path) { return open(path, Limits{}); }
    ~ControlServer();
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    // Readable when there is something to do.
    int fd() const { return epfd_; }
    // Accepts, reads, answers and writes what is ready without blocking; closes idle, oversized,
    // refused and finished connections.
    void process(const Handler& handler);
    const std::filesystem::path& path() const { return path_; }
    size_t clients() const { return clients_.size(); }

private:
    struct Client {
        std::string in, out;
        bool close_after_write = false;
        std::chrono::steady_clock::time_point last_active;
    };

    ControlServer() = default;
    void accept_all();
    void serve(int fd, Client& c, const Handler& handler);
    void flush(int fd, Client& c);
    void drop(int fd);
    void watch(int fd, bool want_write);

    std::filesystem::path path_;
    std::vector<std::filesystem::path> made_dirs_;  // to remove when empty, deepest first
    bool bound_ = false;                             // the socket file at path_ is ours to remove
    Limits limits_;
    int listen_fd_ = -1, epfd_ = -1;
    uid_t owner_ = 0;
    std::map<int, Client> clients_;
};

}  // namespace scxx
