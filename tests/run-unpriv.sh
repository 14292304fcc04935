#!/bin/sh
# tests/run-unpriv.sh BUILD [CRITERION ARGS]: runs the black-box suite again
# as an unprivileged user, the way users run sandlock.  As root it creates
# the user sandlock-test and copies the binaries where that user can read
# them; as a normal user the suite already ran unprivileged.
set -eu
build=$1; shift
if [ "$(id -u)" -ne 0 ]; then
	echo "run-unpriv: already unprivileged (uid $(id -u)); nothing more to run"
	exit 0
fi
user=sandlock-test
id -u "$user" >/dev/null 2>&1 ||
    useradd --system --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin "$user"
dir=$(mktemp -d /tmp/sandlock-unpriv.XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
cp "$build/sandlock" "$build/sandlock-broker" "$build/probe" \
    "$build/nolandlock" "$dir/"
mkdir "$dir/tests"
cp "$build/tests/sandbox" "$dir/tests/"
cp "$build/test-pipeline" "$dir/"
chmod -R a+rX "$dir"
echo "run-unpriv: black-box suite as $user (uid $(id -u $user))"
cd /tmp
runuser -u "$user" -- env SL_BUILD="$dir" "$dir/tests/sandbox" "$@"
runuser -u "$user" -- env SL_BUILD="$dir" "$dir/test-pipeline" "$@"
