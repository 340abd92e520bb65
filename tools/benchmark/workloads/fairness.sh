#!/bin/sh
# fairness: 6 CPU-bound hogs on the VM's 4 CPUs (scxx-latency hog, scxx's own: stress-ng reports no
# per-instance work). Figures: their total work (loops) and Jain's fairness index of the per-hog
# work, (sum x)^2 / (n sum x^2): 1 = perfectly even; one loop is the operation.
secs=3; [ "$BENCH_QUICK" = 1 ] && secs=1
pids=""
for i in 1 2 3 4 5 6; do scxx-latency hog $secs fair-hog > /tmp/fair.$i 2>&1 & pids="$pids $!"; done
for p in $pids; do wait $p || { cat /tmp/fair.*; echo "fairness: a hog failed"; exit 1; }; done
awk -F'loops=' '/hog loops=/ { split($2, f, " "); x = f[1] + 0; n++; s += x; s2 += x * x }
     END { if (n != 6 || s2 == 0) exit 1
           printf "metric total_work %d loops higher\nmetric jain_index %.4f index higher\nops %d\n", s, s * s / (n * s2), s }' \
    /tmp/fair.* || { cat /tmp/fair.*; echo "fairness: missing hog results"; exit 1; }
