#!/bin/sh
# tests/lint-fds.sh: every fd is close-on-exec from birth.  Fails on an
# open() or socket()/socketpair() without CLOEXEC, or any pipe() or dup()
# in the programs' sources (tests and the probe may do as they like).
bad=$(grep -nE '\b(open|openat)\(' broker/*.c common/*.c worker/*.c policy/*.c |
    grep -v 'CLOEXEC' | grep -vE '^\S+:\s*(/\*|\*)')
bad="$bad$(grep -nE '\b(pipe|dup)\(' broker/*.c common/*.c worker/*.c policy/*.c)"
bad="$bad$(grep -nE '\b(socket|socketpair)\(' broker/*.c common/*.c worker/*.c |
    grep -v 'CLOEXEC' | grep -vE '^\S+:\s*(/\*|\*)')"
if [ -n "$bad" ]; then
	echo "fds not close-on-exec from birth:"
	echo "$bad"
	exit 1
fi
echo "lint-fds: every open, socket and pipe is close-on-exec"
