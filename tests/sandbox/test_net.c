/*
 * test_net.c: network policy, end to end.  Every listener lives in this
 * test process on 127.0.0.1, 127.0.0.2 or ::1 (ephemeral ports); after the
 * sandboxed probe has run, the listener is asked what reached it, so a
 * refusal is proven by the destination, not only by the probe's errno.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sbx.h"

TestSuite(net, .timeout = 60);

/* A non-blocking TCP listener or UDP socket on ip, ephemeral port. */
static int
sock_on(const char *ip, int type, int *port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		len = sizeof(*v4);
	} else {
		cr_assert(eq(int, inet_pton(AF_INET6, ip, &v6->sin6_addr), 1));
		v6->sin6_family = AF_INET6;
		len = sizeof(*v6);
	}
	fd = socket(ss.ss_family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	cr_assert(ge(int, fd, 0));
	cr_assert(eq(int, bind(fd, (struct sockaddr *)&ss, len), 0),
	    "bind %s: %s", ip, strerror(errno));
	if (type == SOCK_STREAM)
		cr_assert(eq(int, listen(fd, 4096), 0));
	cr_assert(eq(int, getsockname(fd, (struct sockaddr *)&ss, &len), 0));
	*port = ntohs(ss.ss_family == AF_INET ? v4->sin_port : v6->sin6_port);
	return fd;
}

/* What reached a listener: connections accepted, or datagrams. */
static int
arrived(int fd, int type)
{
	char b[64];
	int n = 0, c;

	for (;;) {
		if (type == SOCK_STREAM) {
			if ((c = accept(fd, NULL, NULL)) < 0)
				break;
			close(c);
		} else if (recv(fd, b, sizeof(b), 0) < 0)
			break;
		n++;
	}
	cr_assert(eq(int, errno, EAGAIN));
	return n;
}

static const char *
num(int v)
{
	static char buf[4][16];
	static int k;

	k = (k + 1) % 4;
	(void)snprintf(buf[k], sizeof(buf[k]), "%d", v);
	return buf[k];
}

/* "--net-allow" "FMT..." as an extra-flags vector (static storage). */
static const char *const *
flag(const char *name, const char *fmt, int port)
{
	static char spec[128];
	static const char *v[3];

	(void)snprintf(spec, sizeof(spec), fmt, port);
	v[0] = name;
	v[1] = spec;
	v[2] = NULL;
	return v;
}

#define ALLOW(fmt, port)	flag("--net-allow", fmt, port)

/* Runs the probe with extra flags and checks its one line of output. */
static void
expect(const char *const *extra, const char *out, const char *op,
    const char *a, const char *b, const char *c)
{
	struct th_run r;

	sbx_probe(&r, extra, op, a, b, c, (const char *)NULL);
	SBX_EXPECT(&r, strncmp(out, "ok", 2) == 0 ? 0 : 1, out);
	th_run_free(&r);
}

/* ---- TCP ---- */

/* An address rule lets its port through: the listener sees one. */
Test(net, tcp_allowed_port_connects)
{
	int p, l = sock_on("127.0.0.1", SOCK_STREAM, &p);

	expect(ALLOW("127.0.0.1:%d", p), "ok\n", "connect-tcp", "127.0.0.1",
	    num(p), NULL);
	cr_assert(eq(int, arrived(l, SOCK_STREAM), 1));
	close(l);
}

/* Another port of the same address: EACCES, the listener sees nothing. */
Test(net, tcp_other_port_refused)
{
	int p, q, l = sock_on("127.0.0.1", SOCK_STREAM, &p);
	int m = sock_on("127.0.0.1", SOCK_STREAM, &q);

	expect(ALLOW("127.0.0.1:%d", p), "err EACCES\n", "connect-tcp",
	    "127.0.0.1", num(q), NULL);
	cr_assert(eq(int, arrived(m, SOCK_STREAM), 0));
	close(l);
	close(m);
}

