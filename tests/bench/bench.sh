#!/bin/sh
# tests/bench/bench.sh BUILD [startup]: the benchmarks of `make bench`, on
# this machine, each as a ratio to a bare run measured in the same
# invocation (runs interleaved to cancel drift).  Writes a Markdown table
# to stdout and to BUILD/bench.md.  With "startup" (make bench-startup),
# only the startup rows.
set -eu
build=$(cd "$1" && pwd)
only=${2:-}
sl=$build/sandlock
t=$build/timeit
sys="-r /usr -r /lib -r /lib64 -r /bin"
out=$build/bench.md
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

{
echo "# sandlock benchmarks"
echo
echo "$(nproc) cores, $(uname -r), $(date -u +%Y-%m-%d)"
echo
echo "| case | bare | sandlock | ratio |"
echo "|---|---|---|---|"

# startup: /bin/true, 500 rounds, each running bare, sandlock (default
# policy, -P 64, --no-supervisor) and bubblewrap's --ro-bind / / (when it
# is installed) one after the other, so that all share the machine's
# drift; median (p90) in microseconds, each as a ratio to the bare runs of
# the same rounds
bw=""
if command -v bwrap >/dev/null 2>&1; then
	bw="::: bwrap --ro-bind / / /bin/true"
fi
set -- $("$t" 500 -- /bin/true ::: "$sl" run $sys -- /bin/true ::: \
    "$sl" run $sys -P 64 -- /bin/true ::: \
    "$sl" run $sys --no-supervisor -- /bin/true $bw)
row "startup /bin/true, median (p90) µs" "$1 ($2)" "$3 ($4)" \
    "$(ratio "$3" "$1")× time"
row "startup with a supervisor (-P 64)" "$1 ($2)" "$5 ($6)" \
    "$(ratio "$5" "$1")× time"
row "startup --no-supervisor" "$1 ($2)" "$7 ($8)" "$(ratio "$7" "$1")× time"
if [ -n "$bw" ]; then
	row "bubblewrap --ro-bind / / /bin/true, same rounds (comparison)" \
	    "$1 ($2)" "$9 (${10})" "$(ratio "$9" "$1")× time"
fi
[ "$only" = startup ] && exit 0

# pipeline throughput, 11 interleaved runs each.  "fed": 1 GiB from a bare
# producer through 3 sandboxed stages; "all": the producer is a sandboxed
# stage too.  Stages stay in the caller's session, so with scheduler
# autogroups (CONFIG_SCHED_AUTOGROUP) producer and stages share one group,
# as a bare shell pipeline's processes do.
gib=1073741824
mbs() { awk -v u="$1" -v b="$gib" 'BEGIN { printf "%.0f", b / u }'; }
bare="head -c $gib /dev/zero | cat | cat | cat >/dev/null"
fed="head -c $gib /dev/zero | $sl pipeline $sys :: -- cat :: -- cat :: -- cat >/dev/null"
all="$sl pipeline $sys :: -- head -c $gib /dev/zero :: -- cat :: -- cat :: -- cat >/dev/null"
set -- $("$t" 11 -- sh -c "$bare" ::: sh -c "$all" ::: sh -c "$fed")
row "pipeline 1 GiB, producer + 3 stages all sandboxed, MB/s" "$(mbs "$1")" \
    "$(mbs "$3")" "$(ratio "$1" "$3") throughput"
row "pipeline 1 GiB, bare producer into 3 sandboxed stages, MB/s" \
    "$(mbs "$1")" "$(mbs "$5")" "$(ratio "$1" "$5") throughput"

# mediated syscall latency: chmod by path beneath -w goes through the
# supervisor; median and p99 of 5000 calls, with and without SYNC_WAKE_UP
dir=$(mktemp -d /tmp/sandlock-bench.XXXXXX)
chmod 755 "$dir"
: > "$dir/f"
p=$build/probe
set -- $("$p" chmod-bench "$dir/f" 5000)
bare_med=$2; bare_p99=$3
set -- $("$sl" run $sys -r "$build" -w "$dir" -- "$p" chmod-bench "$dir/f" 5000)
sw_med=$2; sw_p99=$3
set -- $(SANDLOCK_BENCH_NO_SYNC_WAKEUP=1 "$sl" run $sys -r "$build" -w "$dir" -- \
    "$p" chmod-bench "$dir/f" 5000)
row "mediated chmod, median (p99) µs, SYNC_WAKE_UP" \
    "$(awk -v a="$bare_med" -v b="$bare_p99" 'BEGIN { printf "%.1f (%.1f)", a / 1000, b / 1000 }')" \
    "$(awk -v a="$sw_med" -v b="$sw_p99" 'BEGIN { printf "%.1f (%.1f)", a / 1000, b / 1000 }')" \
    "$(ratio "$sw_med" "$bare_med")× time"
row "mediated chmod, median (p99) µs, without SYNC_WAKE_UP" \
    "$(awk -v a="$bare_med" -v b="$bare_p99" 'BEGIN { printf "%.1f (%.1f)", a / 1000, b / 1000 }')" \
    "$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.1f (%.1f)", a / 1000, b / 1000 }')" \
    "$(ratio "$2" "$bare_med")× time"
