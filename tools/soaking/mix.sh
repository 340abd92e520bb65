# shellcheck shell=sh
# mix.sh: the soak's mixed workload (/soak/mix.sh in the VM; sourced by the soak scenario after
# /lib/scxx.sh). Every process of the mix is a named worker that keeps an iteration counter in
# $MIX_DIR/NAME.count (scxx-soakwork, scxx-latency with SCXX_LATENCY_PROGRESS) and prints one final
# line to $MIX_DIR/NAME.out when it is stopped. The workers, on the VM's CPUs:
#   hog-1..4        CPU hogs, two in cgroup soak-a (cpu.weight 100), two in soak-b (cpu.weight 300)
#   ping-1, ping-2  one-byte pipe ping-pong with a partner process each
#   fork-1, fork-2  fork + exec /bin/true + wait, in a loop
#   sleep-1ms, sleep-10ms, sleep-100ms   sleepers
#   moved-hog, moved-sleep   a hog and a 5 ms sleeper that cgmove moves between soak-a and soak-b
#   cgmove          the mover: both of them, every 500 ms
#   latency         scxx-latency 10000 1000: wakes every 10 ms, runs 1 ms, measures how late it woke
# Functions:
#   mix_start SECS        start them all (SECS caps the latency task; mix_stop ends it sooner)
#   mix_sample            sets MIX_SAMPLE="dead=N,N stuck=N,N progress=N:COUNT,..." ("-" for none):
#                         dead = exited or zombie, stuck = counter unchanged since the previous sample
#   stop_within PID SIG SECS   signal a process, SIGKILL it after SECS, wait for it
#   mix_stop              SIGTERM to every worker (the mover first), wait, one line per worker on
#                         stdout: "@final name=N kind=K rc=RC iterations=I failed=F reported=0|1"
#                         and the latency task's "@latency n=... p50_us=... p99_us=... max_us=..."
MIX_DIR=/tmp/soak
MIX_CG=/sys/fs/cgroup

# _mix_worker NAME KIND CGROUP CMD...: CMD in cgroup CGROUP ("." = the root), output to NAME.out;
# its counter file exists (8 zero bytes) before it starts.
_mix_worker() {
    _n=$1 _k=$2 _c=$3; shift 3
    head -c 8 /dev/zero > "$MIX_DIR/$_n.count"
    in_cgroup "$MIX_CG/${_c#.}" "$@" > "$MIX_DIR/$_n.out" 2>&1
    echo "$_n $! $_k" >> "$MIX_DIR/workers"
}

_mix_soakwork() { _mix_worker "$1" "$2" "$3" scxx-soakwork "$MIX_DIR/$1.count" "$2" ${4:+"$4"}; }

mix_start() {
    rm -rf "$MIX_DIR"; mkdir -p "$MIX_DIR"; : > "$MIX_DIR/workers"
    grep -qw cpu "$MIX_CG/cgroup.controllers" && echo +cpu > "$MIX_CG/cgroup.subtree_control"
    for _g in soak-a soak-b; do mkdir -p "$MIX_CG/$_g"; done
    [ -e "$MIX_CG/soak-a/cpu.weight" ] && echo 100 > "$MIX_CG/soak-a/cpu.weight" && echo 300 > "$MIX_CG/soak-b/cpu.weight"
    _mix_soakwork hog-1 hog soak-a
    _mix_soakwork hog-2 hog soak-a
    _mix_soakwork hog-3 hog soak-b
    _mix_soakwork hog-4 hog soak-b
    _mix_soakwork ping-1 pingpong .
    _mix_soakwork ping-2 pingpong .
    _mix_soakwork fork-1 forkexec .
    _mix_soakwork fork-2 forkexec .
    _mix_soakwork sleep-1ms sleep . 1000
    _mix_soakwork sleep-10ms sleep . 10000
    _mix_soakwork sleep-100ms sleep . 100000
    _mix_soakwork moved-hog hog soak-a
    _moved=$!
    _mix_soakwork moved-sleep sleep soak-b 5000
    _moved="$_moved $!"
    # shellcheck disable=SC2086 # the pids are words
    _mix_worker cgmove cgmove . scxx-soakwork "$MIX_DIR/cgmove.count" cgmove 500 "$MIX_CG/soak-a" "$MIX_CG/soak-b" $_moved
    _mix_worker latency latency . env SCXX_LATENCY_PROGRESS="$MIX_DIR/latency.count" \
        scxx-latency 10000 1000 "$1" soak-latency
}

