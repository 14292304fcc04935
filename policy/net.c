/*
 * net.c: the network specs of a policy (net.h): their grammar, the checks
 * done when one is added, and the matching of an address or a port against
 * a parsed rule.  Pure: inet_pton() is the only library parser used, and
 * hostnames are only checked here (the planner resolves them).
 *
 * Choices where the grammar is silent: a CIDR with host bits set
 * ("10.0.0.1/8") is refused rather than masked, since it is most likely a
 * typo for a single address; a port named twice in one spec, or covered
 * twice by bind ranges, counts once; for icmp:// a rule has any_port set
 * (ICMP has no ports).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net.h"

/* Ports seen in one spec: a bitmap, then the sorted list. */
struct portset {
	uint8_t bit[65536 / 8];
	size_t n;
};

static const char *
flagname(bool deny)
{
	return deny ? "--net-deny" : "--net-allow";
}

static void
ps_add(struct portset *s, unsigned port)
{
	if (!(s->bit[port / 8] & (1U << (port % 8)))) {
		s->bit[port / 8] |= (uint8_t)(1U << (port % 8));
		s->n++;
	}
}

static size_t
ps_list(const struct portset *s, uint16_t *ports)
{
	size_t n = 0;
	unsigned p;

	for (p = 0; p < 65536; p++)
		if (s->bit[p / 8] & (1U << (p % 8)))
			ports[n++] = (uint16_t)p;
	return n;
}

/* A decimal number of at most 5 digits in [s, e) into *v; -1 otherwise. */
static int
decimal(const char *s, const char *e, unsigned *v)
{
	if (s == e || e - s > 5)
		return -1;
	for (*v = 0; s < e; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		*v = *v * 10 + (unsigned)(*s - '0');
	}
	return 0;
}

/*
 * The PORTS of a --net-allow/--net-deny spec (after the ':'): "*" or a
 * comma list of ports 1..65535.
 */
static int
parse_ports(const char *flag, const char *spec, const char *s,
    struct pol_net_rule *r, struct portset *ps, struct pol_diag *d)
{
	const char *e;
	unsigned v;

	if (*s == '\0')
		return pol_fail(d, EINVAL, "%s '%s': no port after ':'", flag,
		    spec);
	if (strcmp(s, "*") == 0) {
		r->any_port = true;
		return 0;
	}
	for (;;) {
		e = s + strcspn(s, ",");
		if (e == s)
			return pol_fail(d, EINVAL, "%s '%s': empty element in "
			    "the port list", flag, spec);
		if (e - s == 1 && *s == '*')
			return pol_fail(d, EINVAL, "%s '%s': '*' cannot be "
			    "mixed with ports", flag, spec);
		if (decimal(s, e, &v) < 0 || v == 0 || v > 65535)
			return pol_fail(d, EINVAL, "%s '%s': '%.*s' is not a "
			    "port (1 to 65535)", flag, spec, (int)(e - s), s);
		ps_add(ps, v);
		if (ps->n > POL_NET_MAXPORTS)
			return pol_fail(d, EINVAL, "%s: more than %d ports in "
			    "one spec (use '*' for every port)", flag,
			    POL_NET_MAXPORTS);
		if (*e == '\0')
			break;
		s = e + 1;
	}
	r->nports = ps_list(ps, r->ports);
	return 0;
}

/* "/N" after an address: N in 0..max. */
static int
parse_prefix(const char *flag, const char *spec, const char *s, unsigned max,
    unsigned *out, struct pol_diag *d)
{
	if (decimal(s, s + strlen(s), out) < 0 || strlen(s) > 3 ||
	    *out > max)
		return pol_fail(d, EINVAL, "%s '%s': bad prefix length '/%s' "
		    "(0 to %u)", flag, spec, s, max);
	return 0;
}

/* Whether the bits of a (len bytes) after the first prefix are all 0. */
static bool
host_bits_zero(const uint8_t *a, size_t len, unsigned prefix)
{
	size_t i;

	for (i = prefix / 8; i < len; i++) {
		uint8_t m = i == prefix / 8 ? (uint8_t)(0xff >> (prefix % 8)) :
		    0xff;

		if (a[i] & m)
			return false;
	}
	return true;
}

static const uint8_t v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* IPv6 (in brackets, given without them in s) or IPv4, with an optional
 * "/N", into r; host bits must be zero. */
static int
parse_addr(const char *flag, const char *spec, char *s, bool v6,
    struct pol_net_rule *r, struct pol_diag *d)
{
	unsigned max = v6 ? 128 : 32, prefix = max;
	char *slash = strchr(s, '/');