/* A port-only tcp:// rule is Landlock's: its port connects... */
Test(net, tcp_port_only_rule_connects)
{
	int p, l = sock_on("127.0.0.1", SOCK_STREAM, &p);

	expect(ALLOW("tcp://:%d", p), "ok\n", "connect-tcp", "127.0.0.1",
	    num(p), NULL);
	cr_assert(eq(int, arrived(l, SOCK_STREAM), 1));
	close(l);
}

/* ...and any other port is refused by Landlock. */
Test(net, tcp_port_only_rule_refuses_other_port)
{
	int p, q, l = sock_on("127.0.0.1", SOCK_STREAM, &p);
	int m = sock_on("127.0.0.1", SOCK_STREAM, &q);

	expect(ALLOW("tcp://:%d", p), "err EACCES\n", "connect-tcp",
	    "127.0.0.1", num(q), NULL);
	cr_assert(eq(int, arrived(m, SOCK_STREAM), 0));
	close(l);
	close(m);
}

/* The rule names 127.0.0.1: the same port on 127.0.0.2 is refused. */
Test(net, tcp_other_loopback_address_refused)
{
	int p, l = sock_on("127.0.0.2", SOCK_STREAM, &p);

	expect(ALLOW("127.0.0.1:%d", p), "err EACCES\n", "connect-tcp",
	    "127.0.0.2", num(p), NULL);
	cr_assert(eq(int, arrived(l, SOCK_STREAM), 0));
	close(l);
}

/* ::ffff:127.0.0.2 is 127.0.0.2: refused when the rule names 127.0.0.1. */
Test(net, tcp_v4_mapped_other_address_refused)
{
	int p, l = sock_on("127.0.0.2", SOCK_STREAM, &p);

	expect(ALLOW("127.0.0.1:%d", p), "err EACCES\n", "connect-tcp",
	    "::ffff:127.0.0.2", num(p), NULL);
	cr_assert(eq(int, arrived(l, SOCK_STREAM), 0));
	close(l);
}

/* ::ffff:127.0.0.1 is matched as 127.0.0.1: allowed. */
Test(net, tcp_v4_mapped_allowed_address_connects)
{
	int p, l = sock_on("127.0.0.1", SOCK_STREAM, &p);

	expect(ALLOW("127.0.0.1:%d", p), "ok\n", "connect-tcp",
	    "::ffff:127.0.0.1", num(p), NULL);
	cr_assert(eq(int, arrived(l, SOCK_STREAM), 1));
	close(l);
}

/* IPv6: [::1]:P connects, a rule for another port does not. */
Test(net, tcp_ipv6_rule)
{
	int p, l = sock_on("::1", SOCK_STREAM, &p);

	expect(ALLOW("[::1]:%d", p), "ok\n", "connect-tcp", "::1", num(p),
	    NULL);
	expect(ALLOW("[::1]:%d", p == 65535 ? 1 : p + 1), "err EACCES\n",
	    "connect-tcp", "::1", num(p), NULL);
	cr_assert(eq(int, arrived(l, SOCK_STREAM), 1));
	close(l);
}

/* A CIDR rule covers its network only. */
Test(net, tcp_cidr_rule)
{
	int p, l = sock_on("127.0.0.2", SOCK_STREAM, &p);

	expect(ALLOW("127.0.0.0/30:%d", p), "ok\n", "connect-tcp",
	    "127.0.0.2", num(p), NULL);
	expect(ALLOW("127.0.0.0/31:%d", p), "err EACCES\n", "connect-tcp",
	    "127.0.0.2", num(p), NULL);
	cr_assert(eq(int, arrived(l, SOCK_STREAM), 1));
	close(l);
}

/* A blocking connect is performed by a thread of the supervisor. */
Test(net, tcp_blocking_connect)
{
	int p, l = sock_on("127.0.0.1", SOCK_STREAM, &p);

	expect(ALLOW("127.0.0.1:%d", p), "ok\n", "tcp-connect-block",
	    "127.0.0.1", num(p), NULL);
	cr_assert(eq(int, arrived(l, SOCK_STREAM), 1));
	close(l);
}

