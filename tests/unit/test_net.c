/*
 * test_net.c: the network specs (policy/net.c): every accepted form of
 * --net-allow/--net-deny with the fields of the parsed rule, one bad
 * spec per test with errno and the diagnostic, address and port
 * matching, --net-allow-bind lists, and the flags and whole-policy checks
 * behind them (--net-allow with --net-deny, --no-supervisor).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net.h"
#include "policy.h"

static struct pol_net_rule tn_r;
static struct pol_diag tn_d;
static struct pol tn_p;

static void
tn_setup(void)
{
	memset(&tn_r, 0, sizeof(tn_r));
	memset(&tn_d, 0, sizeof(tn_d));
	pol_init(&tn_p);
}

static void
tn_teardown(void)
{
	pol_net_rule_free(&tn_r);
	pol_free(&tn_p);
}

TestSuite(net, .init = tn_setup, .fini = tn_teardown);
TestSuite(netbind, .init = tn_setup, .fini = tn_teardown);
TestSuite(netpol, .init = tn_setup, .fini = tn_teardown);

/* Parses an allow (or deny) spec that must be accepted. */
static void
tn_ok(const char *spec, bool deny)
{
	pol_net_rule_free(&tn_r);
	cr_assert(eq(int, pol_net_parse(spec, deny, &tn_r, &tn_d), 0),
	    "%s: %s", spec, tn_d.msg);
}

/* A spec that must fail with EINVAL and exactly msg, as a parse and as a
 * flag (the flag's own message is the same line). */
