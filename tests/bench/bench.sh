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

# pipeline throughput: 1 GiB through 3 stages, 5 interleaved runs
gib=1073741824
bare="head -c $gib /dev/zero | cat | cat | cat >/dev/null"
sbx="head -c $gib /dev/zero | $sl pipeline $sys :: -- cat :: -- cat :: -- cat >/dev/null"
set -- $("$t" 5 -- sh -c "$bare" ::: sh -c "$sbx")
bmb=$(awk -v u="$1" -v b="$gib" 'BEGIN { printf "%.0f", b / u }')
smb=$(awk -v u="$3" -v b="$gib" 'BEGIN { printf "%.0f", b / u }')
row "pipeline 1 GiB, 3 stages, MB/s" "$bmb" "$smb" \
    "$(ratio "$1" "$3") throughput"
} | tee "$out"
