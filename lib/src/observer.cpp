// observer.cpp: start_observer() (the signal mask and the log sink of an observer tool) and
// wait_for_signal_or_timeout(): sigwait without a duration, else sigtimedwait on the time left until
// a steady-clock deadline.
#include "scxx/observer.hpp"

#include <time.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <string_view>
#include <utility>

#include "scxx/log.hpp"

namespace scxx {

sigset_t start_observer(std::string tool) {
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigprocmask(SIG_BLOCK, &sigs, nullptr);
    set_log_sink([tool = std::move(tool)](LogLevel, std::string_view text) {
        std::fprintf(stderr, "%s: %.*s\n", tool.c_str(), static_cast<int>(text.size()), text.data());
    });
    return sigs;
}

void wait_for_signal_or_timeout(const sigset_t& sigs, std::optional<double> seconds) {
    if (!seconds) {
        int sig = 0;
        sigwait(&sigs, &sig);
        return;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(*seconds);
    for (;;) {
        const auto left = deadline - std::chrono::steady_clock::now();
        if (left <= std::chrono::nanoseconds(0)) return;
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
        timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
        const int r = sigtimedwait(&sigs, nullptr, &ts);
        if (r > 0) return;                     // a signal of the set
        if (r < 0 && errno == EAGAIN) return;  // the time is over
    }                                          // EINTR: wait again
}

}  // namespace scxx