static void
tn_bad(const char *spec, bool deny, const char *msg)
{
	const char *flag = deny ? "--net-deny" : "--net-allow";
	char *const argv[] = { (char *)(uintptr_t)flag, (char *)(uintptr_t)spec,
	    "--", "x", NULL };
	struct pol p;
	int r, e, cmd;

	r = pol_net_parse(spec, deny, &tn_r, &tn_d);
	e = errno;
	cr_assert(eq(int, r, -1), "%s accepted", spec);
	cr_assert(eq(int, e, EINVAL), "%s: errno %d: %s", spec, e, tn_d.msg);
	cr_assert(eq(str, tn_d.msg, (char *)(uintptr_t)msg));
	cr_assert(tn_r.host == NULL, "host left behind on failure");
	pol_init(&p);
	memset(&tn_d, 0, sizeof(tn_d));
	cr_assert(eq(int, pol_parse_run(&p, 4, argv, &cmd, &tn_d), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(eq(str, tn_d.msg, (char *)(uintptr_t)msg));
	cr_assert(eq(sz, deny ? p.net_deny.n : p.net_allow.n, 0));
	pol_free(&p);
}

static void
tn_v4(const char *s, uint8_t a[16])
{
	memset(a, 0, 16);
	cr_assert(eq(int, inet_pton(AF_INET, s, a), 1), "%s", s);
}

static void
tn_v6(const char *s, uint8_t a[16])
{
	cr_assert(eq(int, inet_pton(AF_INET6, s, a), 1), "%s", s);
}

static void
tn_ports(const uint16_t *want, size_t n)
{
	size_t i;

	cr_assert(not(tn_r.any_port));
	cr_assert(eq(sz, tn_r.nports, n));
	for (i = 0; i < n; i++)
		cr_assert(eq(u16, tn_r.ports[i], want[i]), "port %zu", i);
}

/* ---- accepted forms ---------------------------------------------------- */

/* "*": every address, every port, TCP and UDP. */
Test(net, star)
{
	tn_ok("*", false);
	cr_assert(eq(u32, tn_r.proto, POL_NET_TCP | POL_NET_UDP));
	cr_assert(tn_r.host == NULL);
	cr_assert(eq(int, tn_r.family, 0));
	cr_assert(tn_r.any_port);
}

/* ":443" and "*:443": any address, one port. */
Test(net, port_only)
{
	static const uint16_t p[] = { 443 };

	tn_ok(":443", false);
	cr_assert(eq(u32, tn_r.proto, POL_NET_TCP | POL_NET_UDP));
	cr_assert(tn_r.host == NULL);
	cr_assert(eq(int, tn_r.family, 0));
	tn_ports(p, 1);
	tn_ok("*:443", false);
	cr_assert(eq(int, tn_r.family, 0));
	tn_ports(p, 1);
}

/* A hostname is kept for the planner; no port: every port. */
Test(net, host_every_port)
{
	tn_ok("example.com", false);
	cr_assert(eq(str, tn_r.host, "example.com"));
	cr_assert(eq(int, tn_r.family, 0));
	cr_assert(tn_r.any_port);
	tn_ok("example.com:*", false);
	cr_assert(eq(str, tn_r.host, "example.com"));
	cr_assert(tn_r.any_port);
}

/* host:80,443 with the ports sorted and a repeated one counted once. */
Test(net, host_port_list)
{
	static const uint16_t p[] = { 80, 443, 8080 };

	tn_ok("api.example-1.org:8080,443,80,443", false);
	cr_assert(eq(str, tn_r.host, "api.example-1.org"));
	tn_ports(p, 3);
}

Test(net, single_label_host)
{
	tn_ok("localhost:22", false);
	cr_assert(eq(str, tn_r.host, "localhost"));
}

/* The smallest and largest ports. */
Test(net, port_bounds)
{
	static const uint16_t p[] = { 1, 65535 };

	tn_ok(":65535,1", false);
	tn_ports(p, 2);
}

/* 1024 ports in one spec is the most. */
Test(net, max_ports)
{
	char spec[8 * POL_NET_MAXPORTS], *c = spec;
	int i;

	*c++ = ':';
	for (i = 1; i <= POL_NET_MAXPORTS; i++)
		c += sprintf(c, "%s%d", i > 1 ? "," : "", i);
	tn_ok(spec, false);
	cr_assert(eq(sz, tn_r.nports, POL_NET_MAXPORTS));
	cr_assert(eq(u16, tn_r.ports[POL_NET_MAXPORTS - 1], POL_NET_MAXPORTS));
}

Test(net, ipv4_address)
{
	static const uint16_t p[] = { 22 };
	uint8_t a[16];

	tn_ok("10.1.2.3:22", false);
	tn_v4("10.1.2.3", a);
	cr_assert(tn_r.host == NULL);
	cr_assert(eq(int, tn_r.family, AF_INET));
	cr_assert(eq(u8, tn_r.prefix, 32));
	cr_assert(memcmp(tn_r.addr, a, 16) == 0);
	tn_ports(p, 1);
}

Test(net, ipv4_every_port)
{
	tn_ok("10.1.2.3", false);
	cr_assert(eq(int, tn_r.family, AF_INET));
	cr_assert(tn_r.any_port);
}

Test(net, ipv4_cidr)
{
	uint8_t a[16];

	tn_ok("10.0.0.0/8:443", false);
	tn_v4("10.0.0.0", a);
	cr_assert(eq(int, tn_r.family, AF_INET));
	cr_assert(eq(u8, tn_r.prefix, 8));
	cr_assert(memcmp(tn_r.addr, a, 16) == 0);
	tn_ok("0.0.0.0/0", false);
	cr_assert(eq(u8, tn_r.prefix, 0));
	tn_ok("192.168.4.0/22", false);
	cr_assert(eq(u8, tn_r.prefix, 22));
}

Test(net, ipv6_address)
{
	static const uint16_t p[] = { 443 };
	uint8_t a[16];

	tn_ok("[2001:db8::1]:443", false);
	tn_v6("2001:db8::1", a);
	cr_assert(eq(int, tn_r.family, AF_INET6));
	cr_assert(eq(u8, tn_r.prefix, 128));
	cr_assert(memcmp(tn_r.addr, a, 16) == 0);
	tn_ports(p, 1);
	tn_ok("[::1]", false);
	cr_assert(eq(int, tn_r.family, AF_INET6));
	cr_assert(tn_r.any_port);
}

Test(net, ipv6_cidr)
{
	uint8_t a[16];

	tn_ok("[2001:db8::/32]:443", false);
	tn_v6("2001:db8::", a);
	cr_assert(eq(int, tn_r.family, AF_INET6));
	cr_assert(eq(u8, tn_r.prefix, 32));
	cr_assert(memcmp(tn_r.addr, a, 16) == 0);
	tn_ok("[::/0]:*", false);
	cr_assert(eq(u8, tn_r.prefix, 0));
	cr_assert(tn_r.any_port);
}

/* ::ffff:a.b.c.d becomes IPv4, a mapped network too. */
Test(net, ipv4_mapped_normalised)
{
	uint8_t a[16];

	tn_ok("[::ffff:10.0.0.1]:80", false);
	tn_v4("10.0.0.1", a);
	cr_assert(eq(int, tn_r.family, AF_INET));
	cr_assert(eq(u8, tn_r.prefix, 32));
	cr_assert(memcmp(tn_r.addr, a, 16) == 0);
	tn_ok("[::ffff:10.0.0.0/104]", false);
	tn_v4("10.0.0.0", a);
	cr_assert(eq(int, tn_r.family, AF_INET));
	cr_assert(eq(u8, tn_r.prefix, 8));
	cr_assert(memcmp(tn_r.addr, a, 16) == 0);
	tn_ok("[::ffff:0:0/96]", false);
	cr_assert(eq(int, tn_r.family, AF_INET));
	cr_assert(eq(u8, tn_r.prefix, 0));
}

/* Below /96 the network holds more than mapped addresses: stays IPv6. */
Test(net, ipv4_mapped_short_prefix_stays_ipv6)
{
	tn_ok("[::/80]", false);
	cr_assert(eq(int, tn_r.family, AF_INET6));
	cr_assert(eq(u8, tn_r.prefix, 80));
}

Test(net, schemes)
{
	tn_ok("tcp://:443", false);
	cr_assert(eq(u32, tn_r.proto, POL_NET_TCP));
	tn_ok("udp://10.0.0.53:53", false);
	cr_assert(eq(u32, tn_r.proto, POL_NET_UDP));
	cr_assert(eq(int, tn_r.family, AF_INET));
	tn_ok("tcp://*", false);
	cr_assert(eq(u32, tn_r.proto, POL_NET_TCP));
	cr_assert(tn_r.any_port);
	cr_assert(eq(int, tn_r.family, 0));
	tn_ok("udp://[::1]:53", false);
	cr_assert(eq(u32, tn_r.proto, POL_NET_UDP));
	cr_assert(eq(int, tn_r.family, AF_INET6));
}

/* icmp:// takes a host and no port; the rule has any_port. */
Test(net, icmp)
{
	tn_ok("icmp://example.com", false);
	cr_assert(eq(u32, tn_r.proto, POL_NET_ICMP));
	cr_assert(eq(str, tn_r.host, "example.com"));
	cr_assert(tn_r.any_port);
	tn_ok("icmp://*", false);
	cr_assert(eq(int, tn_r.family, 0));
	tn_ok("icmp://10.0.0.0/8", false);
	cr_assert(eq(u8, tn_r.prefix, 8));
	tn_ok("icmp://[::1]", false);
	cr_assert(eq(int, tn_r.family, AF_INET6));
}

/* --net-deny takes "*", addresses and networks. */
Test(net, deny_forms)
{
	tn_ok("*", true);
	tn_ok("10.0.0.0/8", true);
	tn_ok("10.1.2.3:22", true);
	tn_ok("[2001:db8::/32]:443", true);
	tn_ok(":25", true);
	tn_ok("udp://*:53", true);
	cr_assert(eq(u32, tn_r.proto, POL_NET_UDP));
}

/* A 253-character name with 63-character labels is the longest. */
Test(net, longest_hostname)
{
	char h[254];

	memset(h, 'a', 253);
	h[253] = '\0';
	h[63] = h[127] = h[191] = '.';
	tn_ok(h, false);
	cr_assert(eq(str, tn_r.host, h));
}

/* ---- rejected specs: one per test -------------------------------------- */

Test(net, rejects_empty)
{ tn_bad("", false, "--net-allow: empty spec"); }

Test(net, rejects_empty_deny)
{ tn_bad("", true, "--net-deny: empty spec"); }

Test(net, rejects_no_port_after_colon)
{ tn_bad("host:", false, "--net-allow 'host:': no port after ':'"); }

Test(net, rejects_lone_colon)
{ tn_bad(":", false, "--net-allow ':': no port after ':'"); }

Test(net, rejects_no_port_after_bracket)
{ tn_bad("[::1]:", false, "--net-allow '[::1]:': no port after ':'"); }

Test(net, rejects_port_zero)
{ tn_bad("host:0", false, "--net-allow 'host:0': '0' is not a port (1 to 65535)"); }

Test(net, rejects_port_too_big)
{ tn_bad("host:65536", false, "--net-allow 'host:65536': '65536' is not a port (1 to 65535)"); }

Test(net, rejects_port_six_digits)
{ tn_bad("host:000080", false, "--net-allow 'host:000080': '000080' is not a port (1 to 65535)"); }

Test(net, rejects_port_not_numeric)
{ tn_bad("host:http", false, "--net-allow 'host:http': 'http' is not a port (1 to 65535)"); }

Test(net, rejects_port_negative)
{ tn_bad("host:-1", false, "--net-allow 'host:-1': '-1' is not a port (1 to 65535)"); }

Test(net, rejects_port_range)
{ tn_bad(":80-90", false, "--net-allow ':80-90': '80-90' is not a port (1 to 65535)"); }

Test(net, rejects_port_with_space)
{ tn_bad("host: 80", false, "--net-allow 'host: 80': ' 80' is not a port (1 to 65535)"); }

Test(net, rejects_empty_port_element)
{ tn_bad("host:80,,443", false, "--net-allow 'host:80,,443': empty element in the port list"); }

Test(net, rejects_trailing_comma)
{ tn_bad("host:80,", false, "--net-allow 'host:80,': empty element in the port list"); }

Test(net, rejects_leading_comma)
{ tn_bad("host:,80", false, "--net-allow 'host:,80': empty element in the port list"); }

Test(net, rejects_star_then_port)
{ tn_bad("host:*,80", false, "--net-allow 'host:*,80': '*' cannot be mixed with ports"); }

Test(net, rejects_port_then_star)
{ tn_bad("host:80,*", false, "--net-allow 'host:80,*': '*' cannot be mixed with ports"); }

/* 1025 distinct ports in one spec. */
Test(net, rejects_too_many_ports)
{
	char spec[8 * (POL_NET_MAXPORTS + 1)], *c = spec;
	int i;

	*c++ = ':';
	for (i = 1; i <= POL_NET_MAXPORTS + 1; i++)
		c += sprintf(c, "%s%d", i > 1 ? "," : "", i);
	tn_bad(spec, false, "--net-allow: more than 1024 ports in one spec "
	    "(use '*' for every port)");
}

Test(net, rejects_icmp_with_port)
{ tn_bad("icmp://host:80", false, "--net-allow 'icmp://host:80': icmp:// takes no port"); }

Test(net, rejects_icmp_with_star_port)
{ tn_bad("icmp://host:*", false, "--net-allow 'icmp://host:*': icmp:// takes no port"); }

Test(net, rejects_icmp_port_only)
{ tn_bad("icmp://:80", false, "--net-allow 'icmp://:80': icmp:// takes no port"); }

Test(net, rejects_empty_icmp)
{ tn_bad("icmp://", false, "--net-allow 'icmp://': nothing after 'icmp://'"); }

Test(net, rejects_empty_tcp)
{ tn_bad("tcp://", false, "--net-allow 'tcp://': nothing after 'tcp://'"); }

Test(net, rejects_unknown_scheme)
{ tn_bad("http://example.com", false, "--net-allow 'http://example.com': unknown scheme 'http' (tcp, udp or icmp)"); }

Test(net, rejects_uppercase_scheme)
{ tn_bad("TCP://:443", false, "--net-allow 'TCP://:443': unknown scheme 'TCP' (tcp, udp or icmp)"); }

Test(net, rejects_empty_scheme)
{ tn_bad("://:443", false, "--net-allow '://:443': unknown scheme '' (tcp, udp or icmp)"); }

Test(net, rejects_hostname_in_deny)
{ tn_bad("example.com", true, "--net-deny 'example.com': host names are not allowed here, only '*', IP addresses and networks"); }

Test(net, rejects_hostname_with_port_in_deny)
{ tn_bad("tcp://example.com:443", true, "--net-deny 'tcp://example.com:443': host names are not allowed here, only '*', IP addresses and networks"); }

Test(net, rejects_ipv4_prefix_too_long)
{ tn_bad("10.0.0.0/33", false, "--net-allow '10.0.0.0/33': bad prefix length '/33' (0 to 32)"); }

Test(net, rejects_ipv6_prefix_too_long)
{ tn_bad("[2001:db8::/129]", false, "--net-allow '[2001:db8::/129]': bad prefix length '/129' (0 to 128)"); }

Test(net, rejects_prefix_not_numeric)
{ tn_bad("10.0.0.0/x", false, "--net-allow '10.0.0.0/x': bad prefix length '/x' (0 to 32)"); }

Test(net, rejects_empty_prefix)
{ tn_bad("10.0.0.0/:80", false, "--net-allow '10.0.0.0/:80': bad prefix length '/' (0 to 32)"); }

Test(net, rejects_prefix_huge)
{ tn_bad("10.0.0.0/0008", false, "--net-allow '10.0.0.0/0008': bad prefix length '/0008' (0 to 32)"); }

Test(net, rejects_two_prefixes)
{ tn_bad("10.0.0.0/8/8", false, "--net-allow '10.0.0.0/8/8': bad prefix length '/8/8' (0 to 32)"); }

Test(net, rejects_ipv6_prefix_not_numeric)
{ tn_bad("[::/a]", false, "--net-allow '[::/a]': bad prefix length '/a' (0 to 128)"); }

Test(net, rejects_ipv4_host_bits)
{ tn_bad("10.0.0.1/8", false, "--net-allow '10.0.0.1/8': host bits set after /8 (give the network address)"); }

Test(net, rejects_ipv6_host_bits)
{ tn_bad("[2001:db8::1/32]", false, "--net-allow '[2001:db8::1/32]': host bits set after /32 (give the network address)"); }

Test(net, rejects_prefix_on_hostname)
{ tn_bad("example.com/8", false, "--net-allow 'example.com/8': a prefix length needs an IP address, not 'example.com'"); }

Test(net, rejects_bad_ipv4)
{ tn_bad("10.1.2.300", false, "--net-allow '10.1.2.300': '10.1.2.300' is not an IPv4 address"); }

Test(net, rejects_short_ipv4)
{ tn_bad("127.1:80", false, "--net-allow '127.1:80': '127.1' is not an IPv4 address"); }

Test(net, rejects_hex_ipv4)
{ tn_bad("0x7f.1:80", false, "--net-allow '0x7f.1:80': write the IPv4 address '0x7f.1' as four decimal numbers a.b.c.d"); }

Test(net, rejects_bad_ipv6)
{ tn_bad("[2001:db8::g]", false, "--net-allow '[2001:db8::g]': '2001:db8::g' is not an IPv6 address"); }

Test(net, rejects_ipv4_in_brackets)
{ tn_bad("[10.0.0.1]:80", false, "--net-allow '[10.0.0.1]:80': '10.0.0.1' is not an IPv6 address"); }

Test(net, rejects_ipv6_without_brackets)
{ tn_bad("2001:db8::1", false, "--net-allow '2001:db8::1': an IPv6 address goes in brackets, e.g. [2001:db8::1]:443"); }

Test(net, rejects_open_bracket)
{ tn_bad("[::1:443", false, "--net-allow '[::1:443': '[' without ']'"); }

Test(net, rejects_close_bracket)
{ tn_bad("::1]:443", false, "--net-allow '::1]:443': unbalanced brackets"); }

Test(net, rejects_bracket_in_ports)
{ tn_bad("[::1]:[443]", false, "--net-allow '[::1]:[443]': unbalanced brackets"); }

Test(net, rejects_nested_brackets)
{ tn_bad("[[::1]]", false, "--net-allow '[[::1]]': '[' inside brackets"); }

Test(net, rejects_text_after_bracket)
{ tn_bad("[::1]443", false, "--net-allow '[::1]443': expected ':' or the end after ']'"); }

Test(net, rejects_empty_brackets)
{ tn_bad("[]:443", false, "--net-allow '[]:443': empty brackets"); }

Test(net, rejects_hostname_underscore)
{ tn_bad("a_b.com", false, "--net-allow 'a_b.com': not a host name (letters, digits, '-' and '.'; at most 253 characters, labels of 1 to 63)"); }

Test(net, rejects_hostname_empty_label)
{ tn_bad("a..com:80", false, "--net-allow 'a..com:80': not a host name (letters, digits, '-' and '.'; at most 253 characters, labels of 1 to 63)"); }

Test(net, rejects_hostname_trailing_dot)
{ tn_bad("a.com.", false, "--net-allow 'a.com.': not a host name (letters, digits, '-' and '.'; at most 253 characters, labels of 1 to 63)"); }

Test(net, rejects_hostname_star_wildcard)
{ tn_bad("*.example.com", false, "--net-allow '*.example.com': not a host name (letters, digits, '-' and '.'; at most 253 characters, labels of 1 to 63)"); }

Test(net, rejects_hostname_label_64)
{
	char h[80];

	memset(h, 'a', 64);
	strcpy(h + 64, ".com");
	cr_assert(eq(int, pol_net_parse(h, false, &tn_r, &tn_d), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(strstr(tn_d.msg, "': not a host name") != NULL);
}

Test(net, rejects_hostname_254)
{
	char h[255];

	memset(h, 'a', 254);
	h[254] = '\0';
	h[63] = h[127] = h[191] = '.';
	cr_assert(eq(int, pol_net_parse(h, false, &tn_r, &tn_d), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(strstr(tn_d.msg, "': not a host name") != NULL);
}

/* ---- matching ------------------------------------------------------------ */

static bool
tn_in(int family, const char *a)
{
	uint8_t b[16];

	memset(b, 0, sizeof(b));
	cr_assert(eq(int, inet_pton(family, a, b), 1), "%s", a);
	return pol_net_addr_in(&tn_r, family, b);
}

Test(net, addr_in_ipv4_cidr)
{
	tn_ok("10.0.0.0/8", false);
	cr_assert(tn_in(AF_INET, "10.0.0.0"));
	cr_assert(tn_in(AF_INET, "10.255.255.255"));
	cr_assert(not(tn_in(AF_INET, "11.0.0.0")));
	cr_assert(not(tn_in(AF_INET, "9.255.255.255")));
	cr_assert(not(tn_in(AF_INET6, "::a00:1")), "IPv4-compatible is v6");
}

/* A prefix that is not a byte multiple. */
Test(net, addr_in_odd_prefix)
{
	tn_ok("192.168.4.0/22", false);
	cr_assert(tn_in(AF_INET, "192.168.4.1"));
	cr_assert(tn_in(AF_INET, "192.168.7.255"));
	cr_assert(not(tn_in(AF_INET, "192.168.8.0")));
	cr_assert(not(tn_in(AF_INET, "192.168.3.255")));
}

/* One address: its neighbour on loopback is out. */
Test(net, addr_in_single)
{
	tn_ok("127.0.0.1:80", false);
	cr_assert(tn_in(AF_INET, "127.0.0.1"));
	cr_assert(not(tn_in(AF_INET, "127.0.0.2")));
	cr_assert(tn_in(AF_INET6, "::ffff:127.0.0.1"));
	cr_assert(not(tn_in(AF_INET6, "::ffff:127.0.0.2")));
	cr_assert(not(tn_in(AF_INET6, "::1")));
}

/* A mapped address in the spec and a plain IPv4 one to match. */
Test(net, addr_in_mapped_rule)
{
	tn_ok("[::ffff:127.0.0.1]", false);
	cr_assert(tn_in(AF_INET, "127.0.0.1"));
	cr_assert(tn_in(AF_INET6, "::ffff:127.0.0.1"));
	cr_assert(not(tn_in(AF_INET, "127.0.0.2")));
}

Test(net, addr_in_ipv6_cidr)
{
	tn_ok("[2001:db8::/32]", false);
	cr_assert(tn_in(AF_INET6, "2001:db8::1"));
	cr_assert(tn_in(AF_INET6, "2001:db8:ffff:ffff::"));
	cr_assert(not(tn_in(AF_INET6, "2001:db9::")));
	cr_assert(not(tn_in(AF_INET, "32.1.13.184")), "v4 bytes of the prefix");
	tn_ok("[::1]", false);
	cr_assert(tn_in(AF_INET6, "::1"));
	cr_assert(not(tn_in(AF_INET6, "::2")));
}

/* An IPv6 network matches no mapped address: those are IPv4. */
Test(net, addr_in_ipv6_all_not_mapped)
{
	tn_ok("[::/0]", false);
	cr_assert(tn_in(AF_INET6, "2001:db8::1"));
	cr_assert(not(tn_in(AF_INET6, "::ffff:10.0.0.1")));
	cr_assert(not(tn_in(AF_INET, "10.0.0.1")));
}

/* No address in the rule: every IPv4 and IPv6 address. */
Test(net, addr_in_any)
{
	tn_ok(":443", false);
	cr_assert(tn_in(AF_INET, "1.2.3.4"));
	cr_assert(tn_in(AF_INET6, "2001:db8::1"));
	cr_assert(not(pol_net_addr_in(&tn_r, AF_UNIX, (const uint8_t *)
	    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0")));
}

Test(net, addr_in_zero_prefix)
{
	tn_ok("0.0.0.0/0", false);
	cr_assert(tn_in(AF_INET, "255.255.255.255"));
	cr_assert(tn_in(AF_INET6, "::ffff:1.2.3.4"));
	cr_assert(not(tn_in(AF_INET6, "::1")));
}

/* An unresolved hostname rule matches nothing. */
Test(net, addr_in_hostname_matches_nothing)
{
	tn_ok("localhost", false);
	cr_assert(not(tn_in(AF_INET, "127.0.0.1")));
}

Test(net, port_in)
{
	tn_ok("host:22,80,443", false);
	cr_assert(pol_net_port_in(&tn_r, 22));
	cr_assert(pol_net_port_in(&tn_r, 80));
	cr_assert(pol_net_port_in(&tn_r, 443));
	cr_assert(not(pol_net_port_in(&tn_r, 0)));
	cr_assert(not(pol_net_port_in(&tn_r, 21)));
	cr_assert(not(pol_net_port_in(&tn_r, 81)));
	cr_assert(not(pol_net_port_in(&tn_r, 444)));
	cr_assert(not(pol_net_port_in(&tn_r, 65535)));
	tn_ok("host", false);
	cr_assert(pol_net_port_in(&tn_r, 1));
	cr_assert(pol_net_port_in(&tn_r, 65535));
}

/* ---- --net-allow-bind ---------------------------------------------------- */

static uint16_t tn_bp[POL_NET_MAXPORTS];
static size_t tn_bn;
static bool tn_bany;

static void
tn_bind_ok(const char *spec)
{
	cr_assert(eq(int, pol_net_parse_bind(spec, tn_bp, &tn_bn, &tn_bany,
	    &tn_d), 0), "%s: %s", spec, tn_d.msg);
}

static void
tn_bind_bad(const char *spec, const char *msg)
{
	char *const argv[] = { "--net-bind", (char *)(uintptr_t)spec, "--",
	    "x", NULL };
	struct pol p;
	int cmd;

	cr_assert(eq(int, pol_net_parse_bind(spec, tn_bp, &tn_bn, &tn_bany,
	    &tn_d), -1), "%s accepted", spec);
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(eq(str, tn_d.msg, (char *)(uintptr_t)msg));
	pol_init(&p);
	cr_assert(eq(int, pol_parse_run(&p, 4, argv, &cmd, &tn_d), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(eq(str, tn_d.msg, (char *)(uintptr_t)msg));
	cr_assert(eq(sz, p.net_bind.n, 0));
	pol_free(&p);
}

Test(netbind, one_port)
{
	tn_bind_ok("8080");
	cr_assert(not(tn_bany));
	cr_assert(eq(sz, tn_bn, 1));
	cr_assert(eq(u16, tn_bp[0], 8080));
}

Test(netbind, range)
{
	size_t i;

	tn_bind_ok("9000-9005");
	cr_assert(eq(sz, tn_bn, 6));
	for (i = 0; i < 6; i++)
		cr_assert(eq(u16, tn_bp[i], 9000 + i));
}

Test(netbind, one_port_range)
{
	tn_bind_ok("7-7");
	cr_assert(eq(sz, tn_bn, 1));
	cr_assert(eq(u16, tn_bp[0], 7));
}

/* Lists of ports and ranges, sorted, overlaps counted once. */
Test(netbind, list)
{
	static const uint16_t want[] = { 80, 443, 9000, 9001, 9002, 9003 };
	size_t i;

	tn_bind_ok("9002-9003,443,9000-9002,80");
	cr_assert(eq(sz, tn_bn, 6));
	for (i = 0; i < 6; i++)
		cr_assert(eq(u16, tn_bp[i], want[i]));
}

Test(netbind, star)
{
	tn_bind_ok("*");
	cr_assert(tn_bany);
	cr_assert(eq(sz, tn_bn, 0));
}

/* Port 0: an ephemeral port. */
Test(netbind, port_zero)
{
	tn_bind_ok("0");
	cr_assert(eq(sz, tn_bn, 1));
	cr_assert(eq(u16, tn_bp[0], 0));
	tn_bind_ok("0,65535");
	cr_assert(eq(sz, tn_bn, 2));
	cr_assert(eq(u16, tn_bp[1], 65535));
}

Test(netbind, max_ports)
{
	tn_bind_ok("1000-2023");
	cr_assert(eq(sz, tn_bn, POL_NET_MAXPORTS));
	cr_assert(eq(u16, tn_bp[POL_NET_MAXPORTS - 1], 2023));
}

Test(netbind, rejects_empty)
{ tn_bind_bad("", "--net-allow-bind: empty spec"); }

Test(netbind, rejects_too_many)
{ tn_bind_bad("1000-2024", "--net-allow-bind '1000-2024': more than 1024 ports (use '*' for every port)"); }

Test(netbind, rejects_whole_range)
{ tn_bind_bad("0-65535", "--net-allow-bind '0-65535': more than 1024 ports (use '*' for every port)"); }

Test(netbind, rejects_too_many_in_pieces)
{ tn_bind_bad("1-1000,2000-2100", "--net-allow-bind '1-1000,2000-2100': more than 1024 ports (use '*' for every port)"); }

Test(netbind, rejects_reversed_range)
{ tn_bind_bad("9005-9000", "--net-allow-bind '9005-9000': range '9005-9000' ends below its start"); }

Test(netbind, rejects_port_too_big)
{ tn_bind_bad("65536", "--net-allow-bind '65536': '65536' is not a port (0 to 65535) or a range LOW-HIGH"); }

Test(netbind, rejects_range_end_too_big)
{ tn_bind_bad("65530-65536", "--net-allow-bind '65530-65536': '65530-65536' is not a port (0 to 65535) or a range LOW-HIGH"); }

Test(netbind, rejects_not_numeric)
{ tn_bind_bad("http", "--net-allow-bind 'http': 'http' is not a port (0 to 65535) or a range LOW-HIGH"); }

Test(netbind, rejects_open_range)
{ tn_bind_bad("9000-", "--net-allow-bind '9000-': '9000-' is not a port (0 to 65535) or a range LOW-HIGH"); }

Test(netbind, rejects_range_no_start)
{ tn_bind_bad("-9000", "--net-allow-bind '-9000': '-9000' is not a port (0 to 65535) or a range LOW-HIGH"); }

Test(netbind, rejects_double_range)
{ tn_bind_bad("1-2-3", "--net-allow-bind '1-2-3': '1-2-3' is not a port (0 to 65535) or a range LOW-HIGH"); }

Test(netbind, rejects_empty_element)
{ tn_bind_bad("80,,443", "--net-allow-bind '80,,443': empty element in the port list"); }

Test(netbind, rejects_trailing_comma)
{ tn_bind_bad("80,", "--net-allow-bind '80,': empty element in the port list"); }

Test(netbind, rejects_star_mixed)
{ tn_bind_bad("80,*", "--net-allow-bind '80,*': '*' cannot be mixed with ports"); }

Test(netbind, rejects_host)
{ tn_bind_bad("127.0.0.1:80", "--net-allow-bind '127.0.0.1:80': '127.0.0.1:80' is not a port (0 to 65535) or a range LOW-HIGH"); }

/* ---- flags and whole-policy checks --------------------------------------- */

static int
tn_flags(char *const argv[])
{
	int argc = 0, cmd;

	while (argv[argc] != NULL)
		argc++;
	return pol_parse_run(&tn_p, argc, argv, &cmd, &tn_d);
}

/* Every form of the three flags; specs are kept as given, in order. */
Test(netpol, flag_forms)
{
	char *const argv[] = { "--net-allow", ":443", "--net-allow=host:80",
	    "--net-allow-bind", "8080", "--net-bind=9000-9005",
	    "--net-allow-bind=*", "--", "x", NULL };

	cr_assert(eq(int, tn_flags(argv), 0), "%s", tn_d.msg);
	cr_assert(eq(sz, tn_p.net_allow.n, 2));
	cr_assert(eq(str, tn_p.net_allow.v[0], ":443"));
	cr_assert(eq(str, tn_p.net_allow.v[1], "host:80"));
	cr_assert(tn_p.net_allow.v[2] == NULL);
	cr_assert(eq(sz, tn_p.net_bind.n, 3));
	cr_assert(eq(str, tn_p.net_bind.v[1], "9000-9005"));
	cr_assert(eq(sz, tn_p.net_deny.n, 0));
	cr_assert(eq(int, pol_check(&tn_p, &tn_d), 0));
}

Test(netpol, deny_flag)
{
	char *const argv[] = { "--net-deny", "10.0.0.0/8", "--net-deny=*:25",
	    "--", "x", NULL };

	cr_assert(eq(int, tn_flags(argv), 0), "%s", tn_d.msg);
	cr_assert(eq(sz, tn_p.net_deny.n, 2));
	cr_assert(eq(str, tn_p.net_deny.v[1], "*:25"));
	cr_assert(eq(int, pol_check(&tn_p, &tn_d), 0));
}

/* The flags belong to every policy context: stages of a pipeline too. */
Test(netpol, flags_in_pipeline_stages)
{
	char *const argv[] = { "--net-allow", "tcp://:443", "::",
	    "--net-bind", "0", "--", "a", "::", "--net-allow", "udp://*:53",
	    "--", "b", NULL };
	struct pol_job j;

	cr_assert(eq(int, pol_parse_job(false, 12, argv, &j, &tn_d), 0), "%s",
	    tn_d.msg);
	cr_assert(eq(sz, j.n, 2));
	cr_assert(eq(sz, j.st[0].pol.net_allow.n, 1));
	cr_assert(eq(str, j.st[0].pol.net_allow.v[0], "tcp://:443"));
	cr_assert(eq(sz, j.st[0].pol.net_bind.n, 1));
	cr_assert(eq(sz, j.st[1].pol.net_allow.n, 2));
	cr_assert(eq(str, j.st[1].pol.net_allow.v[1], "udp://*:53"));
	cr_assert(eq(sz, j.st[1].pol.net_bind.n, 0));
	cr_assert(eq(sz, j.base.net_allow.n, 1));
	pol_job_free(&j);
}

/* pol_copy() carries the three lists, as copies. */
Test(netpol, copy)
{
	struct pol q;

	cr_assert(eq(int, pol_add_net(&tn_p, POL_NET_ALLOW, NULL, ":1", NULL),
	    0));
	cr_assert(eq(int, pol_add_net(&tn_p, POL_NET_BIND, NULL, "2", NULL),
	    0));
	pol_init(&q);
	cr_assert(eq(int, pol_copy(&q, &tn_p), 0));
	cr_assert(eq(sz, q.net_allow.n, 1));
	cr_assert(q.net_allow.v[0] != tn_p.net_allow.v[0]);
	cr_assert(eq(str, q.net_allow.v[0], ":1"));
	cr_assert(eq(str, q.net_bind.v[0], "2"));
	cr_assert(eq(sz, q.net_deny.n, 0));
	pol_free(&q);
}

Test(netpol, rejects_duplicate_allow)
{
	char *const argv[] = { "--net-allow", ":443", "--net-allow", ":443",
	    "--", "x", NULL };

	cr_assert(eq(int, tn_flags(argv), -1));
	cr_assert(eq(int, errno, EEXIST));
	cr_assert(eq(str, tn_d.msg, "--net-allow ':443' given twice"));
}

Test(netpol, rejects_duplicate_deny)
{
	char *const argv[] = { "--net-deny", "10.0.0.1", "--net-deny=10.0.0.1",
	    "--", "x", NULL };

	cr_assert(eq(int, tn_flags(argv), -1));
	cr_assert(eq(int, errno, EEXIST));
	cr_assert(eq(str, tn_d.msg, "--net-deny '10.0.0.1' given twice"));
}

/* --net-bind is --net-allow-bind: the same list. */
Test(netpol, rejects_duplicate_bind_across_alias)
{
	char *const argv[] = { "--net-bind", "80", "--net-allow-bind", "80",
	    "--", "x", NULL };

	cr_assert(eq(int, tn_flags(argv), -1));
	cr_assert(eq(int, errno, EEXIST));
	cr_assert(eq(str, tn_d.msg, "--net-allow-bind '80' given twice"));
}

Test(netpol, rejects_missing_value)
{
	char *const argv[] = { "--net-allow", NULL };

	cr_assert(eq(int, tn_flags(argv), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(eq(str, tn_d.msg, "option '--net-allow' needs a value"));
}

/* A profile key names itself in place of the flag. */
Test(netpol, add_names_profile_key)
{
	cr_assert(eq(int, pol_add_net(&tn_p, POL_NET_ALLOW, "network.allow",
	    "host:", &tn_d), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(eq(str, tn_d.msg, "network.allow 'host:': no port after "
	    "':'"));
	cr_assert(eq(int, pol_add_net(&tn_p, POL_NET_BIND, "network.bind",
	    "x", &tn_d), -1));
	cr_assert(eq(str, tn_d.msg, "network.bind 'x': 'x' is not a port "
	    "(0 to 65535) or a range LOW-HIGH"));
	cr_assert(eq(int, pol_add_net(&tn_p, POL_NET_DENY, NULL, "h", NULL),
	    -1), "a NULL diagnostic is fine");
}

Test(netpol, rejects_allow_with_deny)
{
	char *const argv[] = { "--net-allow", ":443", "--net-deny",
	    "10.0.0.0/8", "--", "x", NULL };

	cr_assert(eq(int, tn_flags(argv), 0), "%s", tn_d.msg);
	cr_assert(eq(int, pol_check(&tn_p, &tn_d), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(eq(str, tn_d.msg, "--net-allow and --net-deny are mutually "
	    "exclusive"));
}

/* Which rules need the supervisor. */
Test(netpol, needs_supervisor)
{
	static const struct { const char *spec; bool needs; } t[] = {
		{ "tcp://:443", false }, { "tcp://*", false },
		{ "tcp://*:80,443", false }, { "tcp://:*", false },
		{ ":443", true }, { "*", true }, { "udp://:53", true },
		{ "tcp://10.0.0.1:22", true }, { "tcp://host:80", true },
		{ "tcp://[::1]", true }, { "icmp://*", true },
		{ "tcp://0.0.0.0/0:80", true },
	};
	size_t i;

	cr_assert(not(pol_net_needs_supervisor(&tn_p)));
	cr_assert(not(pol_needs_supervisor(&tn_p)));
	cr_assert(eq(int, pol_add_net(&tn_p, POL_NET_BIND, NULL, "*", NULL),
	    0));
	cr_assert(not(pol_net_needs_supervisor(&tn_p)), "bind alone");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		pol_strv_free(&tn_p.net_allow);
		cr_assert(eq(int, pol_add_net(&tn_p, POL_NET_ALLOW, NULL,
		    t[i].spec, NULL), 0), "%s", t[i].spec);
		cr_assert(eq(int, pol_net_needs_supervisor(&tn_p), t[i].needs),
		    "%s", t[i].spec);
		cr_assert(eq(int, pol_needs_supervisor(&tn_p), t[i].needs),
		    "%s", t[i].spec);
	}
	pol_strv_free(&tn_p.net_allow);
	cr_assert(eq(int, pol_add_net(&tn_p, POL_NET_DENY, NULL, "tcp://*:25",
	    NULL), 0));
	cr_assert(pol_net_needs_supervisor(&tn_p), "deny always");
	cr_assert(pol_needs_supervisor(&tn_p));
}

/* --no-supervisor: TCP port rules and bind are fine. */
Test(netpol, no_supervisor_with_landlock_rules)
{
	char *const argv[] = { "--no-supervisor", "--net-allow", "tcp://:443",
	    "--net-allow", "tcp://*", "--net-bind", "*", "--", "x", NULL };

	cr_assert(eq(int, tn_flags(argv), 0), "%s", tn_d.msg);
	cr_assert(eq(int, pol_check(&tn_p, &tn_d), 0), "%s", tn_d.msg);
	cr_assert(not(pol_needs_supervisor(&tn_p)));
}

Test(netpol, rejects_no_supervisor_with_address)
{
	char *const argv[] = { "--net-allow", "tcp://:443", "--net-allow",
	    "tcp://10.0.0.1:22", "--no-supervisor", "--", "x", NULL };

	cr_assert(eq(int, tn_flags(argv), 0), "%s", tn_d.msg);
	cr_assert(eq(int, pol_check(&tn_p, &tn_d), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(eq(str, tn_d.msg, "--no-supervisor cannot enforce "
	    "--net-allow 'tcp://10.0.0.1:22' (only tcp:// rules without an "
	    "address can go without it)"));
}

Test(netpol, rejects_no_supervisor_with_udp_and_tcp)
{
	char *const argv[] = { "--no-supervisor", "--net-allow", ":443", "--",
	    "x", NULL };

	cr_assert(eq(int, tn_flags(argv), 0), "%s", tn_d.msg);
	cr_assert(eq(int, pol_check(&tn_p, &tn_d), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(eq(str, tn_d.msg, "--no-supervisor cannot enforce "
	    "--net-allow ':443' (only tcp:// rules without an address can go "
	    "without it)"));
}

Test(netpol, rejects_no_supervisor_with_deny)
{
	char *const argv[] = { "--no-supervisor", "--net-deny", "tcp://*:25",
	    "--", "x", NULL };

	cr_assert(eq(int, tn_flags(argv), 0), "%s", tn_d.msg);
	cr_assert(eq(int, pol_check(&tn_p, &tn_d), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(eq(str, tn_d.msg, "--no-supervisor cannot enforce "
	    "--net-deny 'tcp://*:25'"));
}
