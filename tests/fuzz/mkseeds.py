#!/usr/bin/env python3
"""mkseeds.py: writes the seed corpus of fuzz_msg.c into tests/fuzz/corpus/msg/.

Each seed is a sequence of records (see fuzz_msg.c): u8 sel (sel % 5 fds),
u8 kinds (2 bits per fd: 0 /dev/null, 1 O_PATH dir, 2 dir, 3 pipe), u16 len,
then one datagram: struct msg_hdr {type, len, seq, nfds} and a body, as
common/proto.h defines them.  valid-* seeds end with the broker serving;
bad-* seeds end in one protocol violation.  Run it from the source tree
after a change to proto.h; the files are committed.
"""
import os
import struct
import sys

HELLO, BEGIN, PATH, FD, STRS, EXEC, KILL, LIMITS, NOTIFY, NET = 2, 4, 6, 8, 10, 12, 14, 16, 18, 20
FILE, ARGV, ENV = 1, 2, 3
K_NULL, K_OPATH, K_DIR, K_PIPE = 0, 1, 2, 3
LL_EXEC, LL_READ_FILE, LL_READ_DIR = 1 << 0, 1 << 2, 1 << 3


def dgram(mtype, body=b"", nfds=0, seq=1, hlen=None, hnfds=None):
    n = 16 + len(body) if hlen is None else hlen
    return struct.pack("<4I", mtype, n, seq, nfds if hnfds is None else hnfds) + body


def rec(data, kinds=()):
    k = 0
    for i, kind in enumerate(kinds):
        k |= kind << (2 * i)
    return struct.pack("<BBH", len(kinds), k, len(data)) + data


def msg(mtype, body=b"", kinds=(), **kw):
    return rec(dgram(mtype, body, len(kinds), **kw), kinds)


def strs(stage, kind, items, count=None):
    b = struct.pack("<4I", stage, kind, len(items) if count is None else count, 0)
    for s in items:
        b += struct.pack("<I", len(s)) + s
    return msg(STRS, b)


def hello(version=1, zero=0):
    return msg(HELLO, struct.pack("<2I", version, zero))


def begin(stage=0, zero=0):
    return msg(BEGIN, struct.pack("<2I", stage, zero))


def path(stage=0, access=LL_READ_FILE | LL_READ_DIR | LL_EXEC, kind=K_OPATH, zero=0):
    return msg(PATH, struct.pack("<2IQ", stage, zero, access), (kind,))


def fd(stage, target, kind=K_NULL):
    return msg(FD, struct.pack("<2I", stage, target), (kind,))


def limits(stage=0, nofile=64, fsize=1 << 20, cpu=5, data=1 << 28, zero=0):
    return msg(LIMITS, struct.pack("<2I4Q", stage, zero, nofile, fsize, cpu, data))


def notify(stage=0, nrs=(57,), ptracer=1, n=None):
    return msg(NOTIFY, struct.pack("<4I", stage, ptracer, len(nrs) if n is None else n, 0)
               + b"".join(struct.pack("<I", x) for x in nrs))


def net(stage=0, flags=1, ports=(443 | 1 << 17,), n=None, zero=0):
    return msg(NET, struct.pack("<4I", stage, flags, len(ports) if n is None else n, zero)
               + b"".join(struct.pack("<I", x) for x in ports))


def exec_(stage=0, flags=0, deny=(), kind=K_DIR, ndeny=None):
    return msg(EXEC, struct.pack("<4I", stage, flags, len(deny) if ndeny is None else ndeny, 0)
               + b"".join(struct.pack("<I", x) for x in deny), (kind,))


def kill(stage=0, signo=9):
    return msg(KILL, struct.pack("<2I", stage, signo))


def spec(stage=0):
    return (begin(stage) + path(stage) + strs(stage, FILE, [b"/bin/true"])
            + strs(stage, ARGV, [b"true", b"-x"]) + strs(stage, ENV, [b"A=1"])
            + fd(stage, 0) + fd(stage, 1, K_PIPE) + fd(stage, 2))


