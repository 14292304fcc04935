#!/bin/sh
# examples/job.sh OUTDIR: a small "untrusted" job.  It totals the orders in
# examples/data (which it may read) into OUTDIR (which it may write), then
# tries three things its policy does not allow.
set -u
out=$1
data=$(dirname "$0")/data/orders.csv
awk -F, 'NR > 1 { t[$2] += $3 } END { for (c in t) print c, t[c] }' "$data" |
    sort > "$out/totals.txt" && echo "job: wrote $out/totals.txt"
echo "job: trying to read /etc/passwd ..."
cat /etc/passwd >/dev/null 2>&1 && echo "job: ESCAPED (read)" || echo "job: refused"
echo "job: trying to overwrite its own input ..."
printf "" 2>/dev/null > "$data" && echo "job: ESCAPED (write)" || echo "job: refused"
echo "job: trying to leave its process group (setsid) ..."
setsid true 2>/dev/null && echo "job: ESCAPED (setsid)" || echo "job: refused"
exit 0