	if (slash != NULL) {
		*slash = '\0';
		if (parse_prefix(flag, spec, slash + 1, max, &prefix, d) < 0)
			return -1;
	}
	if (inet_pton(v6 ? AF_INET6 : AF_INET, s, r->addr) != 1)
		return pol_fail(d, EINVAL, "%s '%s': '%s' is not an %s address",
		    flag, spec, s, v6 ? "IPv6" : "IPv4");
	if (!host_bits_zero(r->addr, v6 ? 16 : 4, prefix))
		return pol_fail(d, EINVAL, "%s '%s': host bits set after "
		    "/%u (give the network address)", flag, spec, prefix);
	r->family = v6 ? AF_INET6 : AF_INET;
	r->prefix = (uint8_t)prefix;
	/* ::ffff:a.b.c.d is matched as IPv4 a.b.c.d. */
	if (v6 && prefix >= 96 && memcmp(r->addr, v4mapped, 12) == 0) {
		memmove(r->addr, r->addr + 12, 4);
		memset(r->addr + 4, 0, 12);
		r->family = AF_INET;
		r->prefix = (uint8_t)(prefix - 96);
	}
	return 0;
}

/* Letters, digits, '-' and '.', 1 to 253 characters, labels of 1 to 63. */
static bool
hostname_ok(const char *s)
{
	size_t n = strlen(s), label = 0;
	const char *c;

	if (n == 0 || n > 253)
		return false;
	for (c = s; *c != '\0'; c++) {
		if (*c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '-'))
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0;
}

/* HOST without brackets: "", "*", IPv4[/N] or a name. */
static int
parse_host(const char *flag, const char *spec, bool deny, char *h,
    struct pol_net_rule *r, struct pol_diag *d)
{
	struct in_addr in;

	if (*h == '\0' || strcmp(h, "*") == 0)
		return 0;
	if (strspn(h, "0123456789.") == strcspn(h, "/"))
		return parse_addr(flag, spec, h, false, r, d);
	if (strchr(h, '/') != NULL)
		return pol_fail(d, EINVAL, "%s '%s': a prefix length needs an "
		    "IP address, not '%.*s'", flag, spec, (int)strcspn(h, "/"),
		    h);
	/* The resolver would read "0x7f.1" as an address: refuse it. */
	if (inet_aton(h, &in) != 0)
		return pol_fail(d, EINVAL, "%s '%s': write the IPv4 address "
		    "'%s' as four decimal numbers a.b.c.d", flag, spec, h);
	if (!hostname_ok(h))
		return pol_fail(d, EINVAL, "%s '%s': not a host name "
		    "(letters, digits, '-' and '.'; at most 253 characters, "
		    "labels of 1 to 63)", flag, spec);
	if (deny)
		return pol_fail(d, EINVAL, "%s '%s': host names are not "
		    "allowed here, only '*', IP addresses and networks", flag,
		    spec);
	if ((r->host = strdup(h)) == NULL)
		return pol_fail(d, ENOMEM, "out of memory");
	return 0;
}

/* Splits TARGET t (a copy) into host and ports and parses both. */
static int
parse_target(const char *flag, const char *spec, bool deny, char *t,
    struct pol_net_rule *r, struct pol_diag *d)
{
	struct portset *ps;
	char *ports = NULL, *c;
	bool v6 = false;
	int rc;

	if (*t == '[') {
		if ((c = strchr(t, ']')) == NULL)
			return pol_fail(d, EINVAL, "%s '%s': '[' without ']'",
			    flag, spec);
		*c++ = '\0';
		if (strchr(++t, '[') != NULL)
			return pol_fail(d, EINVAL, "%s '%s': '[' inside "
			    "brackets", flag, spec);
		if (*c == ':')
			ports = c + 1;
		else if (*c != '\0')
			return pol_fail(d, EINVAL, "%s '%s': expected ':' or "
			    "the end after ']'", flag, spec);
		v6 = true;
	} else {
		if (strchr(t, ']') != NULL || strchr(t, '[') != NULL)
			return pol_fail(d, EINVAL, "%s '%s': unbalanced "
			    "brackets", flag, spec);
		if ((c = strchr(t, ':')) != NULL) {
			*c = '\0';
			ports = c + 1;
			if (strchr(ports, ':') != NULL)
				return pol_fail(d, EINVAL, "%s '%s': an IPv6 "
				    "address goes in brackets, e.g. "
				    "[2001:db8::1]:443", flag, spec);
		}
	}
	if (ports != NULL && strpbrk(ports, "[]") != NULL)
		return pol_fail(d, EINVAL, "%s '%s': unbalanced brackets", flag,
		    spec);
	if (v6 && *t == '\0')
		return pol_fail(d, EINVAL, "%s '%s': empty brackets", flag,
		    spec);
	if ((rc = v6 ? parse_addr(flag, spec, t, true, r, d) :
	    parse_host(flag, spec, deny, t, r, d)) < 0)
		return rc;
	if (ports == NULL) {
		r->any_port = true;
		return 0;
	}
	if (r->proto == POL_NET_ICMP)
		return pol_fail(d, EINVAL, "%s '%s': icmp:// takes no port",
		    flag, spec);
	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		return pol_fail(d, ENOMEM, "out of memory");
	rc = parse_ports(flag, spec, ports, r, ps, d);
	free(ps);
	return rc;
}

