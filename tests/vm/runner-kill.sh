#!/bin/sh
# vm: cpus=2 timeout=600
# runner-kill: killed and restarted runners, for every scheduler (simple pair nest lavd) in one boot,
# with a workload running throughout (a ticker and a bursty worker, each writing a progress counter).
# Per scheduler:
#  a) SIGKILL of an attached scx-run: the kernel disables the scheduler within 10 s and logs
#     "unregistered from user space"; every workload process is alive and still progressing; the
#     kernel's BPF objects (progs, struct_ops progs, maps, links, BTF: scxx-bpfstat --count) are back
#     at their count before the runner; /sys/fs/bpf is empty; /run/scxx keeps only what a SIGKILL
#     cannot remove (the stale socket, --metrics-file and its temporary; listed);
#  d) ten attach/detach cycles (start, enabled, SIGTERM, clean exit, disabled): cycle 1 is the
#     restart after the SIGKILL (it must attach within the bound, replacing the stale socket), and
#     after it /run/scxx must be gone (socket, metrics file, directory); after cycles 1 and 10 the
#     "leak counts" are printed: BPF objects, bpffs entries, /run/scxx entries, MemAvailable, free
#     pages in the per-CPU lists, Slab, Percpu; any growth in the counts, or memory growth beyond the
#     tolerances below, fails;
#  b) SIGKILL during the load: scxx-killwhen kills scx-run once it holds half of the BPF programs it
#     holds when attached (or when the kernel starts enabling); the phase hit is printed and must be
#     "loading"; enable_seq must not move; the BPF objects go back to their count, bpffs stays empty;
#  c) OOM: scx-run attaches in the root cgroup, then moves into a cgroup whose memory.max is a few
#     pages above its usage there (a move takes no charges along); four oversized control requests
#     make it allocate, and the memcg OOM killer kills it (dmesg names scx-run, memory.events counts
#     one oom_kill); then the checks of a). Its BPF maps stay charged to the root cgroup. Had it
#     loaded inside the limited cgroup, they would be charged there: the scheduler's task storage,
#     allocated at every fork in the system, fails while that cgroup is at its limit, and forks
#     fail with ENOMEM until the scheduler is gone (seen with pair: a workload shell died). The
#     OOM report's stack dump is a warning-level Call Trace: the console log level hides warnings
#     until the runner is dead, and the scenario checks that kernel window itself (one Call Trace
#     per OOM report, no WARNING or BUG);
#  then a last scx-run attaches at once and detaches cleanly, and /run/scxx is gone.
# The attach bound ("at once") is ATTACH_S seconds; the times are printed.
. /lib/scxx.sh

SCHEDS=${SCXX_SCHEDS:-simple pair nest lavd}
RUN=/run/scxx
PROM=$RUN/metrics.prom
CG=/sys/fs/cgroup/runner-oom
ATTACH_S=30          # a new runner must be enabled within this (1-9 s seen under TCG on a busy host)
DISABLE_S=10         # the kernel must disable a killed runner's scheduler within this
SETTLE_S=20          # BPF objects of a dead runner must be freed within this (RCU, deferred frees)
# Cycle 1 -> 10, the most each may move (kB). Seen on 7.2/7.3: MemAvailable + pcp_free dropped
# -0.1..+0.6 MB (MemAvailable alone up to 4.1 MB: the per-CPU lists swing), Slab -0.2..+0.4 MB,
# Percpu 0; over 25 pair cycles the drop slows to ~20 kB a cycle (caches warming). 4 MB catches a
# leak of ~450 kB a cycle.
TOL_AVAIL_KB=4096    # MemAvailable + free pages in the per-CPU lists: the largest drop
TOL_SLAB_KB=2048     # Slab: the largest growth
TOL_PERCPU_KB=512    # Percpu: the largest growth

pid=""
LOAD=""
cleanup() {
    [ -n "${PRINTK:-}" ] && echo "$PRINTK" > /proc/sys/kernel/printk
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    for p in $LOAD; do kill -KILL "$p" 2>/dev/null; done
    rmdir "$CG" 2>/dev/null
    return 0
}
trap cleanup EXIT

QUIET=""             # set: the ok lines of attached/detach/settle_bpf are not printed (the cycles)
ok() { [ -n "$QUIET" ] || echo "ok: $*"; }
now_ms() { echo $(( $(scxx-clock now) / 1000000 )); }

