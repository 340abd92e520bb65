// event_loop.hpp (private to libscxx): the runner's event source. Blocks SIGINT/SIGTERM/SIGHUP and
// reads them through a signalfd, ticks every 100 ms through a timerfd, and watches one more file
// descriptor (the control socket's epoll fd) when given; the caller's signal mask comes back on
// destruction.
#pragma once

#include <signal.h>

#include <memory>

#include "scxx/result.hpp"

namespace scxx {

enum class Event { tick, stop, io };

class EventLoop {
public:
    static Result<std::unique_ptr<EventLoop>> create();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Also wake up (Event::io) when `fd` is readable.
    Result<void> watch(int fd);
    // Blocks until the next tick, a SIGINT/SIGTERM/SIGHUP, or the watched fd (a signal wins over
    // the others, a tick over io).
    Result<Event> wait();
    int last_signal() const { return last_signal_; }

private:
    EventLoop() = default;
    void drain_signals();

    sigset_t old_mask_{};
    bool mask_changed_ = false;
    int sfd_ = -1, tfd_ = -1, epfd_ = -1, io_fd_ = -1;
    int last_signal_ = 0;
};

}  // namespace scxx
