#!/bin/sh
# tests/valgrind.sh BUILD: memcheck on the trusted core (make valgrind).
#
# 1. The broker's decoder and stage builder (broker/dispatch.c, stage.c,
#    landlock.c, seccomp.c, common/msg.c, the real code, through
#    tests/fuzz/replay_msg.c) over every seed of tests/fuzz/corpus/msg:
#    complete stage specs, every malformed message, fds passed and closed.
# 2. A three-stage pipeline through the real sandlock-broker (a wrapper
#    script beside a copy of the planner execs valgrind on it) and through
#    the planner itself, when this valgrind can run them: valgrind 3.19
#    (Debian 12) has no wrapper for seccomp(2) or the Landlock syscalls
#    ("unhandled amd64-linux syscall: 317/444"), so the broker cannot load
#    its baseline filter and the planner cannot confine itself under it;
#    that is reported as SKIP, never as a pass.
#
# Fails on any memcheck error, any definite/indirect/possible leak, and
# any fd open at exit that the process did not inherit.
set -u
B=${1:-build}
VG="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --track-fds=yes --child-silent-after-fork=yes"
T=$(mktemp -d /tmp/sandlock-vg.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
fail=0

# Every fd listed at exit must be std or "<inherited from parent>".
fds_ok() {
	awk '/Open (file descriptor|AF_UNIX socket|AF_INET)/ { fd = $0; next }
	    fd != "" && /<inherited from parent>/ { fd = ""; next }
	    fd != "" && /^==[0-9]+== *$/ { print fd; bad = 1; fd = "" }
	    END { exit bad }' "$1"
}

check_log() {	# name logfile status
	if [ "$3" -ne 0 ] || grep -qE 'ERROR SUMMARY: [1-9]|definitely lost|indirectly lost|possibly lost|Invalid (read|write|free)|uninitialised' "$2" ||
	    ! fds_ok "$2"; then
		echo "valgrind: $1: FAIL (status $3)"
		cat "$2"
		fail=1
	else
		echo "valgrind: $1: clean"
	fi
}

SL_FUZZ_NO_LANDLOCK=1 $VG --log-file="$T/replay.log" "$B/fuzz-msg-replay" >"$T/replay.out" 2>&1
st=$?
cat "$T/replay.out"
check_log "broker decoder over tests/fuzz/corpus/msg" "$T/replay.log" $st

mkdir "$T/bin"
cp "$B/sandlock" "$T/bin/sandlock"
cp "$B/sandlock-broker" "$T/bin/sandlock-broker.real"
printf '#!/bin/sh\nexec %s --log-file=%s/broker.%%p.log %s/bin/sandlock-broker.real "$@"\n' \
    "$VG" "$T" "$T" >"$T/bin/sandlock-broker"
chmod 755 "$T/bin/sandlock-broker"
out=$("$T/bin/sandlock" pipeline -r /usr -r /lib -r /lib64 -r /bin \
    :: -- echo hello :: -- tr a-z A-Z :: -- cat 2>"$T/pipe.err")
st=$?
if grep -qs 'unhandled amd64-linux syscall' "$T"/broker.*.log; then
	echo "valgrind: broker pipeline: SKIP ($(valgrind --version) cannot run" \
	    "seccomp/Landlock: $(grep -ho 'unhandled amd64-linux syscall: [0-9]*' "$T"/broker.*.log | sort -u | tr '\n' ' '))"
elif [ "$st" -ne 0 ] || [ "$out" != HELLO ]; then
	echo "valgrind: broker pipeline: FAIL (status $st, output '$out')"
	cat "$T/pipe.err" "$T"/broker.*.log
	fail=1
else
	for l in "$T"/broker.*.log; do
		check_log "broker pipeline" "$l" 0
	done
fi

out=$($VG --log-file="$T/planner.log" "$B/sandlock" pipeline -r /usr -r /lib \
    -r /lib64 -r /bin :: -- echo hello :: -- tr a-z A-Z :: -- cat 2>"$T/planner.err")
st=$?
if grep -qs 'unhandled amd64-linux syscall' "$T/planner.log"; then
	echo "valgrind: planner pipeline: SKIP ($(valgrind --version) cannot run" \
	    "Landlock: $(grep -ho 'unhandled amd64-linux syscall: [0-9]*' "$T/planner.log" | sort -u | tr '\n' ' '))"
elif [ "$out" != HELLO ]; then
	echo "valgrind: planner pipeline: FAIL (status $st, output '$out')"
	cat "$T/planner.err" "$T/planner.log"
	fail=1
else
	check_log "planner pipeline" "$T/planner.log" $st
fi
exit $fail
