#!/bin/sh
# vm: cpus=4 timeout=120
# nest-compaction: cores leave the primary nest once they have been idle for the compaction delay,
# not before. Four nearly busy tasks (90% of every 1.9 ms: they wake up all the time, so their cores
# join the primary nest; a hog that never sleeps keeps whatever core it forked onto) fill the primary
# nest; then they are stopped (SIGSTOP: asleep, not dead,
# so no eager demotion) and the primary nest sampled every 20 ms (nr_primary) is followed in scx-run's
# stats (every 0.1 s; the nest "under load" is the larger of the samples just before and after the stop). Nothing is started or
# exits while the cores idle: a task that dies on a primary core demotes it at once (eagerly),
# which would hide the timers. Run with --delay-us 500000, so "not
# before" is observable, and with the default 2000.
. /lib/scxx.sh

hogs=""
pid=""
cleanup() { [ -n "$hogs" ] && kill -KILL $hogs 2>/dev/null; [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; }
trap cleanup EXIT

# compaction DELAY_US EARLY_S SHRINK_BY_S MIN_FULL: the load runs until the primary nest holds at
# least MIN_FULL CPUs, more than it keeps idle (with a 0.5 s delay scx-run's own sampling keeps
# about 2 there, with 2 ms 0 or 1), so that it can be seen to shrink. After the stop the nest must
# keep all its CPUs for the first EARLY_S seconds (0: not checked), have shrunk by SHRINK_BY_S, with
# the demotions counted by the timer callbacks, and from then on be back at its size under load only
# while a core promoted or used since is within its delay: a wake-up on a core outside the nest (the
# sampling itself, and on PREEMPT_RT per-CPU kernel threads on sched_ext) promotes it, counted in
# promoted_to_primary, one on a nest core waiting for its compaction calls that off (counted in
# cancelled_compaction: its delay starts again when it next idles), and either core may stay for
# DELAY + 0.3 s (the timer, and the stats line sampled up to 0.1 s late); a use explains one core
# above the nest's smallest size since it first shrank, no more (the count does not say which
# core). At least 85% of the samples after the first shrink must be smaller or so explained (the
# nest back at full size with no core promoted or used behind it fails), and at least 25% smaller
# (activity that refills the nest all the time fails too).
compaction() {
    : > /tmp/run.log
    scx-run --sched nest --delay-us "$1" --stats 0.1 --sampling-ms 20 >> /tmp/run.log 2>&1 &
    pid=$!
    wait_scx_state enabled 20 || { cat /tmp/run.log; fail "nest never enabled"; }
    hogs=""
    for i in 1 2 3 4; do scxx-duty 1900 90 60 & hogs="$hogs $!"; done
    # At least 2 s of load, and until the primary nest holds MIN_FULL CPUs (nest packs the tasks:
    # some may run on reserve cores, not promoted, for a while).
    sleep 2
    tries=0
    until n=$(stat_last /tmp/run.log nr_primary) && [ "$n" -ge "$4" ]; do
        tries=$((tries + 1))
        [ "$tries" -le 40 ] || { tail -20 /tmp/run.log; fail "delay $1: after 2 s and 40 more looks 4 busy tasks filled only ${n:-no} CPUs of the primary nest (want >= $4)"; }
        sleep 0.2
    done
    echo "MARK-STOP" >> /tmp/run.log   # builtins only from here until the sleep below ends
    kill -STOP $hogs
    sleep 4
    echo "MARK-END" >> /tmp/run.log    # killing the hogs wakes them: later samples do not count
    # the load is gone (reaped) before the scheduler detaches. Not run on 7.3-rt, where this detach
    # hung (see tests/vm/meson.build).
    kill -KILL $hogs; wait $hogs 2>/dev/null; hogs=""
    kill -TERM "$pid"; wait "$pid" || { cat /tmp/run.log; fail "delay $1: scx-run failed"; }
    pid=""
    # The stats lines before the stop, and those between the stop and the end (lib/scxx.sh's parser).
    sed '/^MARK-STOP/,$d' /tmp/run.log > /tmp/pre.log
    sed -n '/^MARK-STOP/,/^MARK-END/p' /tmp/run.log > /tmp/post.log
    pre=$(stat_last /tmp/pre.log nr_primary) || { cat /tmp/run.log; fail "delay $1: no stats line before the stop"; }
    c0=$(stat_last /tmp/pre.log callback_compacted) || fail "delay $1: no callback_compacted before the stop"
    stat_all /tmp/post.log t nr_primary callback_compacted promoted_to_primary cancelled_compaction > /tmp/post.tab ||
        { tail -20 /tmp/run.log; fail "delay $1: no usable stats lines after the stop"; }
    # The primary nest's size in every snapshot after the stop, timed from the first one (whose
    # counters are the baseline: the load was still stopping). A sample is explained when the nest
    # is smaller than under load, when a core was promoted within the last DELAY + 0.3 s ("+" in
    # the trace), or when a nest core was used within that time (a compaction cancelled, "*") and
    # the nest is at most one core above its smallest size since it first shrank: the count does
    # not say which core, and the cores scx-run's own sampling keeps busy are used all the time.
    awk -v early="$2" -v pre="$pre" -v c0="$c0" -v hold="$(( $1 / 1000 + 300 ))" '
        NR == 1 { t0 = $1; full = $2 + 0 > pre + 0 ? $2 : pre; prom = $4 + 0; canc = $5 + 0 }
        { dt = $1 - t0; n = $2 + 0; c1 = $3
          if ($4 + 0 > prom) { last_prom = dt; prom = $4 + 0 }
          if ($5 + 0 > canc) { last_use = dt; canc = $5 + 0 }
          promoted = last_prom != "" && (dt - last_prom) * 1000 <= hold
          used = last_use != "" && (dt - last_use) * 1000 <= hold
          trace = trace sprintf(" %.1f:%d%s", dt, n, promoted ? "+" : used ? "*" : "")
          if (dt <= early && (emin == "" || n < emin)) emin = n
          if (shrunk == "" && n < full) { shrunk = dt; low = n }
          if (shrunk != "") {
              if (n < low) low = n
              after++
              if (n < full || promoted || (used && n <= low + 1)) explained++
              if (n < full) smaller++ } }
        END { printf "full=%d early_min=%s explained_pct=%d smaller_pct=%d shrunk_at=%s demoted=%d trace=%s\n",
                     full, emin == "" ? "-" : emin, after ? 100 * explained / after : 0,
                     after ? 100 * smaller / after : 0, shrunk == "" ? "never" : shrunk, c1 - c0, trace }
    ' /tmp/post.tab > /tmp/result
    read -r full emin explained smaller shrunk demoted trace < /tmp/result
    full=${full#full=}; emin=${emin#early_min=}; explained=${explained#explained_pct=}
    smaller=${smaller#smaller_pct=}; shrunk=${shrunk#shrunk_at=}; demoted=${demoted#demoted=}
    echo "RESULT delay ${1} us: primary nest $full CPUs under load; after the stop (s:CPUs, + within a promotion's delay, * within a use's)${trace#trace=};" \
         "first smaller at ${shrunk} s, from then on smaller in ${smaller}% of the samples, smaller or so explained in ${explained}%; demoted by timers: $demoted"
    [ "$full" -ge "$4" ] || { tail -20 /tmp/run.log; fail "delay $1: the primary nest held $4 CPUs under load, then only $full as the load stopped (want >= $4)"; }
    # Idle cores stay out: a core back in the nest must have been promoted or used within its delay.
    [ "$shrunk" != never ] || { grep -A12 MARK-STOP /tmp/run.log | tail -40; fail "delay $1: the primary nest never shrank after the load stopped"; }
    [ "$explained" -ge 85 ] || { grep -A12 MARK-STOP /tmp/run.log | tail -40; fail "delay $1: after it first shrank the primary nest was neither smaller nor just promoted or used in $((100 - explained))% of the samples (want <= 15%; trace above)"; }
    [ "$smaller" -ge 25 ] || { grep -A12 MARK-STOP /tmp/run.log | tail -40; fail "delay $1: after it first shrank the primary nest was smaller in only ${smaller}% of the samples (want >= 25%)"; }
    awk -v s="$shrunk" -v b="$3" 'BEGIN { exit !(s <= b) }' || fail "delay $1: the nest shrank only after ${shrunk} s"
    [ "$demoted" -ge 1 ] || fail "delay $1: no core was demoted by its timer"
    [ "$2" = 0 ] || [ "$emin" -ge "$full" ] || fail "delay $1: the nest shrank to $emin CPUs before the delay had passed"
    # timer_errors is cumulative: the last stats line of the run (after the end mark) has them all.
    errors=$(stat_last /tmp/run.log timer_errors) || fail "delay $1: the last stats line has no timer_errors"
    [ "$errors" = 0 ] || fail "delay $1: timer errors counted: timer_errors=$errors in the last stats line"
}

compaction 500000 0.3 3.5 3
echo "ok: cores stay in the nest until the 0.5 s delay has passed, then leave"
compaction 2000 0 0.5 2
echo "ok: with the default 2 ms delay idle cores leave the nest at once"