/* 100 threads connecting at once (more than the supervisor's 32 workers
 * for blocking calls): every connect completes. */
Test(net, hundred_threads_connect_at_once)
{
	int p, l = sock_on("127.0.0.1", SOCK_STREAM, &p);

	expect(ALLOW("127.0.0.1:%d", p), "ok 100\n", "connect-threads",
	    "127.0.0.1", num(p), "100");
	cr_assert(eq(int, arrived(l, SOCK_STREAM), 100));
	close(l);
}

/* A hostname is resolved once at start (localhost: /etc/hosts). */
Test(net, tcp_hostname_rule)
{
	int p, l = sock_on("127.0.0.1", SOCK_STREAM, &p);

	expect(ALLOW("localhost:%d", p), "ok\n", "connect-tcp", "127.0.0.1",
	    num(p), NULL);
	cr_assert(eq(int, arrived(l, SOCK_STREAM), 1));
	close(l);
}

/* A hostname that does not resolve stops the run: 125, one line. */
Test(net, unresolvable_hostname_is_125)
{
	struct th_run r;

	sbx_probe(&r, ALLOW("no-such-host.invalid:%d", 80), "true",
	    (const char *)NULL);
	SBX_EXPECT(&r, 125, "");
	SBX_STDERR_HAS(&r, "cannot resolve no-such-host.invalid");
	th_run_free(&r);
}

/* No flag: no inet socket at all. */
Test(net, default_has_no_network)
{
	int p, l = sock_on("127.0.0.1", SOCK_STREAM, &p);

	expect(NULL, "err EACCES\n", "connect-tcp", "127.0.0.1", num(p),
	    NULL);
	cr_assert(eq(int, arrived(l, SOCK_STREAM), 0));
	close(l);
}

/*
 * A thread flips the port of the one sockaddr between the allowed and a
 * refused port while 2,000 connects use it: the refused listener never
 * sees a connection (the supervisor connects with its own copy).
 */
Test(net, racing_sockaddr_never_reaches_refused_port)
{
	int p, q, l = sock_on("127.0.0.1", SOCK_STREAM, &p);
	int m = sock_on("127.0.0.1", SOCK_STREAM, &q);
	struct th_run r;

	sbx_probe(&r, ALLOW("127.0.0.1:%d", p), "connect-race", "127.0.0.1",
	    num(p), num(q), "2000", (const char *)NULL);
	cr_assert(eq(int, r.code, 0), "%s %s", r.out, r.err);
	cr_assert(eq(int, arrived(m, SOCK_STREAM), 0));
	cr_assert(gt(int, arrived(l, SOCK_STREAM), 0));
	th_run_free(&r);
	close(l);
	close(m);
}

/* ---- holes around Landlock's TCP rules ---- */

static const char *const tfo_modes[] = { "sendto", "sendmsg", "sockopt" };

ParameterizedTestParameters(net, tfo_refused)
{
	return sbx_index_params(SBX_NITEMS(tfo_modes));
}

/* TCP Fast Open reaches a port without connect(2): EOPNOTSUPP, and the
 * refused listener sees nothing. */
ParameterizedTest(size_t *i, net, tfo_refused)
{
	int p, q, l = sock_on("127.0.0.1", SOCK_STREAM, &p);
	int m = sock_on("127.0.0.1", SOCK_STREAM, &q);

	expect(ALLOW("tcp://:%d", p), "err EOPNOTSUPP\n", "tfo", "127.0.0.1",
	    num(q), tfo_modes[*i]);
	cr_assert(eq(int, arrived(m, SOCK_STREAM), 0));
	close(l);
	close(m);
}

static const struct { const char *name, *dom, *type, *proto; } pinned[] = {
	{ "mptcp", "inet", "stream", "262" },
	{ "mptcp6", "inet6", "stream", "262" },
	{ "sctp", "inet", "stream", "132" },
	{ "sctp-seqpacket", "inet", "seqpacket", "132" },
	{ "raw", "inet", "raw", "1" },
	{ "raw6", "inet6", "raw", "58" },
	{ "packet", "packet", "raw", "0" },
	{ "netlink", "netlink", "raw", "0" },
	{ "vsock", "vsock", "stream", "0" },
	{ "unix-raw", "unix", "raw", "0" },
};

