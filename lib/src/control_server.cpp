// control_server.cpp: the control socket's transport (see scxx/control_server.hpp): bind with a
// stale-socket check, SO_PEERCRED, line framing with a size limit, idle timeout, bounded output.
#include "scxx/control_server.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "scxx/control.hpp"
#include "scxx/log.hpp"

namespace scxx {
namespace {

Result<sockaddr_un> unix_address(const std::filesystem::path& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string s = path.string();
    if (s.empty() || s.size() >= sizeof(addr.sun_path))
        return fail(fmt::format("control socket {}: the path is {} bytes; a unix socket path is 1..{} "
                                              "(use a shorter --socket PATH)",
                                              s, s.size(), sizeof(addr.sun_path) - 1));
    std::memcpy(addr.sun_path, s.c_str(), s.size() + 1);
    return addr;
}

// Does a server answer at `path`? (A socket file left by a killed runner does not.)
bool someone_listens(const sockaddr_un& addr) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    bool live = connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    return live;
}

std::filesystem::path socket_dir(const std::filesystem::path& path) {
    return path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
}

}  // namespace

Result<void> check_control_socket_path(const std::filesystem::path& path, bool check_live) {
    auto addr = unix_address(path);
    if (!addr) return fail(std::move(addr.error()));
    // The nearest ancestor that exists must be a directory: the rest is created.
    std::error_code ec;
    auto d = socket_dir(path);
    while (!std::filesystem::exists(d, ec) && d != d.parent_path() && !d.parent_path().empty()) d = d.parent_path();
    if (std::filesystem::exists(d, ec) && !std::filesystem::is_directory(d, ec))
        return fail(fmt::format("control socket {}: {} is not a directory (use --socket PATH, or --socket none)",
                                path.string(), d.string()));
    struct stat st{};
    if (lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            return fail(fmt::format("control socket {}: a file that is not a socket is in the way (remove it, "
                                            "or use --socket PATH)",
                                            path.string()));
        if (check_live && someone_listens(*addr))
            return fail(fmt::format("control socket {}: another scx-run serves it (stop that one, or use "
                                                "--socket PATH)",
                                                path.string()));
    }
    return {};
}

Result<std::unique_ptr<ControlServer>> ControlServer::open(const std::filesystem::path& path, Limits limits) {
    std::unique_ptr<ControlServer> s(new ControlServer());
    s->limits_ = limits;
    s->owner_ = geteuid();
    if (auto r = check_control_socket_path(path); !r) return fail(std::move(r.error()));
    auto addr = unix_address(path);
    if (!addr) return fail(std::move(addr.error()));

    // The directories that are missing (deepest first), made 0755, removed again on destruction.
    std::vector<std::filesystem::path> missing;
    std::error_code ec;
    for (auto d = socket_dir(path); !d.empty() && !std::filesystem::exists(d, ec); d = d.parent_path()) {
        missing.push_back(d);
        if (d == d.parent_path()) break;
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        if (mkdir(it->c_str(), 0755) != 0)
            return fail(errno, fmt::format("control socket {}: cannot create {} (use --socket PATH, or --socket none)",
                                           path.string(), it->string()));
        s->made_dirs_.insert(s->made_dirs_.begin(), *it);
    }
    s->path_ = path;  // from here on the destructor removes the directories it made (the socket once bound)

    // check_control_socket_path found at most a stale socket here: replace it.
    struct stat st{};
    if (lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) {
        if (unlink(path.c_str()) != 0)
            return fail(errno, fmt::format("control socket {}: cannot remove the stale socket", path.string()));
        // A killed runner left this socket. At the default path its directory is the one that
        // runner made (or the service's runtime directory, removed at its stop anyway): it goes at
        // exit like one we made, when empty, so a kill and a restart leave nothing behind either.
        // Elsewhere the directory may be the user's: it stays.
        const auto dflt = std::filesystem::path(kDefaultControlSocket).parent_path();
        if (s->made_dirs_.empty() && path.parent_path() == dflt) s->made_dirs_.push_back(dflt);
    }

    s->listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->listen_fd_ < 0) return fail(errno, "control socket: socket()");
    mode_t old = umask(0177);  // the socket file is born 0600: no window where others may connect
    int rc = bind(s->listen_fd_, reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr);
    int bind_errno = errno;
    umask(old);
    if (rc != 0) return fail(bind_errno, fmt::format("control socket {}: bind", path.string()));
    s->bound_ = true;
    if (chmod(path.c_str(), 0600) != 0) return fail(errno, fmt::format("control socket {}: chmod 0600", path.string()));
    if (listen(s->listen_fd_, 16) != 0) return fail(errno, fmt::format("control socket {}: listen", path.string()));

    s->epfd_ = epoll_create1(EPOLL_CLOEXEC);
    if (s->epfd_ < 0) return fail(errno, "control socket: epoll_create1");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = s->listen_fd_;
    if (epoll_ctl(s->epfd_, EPOLL_CTL_ADD, s->listen_fd_, &ev) != 0) return fail(errno, "control socket: epoll_ctl");
    return s;
}