# _mix_alive PID: the process exists and is not a zombie (builtins only: no fork per worker).
_mix_alive() {
    { read -r _s < "/proc/$1/stat"; } 2>/dev/null || return 1
    _s=${_s##*) }
    [ "${_s%% *}" != Z ]
}

# mix_sample: sets MIX_SAMPLE; the previous counters are kept in MIX_PREV_<index>. One od reads every
# counter (each file is 8 bytes, created before its worker started); the rest are shell builtins, so
# a sample costs the loaded guest little.
mix_sample() {
    _dead="" _stuck="" _prog="" _i=0
    # shellcheck disable=SC2046 # one word per file
    od -An -tu8 -w8 -v $(while read -r _n _p _k; do echo "$MIX_DIR/$_n.count"; done < "$MIX_DIR/workers") \
        > "$MIX_DIR/counts"
    exec 4< "$MIX_DIR/counts"
    while read -r _n _p _k; do
        read -r _v <&4
        _i=$((_i + 1))
        _was=0
        eval "_was=\${MIX_PREV_$_i:-0}; MIX_PREV_$_i=\$_v"
        if ! _mix_alive "$_p"; then _dead="$_dead,$_n"
        elif [ "$_v" = "$_was" ]; then _stuck="$_stuck,$_n"
        fi
        _prog="$_prog,$_n:$_v"
    done < "$MIX_DIR/workers"
    exec 4<&-
    _dead=${_dead#,} _stuck=${_stuck#,}
    # shellcheck disable=SC2034 # read by the scenario
    MIX_SAMPLE="dead=${_dead:--} stuck=${_stuck:--} progress=${_prog#,}"
}

# stop_within PID SIGNAL SECS: send SIGNAL, give the process SECS to end, then SIGKILL; waits for
# it and returns its exit status (137 when it had to be killed).
stop_within() {
    kill -"$2" "$1" 2>/dev/null
    _t=$(($3 * 10))
    while [ "$_t" -gt 0 ] && _mix_alive "$1"; do usleep 100000; _t=$((_t - 1)); done
    _mix_alive "$1" && kill -KILL "$1" 2>/dev/null
    wait "$1"
}

# _mix_final NAME PID KIND: stop one worker (SIGTERM, 30 s), wait for it, its @final line.
_mix_final() {
    stop_within "$2" TERM 30; _rc=$?
    _line=$(grep -E '^scxx-(soakwork: kind=|latency: n=)' "$MIX_DIR/$1.out" | tail -n 1)
    _it=$(echo "$_line" | sed -n 's/.* iterations=\([0-9]*\).*/\1/p; s/^scxx-latency: n=\([0-9]*\).*/\1/p')
    _f=$(echo "$_line" | sed -n 's/.* failed=\([0-9]*\).*/\1/p')
    echo "@final name=$1 kind=$3 rc=$_rc iterations=${_it:-0} failed=${_f:-0} reported=$([ -n "$_line" ] && echo 1 || echo 0)"
    [ "$3" = latency ] && [ -n "$_line" ] && echo "@latency ${_line#scxx-latency: }"
    if [ "$_rc" != 0 ] || [ -z "$_line" ]; then sed "s/^/@workerlog $1: /" "$MIX_DIR/$1.out"; fi
    return 0
}

mix_stop() {
    while read -r _n _p _k; do [ "$_n" = cgmove ] && _mix_final "$_n" "$_p" "$_k"; done < "$MIX_DIR/workers"
    while read -r _n _p _k; do [ "$_n" = cgmove ] || _mix_final "$_n" "$_p" "$_k"; done < "$MIX_DIR/workers"
}
