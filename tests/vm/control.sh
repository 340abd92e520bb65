#!/bin/sh
# vm: cpus=4 timeout=420
# control: scx-run's control socket (docs/control-protocol.md) driven by scx-ctl, on a real kernel.
#  - the socket is /run/scxx/control.sock, mode 0600; a non-root scx-ctl is refused (exit 3);
#  - status, meta (every stat has a help), stats (table within 100 columns), events (the kernel's
#    SCX_EV_* counters) and --metrics-file (rewritten, "# EOF" last, removed at exit);
#  - lavd started in power mode performance: `scx-ctl set power-mode powersave` lowers nr_active
#    within 2 stats rounds without re-attaching (enable_seq unchanged);
#  - a non-live option, an unknown option, a bad value and 10 kinds of malformed requests are
#    refused with their error codes, and the scheduler is undisturbed (still enabled, same
#    enable_seq, stats lines keep coming);
#  - under load, `scx-ctl switch nest` completes, status names nest, the kernel's root/ops is nest,
#    and the workload keeps progressing; the gap on the default scheduler is printed;
#  - a switch to a scheduler the kernel refuses (simple with ops.init failing) reports
#    switch_failed and nest is attached again; `scx-ctl mode gaming` applies nest's gaming mode;
#  - SIGTERM: exit status 0, the socket and /run/scxx are gone.
# Also: `scx-run --mode gaming --check` finds the installed modes in the image.
. /lib/scxx.sh

