#!/bin/sh
# tests/demo.sh BUILD: the main job on the shipped example (make demo).
set -u
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d /tmp/sandlock-demo.XXXXXX)
chmod 755 "$out"
run() {
	echo "\$ $show"
	"$@"
	echo "(exit status $?)"
	echo
}
echo "== a confined job: read the system and examples/, write only $out"
show="sandlock run -r /usr -r /lib -r /lib64 -r /bin -r examples -w $out -- sh examples/job.sh $out"
run "$build/sandlock" run -r /usr -r /lib -r /lib64 -r /bin \
    -r "$top/examples" -w "$out" -- sh "$top/examples/job.sh" "$out"
echo "== what it wrote"
cat "$out/totals.txt"
echo
echo "== a refused exec: nothing outside the rules runs (126)"
show="sandlock run -r /lib -r /lib64 -r /usr/lib -- /usr/bin/id"
run "$build/sandlock" run -r /lib -r /lib64 -r /usr/lib -- /usr/bin/id
echo "== a timeout kills the whole tree (124)"
show="sandlock run -r /usr -r /lib -r /lib64 -r /bin -t 1 -- sh -c 'sleep 30 & sleep 30'"
run "$build/sandlock" run -r /usr -r /lib -r /lib64 -r /bin -t 1 -- \
    sh -c 'sleep 30 & sleep 30'
rm -rf "$out"
