#!/bin/sh
# schbench: message threads waking worker threads (scxx-schbench, scxx's own: schbench is not
# packaged by Debian): wake-up and request latency percentiles, requests per second and the
# calibrated work per request (request_iters: loop iterations for 100 us of CPU); one request is
# the operation.
secs=3 warm=1; [ "$BENCH_QUICK" = 1 ] && secs=1 warm=0
scxx-schbench -m 2 -t 4 -r 100 -s $secs -w $warm > /tmp/schb.out 2>&1 || { cat /tmp/schb.out; exit 1; }
awk '
/^scxx-schbench: requests=/ {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    print "metric rps " v["rps"] " ops/s higher"
    n = split("wake_p50_us wake_p99_us wake_p999_us wake_max_us req_p50_us req_p99_us req_p999_us req_max_us", k, " ")
    for (i = 1; i <= n; i++) print "metric " k[i] " " v[k[i]] " us lower"
    print "metric request_iters " v["request_iters"] " count none"  # the calibrated work per request
    print "ops " v["requests"]; found = 1
}
/^scxx-schbench: cdf / { print "cdf " $3 " " $4 }
END { if (!found) exit 1 }' /tmp/schb.out || { cat /tmp/schb.out; echo "schbench: no result line"; exit 1; }