# wait_state STATE SECS: poll every 50 ms; prints the ms it took, or fails.
wait_state() {
    _t0=$(now_ms)
    _n=$(( $2 * 20 ))
    while [ "$(scx_state)" != "$1" ]; do
        [ "$_n" -gt 0 ] || return 1
        usleep 50000
        _n=$((_n - 1))
    done
    echo $(( $(now_ms) - _t0 ))
}

# --- what the kernel and the filesystems hold ------------------------------------------------------
bpf_counts() { scxx-bpfstat --count || fail "scxx-bpfstat --count failed"; }
pins() { ls -A /sys/fs/bpf | wc -l; }
run_entries() { [ -e "$RUN" ] && find "$RUN" | wc -l || echo 0; }
run_list() { [ -e "$RUN" ] && find "$RUN" | tr '\n' ' ' || echo "(no $RUN)"; }
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }

# settle_bpf BASELINE WHAT: wait until scxx-bpfstat --count prints BASELINE again.
settle_bpf() {
    _n=$((SETTLE_S * 10))
    while :; do
        _c=$(bpf_counts)
        [ "$_c" = "$1" ] && { ok "$2: BPF objects back to $_c"; return 0; }
        [ "$_n" -gt 0 ] || fail "$2: BPF objects $_c, before the runner $1 (after ${SETTLE_S} s)"
        usleep 100000
        _n=$((_n - 1))
    done
}

# running PID: PID exists and is not a zombie.
running() { [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* (.*) Z ' "/proc/$1/stat" 2>/dev/null; }

# prog_fds PID: the BPF programs PID holds open.
prog_fds() { ls -l "/proc/$1/fd" 2>/dev/null | grep -c 'anon_inode:bpf-prog'; }

# --- the workload: a ticker (sleep/wake) and a bursty worker, each writing a progress counter ------
start_load() {
    rm -f /tmp/wl.*
    ( n=0; while :; do n=$((n + 1)); echo $n > /tmp/wl.tick; usleep 20000; done ) &
    LOAD="$!"
    ( n=0; while :; do i=0; while [ $i -lt 100 ]; do i=$((i + 1)); done; n=$((n + 1)); echo $n > /tmp/wl.burst; usleep 20000; done ) &
    LOAD="$LOAD $!"
}
# counter FILE: its value (the writer truncates before it writes: retry an empty read).
counter() { while :; do _v=$(cat "$1" 2>/dev/null); [ -n "$_v" ] && { echo "$_v"; return; }; usleep 10000; done; }
# check_load WHAT: every workload process is alive and each counter moves within 2 s.
check_load() {
    for p in $LOAD; do kill -0 "$p" 2>/dev/null || fail "$1: workload process $p is gone"; done
    _a=$(counter /tmp/wl.tick); _b=$(counter /tmp/wl.burst)
    _n=0
    while :; do
        usleep 200000
        _a2=$(counter /tmp/wl.tick); _b2=$(counter /tmp/wl.burst)
        [ "$_a2" -gt "$_a" ] && [ "$_b2" -gt "$_b" ] && break
        _n=$((_n + 1))
        [ "$_n" -lt 10 ] || fail "$1: the workload stalled (tick $_a -> $_a2, burst $_b -> $_b2 in 2 s)"
    done
    echo "ok: $1: workload alive and progressing (tick $_a -> $_a2, burst $_b -> $_b2)"
}

# --- runners -------------------------------------------------------------------------------------
# start_run LOG: scx-run of $S in the background ($pid), stats every second, metrics file in
# /run/scxx; sets T_START.
start_run() {
    T_START=$(now_ms)
    scx-run --sched "$S" --stats 1 --metrics-file "$PROM" > "$1" 2>&1 &
    pid=$!
}
# attached WHAT LOG: the runner started by start_run is enabled within ATTACH_S; prints the time.
attached() {
    _ms=$(wait_state enabled $ATTACH_S) || { cat "$2"; fail "$1: not enabled within $ATTACH_S s"; }
    running "$pid" || { cat "$2"; fail "$1: scx-run exited"; }
    [ "$(scx_ops)" = "$S" ] || fail "$1: root/ops is '$(scx_ops)', not $S"
    ATTACH_MS=$(( $(now_ms) - T_START ))
    ok "$1: enabled ${ATTACH_MS} ms after the start"
}

# after_kill WHAT LOG RC: the checks after a runner died of SIGKILL (exit status RC, 137 wanted):
# disabled within DISABLE_S, the kernel says unregistered, the workload lives, nothing leaked.
after_kill() {
    [ "$3" = 137 ] || { cat "$2"; fail "$1: scx-run exit status $3, want 137 (SIGKILL)"; }
    _ms=$(wait_state disabled $DISABLE_S) || fail "$1: state '$(scx_state)' $DISABLE_S s after the kill"
    echo "ok: $1: state disabled ${_ms} ms after the runner died"
    dmesg | tail -n +"$((DMESG0 + 1))" | grep -q "\"$S\" disabled (unregistered from user space)" ||
        { dmesg | tail -n +"$((DMESG0 + 1))"; fail "$1: the kernel did not log '$S disabled (unregistered from user space)'"; }
    echo "ok: $1: kernel: $(dmesg | tail -n +"$((DMESG0 + 1))" | grep -o "BPF scheduler \"$S\" disabled.*" | tail -n 1)"
    check_load "$1"
    settle_bpf "$BASE" "$1"
    [ "$(pins)" = 0 ] || fail "$1: /sys/fs/bpf has $(ls -A /sys/fs/bpf)"
    stale_only "$1"
    echo "ok: $1: /sys/fs/bpf empty; left in $RUN: $(run_list)"
}

# stale_only WHAT: /run/scxx holds nothing but what a killed runner cannot remove: its socket, its
# metrics file and that file's temporary (a kill between its write and its rename).
stale_only() {
    [ -e "$RUN" ] || return 0
    for _f in $(ls -A "$RUN"); do
        case "$RUN/$_f" in
            "$RUN/control.sock" | "$PROM" | "$PROM.tmp") ;;
            *) fail "$1: unexpected $RUN/$_f" ;;
        esac
    done
}