ParameterizedTestParameters(net, socket_pinned_under_allow_all)
{
	return sbx_index_params(SBX_NITEMS(pinned));
}

/* Even --net-allow '*' creates TCP, UDP and ping sockets only. */
ParameterizedTest(size_t *i, net, socket_pinned_under_allow_all)
{
	static const char *const all[] = { "--net-allow", "*", NULL };
	struct th_run r;

	sbx_probe(&r, all, "socket", pinned[*i].dom, pinned[*i].type,
	    pinned[*i].proto, (const char *)NULL);
	cr_assert(eq(str, r.out, "err EACCES\n"), "%s: %s %s", pinned[*i].name,
	    r.out, r.err);
	th_run_free(&r);
}

/* The protocol may be given as 0 or by number; any other is refused. */
Test(net, socket_protocol_numbers)
{
	static const char *const all[] = { "--net-allow", "*", NULL };
	struct th_run r;

	sbx_probe(&r, all, "socket", "inet", "stream", "6", (const char *)NULL);
	cr_assert(eq(int, r.code, 0), "tcp: %s", r.out);
	th_run_free(&r);
	sbx_probe(&r, all, "socket", "inet6", "dgram", "17", (const char *)NULL);
	cr_assert(eq(int, r.code, 0), "udp: %s", r.out);
	th_run_free(&r);
	expect(all, "err EACCES\n", "socket", "inet", "dgram", "6");
	expect(all, "err EACCES\n", "socket", "inet", "stream", "17");
}

/* ---- bind ---- */

Test(net, bind_listed_port)
{
	expect(flag("--net-allow-bind", "%d", 18431), "ok 18431\n",
	    "tcp-bind", "127.0.0.1", "18431", NULL);
}

Test(net, bind_unlisted_port_refused)
{
	expect(flag("--net-allow-bind", "%d", 18431), "err EACCES\n",
	    "tcp-bind", "127.0.0.1", "18432", NULL);
}

/* Port 0 (an ephemeral port) is a port like any other: refused... */
Test(net, bind_ephemeral_refused_unless_listed)
{
	expect(flag("--net-bind", "%d", 18431), "err EACCES\n", "tcp-bind",
	    "127.0.0.1", "0", NULL);
}

/* ...unless 0 is listed. */
Test(net, bind_ephemeral_when_zero_listed)
{
	struct th_run r;

	sbx_probe(&r, flag("--net-allow-bind", "%d", 0), "tcp-bind",
	    "127.0.0.1", "0", (const char *)NULL);
	cr_assert(eq(int, r.code, 0), "%s %s", r.out, r.err);
	cr_assert(eq(int, strncmp(r.out, "ok ", 3), 0));
	th_run_free(&r);
}

Test(net, bind_range_and_star)
{
	expect(flag("--net-allow-bind", "18430-%d", 18433), "ok 18432\n",
	    "tcp-bind", "127.0.0.1", "18432", NULL);
	expect(flag("--net-allow-bind", "*", 0), "ok 18434\n", "tcp-bind",
	    "127.0.0.1", "18434", NULL);
}

/*
 * listen(2) on an unbound TCP socket binds an ephemeral port Landlock never
 * checks: refused without a bind rule for 0 (or *), mediated or not.
 */
Test(net, listen_unbound_refused_without_bind_rule)
{
	static const char *const v[] = { "--net-allow", "tcp://:80", NULL };

	expect(v, "err EACCES\n", "tcp-listen", NULL, NULL, NULL);
}

Test(net, listen_unbound_refused_when_mediated)
{
	static const char *const v[] = { "-w", "/tmp", "--net-allow",
	    "tcp://:80", "--net-allow-bind", "8080", NULL };

	expect(v, "err EACCES\n", "tcp-listen", NULL, NULL, NULL);
}

