/*
 * netplan.c: see netplan.h.
 *
 * Allow rules: TCP sockets exist with any TCP rule (or a bind rule), UDP
 * and ping sockets with a udp:// or icmp:// rule (or a scheme-less one for
 * UDP).  TCP ports of every TCP rule become Landlock connect rules (any
 * port: Landlock leaves connect alone).  A rule naming an address, or any
 * UDP or ICMP rule, needs the supervisor: it then sees every connect, and
 * with UDP or ICMP every addressed send.  Deny rules: every socket kind,
 * Landlock leaves connect alone, the supervisor sees everything.  A stage
 * with a supervisor and write rules has its connects mediated anyway:
 * pathname UNIX sockets are reachable beneath its write rules only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netplan.h"
#include "wutil.h"

static int
add_port(struct netplan *np, uint32_t v, struct sandlock_error *e)
{
	uint32_t *p;

	if (np->nports >= SL_MAX_PORTS)
		return sl_err(e, E2BIG, "more than %u network port rules",
		    SL_MAX_PORTS);
	if ((p = reallocarray(np->ports, np->nports + 1, sizeof(*p))) == NULL)
		return sl_err(e, ENOMEM, "out of memory");
	np->ports = p;
	p[np->nports++] = v;
	return 0;
}

/* Adds r to the supervisor's rules, once per address of its hostname. */
static int
add_resolved(struct netplan *np, const char *spec, struct pol_net_rule *r,
    struct sandlock_error *e)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct pol_net_rule one;
	int g;

	if (r->host == NULL)
		return net_add_rule(&np->rules, r) < 0 ?
		    sl_err(e, ENOMEM, "out of memory") : 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((g = getaddrinfo(r->host, NULL, &hints, &res)) != 0)
		return sl_err(e, EHOSTUNREACH, "--net-allow '%s': cannot "
		    "resolve %s: %s", spec, r->host, gai_strerror(g));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		one = *r;
		memset(one.addr, 0, sizeof(one.addr));
		if (ai->ai_family == AF_INET) {
			one.family = AF_INET;
			one.prefix = 32;
			memcpy(one.addr, &((struct sockaddr_in *)(void *)
			    ai->ai_addr)->sin_addr, 4);
		} else if (ai->ai_family == AF_INET6) {
			one.family = AF_INET6;
			one.prefix = 128;
			memcpy(one.addr, &((struct sockaddr_in6 *)(void *)
			    ai->ai_addr)->sin6_addr, 16);
		} else
			continue;
		if (net_add_rule(&np->rules, &one) < 0) {
			freeaddrinfo(res);
			return sl_err(e, ENOMEM, "out of memory");
		}
	}
	freeaddrinfo(res);
	return 0;
}

static int
plan_allow(const struct pol *p, struct netplan *np, struct sandlock_error *e)
{
	struct pol_net_rule *r;
	struct pol_diag d;
	size_t i, k;
	int rc = 0;

	if ((r = malloc(sizeof(*r))) == NULL)
		return sl_err(e, ENOMEM, "out of memory");
	for (i = 0; rc == 0 && i < p->net_allow.n; i++) {
		if (pol_net_parse(p->net_allow.v[i], false, r, &d) < 0) {
			rc = sl_err(e, errno, "%s", d.msg);
			break;
		}
		if (r->proto & POL_NET_TCP) {
			np->flags |= SL_NET_TCP;
			if (r->any_port)
				np->flags |= SL_NET_CONNECT_ANY;
			for (k = 0; rc == 0 && !r->any_port && k < r->nports; k++)
				rc = add_port(np, r->ports[k] |
				    SL_NET_PORT_CONNECT, e);
		}
		if (r->proto & POL_NET_UDP)
			np->flags |= SL_NET_UDP;
		if (r->proto & POL_NET_ICMP)
			np->flags |= SL_NET_ICMP;
		if (rc == 0)
			rc = add_resolved(np, p->net_allow.v[i], r, e);
		pol_net_rule_free(r);
	}
	free(r);
	return rc;
}

static int
plan_deny(const struct pol *p, struct netplan *np, struct sandlock_error *e)
{
	struct pol_net_rule *r;
	struct pol_diag d;
	size_t i;
	int rc = 0;

	np->flags |= SL_NET_TCP | SL_NET_UDP | SL_NET_ICMP |
	    SL_NET_CONNECT_ANY;
	np->rules.deny = true;
	if ((r = malloc(sizeof(*r))) == NULL)
		return sl_err(e, ENOMEM, "out of memory");
	for (i = 0; rc == 0 && i < p->net_deny.n; i++) {
		if (pol_net_parse(p->net_deny.v[i], true, r, &d) < 0)
			rc = sl_err(e, errno, "%s", d.msg);
		else
			rc = add_resolved(np, p->net_deny.v[i], r, e);
		pol_net_rule_free(r);
	}
	free(r);
	return rc;
}

static int
plan_bind(const struct pol *p, struct netplan *np, struct sandlock_error *e)
{
	uint16_t *ports;
	struct pol_diag d;
	size_t i, k, n;
	bool any;
	int rc = 0;

	if ((ports = calloc(POL_NET_MAXPORTS, sizeof(*ports))) == NULL)
		return sl_err(e, ENOMEM, "out of memory");
	for (i = 0; rc == 0 && i < p->net_bind.n; i++) {
		if (pol_net_parse_bind(p->net_bind.v[i], ports, &n, &any,
		    &d) < 0) {
			rc = sl_err(e, errno, "%s", d.msg);
			break;
		}
		np->flags |= SL_NET_TCP | (any ? SL_NET_BIND_ANY : 0);
		if (any || (n > 0 && ports[0] == 0))	/* sorted */
			np->rules.ephemeral_ok = true;
		for (k = 0; rc == 0 && !any && k < n; k++)
			rc = add_port(np, ports[k] | SL_NET_PORT_BIND, e);
	}
	free(ports);
	return rc;
}

int
netplan_build(const struct pol *p, bool sup, struct netplan *np,
    struct sandlock_error *e)
{
	memset(np, 0, sizeof(*np));
	if (plan_allow(p, np, e) < 0 ||
	    (p->net_deny.n > 0 && plan_deny(p, np, e) < 0) ||
	    plan_bind(p, np, e) < 0)
		return -1;
	/* pol_check() refused what needs a supervisor the stage lacks. */
	np->connect = sup && (pol_net_needs_supervisor(p) ||
	    p->fs_write.n > 0);
	np->sends = np->connect &&
	    (np->flags & (SL_NET_UDP | SL_NET_ICMP)) != 0;
	if (np->sends)
		np->flags |= SL_NET_UNIX_DGRAM;
	np->rules.unix_ok = sup && p->fs_write.n > 0;
	return 0;
}

void
netplan_free(struct netplan *np)
{
	free(np->ports);
	net_rules_free(&np->rules);
	memset(np, 0, sizeof(*np));
}
