#!/bin/sh
# tests/deps.sh PKG...: installs the Debian packages that are missing.
# Needs root (or all packages present); says what to do otherwise.
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "sandlock: missing Debian packages:$missing" >&2
	echo "sandlock: run 'sudo apt-get install$missing' or make check as root" >&2
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq $missing >/dev/null
