#!/bin/sh
# vm: cpus=4 timeout=900
# churn: cgroup and task churn without leaks, for every scheduler. Under each one in turn:
# CHURN_CGROUPS (1000) cgroups are created, each gets a short task that joins it, and is removed
# when the task is gone, 16 at a time; then CHURN_TASKS (50,000) short-lived tasks come and go (4 in
# 5 processes, 1 in 5 threads, 16 alive at a time). tools/vm/workloads/scxx-spawn does both. Before and after, `scx-ctl maps` counts the entries of every BPF map of the
# scheduler (hash keys; task storage by probing every live thread). After the churn:
#   - hash maps (pair's cgroup table) are back at their baseline within 10 s (cgroups are torn down
#     asynchronously after rmdir);
#   - task storage: the entries on live threads change by no more than the live threads did (the
#     census can only see live threads; an entry that outlived its task would show as slab growth);
#   - kernel slab memory, after dropping the reclaimable caches, grew by less than SLAB_SLACK_KB
#     (some growth is normal; an entry per churned task or cgroup left behind would exceed it);
#   - the scheduler was never ejected (enable_seq unchanged, state enabled) and detaches cleanly.
# Prints one "leak counts" line per scheduler.
. /lib/scxx.sh

CHURN_CGROUPS=${CHURN_CGROUPS:-1000}
CHURN_TASKS=${CHURN_TASKS:-50000}
SLAB_SLACK_KB=${SLAB_SLACK_KB:-16384}
P=/sys/fs/cgroup/churn
pid=""

cleanup() {
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    remove_cgroups "$P"
}
trap cleanup EXIT

cpu_cgroup_parent "$P"

# census FILE: `scx-ctl maps` into FILE ("NAME TYPE ENTRIES MAX HOW..." rows after two header lines).
census() { scx-ctl maps > "$1" 2>&1 || { cat "$1"; fail "scx-ctl maps failed"; }; }
# entries FILE MAP: the entries column of MAP.
entries() { awk -v m="$2" 'NR > 2 && $1 == m { print $3 }' "$1"; }
# counted FILE HOW: the maps counted by HOW ("keys" or "live"), one name per line.
counted() { awk -v h="$2" 'NR > 2 && $5 == h { print $1 }' "$1"; }
threads() { sed -n 's/.*threads probed: \([0-9]*\).*/\1/p' "$1"; }
slab_kb() { sync; echo 3 > /proc/sys/vm/drop_caches; awk '/^Slab:/ { print $2 }' /proc/meminfo; }

churn_cgroups() {
    scxx-spawn --cgroups $P "$CHURN_CGROUPS" 16 || fail "cgroup churn failed"
    for d in $P/s*; do [ -d "$d" ] && fail "cgroup $d was left behind"; done
    return 0
}

churn_tasks() {
    threads_n=$((CHURN_TASKS / 5))
    scxx-spawn $((CHURN_TASKS - threads_n)) 16 || fail "process churn failed"
    scxx-spawn "$threads_n" 16 --threads || fail "thread churn failed"
}

for s in simple pair nest lavd; do
    echo "=== $s"
    seq_before=$(enable_seq)
    scx-run --sched "$s" > /tmp/$s.log 2>&1 &
    pid=$!
    wait_enabled_since "$seq_before" 120 || { cat /tmp/$s.log; fail "$s never enabled"; }
    seq=$ENABLED_SEQ
    sleep 1
    census /tmp/$s.before
    cat /tmp/$s.before
    slab0=$(slab_kb)

    t0=$(date +%s)
    churn_cgroups
    t1=$(date +%s)
    churn_tasks
    t2=$(date +%s)
    echo "$s: $CHURN_CGROUPS cgroups in $((t1 - t0)) s, $CHURN_TASKS tasks in $((t2 - t1)) s"

    [ "$(scx_state)" = enabled ] && [ "$(enable_seq)" = "$seq" ] && kill -0 $pid 2>/dev/null \
        || { cat /tmp/$s.log; dump_scx; fail "$s was ejected during the churn"; }

    # Hash maps back at baseline (cgroup teardown is asynchronous: up to 10 s).
    n=0
    while :; do
        census /tmp/$s.after
        diff=""
        for m in $(counted /tmp/$s.before keys); do
            [ "$(entries /tmp/$s.after $m)" = "$(entries /tmp/$s.before $m)" ] || diff="$diff $m"
        done
        [ -z "$diff" ] && break
        n=$((n + 1))
        [ $n -lt 20 ] || { cat /tmp/$s.before /tmp/$s.after; fail "$s: map(s)$diff not back at baseline after 10 s"; }
        usleep 500000
    done
    cat /tmp/$s.after
    slab1=$(slab_kb)

    counts=""
    for m in $(counted /tmp/$s.before keys) $(counted /tmp/$s.before live); do
        counts="$counts $m=$(entries /tmp/$s.before $m)->$(entries /tmp/$s.after $m)"
    done
    th0=$(threads /tmp/$s.before); th1=$(threads /tmp/$s.after)
    echo "leak counts $s:$counts threads=${th0:-?}->${th1:-?} slab_kb=$slab0->$slab1"
    for m in $(counted /tmp/$s.before live); do
        b=$(entries /tmp/$s.before $m); a=$(entries /tmp/$s.after $m)
        [ -n "$a" ] && [ -n "$b" ] && [ "$a" != - ] || fail "$s: no entry count for $m"
        grow=$((th1 - th0))
        grep -q "^$m .* live cgroups" /tmp/$s.before && grow=0  # cgroups: the churned ones are all gone
        [ $((a - b)) -le $(( grow > 0 ? grow : 0 )) ] \
            || fail "$s: $m holds $((a - b)) more entries after the churn (allowed $grow)"
    done
    [ $((slab1 - slab0)) -lt "$SLAB_SLACK_KB" ] || fail "$s: slab memory grew by $((slab1 - slab0)) kB (limit $SLAB_SLACK_KB)"
    echo "ok: $s: no map growth, slab +$((slab1 - slab0)) kB"

    detach_cleanly $pid /tmp/$s.log
    pid=""
done
echo "ok: churn under every scheduler without leaks"
