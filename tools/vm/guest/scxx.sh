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

# preempt_rt: true on a PREEMPT_RT kernel (interrupt, softirq and timer work in SCHED_FIFO threads).
preempt_rt() { [ "$(cat /sys/kernel/realtime 2>/dev/null)" = 1 ] || uname -v | grep -q PREEMPT_RT; }

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

# enable_seq: /sys/kernel/sched_ext/enable_seq, the count of schedulers enabled since boot.
enable_seq() { cat "$SCX_SYSFS/enable_seq"; }

# wait_enabled_since SEQ SECS: poll every 0.1 s until a scheduler enabled after enable_seq read SEQ
# has finished enabling (state enabled and enable_seq above SEQ); its enable_seq is then in
# ENABLED_SEQ. 1 on timeout. The kernel sets the state to enabled before it logs the attach, sends
# the uevent and only then counts it in enable_seq, so enable_seq read as soon as the state says
# enabled can still be the old count (a false "re-enabled" later).
ENABLED_SEQ=""
wait_enabled_since() {
    _n=$(( $2 * 10 ))
    while [ "$_n" -gt 0 ]; do
        ENABLED_SEQ=$(enable_seq)
        [ "$(scx_state)" = enabled ] && [ "$ENABLED_SEQ" -gt "$1" ] && return 0
        usleep 100000
        _n=$((_n - 1))
    done
    echo "wait_enabled_since: state '$(scx_state)', enable_seq $(enable_seq) after $2 s (wanted enabled, enable_seq above $1)"
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

# cpu_cgroup_parent DIR: make DIR (under /sys/fs/cgroup) a parent whose children get the cpu
# controller (enabled in the root and in DIR); fails the scenario when the kernel has none.
cpu_cgroup_parent() {
    grep -qw cpu /sys/fs/cgroup/cgroup.controllers || fail "no cpu controller in /sys/fs/cgroup/cgroup.controllers"
    echo +cpu > /sys/fs/cgroup/cgroup.subtree_control || fail "cannot enable the cpu controller"
    mkdir -p "$1" && echo +cpu > "$1/cgroup.subtree_control" || fail "cannot set up $1"
}

# remove_cgroups DIR: remove DIR's child cgroups, then DIR (each only once empty; never fails).
remove_cgroups() {
    for _d in "$1"/*/; do [ -d "$_d" ] && rmdir "$_d" 2>/dev/null; done
    rmdir "$1" 2>/dev/null
    return 0
}

# busy_snapshot FILE: "cpuN busy_ticks" per CPU from /proc/stat (user+nice+system+irq+softirq+steal),
# measured by the kernel independently of any sched_ext scheduler.
busy_snapshot() { awk '/^cpu[0-9]/ { print $1, $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat > "$1"; }

# wait_quiet: wait (up to 30 s) for a half second in which the CPUs were busy at most 2 ticks of
# USER_HZ in all; prints how long it waited. Right after boot the kernel's crypto self-tests
# (cryptomgr_test) keep about one CPU busy for a second; a default-scheduler run measured then ran
# beside them (under -icount, slower for every vCPU). Returns 1 (with a message) when the machine
# never goes quiet; the caller decides whether that fails it.
wait_quiet() {
    _w=0
    _busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }  # all CPUs, as busy_snapshot
    while [ $_w -lt 60 ]; do
        _a=$(_busy)
        usleep 500000
        _b=$(_busy)
        _w=$((_w + 1))
        [ $((_b - _a)) -le 2 ] && { echo "quiet after $_w half-second windows"; return 0; }
    done
    echo "the CPUs never went quiet (over 2 busy ticks in every half second for 30 s)"
    return 1
}

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
    _seq=$(enable_seq)
    "$@" > /tmp/expect_error.log 2>&1
    _rc=$?
    cat /tmp/expect_error.log
    [ "$_rc" -ne 0 ] || fail "$_d: exited 0"
    [ "$(wc -l < /tmp/expect_error.log)" -eq 1 ] || fail "$_d: error is not one line"
    grep -Eq -- "$_pat" /tmp/expect_error.log || fail "$_d: message does not match /$_pat/"
    [ "$(scx_state)" = disabled ] || fail "$_d: state is $(scx_state) afterwards"
    [ "$(enable_seq)" = "$_seq" ] || fail "$_d: a scheduler was enabled"
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

# ---------------------------------------------------------------------------------------------
# Stats parser: the one reader of scx-run's stats output (--stats N; text, or --stats-format json),
# for every scenario. A *stats line* is one record as lib/src/stats.cpp prints it:
#   text: "t=1.0s a=5 (+3) pc=12.5% ..." then its section lines ("  wakeup: x=1 (+1) ..."), text
#         entries ("power_mode: balanced (autopilot)") and CPU sets ("primary ( 2/4) |**--|", wrapped
#         bar rows, or "primary (   5/8192) 0-3,8000" / "... none"); any other line ends the record
#         (scx-run's own "exit:", "reason:", "message:", "warning:" and "error:" lines too);
#   json: one object per line, starting {"t":.
# Other lines of the file (banner, exit report, workload output, markers) are skipped. Values print
# the same for both formats: numbers without their unit and without trailing fractional zeros
# (t=1.0s -> 1, 2.50% -> 2.5, JSON 2.0 -> 2), the "(+N)" deltas dropped, text entries verbatim, CPU
# sets as a cpulist ("0-1,3"; "" when empty). A malformed record (a field that is not NAME=VALUE, a
# CPU bar whose length or '*' count disagrees with its "(n/N)", broken JSON) fails the call.
# Every function prints "stat_<verb>: FILE: ..." on stderr and returns 1 when FILE is missing or has
# no stats line, or the key is absent where asked; 2 on bad usage. Typical use:
#   v=$(stat_last /tmp/run.log timer_errors) || fail "no timer_errors in the stats"
#   stat_last FILE KEY        KEY in the last stats line (a cumulative counter's final value)
#   stat_first FILE KEY       KEY in the first stats line
#   stat_all FILE KEY...      one line per stats line, the KEYs' values separated by tabs; every
#                             stats line must have every KEY
#   stat_max FILE KEY         the largest (numeric) value of KEY over all stats lines (all must have it)
#   stat_count FILE           the number of stats lines (0 is an answer, not a failure)
#   stat_wait FILE N SECS     poll until FILE has at least N stats lines; 1 (and a message) after SECS
#   stat_next FILE KEY [SECS] KEY in the next stats line to appear (waits at most SECS, default 5)
#   cpus_of CPULIST           the CPUs of a cpulist ("0-1,3" -> "0 1 3"), for membership and counts

# _stat_awk VERB FILE [KEY...]: the parser itself (one awk program for every verb).
_stat_awk() {
    _sv=$1; _sf=$2; shift 2
    [ -r "$_sf" ] || { echo "stat_$_sv: $_sf: no such file" >&2; return 1; }
    awk -v verb="$_sv" -v file="$_sf" -v keys="$*" '
    function err(msg) { print "stat_" verb ": " file ": " msg > "/dev/stderr"; failed = 1; exit 1 }
    function where() { return "stats line " nrec + 1 " (file line " NR "): " substr($0, 1, 160) }
    # 2.0 -> 2, 12.50 -> 12.5; anything else unchanged
    function num(v) {
        if (v ~ /^-?[0-9]+\.[0-9]+$/) { sub(/0+$/, "", v); sub(/\.$/, "", v) }
        return v
    }
    function isnum(v) { return v ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }
    # a text NAME=VALUE field; VALUE loses its unit
    function field(t,   p, k, v) {
        if (t ~ /^\(\+[0-9]+\)$/) return
        p = index(t, "=")
        k = substr(t, 1, p - 1)
        if (p < 2 || k !~ /^[A-Za-z_][A-Za-z0-9_]*$/) err("not a NAME=VALUE field \"" t "\" in " where())
        v = substr(t, p + 1)
        if (match(v, /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) v = num(substr(v, 1, RLENGTH))
        val[k] = v
    }
    # number of CPUs in a cpulist, -1 when it is not one
    function listcount(l,   n, i, parts, r, lo, hi, c) {
        if (l == "") return 0
        if (l !~ /^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$/) return -1
        n = split(l, parts, ",")
        c = 0
        for (i = 1; i <= n; i++) {
            r = index(parts[i], "-")
            if (r) { lo = substr(parts[i], 1, r - 1) + 0; hi = substr(parts[i], r + 1) + 0 } else lo = hi = parts[i] + 0
            if (hi < lo) return -1
            c += hi - lo + 1
        }
        return c
    }
    # "**-*" -> "0-1,3"
    function barlist(b,   i, n, c, out, start) {
        out = ""; start = -1; n = length(b)
        for (i = 1; i <= n + 1; i++) {
            c = i <= n ? substr(b, i, 1) : "-"
            if (c == "*" && start < 0) start = i - 1
            if (c != "*" && start >= 0) {
                out = out (out == "" ? "" : ",") start (i - 2 > start ? "-" (i - 2) : "")
                start = -1
            }
        }
        return out
    }
    function finishcpus(   stars) {
        if (cpuskey == "") return
        stars = bar; gsub(/[^*]/, "", stars)
        if (length(bar) != cpusN || length(stars) != cpusn)
            err("CPU set " cpuskey " says " cpusn "/" cpusN " but its bar has " length(stars) " of " length(bar) " in stats line " nrec + 1)
        val[cpuskey] = barlist(bar)
        cpuskey = ""
    }
    function cpusline(   s, p, n, N, rest) {
        s = $0; sub(/^[A-Za-z_][A-Za-z0-9_]* +\( */, "", s)
        p = index(s, "/"); n = substr(s, 1, p - 1) + 0; s = substr(s, p + 1)
        p = index(s, ")"); N = substr(s, 1, p - 1) + 0; rest = substr(s, p + 1); sub(/^ +/, "", rest)
        if (rest ~ /^(0 +)?\|[-*]*\|$/) {
            sub(/^0 +/, "", rest)
            cpuskey = $1; cpusn = n; cpusN = N; bar = substr(rest, 2, length(rest) - 2)
        } else if (rest == "none" || listcount(rest) >= 0) {
            if (rest == "none") rest = ""
            if (listcount(rest) != n) err("CPU set " $1 " says " n " CPUs but lists " rest " in " where())
            val[$1] = rest
        } else err("malformed CPU set in " where())
    }
    # one JSON object of scalars
    function json(s,   L, i, j, c, k, v) {
        L = length(s); i = 2
        for (;;) {
            if (substr(s, i, 1) != "\"") err("malformed JSON at column " i " of " where())
            j = index(substr(s, i + 1), "\"")
            if (!j) err("malformed JSON at column " i " of " where())
            k = substr(s, i + 1, j - 1); i += j + 1
            if (substr(s, i, 1) != ":") err("malformed JSON at column " i " of " where())
            i++
            v = ""
            if (substr(s, i, 1) == "\"") {
                for (i++; i <= L; i++) {
                    c = substr(s, i, 1)
                    if (c == "\"") break
                    if (c == "\\") {
                        c = substr(s, ++i, 1)
                        if (c == "n") c = "\n"; else if (c == "t") c = "\t"; else if (c == "u") { c = "\\u" substr(s, i + 1, 4); i += 4 }
                    }
                    v = v c
                }
                if (i > L) err("unterminated JSON string in " where())
                i++
            } else {
                for (; i <= L && (c = substr(s, i, 1)) != "," && c != "}"; i++) v = v c
                if (!isnum(v) && v !~ /^(true|false|null)$/) err("malformed JSON value \"" v "\" in " where())
                v = num(v)
            }
            val[k] = v
            c = substr(s, i++, 1)
            if (c == "}" && i > L) return
            if (c != ",") err("malformed JSON at column " i - 1 " of " where())
        }
    }
    function startrec() { endrec(); inrec = 1; head = substr($0, 1, 160); delete val }
    function endrec(   i, k, out) {
        if (!inrec) return
        finishcpus()
        inrec = 0; nrec++
        if (verb == "all" || verb == "max") {
            out = ""
            for (i = 1; i <= nk; i++) {
                k = key[i]
                if (!(k in val)) err("stats line " nrec " has no " k ": " head)
                if (verb == "all") out = out (i > 1 ? "\t" : "") val[k]
                else {
                    if (!isnum(val[k])) err(k " is \"" val[k] "\", not a number, in stats line " nrec)
                    if (nrec == 1 || val[k] + 0 > mx[k] + 0) mx[k] = val[k]
                }
            }
            if (verb == "all") rows = rows out "\n"
        } else if (verb == "last" || (verb == "first" && nrec == 1)) {
            delete keep
            for (k in val) keep[k] = val[k]
            keephead = head
        }
    }
    BEGIN { nk = split(keys, key, " ") }
    /^t=[0-9]/ { startrec(); for (i = 1; i <= NF; i++) field($i); next }
    /^\{"t":/ { startrec(); json($0); endrec(); next }
    !inrec { next }
    cpuskey != "" && /^ +[0-9]+ \|[-*]*\|$/ {
        if ($1 + 0 != length(bar)) err("CPU bar row for " cpuskey " starts at " $1 ", expected " length(bar) " in " where())
        bar = bar substr($2, 2, length($2) - 2); next
    }
    { finishcpus() }
    /^  [A-Za-z_][A-Za-z0-9_]*:( |$)/ { for (i = 2; i <= NF; i++) field($i); next }
    /^[A-Za-z_][A-Za-z0-9_]* +\( *[0-9]+\/[0-9]+\)/ { cpusline(); next }
    /^[A-Za-z_][A-Za-z0-9_]*: / && $1 !~ /^(exit|reason|message|warning|error):$/ {
        val[substr($1, 1, length($1) - 1)] = substr($0, length($1) + 2); next
    }
    { endrec() }
    END {
        if (failed) exit 1
        endrec()
        if (verb == "count") { print nrec + 0; exit 0 }
        if (!nrec) err("no stats line")
        if (verb == "max") { for (i = 1; i <= nk; i++) print mx[key[i]]; exit 0 }
        if (verb == "all") { printf "%s", rows; exit 0 }
        for (i = 1; i <= nk; i++)
            if (!(key[i] in keep)) err("the " verb " stats line has no " key[i] ": " keephead)
        for (i = 1; i <= nk; i++) print keep[key[i]]
    }' "$_sf"
}