SOCK=/run/scxx/control.sock
pid=""
load=""
cleanup() { [ -n "$load" ] && kill -KILL $load 2>/dev/null; [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; return 0; }
trap cleanup EXIT

# progress: the counter's last value (the writer truncates before it writes: retry an empty read).
progress() { while :; do _v=$(cat /tmp/progress 2>/dev/null); [ -n "$_v" ] && { echo "$_v"; return; }; usleep 10000; done; }
# json_field JSON KEY: the scalar value of "KEY" in a one-line JSON object (first occurrence).
json_field() { echo "$1" | sed -n "s/.*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/p" | head -n 1; }
# refused WHAT CODE scx-ctl ARGS...: the command exits 1 and stderr names CODE.
refused() {
    _w=$1; _c=$2; shift 2
    "$@" > /tmp/ctl.out 2> /tmp/ctl.err && { cat /tmp/ctl.out; fail "$_w: accepted"; }
    grep -q "$_c" /tmp/ctl.err /tmp/ctl.out || { cat /tmp/ctl.err /tmp/ctl.out; fail "$_w: no '$_c' error"; }
    echo "ok: $_w -> $(cat /tmp/ctl.err /tmp/ctl.out | head -c 200 | tr '\n' ' ')"
}

# The modes are in the image where scx-run looks by default.
scx-run --sched lavd --mode gaming --check > /tmp/mode.json 2>&1 || { cat /tmp/mode.json; fail "--mode gaming --check failed"; }
grep -q '"power-mode": *"performance"' /tmp/mode.json || { cat /tmp/mode.json; fail "lavd's gaming mode does not set power-mode performance"; }
echo "ok: scx-run --mode gaming finds lavd's modes"

seq_before=$(enable_seq)
scx-run --sched lavd --power-mode performance --stats 1 --metrics-file /tmp/scxx.prom > /tmp/run.log 2>&1 &
pid=$!
wait_enabled_since "$seq_before" 60 || { cat /tmp/run.log; fail "lavd never reached state enabled"; }
stat_wait /tmp/run.log 2 30 || { cat /tmp/run.log; fail "no stats lines"; }
[ -S "$SOCK" ] || fail "no control socket at $SOCK"
mode=$(stat -c %a "$SOCK")
[ "$mode" = 600 ] || fail "socket mode $mode, want 600"
echo "ok: $SOCK mode $mode"

# Permission: a non-root client cannot connect.
scxx-sched -u 65534 scx-ctl status > /tmp/ctl.out 2>&1 && { cat /tmp/ctl.out; fail "uid 65534 got a status"; }
rc=$?
[ "$rc" = 3 ] || { cat /tmp/ctl.out; fail "non-root scx-ctl exit $rc, want 3"; }
grep -qi "root" /tmp/ctl.out || { cat /tmp/ctl.out; fail "non-root refusal does not say to run as root"; }
echo "ok: non-root refused: $(cat /tmp/ctl.out)"

st=$(scx-ctl --json status) || fail "status failed"
echo "status: $st"
[ "$(json_field "$st" scheduler)" = lavd ] || fail "status does not name lavd"
[ "$(json_field "$st" state)" = enabled ] || fail "status state is not enabled"
seq0=$(enable_seq)
[ "$(json_field "$st" enable_seq)" = "$seq0" ] || fail "status enable_seq differs from sysfs ($seq0)"

meta=$(scx-ctl --json meta) || fail "meta failed"
n=$(echo "$meta" | grep -o '"name":' | wc -l)
[ "$n" -ge 10 ] || fail "meta lists $n fields"
echo "$meta" | grep -q '"help":""' && fail "a stat has no help: $meta"
echo "ok: meta: $n fields, each with a help"

scx-ctl stats > /tmp/table.txt || fail "stats failed"
cat /tmp/table.txt
wide=$(awk 'length($0) > 100' /tmp/table.txt | wc -l)
[ "$wide" = 0 ] || fail "$wide stats table lines are over 100 columns"
echo "ok: stats table fits 100 columns"

ev=$(scx-ctl --json events) || fail "events failed"
echo "$ev" | grep -q '"SCX_EV_' || fail "events has no SCX_EV_ counter: $ev"
echo "ok: events: $(echo "$ev" | head -c 200)"

grep -q '^# EOF' /tmp/scxx.prom || fail "--metrics-file has no '# EOF'"
grep -q 'scxx_lavd_' /tmp/scxx.prom || fail "--metrics-file has no lavd metric"
echo "ok: --metrics-file: $(wc -l < /tmp/scxx.prom) lines"

# Live power mode: performance keeps every CPU active; powersave packs a light load.
scxx-latency hog 40 light > /dev/null 2>&1 &
load=$!
a=$(stat_next /tmp/run.log nr_active 10) || fail "no nr_active"
[ "$a" = 4 ] || { tail -n 3 /tmp/run.log; fail "performance mode: nr_active $a, want 4"; }
scx-ctl set power-mode powersave || fail "set power-mode powersave failed"
got=""
for round in 1 2; do
    v=$(stat_next /tmp/run.log nr_active 10) || fail "no stats after the set"
    if [ "$v" -lt 4 ]; then got="$v after $round round(s)"; break; fi
done
[ -n "$got" ] || { tail -n 4 /tmp/run.log; fail "nr_active still 4 two rounds after set power-mode powersave"; }
[ "$(enable_seq)" = "$seq0" ] || fail "enable_seq changed: the set re-attached"
echo "ok: set power-mode powersave: nr_active $got, enable_seq $seq0 unchanged"
scx-ctl --json status | grep -q '"power-mode":"powersave"' || fail "status options do not show power-mode powersave"

# Refusals and malformed requests leave the scheduler alone.
refused "set a non-live option" not_live scx-ctl set no-preemption true
refused "set an unknown option" unknown_option scx-ctl set no-such-option 1
refused "set a bad value" invalid_value scx-ctl set power-mode turbo
refused "slice-min above slice-max" invalid_value scx-ctl set slice-min-us 9000
refused "not JSON" parse scx-ctl raw 'hello'
refused "a JSON array" parse scx-ctl raw '[1,2]'
refused "no version" version scx-ctl raw '{"cmd":"status"}'
refused "version 2" version scx-ctl raw '{"v":2,"cmd":"status"}'
refused "no cmd" bad_request scx-ctl raw '{"v":1}'
refused "unknown cmd" unknown_command scx-ctl raw '{"v":1,"cmd":"reboot"}'
refused "unknown field" bad_request scx-ctl raw '{"v":1,"cmd":"status","force":true}'
refused "set without value" bad_request scx-ctl raw '{"v":1,"cmd":"set","key":"slice-max-us"}'
refused "switch options not an object" bad_request scx-ctl raw '{"v":1,"cmd":"switch","sched":"nest","options":3}'
big=$(head -c 70000 /dev/zero | tr '\0' a)
refused "a 70000-byte line" too_long scx-ctl raw "$big"
refused "unknown scheduler" unknown_scheduler scx-ctl switch nosuch
refused "unknown mode" unknown_mode scx-ctl mode turbo
[ "$(scx_state)" = enabled ] || fail "state $(scx_state) after the refusals"
[ "$(enable_seq)" = "$seq0" ] || fail "enable_seq changed by refused requests"
c0=$(stat_count /tmp/run.log)
stat_wait /tmp/run.log $((c0 + 2)) 10 || fail "stats lines stopped after the refusals"
echo "ok: lavd undisturbed (enabled, enable_seq $seq0, stats flowing)"

# Switch under load: a counter that must keep counting through the switch.
kill -KILL $load 2>/dev/null
rm -f /tmp/progress
( i=0; while :; do i=$((i + 1)); [ $((i % 20)) = 0 ] && echo $i > /tmp/progress; done ) &
load="$! $(scxx-work mix 30 > /dev/null 2>&1 & echo $!)"
n=0
until [ -s /tmp/progress ]; do n=$((n + 1)); [ $n -lt 100 ] || fail "the progress counter never wrote"; usleep 100000; done
p0=$(progress)
sw=$(scx-ctl --json switch nest) || { cat /tmp/run.log; fail "switch nest failed"; }
echo "switch: $sw"
gap=$(json_field "$sw" gap_ms)
[ -n "$gap" ] || fail "switch reported no gap"
[ "$(json_field "$(scx-ctl --json status)" scheduler)" = nest ] || fail "status does not name nest after the switch"
[ "$(scx_ops)" = nest ] || fail "root/ops is '$(scx_ops)' after the switch"
[ "$(scx_state)" = enabled ] || fail "state $(scx_state) after the switch"
sleep 3
p1=$(progress)
[ "$p1" -gt "$p0" ] || fail "the workload stalled across the switch ($p0 -> $p1)"
echo "ok: switch lavd -> nest under load: gap ${gap} ms on the default scheduler, progress $p0 -> $p1"

# A switch the kernel refuses rolls back.
refused "switch to a scheduler whose ops.init fails" switch_failed scx-ctl switch simple --reject-init
grep -q "nest is attached again" /tmp/ctl.err || { cat /tmp/ctl.err; fail "rollback not reported"; }
[ "$(scx_ops)" = nest ] || fail "root/ops is '$(scx_ops)' after the failed switch"
[ "$(scx_state)" = enabled ] || fail "state $(scx_state) after the failed switch"
[ "$(json_field "$(scx-ctl --json status)" scheduler)" = nest ] || fail "status does not name nest after the rollback"
echo "ok: failed switch rolled back to nest"

scx-ctl mode gaming || fail "mode gaming failed"
[ "$(json_field "$(scx-ctl --json status)" mode)" = gaming ] || fail "status mode is not gaming"
[ "$(scx_state)" = enabled ] || fail "state $(scx_state) after mode gaming"
echo "ok: mode gaming on nest"
p2=$(progress)
[ "$p2" -gt "$p1" ] || fail "the workload stalled ($p1 -> $p2)"

for p in $load; do kill -KILL "$p" 2>/dev/null; done
load=""
detach_cleanly "$pid" /tmp/run.log
pid=""
[ -e "$SOCK" ] && fail "the socket is still there after exit"
[ -e /run/scxx ] && fail "/run/scxx is still there after exit"
[ -e /tmp/scxx.prom ] && fail "the metrics file is still there after exit"
echo "ok: socket, /run/scxx and the metrics file removed at exit"
