#!/bin/sh
# vm: cpus=4 timeout=400
# partial: `scx-run --partial` (SCX_OPS_SWITCH_PARTIAL) puts only SCHED_EXT tasks on the BPF scheduler,
# for each of simple, pair, nest and lavd. The kernel is the judge: /proc/PID/sched's "ext.enabled"
# line (1 while the task's class is sched_ext) and "policy" line, and /sys/kernel/sched_ext/switch_all.
#  - control, no scheduler attached: a SCHED_EXT busy loop runs on the fair class (ext.enabled 0);
#  - `scx-run --sched S --partial`: switch_all 0; a busy loop started by `scxx-sched -s ext` has
#    policy 7 and ext.enabled 1, a busy loop started by `scxx-sched -s normal` has policy 0 and
#    ext.enabled 0;
#  - `scx-run --sched S` (no --partial): switch_all 1, both loops have ext.enabled 1.
# In every case both loops run (se.sum_exec_runtime grows over 2 s and both are still alive then), and scx-run
# detaches cleanly. A kernel without the ext.enabled line fails the scenario, and so does an scx-run
# without --partial ("scx-run has no --partial option").
. /lib/scxx.sh

PIDS=""
pid=""
cleanup() { for p in $PIDS; do kill -KILL "$p" 2>/dev/null; done; [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; return 0; }
trap cleanup EXIT

scx-run --help 2>&1 | grep -q -- '--partial' || fail "scx-run has no --partial option"

# sched_field PID NAME: NAME's value in /proc/PID/sched ("NAME   :   VALUE"); fails when absent.
sched_field() {
    _v=$(sed -n "s/^$2 *: *//p" "/proc/$1/sched" 2> /dev/null)
    [ -n "$_v" ] || { echo "no '$2' line in /proc/$1/sched (kernel $(uname -r)):" >&2; cat "/proc/$1/sched" >&2; return 1; }
    echo "$_v"
}

# snap PID: "POLICY EXT_ENABLED RUNTIME_MS" from /proc/PID/sched (policy, ext.enabled, se.sum_exec_runtime).
snap() {
    _p=$(sched_field "$1" policy) && _e=$(sched_field "$1" ext.enabled) &&
        _r=$(sched_field "$1" se.sum_exec_runtime) || return 1
    echo "$_p $_e $_r"
}

# start_loops: a SCHED_EXT and a SCHED_OTHER busy loop, pids in $ext and $norm. They run until judge
# stops them (at most 60 s): a fixed 4 s ran out before the second snapshot when a loaded host ran
# the guest's shell slowly (lavd full on 7.3 in CI).
start_loops() {
    scxx-sched -s ext scxx-latency hog 60 ext-loop > /tmp/ext.out & ext=$!
    scxx-sched -s normal scxx-latency hog 60 normal-loop > /tmp/norm.out & norm=$!
    PIDS="$ext $norm"
    usleep 500000   # exec'd and running
}

# judge LABEL WANT_EXT WANT_NORMAL: ext.enabled of the two loops is WANT_EXT and WANT_NORMAL, their
# policies 7 and 0, both alive and making progress over 2 s; then they are stopped.
judge() {
    a=$(snap "$ext") || fail "$1: cannot read the SCHED_EXT loop's /proc/$ext/sched (see above)"
    b=$(snap "$norm") || fail "$1: cannot read the normal loop's /proc/$norm/sched (see above)"
    sleep 2
    a1=$(snap "$ext") || fail "$1: the SCHED_EXT loop is gone early"
    b1=$(snap "$norm") || fail "$1: the normal loop is gone early"
    for p in $PIDS; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    PIDS=""
    read -r pol_ext en_ext r0_ext <<EOF
$a
EOF
    read -r pol_norm en_norm r0_norm <<EOF
$b
EOF
    r1_ext=${a1##* }; r1_norm=${b1##* }
    echo "RESULT $1: SCHED_EXT loop: policy $pol_ext ext.enabled $en_ext runtime_ms $r0_ext -> $r1_ext;" \
         "normal loop: policy $pol_norm ext.enabled $en_norm runtime_ms $r0_norm -> $r1_norm"
    [ "$pol_ext" = 7 ] || fail "$1: the scxx-sched -s ext loop has policy $pol_ext, want 7 (SCHED_EXT)"
    [ "$pol_norm" = 0 ] || fail "$1: the scxx-sched -s normal loop has policy $pol_norm, want 0 (SCHED_OTHER)"
    [ "$en_ext" = "$2" ] || fail "$1: the SCHED_EXT loop has ext.enabled $en_ext, want $2"
    [ "$en_norm" = "$3" ] || fail "$1: the normal loop has ext.enabled $en_norm, want $3"
    [ "$a1" = "${a% *} $r1_ext" ] || fail "$1: the SCHED_EXT loop changed class or policy: '$a' then '$a1'"
    [ "$b1" = "${b% *} $r1_norm" ] || fail "$1: the normal loop changed class or policy: '$b' then '$b1'"
    awk -v a="$r0_ext" -v b="$r1_ext" 'BEGIN { exit !(b > a) }' || fail "$1: the SCHED_EXT loop made no progress"
    awk -v a="$r0_norm" -v b="$r1_norm" 'BEGIN { exit !(b > a) }' || fail "$1: the normal loop made no progress"
}

[ "$(scx_state)" = disabled ] || fail "a sched_ext scheduler is already attached"
start_loops
judge "no scheduler" 0 0
echo "ok: without a BPF scheduler a SCHED_EXT task runs on the fair class"

for s in simple pair nest lavd; do
    for mode in partial full; do
        args=""; want_sw=1; want_norm=1
        [ $mode = partial ] && { args=--partial; want_sw=0; want_norm=0; }
        scx-run --sched $s $args > /tmp/run.log 2>&1 &
        pid=$!
        wait_scx_state enabled 90 || { cat /tmp/run.log; dump_scx; fail "$s $args never reached state enabled"; }
        case $(scx_ops) in "$s"*) ;; *) cat /tmp/run.log; fail "root/ops is '$(scx_ops)', want $s" ;; esac
        sw=$(cat /sys/kernel/sched_ext/switch_all) || fail "no /sys/kernel/sched_ext/switch_all"
        [ "$sw" = "$want_sw" ] || { cat /tmp/run.log; fail "$s $args: switch_all is $sw, want $want_sw"; }
        start_loops
        judge "$s $mode" 1 $want_norm
        [ "$(scx_state)" = enabled ] || { cat /tmp/run.log; fail "$s $args: the scheduler left"; }
        detach_cleanly "$pid" /tmp/run.log
        pid=""
        echo "ok: $s $mode: switch_all $sw, SCHED_EXT loop on sched_ext, normal loop $([ $want_norm = 1 ] && echo on || echo not on) it"
    done
done