int
pol_net_parse(const char *spec, bool deny, struct pol_net_rule *r,
    struct pol_diag *d)
{
	static const struct { const char *name; uint32_t proto; } schemes[] = {
		{ "tcp", POL_NET_TCP }, { "udp", POL_NET_UDP },
		{ "icmp", POL_NET_ICMP },
	};
	const char *flag = flagname(deny), *t = spec, *sep;
	char *copy;
	size_t i;
	int rc;

	memset(r, 0, sizeof(*r));
	r->proto = POL_NET_TCP | POL_NET_UDP;
	if (*spec == '\0')
		return pol_fail(d, EINVAL, "%s: empty spec", flag);
	if ((sep = strstr(spec, "://")) != NULL) {
		for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
			if (strlen(schemes[i].name) == (size_t)(sep - spec) &&
			    strncmp(spec, schemes[i].name, (size_t)(sep - spec))
			    == 0)
				break;
		if (i == sizeof(schemes) / sizeof(schemes[0]))
			return pol_fail(d, EINVAL, "%s '%s': unknown scheme "
			    "'%.*s' (tcp, udp or icmp)", flag, spec,
			    (int)(sep - spec), spec);
		r->proto = schemes[i].proto;
		t = sep + 3;
		if (*t == '\0')
			return pol_fail(d, EINVAL, "%s '%s': nothing after "
			    "'%s://'", flag, spec, schemes[i].name);
	}
	if (strcmp(t, "*") == 0) {
		r->any_port = true;
		return 0;
	}
	if ((copy = strdup(t)) == NULL)
		return pol_fail(d, ENOMEM, "out of memory");
	rc = parse_target(flag, spec, deny, copy, r, d);
	free(copy);
	if (rc < 0) {
		pol_net_rule_free(r);
		return -1;
	}
	return 0;
}

void
pol_net_rule_free(struct pol_net_rule *r)
{
	free(r->host);
	r->host = NULL;
}

int
pol_net_parse_bind(const char *spec, uint16_t *ports, size_t *n, bool *any,
    struct pol_diag *d)
{
	const char *flag = "--net-allow-bind", *s = spec, *e, *dash;
	struct portset *ps;
	unsigned lo, hi, p;

	*n = 0;
	*any = false;
	if (*spec == '\0')
		return pol_fail(d, EINVAL, "%s: empty spec", flag);
	if (strcmp(spec, "*") == 0) {
		*any = true;
		return 0;
	}
	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		return pol_fail(d, ENOMEM, "out of memory");
	for (;;) {
		e = s + strcspn(s, ",");
		dash = memchr(s, '-', (size_t)(e - s));
		if (e == s) {
			(void)pol_fail(d, EINVAL, "%s '%s': empty element in "
			    "the port list", flag, spec);
			goto fail;
		}
		if (e - s == 1 && *s == '*') {
			(void)pol_fail(d, EINVAL, "%s '%s': '*' cannot be "
			    "mixed with ports", flag, spec);
			goto fail;
		}
		if (decimal(s, dash != NULL ? dash : e, &lo) < 0 ||
		    decimal(dash != NULL ? dash + 1 : s, e, &hi) < 0 ||
		    lo > 65535 || hi > 65535) {
			(void)pol_fail(d, EINVAL, "%s '%s': '%.*s' is not a "
			    "port (0 to 65535) or a range LOW-HIGH", flag,
			    spec, (int)(e - s), s);
			goto fail;
		}
		if (lo > hi) {
			(void)pol_fail(d, EINVAL, "%s '%s': range '%.*s' ends "
			    "below its start", flag, spec, (int)(e - s), s);
			goto fail;
		}
		for (p = lo; p <= hi && ps->n <= POL_NET_MAXPORTS; p++)
			ps_add(ps, p);
		if (ps->n > POL_NET_MAXPORTS) {
			(void)pol_fail(d, EINVAL, "%s '%s': more than %d ports "
			    "(use '*' for every port)", flag, spec,
			    POL_NET_MAXPORTS);
			goto fail;
		}
		if (*e == '\0')
			break;
		s = e + 1;
	}
	*n = ps_list(ps, ports);
	free(ps);
	return 0;
fail:
	free(ps);
	return -1;
}

