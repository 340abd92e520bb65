#!/bin/sh
# fork-exec: process churn, 4 stress-ng exec workers (fork + exec + exit) for a fixed time; the rate
# (bogo ops per second of guest time) is the figure, one exec the operation. stress-ng refuses its
# exec stressor to root, so it runs as nobody (added to the image's /etc/passwd when missing).
secs=2; [ "$BENCH_QUICK" = 1 ] && secs=1
grep -q '^nobody:' /etc/passwd || echo 'nobody:x:65534:65534:nobody:/tmp:/bin/sh' >> /etc/passwd
grep -q '^nogroup:' /etc/group || echo 'nogroup:x:65534:' >> /etc/group
rm -f /tmp/exec.out
su -s /bin/sh nobody -c "cd /tmp && stress-ng --exec 4 -t $secs --metrics-brief > /tmp/exec.out 2>&1" ||
    { cat /tmp/exec.out; echo "fork-exec: stress-ng failed"; exit 1; }
awk '/metrc/ && $4 == "exec" { print "metric exec_per_s " $9 " ops/s higher"; print "ops " $5; found = 1 }
     END { exit !found }' /tmp/exec.out || { cat /tmp/exec.out; echo "fork-exec: no stress-ng metrics line"; exit 1; }