Test(net, listen_unbound_with_ephemeral_bind_rule)
{
	static const char *const v[] = { "-w", "/tmp", "--net-allow",
	    "tcp://:80", "--net-allow-bind", "0", NULL };
	struct th_run r;

	sbx_probe(&r, v, "tcp-listen", (const char *)NULL);
	cr_assert(eq(int, r.code, 0), "%s %s", r.out, r.err);
	th_run_free(&r);
}

/* A listen (mediated) on a port bound under a bind rule is fine. */
Test(net, listen_on_bound_port)
{
	static const char *const v[] = { "-w", "/tmp", "--net-allow-bind",
	    "18435", NULL };
	struct th_run r;

	sbx_probe(&r, v, "tcp-bind", "127.0.0.1", "18435", (const char *)NULL);
	SBX_EXPECT(&r, 0, "ok 18435\n");
	th_run_free(&r);
}

/* ---- UDP ---- */

/* No udp rule: no datagram socket, even with TCP allowed. */
Test(net, udp_denied_by_default)
{
	expect(NULL, "err EACCES\n", "socket", "inet", "dgram", NULL);
	expect(ALLOW("tcp://*%.0d", 0), "err EACCES\n", "socket", "inet",
	    "dgram", NULL);
}

static const char *const udp_modes[] = { "sendto", "sendmsg", "connect" };

ParameterizedTestParameters(net, udp_allowed)
{
	return sbx_index_params(SBX_NITEMS(udp_modes));
}

/* udp://127.0.0.1:P: each way of sending reaches P. */
ParameterizedTest(size_t *i, net, udp_allowed)
{
	int p, u = sock_on("127.0.0.1", SOCK_DGRAM, &p);

	expect(ALLOW("udp://127.0.0.1:%d", p), "ok\n", "udp-send",
	    "127.0.0.1", num(p), udp_modes[*i]);
	cr_assert(eq(int, arrived(u, SOCK_DGRAM), 1));
	close(u);
}

ParameterizedTestParameters(net, udp_other_port_refused)
{
	return sbx_index_params(SBX_NITEMS(udp_modes));
}

/* ...and no way of sending reaches another port. */
ParameterizedTest(size_t *i, net, udp_other_port_refused)
{
	int p, u = sock_on("127.0.0.1", SOCK_DGRAM, &p);

	expect(ALLOW("udp://127.0.0.1:%d", p == 65535 ? 1 : p + 1),
	    "err EACCES\n", "udp-send", "127.0.0.1", num(p), udp_modes[*i]);
	cr_assert(eq(int, arrived(u, SOCK_DGRAM), 0));
	close(u);
}

/* sendmmsg: both messages sent on the stage's behalf, lengths written. */
Test(net, udp_sendmmsg)
{
	int p, u = sock_on("127.0.0.1", SOCK_DGRAM, &p);

	expect(ALLOW("udp://127.0.0.1:%d", p), "ok 2 5 5\n", "udp-send",
	    "127.0.0.1", num(p), "sendmmsg");
	cr_assert(eq(int, arrived(u, SOCK_DGRAM), 2));
	expect(ALLOW("udp://127.0.0.2:%d", p), "err EACCES\n", "udp-send",
	    "127.0.0.1", num(p), "sendmmsg");
	cr_assert(eq(int, arrived(u, SOCK_DGRAM), 0));
	close(u);
}

/* A scheme-less rule is TCP and UDP. */
Test(net, schemeless_rule_is_tcp_and_udp)
{
	int p, u = sock_on("127.0.0.1", SOCK_DGRAM, &p);

	expect(ALLOW("127.0.0.1:%d", p), "ok\n", "udp-send", "127.0.0.1",
	    num(p), "sendto");
	cr_assert(eq(int, arrived(u, SOCK_DGRAM), 1));
	close(u);
}

/* ---- ICMP (ping sockets) ---- */

