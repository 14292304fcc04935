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
echo "== the network: only what --net-allow names (a listener on 127.0.0.1)"
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); s.settimeout(5)
try:
    s.accept()
except OSError:
    pass' "$port" &
lpid=$!
sleep 0.3
conn="import socket, sys
try:
    socket.create_connection(('127.0.0.1', int(sys.argv[1])), 2)
except OSError as e:
    sys.exit('refused: %s' % e)
print('connected to', sys.argv[1])"
show="sandlock run -r /usr -r /lib -r /lib64 --net-allow 127.0.0.1:$port -- python3 -c \"...connect...\" $port"
run "$build/sandlock" run -r /usr -r /lib -r /lib64 --net-allow "127.0.0.1:$port" -- \
    /usr/bin/python3 -c "$conn" "$port"
show="sandlock run -r /usr -r /lib -r /lib64 --net-allow 127.0.0.1:$port -- python3 -c \"...connect...\" 22"
run "$build/sandlock" run -r /usr -r /lib -r /lib64 --net-allow "127.0.0.1:$port" -- \
    /usr/bin/python3 -c "$conn" 22
wait "$lpid" 2>/dev/null
rm -rf "$out"
