#!/bin/sh
# soak: the guest side of tools/soak (the VM scenario "soak"). Runs one scheduler under the mixed
# workload of /soak/mix.sh (tools/soaking/mix.sh) for a fixed time, samples it every interval, stops
# it all and accounts for every process; the raw record goes to $SCXX_OUT line by line (the format is
# in tools/soaking/results.py, which judges it). Progress goes to the console as SOAK lines.
# Kernel command line (set by tools/soak):
#   scxx.soak_sched=NAME    the scheduler: scx-run --sched NAME --stats INTERVAL, its control socket
#                           at the default path (scx-ctl status every interval)
#   scxx.soak_secs=N        guest seconds the scheduler runs under the mix
#   scxx.soak_interval=N    guest seconds between samples (default 10)
# Exit status: 0 when the soak ran to its end (what it found is judged on the host), 1 when it
# could not run (the scheduler never enabled).
. /lib/scxx.sh
. /soak/mix.sh

out=${SCXX_OUT:?"no --out port (SCXX_OUT)"}
sched=${SCXX_SOAK_SCHED:?"no scxx.soak_sched"}
secs=${SCXX_SOAK_SECS:?"no scxx.soak_secs"}
interval=${SCXX_SOAK_INTERVAL:-10}
emit() { printf '%s\n' "$*" >> "$out"; }
now() { scxx-clock now; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
runner_log() { sed 's/^/@runlog /' /tmp/scx-run.log >> "$out"; }

emit "@boot kernel=$(uname -r) cpus=$(nproc) sched=$sched secs=$secs interval=$interval"
seq_before=$(enable_seq)
scx-run --sched "$sched" --stats "$interval" > /tmp/scx-run.log 2>&1 < /dev/null &
runner=$!
if ! wait_enabled_since "$seq_before" 120; then
    cat /tmp/scx-run.log; dump_scx; runner_log
    emit "@error $sched never enabled"
    fail "$sched never enabled"
fi
seq0=$ENABLED_SEQ
emit "@attach enable_seq=$seq0 rss_kb=$(rss_kb $runner)"

# The workers' own limit: the run's end plus 10 minutes, within scxx-latency's 86400 s at most (the
# workers are stopped at the end anyway).
life=$((secs + 600)); [ "$life" -le 86400 ] || life=86400
mix_start "$life"
t0=$(now)
while :; do
    # the next multiple of the interval (a slow sample skips ticks rather than piling them up)
    at=$((($(now) - t0) / 1000000000 / interval * interval + interval)); [ "$at" -gt "$secs" ] && at=$secs
    wait_ns=$((t0 + at * 1000000000 - $(now)))
    [ "$wait_ns" -gt 0 ] && usleep $((wait_ns / 1000))
    t=$((($(now) - t0) / 1000000000))
    if _mix_alive "$runner"; then alive=alive; else alive=gone; fi
    ctl=ok; scx-ctl --json status > /dev/null 2>&1 || ctl=fail
    mix_sample
    rss=$(rss_kb $runner) state=$(scx_state)
    emit "@sample t=$t state=$state enable_seq=$(enable_seq) runner=$alive rss_kb=$rss ctl=$ctl $MIX_SAMPLE"
    echo "SOAK $sched t=$t/$secs state=$state rss_kb=$rss ctl=$ctl ${MIX_SAMPLE%% progress=*}"
    [ "$at" -ge "$secs" ] && break
done

emit "@stopping elapsed_ns=$(($(now) - t0)) state=$(scx_state) enable_seq=$(enable_seq) runner_exits=$(grep -c '^exit:' /tmp/scx-run.log)"
[ -r "$SCX_SYSFS/root/events" ] && emit "@events $(tr '\n' ' ' < "$SCX_SYSFS/root/events")"
st=$(scx-ctl --json status 2>&1) && emit "@status $st"
mix_stop >> "$out"
stop_within "$runner" INT 60; rc=$?
wait_scx_state disabled 30 > /dev/null
emit "@detach rc=$rc state=$(scx_state)"
runner_log
dmesg | grep 'sched_ext' | sed 's/^/@dmesg /' >> "$out"
emit "@done"
echo "soak: $sched ran ${secs}s under the mix; scx-run exited $rc"
