#!/bin/sh
# vm: cpus=4 timeout=90
# nest-options: every bad `nest` option gives a one-line error and a non-zero exit before anything is
# loaded (state disabled, no scheduler enabled, nothing in bpffs); the limits themselves are accepted.
. /lib/scxx.sh

n() { _desc=$1; _pat=$2; shift 2; expect_error "$_desc" "$_pat" scx-run --sched nest --duration 1 "$@"; }
n "delay below 0"          "option --delay-us: -1 is out of range \(allowed 0..10s\)" --delay-us -1
n "delay above 10 s"       "option --delay-us: 10000001 is out of range"                 --delay-us 10000001
n "delay not a duration"   "option --delay-us: \"fast\" is not a duration"               --delay-us fast
n "r-max below 0"          "option --r-max: -1 is out of range \(allowed 0..65536\)"       --r-max -1
n "r-max too large"        "option --r-max: 65537 is out of range"                       --r-max 65537
n "r-impatient below 0"    "option --r-impatient: -1 is out of range \(allowed 0..1000\)"  --r-impatient -1
n "r-impatient too large"  "option --r-impatient: 1001 is out of range"                  --r-impatient 1001
n "slice too short"        "option --slice-us: 99 is out of range \(allowed 100us..1s\)" --slice-us 99
n "slice too long"         "option --slice-us: 1000001 is out of range"                  --slice-us 1000001
n "sampling too fast"      "option --sampling-ms: 9 is out of range \(allowed 10ms..60s\)" --sampling-ms 9
n "sampling too slow"      "option --sampling-ms: 60001 is out of range"                 --sampling-ms 60001
n "flag with a value"      "find-fully-idle"                                             --find-fully-idle=maybe
n "unknown option"         "unknown option"                                              --prefer-smt-idle 1
echo '{"r-max": -5}' > /tmp/rmax.json
n "r-max from a config file" "r-max" --config /tmp/rmax.json
[ -z "$(ls /sys/fs/bpf)" ] || fail "bpffs has leftovers: $(ls /sys/fs/bpf)"

scx-run --sched nest --help > /tmp/help.log 2>&1 || fail "--help failed"
for o in delay-us r-max r-impatient slice-us find-fully-idle sampling-ms; do
    grep -q -- "--$o" /tmp/help.log || { cat /tmp/help.log; fail "--help lacks --$o"; }
done
echo "ok: --help lists every option"

# The limits are accepted and reach the scheduler (banner).
scx-run --sched nest --duration 2 --delay-us 0 --r-max 0 --r-impatient 0 --slice-us 100 --sampling-ms 10 \
    --find-fully-idle > /tmp/ok.log 2>&1 || { cat /tmp/ok.log; fail "the lower limits were refused"; }
grep -q "nest: delay 0 us, r-max 0, r-impatient 0 (off), slice 100 us, sampling every 10 ms, find-fully-idle on" \
    /tmp/ok.log || { cat /tmp/ok.log; fail "banner does not show the options"; }
wait_scx_state disabled 10 || fail "not disabled after --duration"
scx-run --sched nest --duration 2 --delay-us 10000000 --r-max 65536 --r-impatient 1000 --slice-us 1000000 \
    --sampling-ms 60000 > /tmp/ok2.log 2>&1 || { cat /tmp/ok2.log; fail "the upper limits were refused"; }
echo "ok: limits accepted: $(grep '^nest:' /tmp/ok.log)"
[ -z "$(ls /sys/fs/bpf)" ] || fail "bpffs has leftovers: $(ls /sys/fs/bpf)"