stat_last() {
    [ $# -eq 2 ] || { echo "usage: stat_last FILE KEY" >&2; return 2; }
    _stat_awk last "$@"
}
stat_first() {
    [ $# -eq 2 ] || { echo "usage: stat_first FILE KEY" >&2; return 2; }
    _stat_awk first "$@"
}
stat_all() {
    [ $# -ge 2 ] || { echo "usage: stat_all FILE KEY..." >&2; return 2; }
    _stat_awk all "$@"
}
stat_max() {
    [ $# -eq 2 ] || { echo "usage: stat_max FILE KEY" >&2; return 2; }
    _stat_awk max "$@"
}
stat_count() {
    [ $# -eq 1 ] || { echo "usage: stat_count FILE" >&2; return 2; }
    _stat_awk count "$1"
}
stat_wait() {
    [ $# -eq 3 ] || { echo "usage: stat_wait FILE N SECS" >&2; return 2; }
    _sw=$(( $3 * 10 ))
    while :; do
        _sc=$(stat_count "$1") || return 1
        [ "$_sc" -ge "$2" ] && return 0
        [ "$_sw" -gt 0 ] || break
        usleep 100000
        _sw=$((_sw - 1))
    done
    echo "stat_wait: $1: $_sc stats lines after $3 s, wanted $2" >&2
    return 1
}
stat_next() {
    [ $# -eq 2 ] || [ $# -eq 3 ] || { echo "usage: stat_next FILE KEY [SECS]" >&2; return 2; }
    _sn=$(stat_count "$1") || return 1
    stat_wait "$1" $((_sn + 1)) "${3:-5}" || return 1
    stat_last "$1" "$2"
}
cpus_of() {
    [ $# -eq 1 ] || { echo "usage: cpus_of CPULIST" >&2; return 2; }
    echo "$1" | awk -F, '$0 !~ /^([0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*)?$/ { print "cpus_of: not a cpulist: " $0 > "/dev/stderr"; exit 1 }
        { out = ""; for (i = 1; i <= NF; i++) { n = split($i, r, "-"); lo = r[1] + 0; hi = n > 1 ? r[2] + 0 : lo
              for (c = lo; c <= hi; c++) out = out (out == "" ? "" : " ") c }
          print out }'
}