# detach WHAT LOG: SIGTERM: exit status 0, state disabled, "unregistered from user space" in the exit
# report (lib/scxx.sh's detach_cleanly, without its output); then /run/scxx must be gone.
detach() {
    kill -TERM "$pid"
    wait "$pid"; _rc=$?
    pid=""
    [ "$_rc" = 0 ] || { cat "$2"; fail "$1: scx-run exited $_rc after SIGTERM, want 0"; }
    wait_state disabled $DISABLE_S > /dev/null || { cat "$2"; fail "$1: state '$(scx_state)' after SIGTERM"; }
    grep -q "unregistered from user space" "$2" || { cat "$2"; fail "$1: exit report does not say unregistered from user space"; }
    [ -e "$RUN" ] && fail "$1: $RUN still holds $(run_list) after a clean exit"
    ok "$1: clean exit, $RUN gone"
}

# pcp_kb: free pages parked in the per-CPU page lists (/proc/zoneinfo "count:"), in kB. MemAvailable
# leaves them out, and they swing by megabytes with the workload: the memory check adds them back.
pcp_kb() { awk '$1 == "count:" { s += $2 } END { print s * 4 }' /proc/zoneinfo; }

# leak_counts LABEL: one line of what could leak; sets LC_* for the comparison. Page cache and slab
# caches are dropped first, and deferred (RCU) frees get a second to finish.
leak_counts() {
    sync
    echo 3 > /proc/sys/vm/drop_caches
    sleep 1
    LC_BPF=$(bpf_counts); LC_PINS=$(pins); LC_RUN=$(run_entries)
    LC_AVAIL=$(meminfo MemAvailable); LC_PCP=$(pcp_kb); LC_SLAB=$(meminfo Slab); LC_PCPU=$(meminfo Percpu)
    echo "leak counts $S $1: $LC_BPF pins=$LC_PINS run=$LC_RUN MemAvailable=${LC_AVAIL}kB pcp_free=${LC_PCP}kB Slab=${LC_SLAB}kB Percpu=${LC_PCPU}kB"
}

# --- setup ---------------------------------------------------------------------------------------
grep -q ' /sys/fs/bpf bpf ' /proc/mounts || mount -t bpf bpf /sys/fs/bpf || fail "cannot mount bpffs"
[ "$(pins)" = 0 ] || fail "/sys/fs/bpf is not empty at the start: $(ls -A /sys/fs/bpf)"
grep -qw memory /sys/fs/cgroup/cgroup.controllers || fail "no memory controller in cgroup2"
echo +memory > /sys/fs/cgroup/cgroup.subtree_control || fail "cannot enable the memory controller"
mkdir -p "$CG" || fail "cannot make $CG"
[ "$(scx_state)" = disabled ] || fail "sched_ext state is $(scx_state) at the start"
PRINTK=$(awk '{ print $1 }' /proc/sys/kernel/printk)
BIG=$(head -c 120000 /dev/zero | tr '\0' a)   # a request line the runner reads whole before refusing it
start_load
T_ALL=$(now_ms)

