#!/bin/sh
# tests/bench/bench.sh BUILD: the benchmarks of `make bench`, on this
# machine, each as a ratio to a bare run measured in the same invocation
# (runs interleaved to cancel drift).  Writes a Markdown table to stdout
# and to BUILD/bench.md.
set -eu
build=$(cd "$1" && pwd)
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

# startup: /bin/true, 200 interleaved runs, median (p90) in microseconds
set -- $("$t" 200 -- /bin/true ::: "$sl" run $sys -- /bin/true)
row "startup /bin/true, median (p90) µs" "$1 ($2)" "$3 ($4)" \
    "$(ratio "$3" "$1")× time"

# pipeline throughput, 11 interleaved runs each.  "fed": 1 GiB from a bare
# producer through 3 sandboxed stages; "all": the producer is a sandboxed
# stage too.  With scheduler autogroups (CONFIG_SCHED_AUTOGROUP) the fed
# case puts the producer and the stages in two groups that share the CPU
# 50/50, which a bare shell pipeline (one group) does not.
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
} | tee "$out"