# the mediation round trip itself: futimens(fd, NULL) is notified beneath
# -w and answered at once (no memory read, no path walk)
set -- $("$p" futimens-bench "$dir/f" 5000)
fb_med=$2; fb_p99=$3
set -- $("$sl" run $sys -r "$build" -w "$dir" -- "$p" futimens-bench "$dir/f" 5000)
row "mediated call answered at once (futimens), median (p99) µs, SYNC_WAKE_UP" \
    "$(awk -v a="$fb_med" -v b="$fb_p99" 'BEGIN { printf "%.1f (%.1f)", a / 1000, b / 1000 }')" \
    "$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.1f (%.1f)", a / 1000, b / 1000 }')" \
    "$(ratio "$2" "$fb_med")× time"
# /proc mediation: with a rule reaching /proc every open goes through the
# supervisor; median and p99 of 5000 opens of /proc/self/status (the
# caller's own entry: the path walk, placement and ADDFD), bare vs -r /proc
set -- $("$p" open-bench /proc/self/status 5000)
bare_med=$2; bare_p99=$3
set -- $("$sl" run $sys -r "$build" -r /proc -- "$p" open-bench /proc/self/status 5000)
row "mediated open of /proc/self/status, median (p99) µs" \
    "$(awk -v a="$bare_med" -v b="$bare_p99" 'BEGIN { printf "%.1f (%.1f)", a / 1000, b / 1000 }')" \
    "$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.1f (%.1f)", a / 1000, b / 1000 }')" \
    "$(ratio "$2" "$bare_med")× time"
rm -rf "$dir"

# mediated connect: blocking TCP connects to a listener of its own on
# 127.0.0.1, under an address rule (every connect goes to the supervisor,
# which connects in a thread) and under a port-only tcp:// rule (Landlock)
set -- $("$p" connect-bench 2000)
bare_med=$2; bare_p99=$3
set -- $("$sl" run $sys -r "$build" --net-allow 127.0.0.1 --net-allow-bind 0 -- \
    "$p" connect-bench 2000)
us() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f (%.1f)", a / 1000, b / 1000 }'; }
row "TCP connect, address rule (mediated), median (p99) µs" \
    "$(us "$bare_med" "$bare_p99")" "$(us "$2" "$3")" "$(ratio "$2" "$bare_med")× time"
set -- $("$sl" run $sys -r "$build" --net-allow 'tcp://:*' --net-allow-bind 0 -- \
    "$p" connect-bench 2000)
row "TCP connect, port-only rule (Landlock), median (p99) µs" \
    "$(us "$bare_med" "$bare_p99")" "$(us "$2" "$3")" "$(ratio "$2" "$bare_med")× time"

# syscall-heavy: 2000 fork+exec in a shell loop, under -P (every fork is a
# mediated call), 3 interleaved runs
loop='i=0; while [ $i -lt 2000 ]; do /bin/true; i=$((i+1)); done'
set -- $("$t" 3 -- sh -c "$loop" ::: "$sl" run $sys -P 100 -- sh -c "$loop")
row "2000 fork+exec under -P 100, ms" "$(awk -v u="$1" 'BEGIN { printf "%.0f", u / 1000 }')" \
    "$(awk -v u="$3" 'BEGIN { printf "%.0f", u / 1000 }')" "$(ratio "$3" "$1")× time"

# scale: N sandboxes at once, each /bin/true; all must succeed
for n in 100 1000; do
	s0=$(date +%s%N)
	pids=""
	i=0
	while [ $i -lt $n ]; do
		"$sl" run $sys -- /bin/true 2>/dev/null &
		pids="$pids $!"
		i=$((i + 1))
	done
	fails=0
	for p in $pids; do
		wait "$p" || fails=$((fails + 1))
	done
	s1=$(date +%s%N)
	row "$n sandboxes at once: failures, total ms" "-" \
	    "$fails, $(( (s1 - s0) / 1000000 ))" "-"
done

# peak memory (VmHWM) of the broker and the supervisor during a run
"$sl" run $sys -P 64 -- /bin/sleep 1 &
sleep 0.5
for c in sandlock-broker sandlock-sup; do
	p=$(pgrep -n -x "$c" || true)
	kb=$( [ -n "$p" ] && awk '/VmHWM/ { print $2 }' /proc/"$p"/status)
	row "peak RSS of $c, KiB" "-" "${kb:-?}" "-"
done
wait
} | tee "$out"