for S in $SCHEDS; do
    T_SCHED=$(now_ms)
    echo "=== $S"
    BASE=$(bpf_counts)
    echo "BPF objects before $S: $BASE"
    [ -e "$RUN" ] && fail "$RUN exists before $S: $(run_list)"

    # a) SIGKILL of an attached runner under load.
    start_run /tmp/a.log
    attached "a) first start" /tmp/a.log
    stat_wait /tmp/a.log 1 20 || { cat /tmp/a.log; fail "a) no stats line"; }
    n=0
    until [ -e "$PROM" ]; do n=$((n + 1)); [ $n -lt 50 ] || fail "a) no metrics file $PROM"; usleep 100000; done
    NPROGS=$(prog_fds "$pid")
    [ "$NPROGS" -gt 0 ] || fail "a) scx-run holds no BPF program"
    echo "a) scx-run holds $NPROGS BPF programs; kernel: $(bpf_counts)"
    DMESG0=$(dmesg | wc -l)
    kill -KILL "$pid"
    wait "$pid"; rc=$?
    pid=""
    after_kill "a) SIGKILL while attached" /tmp/a.log "$rc"

    # d) ten attach/detach cycles; cycle 1 restarts after the SIGKILL.
    CYCLE_MS=""
    for c in 1 2 3 4 5 6 7 8 9 10; do
        what="d) cycle $c"
        [ "$c" = 1 ] && what="d) cycle 1, the restart after the SIGKILL"
        [ "$c" = 1 ] || QUIET=1
        start_run /tmp/d.log
        attached "$what" /tmp/d.log
        CYCLE_MS="$CYCLE_MS $ATTACH_MS"
        detach "d) cycle $c" /tmp/d.log
        QUIET=1
        if [ "$c" = 1 ] || [ "$c" = 10 ]; then
            settle_bpf "$BASE" "d) cycle $c"
            leak_counts "cycle $c"
            eval "C${c}_BPF=\$LC_BPF C${c}_PINS=\$LC_PINS C${c}_RUN=\$LC_RUN C${c}_AVAIL=\$((LC_AVAIL + LC_PCP))"
            eval "C${c}_SLAB=\$LC_SLAB C${c}_PCPU=\$LC_PCPU"
        fi
    done
    QUIET=""
    echo "ok: d) 10 cycles: enabled after (ms):$CYCLE_MS; each a clean exit with $RUN gone"
    [ "$C10_BPF" = "$C1_BPF" ] || fail "d) BPF objects: cycle 1 $C1_BPF, cycle 10 $C10_BPF"
    [ "$C10_PINS" = "$C1_PINS" ] || fail "d) bpffs entries: cycle 1 $C1_PINS, cycle 10 $C10_PINS"
    [ "$C10_RUN" = "$C1_RUN" ] || fail "d) $RUN entries: cycle 1 $C1_RUN, cycle 10 $C10_RUN"
    d_avail=$((C1_AVAIL - C10_AVAIL)); d_slab=$((C10_SLAB - C1_SLAB)); d_pcpu=$((C10_PCPU - C1_PCPU))
    echo "d) cycle 1 -> 10: MemAvailable+pcp_free dropped ${d_avail} kB (at most $TOL_AVAIL_KB), Slab grew ${d_slab} kB (at most $TOL_SLAB_KB), Percpu grew ${d_pcpu} kB (at most $TOL_PERCPU_KB)"
    [ "$d_avail" -le "$TOL_AVAIL_KB" ] || fail "d) MemAvailable+pcp_free dropped by $d_avail kB over 9 cycles"
    [ "$d_slab" -le "$TOL_SLAB_KB" ] || fail "d) Slab grew by $d_slab kB over 9 cycles"
    [ "$d_pcpu" -le "$TOL_PERCPU_KB" ] || fail "d) Percpu grew by $d_pcpu kB over 9 cycles"
    check_load "d) after 10 cycles"

    # b) SIGKILL during the load.
    SEQ=$(enable_seq)
    half=$(( (NPROGS + 1) / 2 ))
    start_run /tmp/b.log
    out=$(scxx-killwhen "$pid" "$half" 120000)
    krc=$?
    echo "b) $out"
    [ "$krc" = 0 ] || { cat /tmp/b.log; fail "b) the kill did not come before the scheduler was enabled"; }
    wait "$pid"; rc=$?
    pid=""
    case "$out" in *" phase=loading "*) ;; *) fail "b) the kill hit another phase than loading" ;; esac
    [ "$rc" = 137 ] || { cat /tmp/b.log; fail "b) scx-run exit status $rc, want 137"; }
    _ms=$(wait_state disabled $DISABLE_S) || fail "b) state '$(scx_state)' after the kill"
    [ "$(enable_seq)" = "$SEQ" ] || fail "b) enable_seq moved ($SEQ -> $(enable_seq)): the scheduler was enabled"
    echo "ok: b) killed while loading $half of $NPROGS programs: state disabled, enable_seq $SEQ unchanged"
    settle_bpf "$BASE" "b) SIGKILL during the load"
    [ "$(pins)" = 0 ] || fail "b) /sys/fs/bpf has $(ls -A /sys/fs/bpf)"
    stale_only "b)"
    echo "ok: b) /sys/fs/bpf empty; left in $RUN: $(run_list)"
    check_load "b) SIGKILL during the load"

    # c) OOM kill of the runner. It loads in the root cgroup (its BPF maps are charged there, so
    # the scheduler's own allocations, e.g. task storage at every fork, never hit the limit: see
    # the header), then moves into $CG with memory.max a few pages above its usage there (zero: a
    # move takes no charges along), and big control requests make it allocate: the memcg OOM
    # killer kills it in its own allocation.
    echo max > "$CG/memory.max"
    start_run /tmp/c.log
    attached "c) restart after the kill during the load" /tmp/c.log
    stat_wait /tmp/c.log 1 20 || { cat /tmp/c.log; fail "c) no stats line"; }
    echo "$pid" > "$CG/cgroup.procs" || fail "c) cannot move scx-run into $CG"
    cur=$(cat "$CG/memory.current")
    max=$(( (cur / 4096 + 4) * 4096 ))
    oom0=$(awk '$1 == "oom_kill" { print $2 }' "$CG/memory.events")
    DMESG0=$(dmesg | wc -l)
    echo "c) scx-run in $CG: memory.current=$cur -> memory.max=$max"
    echo 4 > /proc/sys/kernel/printk
    echo "$max" > "$CG/memory.max" || fail "c) cannot set memory.max"
    clients=""
    for i in 1 2 3 4; do scx-ctl raw "$BIG" > /dev/null 2>&1 & clients="$clients $!"; done
    n=0
    while running "$pid"; do
        n=$((n + 1))
        [ $n -lt 200 ] || { echo "$PRINTK" > /proc/sys/kernel/printk; cat /tmp/c.log; fail "c) scx-run still alive 20 s after memory.max=$max"; }
        usleep 100000
    done
    echo "$PRINTK" > /proc/sys/kernel/printk
    wait "$pid"; rc=$?
    for p in $clients; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    oom1=$(awk '$1 == "oom_kill" { print $2 }' "$CG/memory.events")
    dmesg | tail -n +"$((DMESG0 + 1))" > /tmp/c.dmesg
    grep -q "Killed process $pid (scx-run)" /tmp/c.dmesg || { cat /tmp/c.log; fail "c) dmesg has no OOM kill of scx-run ($pid)"; }
    [ "$oom1" = $((oom0 + 1)) ] || fail "c) memory.events oom_kill $oom0 -> $oom1, want one more"
    reports=$(grep -c "invoked oom-killer" /tmp/c.dmesg)
    traces=$(grep -c "Call Trace:" /tmp/c.dmesg)
    [ "$traces" -le "$reports" ] || fail "c) $traces Call Traces for $reports OOM reports in the kernel log"
    grep -qE "WARNING:|BUG:|Oops" /tmp/c.dmesg && fail "c) a kernel warning or worse during the OOM (see the kernel log dump)"
    echo "ok: c) OOM: $(grep -o "[^ ]* invoked oom-killer" /tmp/c.dmesg | head -n 1); $(grep -o "Killed process $pid (scx-run)[^,]*,[^,]*" /tmp/c.dmesg | head -n 1); oom_kill $oom0 -> $oom1"
    pid=""
    after_kill "c) OOM kill" /tmp/c.log "$rc"

    # The last restart: at once, and a clean exit leaves nothing.
    start_run /tmp/e.log
    attached "restart after the OOM kill" /tmp/e.log
    detach "restart after the OOM kill" /tmp/e.log
    settle_bpf "$BASE" "$S done"
    echo "=== $S passed in $(( $(now_ms) - T_SCHED )) ms"
done

check_load "the end"
for p in $LOAD; do kill -KILL "$p" 2>/dev/null; done
LOAD=""
echo "runner-kill: all schedulers ($SCHEDS) passed in $(( $(now_ms) - T_ALL )) ms"
