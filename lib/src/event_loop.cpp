// event_loop.cpp: signalfd + 100 ms timerfd + one watched fd under epoll (see event_loop.hpp).
#include "event_loop.hpp"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace scxx {
namespace {
constexpr long kTickNs = 100'000'000;  // 100 ms
}  // namespace

Result<std::unique_ptr<EventLoop>> EventLoop::create() {
    std::unique_ptr<EventLoop> loop(new EventLoop());
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGHUP);  // a closed terminal detaches cleanly too
    if (int err = pthread_sigmask(SIG_BLOCK, &mask, &loop->old_mask_); err != 0) return fail(err, "block SIGINT/SIGTERM/SIGHUP");
    loop->mask_changed_ = true;

    loop->sfd_ = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (loop->sfd_ < 0) return fail(errno, "signalfd");
    loop->tfd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (loop->tfd_ < 0) return fail(errno, "timerfd_create");
    itimerspec its{};
    its.it_interval.tv_nsec = kTickNs;
    its.it_value.tv_nsec = kTickNs;
    if (timerfd_settime(loop->tfd_, 0, &its, nullptr) != 0) return fail(errno, "timerfd_settime");
    loop->epfd_ = epoll_create1(EPOLL_CLOEXEC);
    if (loop->epfd_ < 0) return fail(errno, "epoll_create1");
    for (int fd : {loop->sfd_, loop->tfd_}) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        if (epoll_ctl(loop->epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) return fail(errno, "epoll_ctl");
    }
    return loop;
}

EventLoop::~EventLoop() {
    // Signals that arrived after the stop (a second Ctrl-C during detach) must not kill the
    // caller once the old mask is back: consume them here.
    if (sfd_ >= 0) drain_signals();
    for (int fd : {epfd_, tfd_, sfd_})
        if (fd >= 0) close(fd);
    if (mask_changed_) pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

void EventLoop::drain_signals() {
    signalfd_siginfo si;
    while (read(sfd_, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
    }
}

Result<void> EventLoop::watch(int fd) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) return fail(errno, "epoll_ctl");
    io_fd_ = fd;
    return {};
}

Result<Event> EventLoop::wait() {
    for (;;) {
        epoll_event evs[3];
        int n = epoll_wait(epfd_, evs, 3, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail(errno, "epoll_wait");
        }
        bool tick = false, io = false;
        for (int i = 0; i < n; ++i) {
            if (evs[i].data.fd == sfd_) {
                signalfd_siginfo si;
                if (read(sfd_, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
                    last_signal_ = static_cast<int>(si.ssi_signo);
                    return Event::stop;
                }
            } else if (evs[i].data.fd == tfd_) {
                uint64_t expirations;
                if (read(tfd_, &expirations, sizeof expirations) == static_cast<ssize_t>(sizeof expirations)) tick = true;
            } else if (evs[i].data.fd == io_fd_) {
                io = true;
            }
        }
        if (tick) return Event::tick;
        if (io) return Event::io;
    }
}

}  // namespace scxx