/* Whether this process may open a ping socket (net.ipv4.ping_group_range). */
static int
ping_ok(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/*
 * icmp://127.0.0.1 allows echo to 127.0.0.1 and nothing else.  Root widens
 * net.ipv4.ping_group_range for the test and restores it; others need it
 * to include their group already.
 */
Test(net, icmp_rule)
{
	char old[64] = "";
	int fd = -1;
	ssize_t n;

	if (!ping_ok() && geteuid() == 0 &&
	    (fd = open("/proc/sys/net/ipv4/ping_group_range", O_RDWR |
	    O_CLOEXEC)) >= 0) {
		n = read(fd, old, sizeof(old) - 1);
		cr_assert(gt(long, n, 0));
		cr_assert(eq(long, pwrite(fd, "0 2147483647", 12, 0), 12));
	}
	if (!ping_ok())
		cr_skip_test("ping sockets are not open to gid %d here "
		    "(net.ipv4.ping_group_range)", (int)getegid());
	expect(ALLOW("icmp://127.0.0.1%.0d", 0), "ok\n", "ping", "127.0.0.1",
	    NULL, NULL);
	expect(ALLOW("icmp://127.0.0.2%.0d", 0), "err EACCES\n", "ping",
	    "127.0.0.1", NULL, NULL);
	expect(ALLOW("udp://127.0.0.1:%d", 53), "err EACCES\n", "ping",
	    "127.0.0.1", NULL, NULL);
	if (fd >= 0) {
		cr_assert(eq(long, pwrite(fd, old, strlen(old), 0),
		    (long)strlen(old)));
		close(fd);
	}
}

/* ---- --net-deny ---- */

Test(net, deny_blocks_listed_network)
{
	static const char *const deny[] = { "--net-deny", "127.0.0.0/8",
	    NULL };
	int p, l = sock_on("127.0.0.1", SOCK_STREAM, &p);

	expect(deny, "err EACCES\n", "connect-tcp", "127.0.0.1", num(p),
	    NULL);
	cr_assert(eq(int, arrived(l, SOCK_STREAM), 0));
	close(l);
}

Test(net, deny_allows_the_rest)
{
	static const char *const deny[] = { "--net-deny", "10.0.0.0/8",
	    NULL };
	int p, l = sock_on("127.0.0.1", SOCK_STREAM, &p);

	expect(deny, "ok\n", "connect-tcp", "127.0.0.1", num(p), NULL);
	cr_assert(eq(int, arrived(l, SOCK_STREAM), 1));
	close(l);
}

Test(net, deny_of_one_port)
{
	int p, q, l = sock_on("127.0.0.1", SOCK_STREAM, &p);
	int m = sock_on("127.0.0.1", SOCK_STREAM, &q);

	expect(flag("--net-deny", "127.0.0.1:%d", q), "ok\n", "connect-tcp",
	    "127.0.0.1", num(p), NULL);
	expect(flag("--net-deny", "127.0.0.1:%d", q), "err EACCES\n",
	    "connect-tcp", "127.0.0.1", num(q), NULL);
	cr_assert(eq(int, arrived(l, SOCK_STREAM), 1));
	cr_assert(eq(int, arrived(m, SOCK_STREAM), 0));
	close(l);
	close(m);
}

/* ---- pathname and abstract UNIX sockets ---- */

static int
unix_on(const char *path, int type)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	(void)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	cr_assert(ge(int, fd, 0));
	cr_assert(eq(int, bind(fd, (struct sockaddr *)&sun,
	    path[0] == '\0' ? (socklen_t)(offsetof(struct sockaddr_un,
	    sun_path) + 1 + strlen(path + 1)) : (socklen_t)sizeof(sun)), 0));
	if (type == SOCK_STREAM)
		cr_assert(eq(int, listen(fd, 16), 0));
	return fd;
}

struct utree {
	char *dir, *in, *out;
	const char *extra[5];
};

