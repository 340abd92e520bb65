# shellcheck shell=sh
# /lib/scxx.sh: small helpers for VM scenarios (tests/vm/*.sh). Use with `. /lib/scxx.sh`.
# Installed by tools/vm/build-initramfs. POSIX sh (busybox ash).

SCX_SYSFS=/sys/kernel/sched_ext

# fail MESSAGE...: print "FAIL: MESSAGE" and exit 1 (the scenario fails).
fail() { echo "FAIL: $*"; exit 1; }

# check DESCRIPTION CMD [ARGS...]: run CMD; print "ok: DESCRIPTION" or fail.
check() {
    _d=$1; shift
    if "$@"; then echo "ok: $_d"; else fail "$_d"; fi
}

# scx_state: print /sys/kernel/sched_ext/state (enabled, disabled, enabling, disabling).
scx_state() { cat "$SCX_SYSFS/state" 2>/dev/null || echo missing; }

# scx_ops: name of the attached BPF scheduler, empty when none.
scx_ops() { cat "$SCX_SYSFS/root/ops" 2>/dev/null; }

# wait_scx_state STATE SECS: poll every 0.1 s until the state is STATE; 1 on timeout.
wait_scx_state() {
    _n=$(( $2 * 10 ))
    while [ "$_n" -gt 0 ]; do
        [ "$(scx_state)" = "$1" ] && return 0
        usleep 100000
        _n=$((_n - 1))
    done
    echo "wait_scx_state: still '$(scx_state)' after $2 s (wanted $1)"
    return 1
}

# dump_scx: sched_ext sysfs files, for diagnostics.
dump_scx() {
    for _f in state switch_all nr_rejected enable_seq hotplug_seq root/ops root/events; do
        [ -e "$SCX_SYSFS/$_f" ] && echo "$_f: $(tr '\n' ' ' < "$SCX_SYSFS/$_f")"
    done
    return 0
}

# in_cgroup DIR CMD...: run CMD in the background inside cgroup DIR (the child joins DIR, then execs
# CMD). Its pid is in $! and is remembered in SCXX_BG for kill_bg.
SCXX_BG=""
in_cgroup() {
    _cg=$1; shift
    sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$_cg" "$@" &
    SCXX_BG="$SCXX_BG $!"
}

# busy_snapshot FILE: "cpuN busy_ticks" per CPU from /proc/stat (user+nice+system+irq+softirq+steal),
# measured by the kernel independently of any sched_ext scheduler.
busy_snapshot() { awk '/^cpu[0-9]/ { print $1, $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat > "$1"; }

# shares BEFORE AFTER: each CPU's share of the busy time between two busy_snapshot files, one
# "cpuN PCT" a line, busiest first.
shares() {
    awk 'NR == FNR { b[$1] = $2; next } { d[$1] = $2 - b[$1]; t += d[$1] }
         END { for (c in d) printf "%s %.1f\n", c, t ? 100 * d[c] / t : 0 }' "$1" "$2" | sort -k2 -rn
}

# kill_bg [SIGNAL]: signal every in_cgroup process (default TERM), wait for them, forget them.
kill_bg() {
    for _p in $SCXX_BG; do kill -"${1:-TERM}" "$_p" 2>/dev/null; done
    for _p in $SCXX_BG; do wait "$_p" 2>/dev/null; done
    SCXX_BG=""
    return 0
}

# expect_error DESCRIPTION PATTERN CMD...: CMD must fail with exactly one line of output matching
# PATTERN (an extended regexp: write literal parentheses as \( \)) and leave sched_ext as it was
# (state disabled, no scheduler enabled meanwhile, nothing left in bpffs).
expect_error() {
    _d=$1; _pat=$2; shift 2
    _seq=$(cat "$SCX_SYSFS/enable_seq")
    "$@" > /tmp/expect_error.log 2>&1
    _rc=$?
    cat /tmp/expect_error.log
    [ "$_rc" -ne 0 ] || fail "$_d: exited 0"
    [ "$(wc -l < /tmp/expect_error.log)" -eq 1 ] || fail "$_d: error is not one line"
    grep -Eq -- "$_pat" /tmp/expect_error.log || fail "$_d: message does not match /$_pat/"
    [ "$(scx_state)" = disabled ] || fail "$_d: state is $(scx_state) afterwards"
    [ "$(cat "$SCX_SYSFS/enable_seq")" = "$_seq" ] || fail "$_d: a scheduler was enabled"
    [ -z "$(ls /sys/fs/bpf)" ] || fail "$_d: bpffs has leftovers: $(ls /sys/fs/bpf)"
    echo "ok: $_d (exit $_rc)"
}

# detach_cleanly PID LOG: SIGTERM the scx-run PID (its output in LOG); it must exit 0, leave state
# disabled and report "unregistered from user space". Prints LOG on failure.
detach_cleanly() {
    kill -TERM "$1"
    wait "$1"; _rc=$?
    [ "$_rc" -eq 0 ] || { cat "$2"; fail "scx-run exited $_rc after SIGTERM, want 0"; }
    wait_scx_state disabled 10 || { cat "$2"; fail "state not disabled after SIGTERM"; }
    grep -q "unregistered from user space" "$2" || { cat "$2"; fail "exit report does not say unregistered from user space"; }
    echo "ok: clean detach"
}

# expect_second_refused NAME: while NAME is attached, another `scx-run --sched NAME` must fail with
# one line that says "already attached" and names NAME, and leave NAME enabled.
expect_second_refused() {
    if scx-run --sched "$1" > /tmp/second.log 2>&1; then fail "second scx-run succeeded"; fi
    cat /tmp/second.log
    grep -q "already attached: $1" /tmp/second.log || fail "second scx-run: no 'already attached: $1'"
    [ "$(wc -l < /tmp/second.log)" -eq 1 ] || fail "second scx-run: error is not one line"
    [ "$(scx_state)" = enabled ] || fail "second scx-run disturbed the attached scheduler"
    echo "ok: second scx-run refused"
}
