#!/bin/sh
# tests/install-check.sh VERSION: make install into a scratch DESTDIR with
# PREFIX=/usr (built in build-inst/, so build/ keeps its paths), then build
# examples/libsandlock-example.c against the INSTALLED header and
# sandlock.pc, shared and static, run both, and make uninstall.
set -eu
version=$1
tmp=$(mktemp -d /tmp/sandlock-inst.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "install-check: FAIL: $*" >&2; exit 1; }
mk() { make -s --no-print-directory B=build-inst PREFIX=/usr DESTDIR="$tmp" "$@"; }
mk install >/dev/null
for f in bin/sandlock libexec/sandlock/sandlock-broker lib/libsandlock.a \
    lib/libsandlock.so.$version lib/libsandlock.so.0 lib/libsandlock.so \
    include/sandlock.h lib/pkgconfig/sandlock.pc share/man/man1/sandlock.1 \
    share/man/man3/libsandlock.3 share/man/man5/sandlock-policy.5 \
    share/bash-completion/completions/sandlock; do
	[ -e "$tmp/usr/$f" ] || fail "not installed: /usr/$f"
done
[ "$(readlink "$tmp/usr/lib/libsandlock.so")" = libsandlock.so.0 ] ||
    fail "libsandlock.so does not point at libsandlock.so.0"
readelf -d "$tmp/usr/lib/libsandlock.so.$version" | grep -q 'SONAME.*libsandlock.so.0' ||
    fail "soname is not libsandlock.so.0"
grep -q '^libdir=/usr/lib$' "$tmp/usr/lib/pkgconfig/sandlock.pc" ||
    fail "sandlock.pc does not carry the install paths"
export PKG_CONFIG_SYSROOT_DIR="$tmp" PKG_CONFIG_LIBDIR="$tmp/usr/lib/pkgconfig"
export PKG_CONFIG_PATH=
cflags=$(pkg-config --cflags sandlock)
case $cflags in *"$tmp/usr/include"*) ;; *) fail "cflags: $cflags" ;; esac
# The example sits beside the installed broker (found next to the
# executable, as for a relocated install): the configured /usr/libexec is
# not in this DESTDIR.
bin="$tmp/usr/libexec/sandlock"
cc -std=c11 -Wall -Wextra -Werror -o "$bin/example" \
    examples/libsandlock-example.c $cflags $(pkg-config --libs sandlock)
readelf -d "$bin/example" | grep -q 'NEEDED.*libsandlock.so.0' ||
    fail "the example does not need libsandlock.so.0"
cc -std=c11 -Wall -Wextra -Werror -o "$bin/example-static" \
    examples/libsandlock-example.c $cflags \
    -Wl,-Bstatic $(pkg-config --libs --static sandlock) -Wl,-Bdynamic
rt=$(mktemp -d "$tmp/rt.XXXXXX")
chmod 700 "$rt"
for ex in example example-static; do
	out=$(XDG_RUNTIME_DIR="$rt" LD_LIBRARY_PATH="$tmp/usr/lib" "$bin/$ex") ||
	    fail "$ex exited $?: $out"
	case $out in *"hello from libsandlock"*"exit status 0"*) ;;
	*) fail "$ex printed: $out" ;; esac
done
rm -f "$bin/example" "$bin/example-static"
mk uninstall >/dev/null
left=$(find "$tmp/usr" -type f -o -type l)
[ -z "$left" ] || fail "left after uninstall: $left"
echo "install-check: installed, built the example from the installed header and sandlock.pc (shared and static), ran it, uninstalled: ok"
