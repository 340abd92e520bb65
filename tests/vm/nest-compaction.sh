#!/bin/sh
# vm: cpus=4 timeout=120
# nest-compaction: cores leave the primary nest once they have been idle for the compaction delay,
# not before. Four nearly busy tasks (90% of every 1.9 ms: they wake up all the time, so their cores
# join the primary nest; a hog that never sleeps keeps whatever core it forked onto) fill the primary
# nest; then they are stopped (SIGSTOP: asleep, not dead,
# so no eager demotion) and the primary nest sampled every 20 ms is followed in scx-run's stats
# (every 0.1 s; the nest "under load" is the larger of the samples just before and after the stop). Nothing is started or
# exits while the cores idle: a task that dies on a primary core demotes it at once (eagerly),
# which would hide the timers. Run with --delay-us 500000, so "not
# before" is observable, and with the default 2000.
. /lib/scxx.sh

hogs=""
pid=""
cleanup() { [ -n "$hogs" ] && kill -KILL $hogs 2>/dev/null; [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; }
trap cleanup EXIT

# compaction DELAY_US EARLY_S SHRINK_BY_S: after the stop the nest must keep all its CPUs for the
# first EARLY_S seconds (0: not checked), have shrunk by SHRINK_BY_S, and end smaller than under
# load, with the demotions counted by the timer callbacks. (On a busy host TCG runs the guest late,
# so timers fire late too, and on PREEMPT_RT background kernel work on sched_ext keeps using idle
# cores now and then, each use restarting their delay: the 4 s window and the bounds leave room.)
compaction() {
    : > /tmp/run.log
    scx-run --sched nest --delay-us "$1" --stats 0.1 --sampling-ms 20 >> /tmp/run.log 2>&1 &
    pid=$!
    wait_scx_state enabled 20 || { cat /tmp/run.log; fail "nest never enabled"; }
    hogs=""
    for i in 1 2 3 4; do scxx-duty 1900 90 60 & hogs="$hogs $!"; done
    sleep 2
    echo "MARK-STOP" >> /tmp/run.log   # builtins only from here until the sleep below ends
    kill -STOP $hogs
    sleep 4
    echo "MARK-END" >> /tmp/run.log    # killing the hogs wakes them: later samples do not count
    kill -KILL $hogs; hogs=""
    kill -TERM "$pid"; wait "$pid" || { cat /tmp/run.log; fail "delay $1: scx-run failed"; }
    pid=""
    # The primary nest's size in every snapshot around the stop, timed from the first one after it.
    awk -v early="$2" '
        /^t=/ { t = substr($1, 3) + 0; if (stopped && t0 == "") t0 = t }
        /^MARK-STOP/ { stopped = 1 }
        /^MARK-END/ { exit }
        / callback_compacted=/ { match($0, / callback_compacted=[0-9]+/); c = substr($0, RSTART + 20, RLENGTH - 20) + 0
                                 if (!stopped) c0 = c; c1 = c }
        /^primary / { n = $0; sub(/^primary *\( */, "", n); n = n + 0
                      if (!stopped) { pre = n; next }
                      # the nest as the load stopped: the last sample before or the first after
                      if (full == "") full = (n > pre ? n : pre)
                      dt = t - t0; trace = trace sprintf(" %.1f:%d", dt, n); last = n
                      if (dt <= early && (emin == "" || n < emin)) emin = n
                      if (shrunk == "" && n < full) shrunk = dt }
        END { printf "full=%d early_min=%s final=%d shrunk_at=%s demoted=%d trace=%s\n", full,
                     emin == "" ? "-" : emin, last, shrunk == "" ? "never" : shrunk, c1 - c0, trace }
    ' /tmp/run.log > /tmp/result
    read -r full emin final shrunk demoted trace < /tmp/result
    full=${full#full=}; emin=${emin#early_min=}; final=${final#final=}; shrunk=${shrunk#shrunk_at=}
    demoted=${demoted#demoted=}
    echo "RESULT delay ${1} us: primary nest $full CPUs under load; after the stop (s:CPUs)${trace#trace=};" \
         "first smaller at ${shrunk} s; demoted by timers: $demoted"
    [ "$full" -ge 2 ] || { tail -20 /tmp/run.log; fail "delay $1: 4 busy tasks filled only $full CPUs of the primary nest"; }
    [ "$shrunk" != never ] && [ "$final" -lt "$full" ] || { grep -A12 MARK-STOP /tmp/run.log | tail -40; fail "delay $1: the primary nest never shrank after the load stopped"; }
    awk -v s="$shrunk" -v b="$3" 'BEGIN { exit !(s <= b) }' || fail "delay $1: the nest shrank only after ${shrunk} s"
    [ "$demoted" -ge 1 ] || fail "delay $1: no core was demoted by its timer"
    [ "$2" = 0 ] || [ "$emin" -ge "$full" ] || fail "delay $1: the nest shrank to $emin CPUs before the delay had passed"
    grep -q "timer_errors=0 " /tmp/run.log || fail "delay $1: timer errors counted"
}

compaction 500000 0.3 3.5
echo "ok: cores stay in the nest until the 0.5 s delay has passed, then leave"
compaction 2000 0 0.5
echo "ok: with the default 2 ms delay idle cores leave the nest at once"