/* dir/in (the write rule) and dir/out, each with a stream socket s. */
static void
utree(struct utree *t, int *lin, int *lout)
{
	char *p;

	t->dir = th_tmpdir();
	t->in = sbx_join(t->dir, "in");
	t->out = sbx_join(t->dir, "out");
	cr_assert(eq(int, mkdir(t->in, 0700), 0));
	cr_assert(eq(int, mkdir(t->out, 0700), 0));
	*lin = unix_on(p = sbx_join(t->in, "s"), SOCK_STREAM);
	free(p);
	*lout = unix_on(p = sbx_join(t->out, "s"), SOCK_STREAM);
	free(p);
	t->extra[0] = "-w";
	t->extra[1] = t->in;
	t->extra[2] = NULL;
}

static void
utree_free(struct utree *t)
{
	sbx_rmtree(t->dir);
	free(t->in);
	free(t->out);
	free(t->dir);
}

/* Beneath the write rule: a stream connect works. */
Test(net, unix_connect_inside_write_rule)
{
	struct utree t;
	int lin, lout;
	char *p;

	utree(&t, &lin, &lout);
	expect(t.extra, "ok\n", "connect-unix", p = sbx_join(t.in, "s"), NULL,
	    NULL);
	cr_assert(eq(int, arrived(lin, SOCK_STREAM), 1));
	free(p);
	close(lin);
	close(lout);
	utree_free(&t);
}

/* Outside it: EACCES, nothing arrives. */
Test(net, unix_connect_outside_write_rule)
{
	struct utree t;
	int lin, lout;
	char *p;

	utree(&t, &lin, &lout);
	expect(t.extra, "err EACCES\n", "connect-unix",
	    p = sbx_join(t.out, "s"), NULL, NULL);
	cr_assert(eq(int, arrived(lout, SOCK_STREAM), 0));
	free(p);
	close(lin);
	close(lout);
	utree_free(&t);
}

/* A symlink beneath the rule to a socket outside it does not help. */
Test(net, unix_connect_through_symlink_refused)
{
	struct utree t;
	int lin, lout;
	char *p, *q;

	utree(&t, &lin, &lout);
	cr_assert(eq(int, symlink(q = sbx_join(t.out, "s"),
	    p = sbx_join(t.in, "link")), 0));
	expect(t.extra, "err EACCES\n", "connect-unix", p, NULL, NULL);
	cr_assert(eq(int, arrived(lout, SOCK_STREAM), 0));
	free(p);
	free(q);
	close(lin);
	close(lout);
	utree_free(&t);
}

/* Datagrams (with a udp rule, which turns send mediation on). */
Test(net, unix_datagram_inside_and_outside)
{
	struct utree t;
	int lin, lout, din, dout;
	char *pin, *pout;

	utree(&t, &lin, &lout);
	din = unix_on(pin = sbx_join(t.in, "d"), SOCK_DGRAM);
	dout = unix_on(pout = sbx_join(t.out, "d"), SOCK_DGRAM);
	t.extra[2] = "--net-allow";
	t.extra[3] = "udp://127.0.0.1:53";
	t.extra[4] = NULL;
	expect(t.extra, "ok\n", "sendto-unix", pin, NULL, NULL);
	expect(t.extra, "ok\n", "unix-sendmsg", pin, NULL, NULL);
	expect(t.extra, "err EACCES\n", "sendto-unix", pout, NULL, NULL);
	expect(t.extra, "err EACCES\n", "unix-sendmsg", pout, NULL, NULL);
	cr_assert(eq(int, arrived(din, SOCK_DGRAM), 2));
	cr_assert(eq(int, arrived(dout, SOCK_DGRAM), 0));
	/* Without send mediation there is no UNIX datagram socket. */
	t.extra[2] = NULL;
	expect(t.extra, "err EACCES\n", "unix-sendmsg", pin, NULL, NULL);
	free(pin);
	free(pout);
	close(din);
	close(dout);
	close(lin);
	close(lout);
	utree_free(&t);
}