bool
pol_net_addr_in(const struct pol_net_rule *r, int family, const uint8_t *a)
{
	unsigned pre = r->prefix;
	size_t full = pre / 8;

	if (r->host != NULL)
		return false;		/* unresolved: matches nothing */
	if (family == AF_INET6 && memcmp(a, v4mapped, 12) == 0) {
		family = AF_INET;
		a += 12;
	}
	if (family != AF_INET && family != AF_INET6)
		return false;
	if (r->family == 0)
		return true;
	if (family != r->family)
		return false;
	if (memcmp(a, r->addr, full) != 0)
		return false;
	if (pre % 8 == 0)
		return true;
	return ((a[full] ^ r->addr[full]) & (uint8_t)(0xff00 >> (pre % 8)))
	    == 0;
}

bool
pol_net_port_in(const struct pol_net_rule *r, uint16_t port)
{
	size_t lo = 0, hi = r->nports, mid;

	if (r->any_port)
		return true;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->ports[mid] == port)
			return true;
		if (r->ports[mid] < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* A name such as "network.allow" for flag in a message, or the flag. */
static int
renamed(struct pol_diag *d, const char *flag, const char *name)
{
	char msg[sizeof(d->msg)];
	size_t n = strlen(flag);
	int err = errno;

	if (name != NULL && d != NULL && strncmp(d->msg, flag, n) == 0) {
		memcpy(msg, d->msg, sizeof(msg));
		(void)snprintf(d->msg, sizeof(d->msg), "%s%s", name, msg + n);
	}
	errno = err;
	return -1;
}

int
pol_add_net(struct pol *p, enum pol_net_kind k, const char *name,
    const char *spec, struct pol_diag *d)
{
	static const char *const flags[] = {
		[POL_NET_ALLOW] = "--net-allow",
		[POL_NET_DENY] = "--net-deny",
		[POL_NET_BIND] = "--net-allow-bind",
	};
	struct pol_strv *sv = k == POL_NET_ALLOW ? &p->net_allow :
	    k == POL_NET_DENY ? &p->net_deny : &p->net_bind;
	struct pol_net_rule *r;
	uint16_t *ports;
	size_t n;
	bool any;
	int rc;

	if (k == POL_NET_BIND) {
		if ((ports = calloc(POL_NET_MAXPORTS, sizeof(*ports))) == NULL)
			return pol_fail(d, ENOMEM, "out of memory");
		rc = pol_net_parse_bind(spec, ports, &n, &any, d);
		free(ports);
	} else {
		if ((r = malloc(sizeof(*r))) == NULL)
			return pol_fail(d, ENOMEM, "out of memory");
		rc = pol_net_parse(spec, k == POL_NET_DENY, r, d);
		if (rc == 0)
			pol_net_rule_free(r);
		free(r);
	}
	if (rc < 0)
		return renamed(d, flags[k], name);
	if (pol_strv_has(sv, spec))
		return pol_fail(d, EEXIST, "%s '%s' given twice",
		    name != NULL ? name : flags[k], spec);
	if (pol_strv_add(sv, spec) < 0)
		return pol_fail(d, ENOMEM, "out of memory");
	return 0;
}

/* Whether one --net-allow spec needs the supervisor: all but tcp:// with
 * no address (those are Landlock port rules). */
static bool
allow_needs_supervisor(const char *spec)
{
	struct pol_net_rule *r;
	bool needs = true;

	if ((r = malloc(sizeof(*r))) == NULL)
		return true;
	if (pol_net_parse(spec, false, r, NULL) == 0) {
		needs = r->proto != POL_NET_TCP || r->family != 0 ||
		    r->host != NULL;
		pol_net_rule_free(r);
	}
	free(r);
	return needs;
}

bool
pol_net_needs_supervisor(const struct pol *p)
{
	size_t i;

	if (p->net_deny.n > 0)
		return true;
	for (i = 0; i < p->net_allow.n; i++)
		if (allow_needs_supervisor(p->net_allow.v[i]))
			return true;
	return false;
}

/* The first spec that needs the supervisor, for pol_check()'s message. */
const char *
pol_net_supervised_spec(const struct pol *p, bool *deny)
{
	size_t i;

	*deny = p->net_deny.n > 0;
	if (*deny)
		return p->net_deny.v[0];
	for (i = 0; i < p->net_allow.n; i++)
		if (allow_needs_supervisor(p->net_allow.v[i]))
			return p->net_allow.v[i];
	return NULL;
}
