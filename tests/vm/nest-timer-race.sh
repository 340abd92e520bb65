#!/bin/sh
# vm: cpus=4 timeout=150
# nest-timer-race: hammer wakeups while cores are being compacted. With a compaction delay of 0 and
# then 50 us, nearly every time a primary core idles its timer fires while sleepers (10 ms timer
# wakeups), a pipe and fork churn wake tasks onto that core, so cancellations and timer callbacks race all the time. The
# upstream scheduler died here ("Failed to cancel pcpu timer": bpf_timer_cancel fails inside sched_ext
# callbacks). nest must stay attached, count both sides of the race, and record no timer error.
. /lib/scxx.sh

race() { # DELAY_US
    scx-run --sched nest --delay-us "$1" --stats 1 > /tmp/run.log 2>&1 &
    pid=$!
    wait_scx_state enabled 20 || { cat /tmp/run.log; fail "nest never enabled"; }
    scxx-work sleep 6 12 > /tmp/w1 & w1=$!
    scxx-work pipe 1 12 > /tmp/w2 & w2=$!
    scxx-work fork 1 12 > /tmp/w3 & w3=$!
    for w in $w1 $w2 $w3; do wait $w || { cat /tmp/w1 /tmp/w2 /tmp/w3; fail "delay $1: a workload made no progress"; }; done
    [ "$(scx_state)" = enabled ] || { cat /tmp/run.log; fail "delay $1: nest was ejected"; }
    sleep 1
    detach_cleanly "$pid" /tmp/run.log
    # The counters are cumulative: the last stats line (lib/scxx.sh's parser) has the whole run.
    vals=""
    for k in scheduled_compaction cancelled_compaction callback_compacted eagerly_compacted timer_errors; do
        v=$(stat_last /tmp/run.log $k) || { cat /tmp/run.log; fail "delay $1: the last stats line has no $k"; }
        vals="$vals $v"
    done
    read -r scheduled_compaction cancelled_compaction callback_compacted eagerly_compacted timer_errors <<EOF
$vals
EOF
    echo "RESULT delay $1 us: scheduled_compaction=$scheduled_compaction cancelled_compaction=$cancelled_compaction" \
         "callback_compacted=$callback_compacted eagerly_compacted=$eagerly_compacted timer_errors=$timer_errors"
    echo "  workloads: $(cat /tmp/w1) | $(cat /tmp/w2) | $(cat /tmp/w3)"
    [ "$timer_errors" = 0 ] || fail "delay $1: timer errors"
    # Both sides of the race, many times (counts depend on how fast TCG runs on a busy host: 190-450
    # armed in 12 s were seen).
    [ "$scheduled_compaction" -ge 100 ] || fail "delay $1: fewer than 100 compactions armed: no hammering"
    [ "$cancelled_compaction" -ge 10 ] || fail "delay $1: fewer than 10 compactions cancelled"
    [ "$callback_compacted" -ge 10 ] || fail "delay $1: fewer than 10 cores compacted by their timers"
}
race 0
race 50
echo "ok: no ejection while wakeups race compaction timers"
