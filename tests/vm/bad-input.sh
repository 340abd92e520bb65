#!/bin/sh
# vm: cpus=2 timeout=60
# bad-input: wrong scheduler names, option values and config files give a one-line error, a non-zero
# exit, and leave the kernel as it was (nothing attached, no pins left in bpffs).
. /lib/scxx.sh

expect_error "unknown scheduler" "available: " scx-run --sched nope
expect_error "out-of-range option" "out of range" scx-run --sched simple --slice-us 5000000
expect_error "unknown scheduler option" "unknown option" scx-run --sched simple --bogus 1
echo '{"slice-us": 100, "nonsense": 1}' > /tmp/bad.json
expect_error "unknown config key" "nonsense" scx-run --sched simple --config /tmp/bad.json
echo '{"slice-us": ' > /tmp/broken.json
expect_error "malformed config" "broken.json" scx-run --sched simple --config /tmp/broken.json
expect_error "missing config file" "missing.json" scx-run --sched simple --config /tmp/missing.json
expect_error "bad timeout" "timeout" scx-run --sched simple --timeout-ms 99999
expect_error "stats interval below the tick" "--stats must be" scx-run --sched simple --stats 0.001
[ -z "$(ls /sys/fs/bpf)" ] || fail "bpffs has leftovers: $(ls /sys/fs/bpf)"
echo "ok: nothing left behind"