ControlServer::~ControlServer() {
    while (!clients_.empty()) drop(clients_.begin()->first);
    if (epfd_ >= 0) close(epfd_);
    if (listen_fd_ >= 0) close(listen_fd_);
    if (!path_.empty()) {
        if (bound_) unlink(path_.c_str());  // never a live runner's socket or a file that was in the way
        for (const auto& d : made_dirs_) rmdir(d.c_str());  // deepest first; only when empty
    }
}

void ControlServer::watch(int fd, bool want_write) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | (want_write ? EPOLLOUT : 0u);
    ev.data.fd = fd;
    epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev);
}

void ControlServer::drop(int fd) {
    epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
    close(fd);
    clients_.erase(fd);
}

void ControlServer::accept_all() {
    for (;;) {
        int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;  // EAGAIN: all taken; other errors: the client is gone
        ucred cred{};
        socklen_t len = sizeof cred;
        std::string refusal;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
            refusal = control_error_line("permission", "cannot read the peer's credentials");
        else if (cred.uid != 0 && cred.uid != owner_)
            refusal = control_error_line("permission", fmt::format("uid {} may not control the scheduler (run scx-ctl "
                                                                   "as root)",
                                                                   cred.uid));
        else if (clients_.size() >= limits_.max_clients)
            refusal = control_error_line("busy", fmt::format("{} clients are connected already; retry later",
                                                             limits_.max_clients));
        if (!refusal.empty()) {
            refusal += '\n';
            (void)!write(fd, refusal.data(), refusal.size());  // best effort: the socket buffer is empty
            close(fd);
            continue;
        }
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.fd = fd;
        if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
            close(fd);
            continue;
        }
        clients_[fd].last_active = std::chrono::steady_clock::now();
    }
}

void ControlServer::flush(int fd, Client& c) {
    while (!c.out.empty()) {
        ssize_t n = send(fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            drop(fd);
            return;
        }
        c.out.erase(0, static_cast<size_t>(n));
    }
    if (c.out.empty() && c.close_after_write) {
        drop(fd);
        return;
    }
    if (c.out.size() > limits_.max_pending_output) {
        log(LogLevel::warn, "control socket: dropping a client that does not read its responses");
        drop(fd);
        return;
    }
    watch(fd, !c.out.empty());
}

void ControlServer::serve(int fd, Client& c, const Handler& handler) {
    char buf[16384];
    bool eof = false;
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) {
            c.in.append(buf, static_cast<size_t>(n));
            c.last_active = std::chrono::steady_clock::now();
            if (c.in.size() > limits_.max_line * 2) break;  // enough to judge; the rest is not read
            continue;
        }
        if (n == 0) eof = true;
        else if (errno != EAGAIN && errno != EWOULDBLOCK) eof = true;
        break;
    }
    size_t start = 0;
    while (!c.close_after_write) {
        size_t nl = c.in.find('\n', start);
        size_t line_len = (nl == std::string::npos ? c.in.size() : nl) - start;
        if (line_len + 1 > limits_.max_line) {
            c.out += control_error_line("too_long", fmt::format("a request line may be at most {} bytes (newline "
                                                                "included); closing",
                                                                limits_.max_line)) +
                     '\n';
            c.close_after_write = true;
            break;
        }
        if (nl == std::string::npos) break;
        std::string_view line(c.in.data() + start, line_len);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        c.out += handler(line) + '\n';
        start = nl + 1;
    }
    c.in.erase(0, start);
    if (eof && !c.close_after_write) {
        // A last request without its newline is still answered: the client half-closed after it.
        if (!c.in.empty()) c.out += handler(c.in) + '\n';
        c.in.clear();
        c.close_after_write = true;
    }
    flush(fd, c);
}

void ControlServer::process(const Handler& handler) {
    std::vector<epoll_event> evs(limits_.max_clients + 1);
    int n = epoll_wait(epfd_, evs.data(), static_cast<int>(evs.size()), 0);
    for (int i = 0; i < n; ++i) {
        int fd = evs[i].data.fd;
        if (fd == listen_fd_) {
            accept_all();
            continue;
        }
        auto it = clients_.find(fd);
        if (it == clients_.end()) continue;
        if (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
            serve(fd, it->second, handler);
        else if (evs[i].events & EPOLLOUT)
            flush(fd, it->second);
    }
    const auto now = std::chrono::steady_clock::now();
    std::vector<int> idle;
    for (const auto& [fd, c] : clients_)
        if (now - c.last_active > limits_.idle_timeout) idle.push_back(fd);
    for (int fd : idle) drop(fd);
}

}  // namespace scxx
