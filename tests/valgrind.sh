#!/bin/sh
# tests/valgrind.sh BUILD: memcheck on the trusted core (make valgrind).
#
# 1. The broker's decoder and stage builder (broker/dispatch.c, stage.c,
#    landlock.c, seccomp.c, common/msg.c, the real code, through
#    tests/fuzz/replay_msg.c) over every seed of tests/fuzz/corpus/msg:
#    complete stage specs, every malformed message, fds passed and closed.
# 2. Pipelines through the broker and the planner: BUILD/vg/ holds both
#    built from the same sources with tests/valgrind/vgkcall.h forced in.
#    valgrind 3.19 (Debian 12) has no wrapper for seccomp(2) (317), the
#    Landlock calls (444-446), pidfd_open (434), pidfd_getfd (438) or
#    fchmodat2 (452): it warns "unhandled amd64-linux syscall" and returns
#    ENOSYS without calling the kernel, so the shipped broker exits at
#    startup ("unable to load the baseline seccomp filter"; with that call
#    alone fixed, every stage fails at fork for want of a pidfd), and the
#    shipped planner cannot confine itself.  The test builds issue exactly
#    those seven syscalls on the real CPU (VALGRIND_NON_SIMD_CALL,
#    tests/valgrind/vgkcall.c), so the kernel really confines the broker,
#    its stages and the planner (the runs check that a write outside the
#    rules and a connect to a port not allowed are denied, and that a
#    mediated chmod and a mediated connect are done); all of
#    sandlock's code and every other syscall run under memcheck.  The
#    planner runs under valgrind and finds, beside it, a wrapper script
#    that execs valgrind on the broker; valgrind follows every fork (the
#    supervisor; each stage's setup: fds, rlimits, Landlock, seccomp, the
#    listener handover, up to its execve), one log per process.  The only
#    warnings allowed are libseccomp's probes of seccomp(2) from inside
#    the library (317, ENOSYS: they set its API level, on which the
#    program it generates for ALLOW and ERRNO rules does not depend);
#    tests/valgrind/vg.supp holds the one suppression, justified there.
#    Leaked fds are checked in the broker's processes; the planner keeps
#    its signal pipe and the supervisor its socket until they exit, and
#    the library's fds are checked by tests/pipeline/test_fault.c.
#
# Fails on any memcheck error, any definite/indirect/possible leak, any fd
# open at exit that the process did not inherit (broker), and any other
# syscall valgrind cannot run.
set -u
B=${1:-build}
VG="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --track-fds=yes"
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

log_clean() {	# logfile
	! grep -qE 'ERROR SUMMARY: [1-9]|definitely lost|indirectly lost|possibly lost|Invalid (read|write|free)|uninitialised|Syscall param' "$1" &&
	    fds_ok "$1"
}

check_log() {	# name logfile status
	if [ "$3" -ne 0 ] || ! log_clean "$2"; then
		echo "valgrind: $1: FAIL (status $3)"
		cat "$2"
		fail=1
	else
		echo "valgrind: $1: clean"
	fi
}

SL_FUZZ_NO_LANDLOCK=1 $VG --child-silent-after-fork=yes \
    --log-file="$T/replay.log" "$B/fuzz-msg-replay" >"$T/replay.out" 2>&1
st=$?
cat "$T/replay.out"
check_log "broker decoder over tests/fuzz/corpus/msg" "$T/replay.log" $st

mkdir "$T/bin" "$T/w"
cp "$B/vg/sandlock" "$T/bin/sandlock"
cp "$B/vg/sandlock-broker" "$T/bin/sandlock-broker.real"
SUPP=--suppressions=$(cd "$(dirname "$0")" && pwd)/valgrind/vg.supp
printf '#!/bin/sh\nexec %s %s --child-silent-after-fork=no --log-file=%s/broker.%%p.log %s/bin/sandlock-broker.real "$@"\n' \
    "$VG" "$SUPP" "$T" "$T" >"$T/bin/sandlock-broker"
chmod 755 "$T/bin/sandlock-broker"
VGP="$(echo "$VG" | sed 's/--track-fds=yes/--track-fds=no/') $SUPP --vgdb=no --child-silent-after-fork=no"

vgrun() {	# name expected-status expected-output sandlock-args...
	name=$1 xst=$2 xout=$3
	shift 3
	rm -f "$T"/broker.*.log "$T"/planner.*.log
	# shellcheck disable=SC2086
	out=$(cd "$T" && $VGP --log-file="$T/planner.%p.log" "$T/bin/sandlock" \
	    "$@" 2>"$T/pipe.err")
	st=$?
	nb=$(ls "$T"/broker.*.log 2>/dev/null | wc -l)
	np=$(ls "$T"/planner.*.log 2>/dev/null | wc -l)
	if [ "$st" -ne "$xst" ] || [ "$out" != "$xout" ] || [ "$nb" -lt 2 ] ||
	    [ "$np" -lt 1 ]; then
		echo "valgrind: $name: FAIL (status $st, output '$out'," \
		    "$nb broker and $np planner processes)"
		cat "$T/pipe.err" "$T"/broker.*.log "$T"/planner.*.log
		fail=1
		return
	fi
	if grep -h 'unhandled amd64-linux syscall' "$T"/broker.*.log \
	    "$T"/planner.*.log | grep -qv 'syscall: 317$'; then
		echo "valgrind: $name: FAIL (a syscall valgrind cannot run)"
		cat "$T"/broker.*.log "$T"/planner.*.log
		fail=1
		return
	fi
	for l in "$T"/broker.*.log "$T"/planner.*.log; do
		if ! log_clean "$l"; then
			echo "valgrind: $name: FAIL in $l"
			cat "$l"
			fail=1
			return
		fi
	done
	echo "valgrind: $name: clean ($nb broker and $np planner processes)"
}
R="-r /usr -r /lib -r /lib64 -r /bin"
# shellcheck disable=SC2086
vgrun "three-stage pipeline" 0 HELLO pipeline $R \
    :: -- echo hello :: -- tr a-z A-Z :: -- cat
# shellcheck disable=SC2086
vgrun "-P, -w, a mediated chmod, rlimits, a write outside denied" 0 "600
denied" pipeline $R -P 20 -w "$T/w" --max-file-size 1M \
    :: -- sh -c "echo hi > $T/w/f; chmod 600 $T/w/f; stat -c %a $T/w/f;
    echo x > /tmp/sandlock-vg-outside-$$ 2>/dev/null || echo denied" :: -- cat
BA=$(cd "$B" && pwd)
# shellcheck disable=SC2086
vgrun "--net-allow: a mediated connect refused, another port denied" 0 \
    "err ECONNREFUSED
err EACCES" pipeline $R -r "$BA" --net-allow 127.0.0.1:1 \
    :: -- sh -c "$BA/probe connect-tcp 127.0.0.1 1; $BA/probe connect-tcp \
    127.0.0.1 2" :: -- cat
# shellcheck disable=SC2086
vgrun "killed at its timeout" 124 "" pipeline $R -t 1 \
    :: -- sleep 5 :: -- cat
# shellcheck disable=SC2086
vgrun "a stage not found" 127 "" pipeline $R --pipefail \
    :: -- /nonexistent :: -- cat
exit $fail