SEEDS = {
    "valid-hello": hello(),
    "valid-begin": hello() + begin() + begin(63),
    "valid-path": hello() + begin() + path() + path(access=LL_READ_FILE),
    "valid-fds": hello() + begin() + fd(0, 0) + fd(0, 1, K_PIPE) + fd(0, 2) + fd(0, 3, K_PIPE),
    "valid-strs": hello() + begin() + strs(0, FILE, [b"/bin/true"])
    + strs(0, ARGV, [b"true", b"a", b"b"]) + strs(0, ENV, [b"PATH=/bin", b"X="]),
    "valid-limits": hello() + begin() + limits(),
    "valid-notify": hello() + begin() + notify(nrs=(56, 57, 58)),
    "valid-exec": hello() + spec() + limits() + exec_(deny=(41, 42)) + kill(),
    "valid-exec-notify": hello() + spec() + notify() + exec_(flags=2),
    "valid-exec-degraded": hello() + spec() + exec_(flags=1),
    "valid-exec-opath-cwd": hello() + spec() + exec_(kind=K_OPATH),
    "valid-two-stages": hello() + spec(0) + spec(1) + exec_(1) + exec_(0) + kill(1, 15),
    "valid-kill-free": hello() + kill(5, 1),
    "bad-type-zero": rec(dgram(0)),
    "bad-type-unknown": rec(dgram(99, b"\0" * 8)),
    "bad-answer-type": hello() + msg(13, b"\0" * 16),
    "bad-begin-before-hello": begin(),
    "bad-hello-twice": hello() + hello(),
    "bad-hello-version": hello(version=2),
    "bad-hello-reserved": hello(zero=1),
    "bad-hello-short": msg(HELLO, b"\1\0\0\0"),
    "bad-hello-fd": rec(dgram(HELLO, struct.pack("<2I", 1, 0), 1), (K_NULL,)),
    "bad-empty": rec(b""),
    "bad-short-header": rec(b"\2\0\0\0\x10\0"),
    "bad-len-mismatch": rec(dgram(HELLO, struct.pack("<2I", 1, 0), hlen=40)),
    "bad-nfds-mismatch": rec(dgram(HELLO, struct.pack("<2I", 1, 0), hnfds=2)),
    "bad-fds-unannounced": rec(dgram(HELLO, struct.pack("<2I", 1, 0), hnfds=0), (K_NULL, K_NULL)),
    "bad-begin-range": hello() + begin(64),
    "bad-begin-twice": hello() + begin() + begin(),
    "bad-path-not-opath": hello() + begin() + path(kind=K_NULL),
    "bad-path-access": hello() + begin() + path(access=1 << 40),
    "bad-path-zero-access": hello() + begin() + path(access=0),
    "bad-path-free-slot": hello() + path(),
    "bad-fd-target": hello() + begin() + fd(0, 64),
    "bad-fd-twice": hello() + begin() + fd(0, 1) + fd(0, 1),
    "bad-fd-dir": hello() + begin() + fd(0, 0, K_DIR),
    "bad-fd-opath": hello() + begin() + fd(0, 0, K_OPATH),
    "bad-strs-kind": hello() + begin() + strs(0, 4, [b"x"]),
    "bad-strs-nul": hello() + begin() + strs(0, ARGV, [b"a\0b"]),
    "bad-strs-count": hello() + begin() + strs(0, ARGV, [b"a", b"b"], count=3),
    "bad-strs-trailing": hello() + begin() + strs(0, ARGV, [b"a", b"b"], count=1),
    "bad-strs-empty-path": hello() + begin() + strs(0, FILE, [b""]),
    "bad-strs-two-files": hello() + begin() + strs(0, FILE, [b"/a", b"/b"]),
    "bad-strs-file-twice": hello() + begin() + strs(0, FILE, [b"/a"]) + strs(0, FILE, [b"/b"]),
    "bad-strs-huge-len": hello() + begin() + msg(STRS, struct.pack("<5I", 0, ARGV, 1, 0, 0xffffffff)),
    "bad-limits-twice": hello() + begin() + limits() + limits(),
    "bad-limits-reserved": hello() + begin() + limits(zero=7),
    "bad-notify-execve": hello() + begin() + notify(nrs=(59,)),
    "bad-notify-write": hello() + begin() + notify(nrs=(1,)),
    # Found with this harness (a replay, not yet by libFuzzer): these used to hang the broker in await_exec.
    "bad-notify-seccomp-exec": hello() + spec() + notify(nrs=(57, 317)) + exec_(),
    "bad-notify-prctl-exec": hello() + spec() + notify(nrs=(157,)) + exec_(),
    "bad-notify-empty": hello() + begin() + notify(nrs=()),
    "bad-notify-count": hello() + begin() + notify(nrs=(57,), n=2),
    "bad-notify-no-ptracer": hello() + begin() + notify(ptracer=0),
    "bad-notify-twice": hello() + begin() + notify() + notify(),
    "bad-exec-incomplete": hello() + begin() + exec_(),
    "bad-exec-no-stdio": hello() + begin() + strs(0, FILE, [b"/x"]) + strs(0, ARGV, [b"x"]) + exec_(),
    "bad-exec-hole": hello() + spec() + fd(0, 5) + exec_(),
    "bad-exec-flags": hello() + spec() + exec_(flags=4),
    "bad-exec-deny-count": hello() + spec() + exec_(deny=(41,), ndeny=2),
    "bad-exec-deny-nr": hello() + spec() + exec_(deny=(1000,)),
    "bad-exec-cwd-file": hello() + spec() + exec_(kind=K_NULL),
    "valid-net": hello() + begin() + net(flags=1 | 32, ports=(443 | 1 << 17, 8080 | 3 << 16)),
    "valid-exec-net": hello() + begin() + net() + path() + strs(0, FILE, [b"/bin/true"])
    + strs(0, ARGV, [b"true"]) + fd(0, 0) + fd(0, 1) + fd(0, 2) + exec_(),
    "valid-exec-net-udp": hello() + begin() + net(flags=2 | 8, ports=()) + path()
    + strs(0, FILE, [b"/bin/true"]) + strs(0, ARGV, [b"true"]) + fd(0, 0) + fd(0, 1)
    + fd(0, 2) + notify(nrs=(42, 44, 46, 307)) + exec_(),
    "bad-net-after-path": hello() + begin() + path() + net(),
    "bad-net-twice": hello() + begin() + net() + net(),
    "bad-net-flags": hello() + begin() + net(flags=64),
    "bad-net-port-kind": hello() + begin() + net(ports=(80,)),
    "bad-net-count": hello() + begin() + net(n=3),
    "bad-net-udp-unnotified": hello() + begin() + net(flags=2, ports=()) + path()
    + strs(0, FILE, [b"/bin/true"]) + strs(0, ARGV, [b"true"]) + fd(0, 0) + fd(0, 1)
    + fd(0, 2) + exec_(),
    "bad-kill-signo": hello() + kill(0, 65),
    "bad-kill-building": hello() + begin() + kill(0, 9),
}

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "msg")
os.makedirs(out, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"{len(SEEDS)} seeds in {out}")