/* An abstract socket outside the sandbox: refused under every policy. */
Test(net, unix_abstract_outside_refused)
{
	static const char *const w[] = { "-w", "/tmp", NULL };
	static const char *const tcp[] = { "--no-supervisor", "--net-allow",
	    "tcp://:80", NULL };
	char name[64], abs[80] = { 0 };
	int l;

	(void)snprintf(name, sizeof(name), "sandlock-test-%d", (int)getpid());
	memcpy(abs + 1, name, strlen(name));
	l = unix_on(abs, SOCK_STREAM);
	expect(NULL, "err EACCES\n", "unix-abstract", name, NULL, NULL);
	expect(w, "err EACCES\n", "unix-abstract", name, NULL, NULL);
	expect(tcp, "err EACCES\n", "unix-abstract", name, NULL, NULL);
	cr_assert(eq(int, arrived(l, SOCK_STREAM), 0));
	close(l);
}

/* Network rules do not widen signal scoping: EPERM out of the domain. */
Test(net, signal_outside_refused_with_network)
{
	static const char *const all[] = { "--net-allow", "*", NULL };

	expect(all, "err EPERM\n", "kill", num((int)getpid()), "SIGURG", NULL);
}

/* ---- --no-supervisor ---- */

/* Address, UDP and ICMP rules need the supervisor: 125 and why. */
Test(net, no_supervisor_refuses_mediated_rules)
{
	static const char *const f[] = { "--no-supervisor", "--net-allow",
	    "udp://127.0.0.1:53", NULL };
	struct th_run r;

	sbx_probe(&r, f, "true", (const char *)NULL);
	SBX_EXPECT(&r, 125, "");
	SBX_STDERR_HAS(&r, "--no-supervisor");
	th_run_free(&r);
}

/* tcp:// port rules go to Landlock; UNIX sockets are then gone (their
 * connects would not be checked). */
Test(net, no_supervisor_tcp_port_rule)
{
	int p, l = sock_on("127.0.0.1", SOCK_STREAM, &p);
	const char *const *f = ALLOW("tcp://:%d", p);
	const char *v[4] = { "--no-supervisor", f[0], f[1], NULL };

	expect(v, "ok\n", "connect-tcp", "127.0.0.1", num(p), NULL);
	expect(v, "err EACCES\n", "socket", "unix", "stream", NULL);
	cr_assert(eq(int, arrived(l, SOCK_STREAM), 1));
	close(l);
}

/* ---- malformed specs: 125 and one line ---- */

static const struct { const char *flag, *spec; } bad[] = {
	{ "--net-allow", "host:" },
	{ "--net-allow", ":0" },
	{ "--net-allow", ":65536" },
	{ "--net-allow", ":80,*" },
	{ "--net-allow", "icmp://host:80" },
	{ "--net-allow", "ftp://host:80" },
	{ "--net-allow", "10.0.0.0/33:80" },
	{ "--net-allow", "[::1:80" },
	{ "--net-deny", "example.com" },
	{ "--net-allow-bind", "70000" },
	{ "--net-allow-bind", "90-80" },
};

ParameterizedTestParameters(net, malformed_spec)
{
	return sbx_index_params(SBX_NITEMS(bad));
}

ParameterizedTest(size_t *i, net, malformed_spec)
{
	const char *v[3] = { bad[*i].flag, bad[*i].spec, NULL };
	struct th_run r;
	char *nl;

	sbx_probe(&r, v, "true", (const char *)NULL);
	SBX_EXPECT(&r, 125, "");
	nl = strchr(r.err, '\n');
	cr_assert(nl != NULL && nl[1] == '\0', "not one line: %s", r.err);
	cr_assert(ne(ptr, strstr(r.err, bad[*i].spec), NULL), "%s", r.err);
	th_run_free(&r);
}

/* --net-allow and --net-deny together: 125. */
Test(net, allow_and_deny_exclusive)
{
	static const char *const f[] = { "--net-allow", ":80", "--net-deny",
	    "10.0.0.0/8", NULL };
	struct th_run r;

	sbx_probe(&r, f, "true", (const char *)NULL);
	SBX_EXPECT(&r, 125, "");
	th_run_free(&r);
}
