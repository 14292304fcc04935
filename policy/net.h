/*
 * net.h: network rules of a policy (--net-allow, --net-deny,
 * --net-allow-bind).  Pure: specs are checked when added and kept as given
 * in struct pol (net_allow, net_deny, net_bind); pol_net_parse() turns one
 * into a rule for the planner, which resolves hostnames and sends ports to
 * the broker and addresses to the supervisor.
 *
 * Grammar (--net-allow; --net-deny is the same without hostnames):
 *   SPEC  := [SCHEME "://"] TARGET
 *   SCHEME:= "tcp" | "udp" | "icmp"        none: tcp and udp
 *   TARGET:= "*"                            every address, every port
 *          | HOST                           every port of HOST
 *          | HOST ":" PORTS                 HOST may be empty or "*": any
 *   HOST  := name | IPv4 | IPv4/N | "[" IPv6 "]" | "[" IPv6/N "]"
 *   PORTS := "*" | PORT ("," PORT)*         PORT 1..65535; icmp: no PORTS
 * --net-allow-bind: PORTS := "*" | ITEM ("," ITEM)*, ITEM := PORT | PORT-PORT
 * (port 0 allowed: an ephemeral port).
 * IPv4-mapped IPv6 ([::ffff:a.b.c.d], prefix >= 96) is kept as IPv4.  A
 * CIDR with host bits set is refused.  icmp:// rules have any_port set.
 */
#ifndef SL_NET_H
#define SL_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

/* Protocols of a rule. */
#define POL_NET_TCP	(1U << 0)
#define POL_NET_UDP	(1U << 1)
#define POL_NET_ICMP	(1U << 2)

/* Most ports one rule or the bind list may name (ranges expanded). */
#define POL_NET_MAXPORTS	1024

struct pol_net_rule {
	uint32_t proto;		/* POL_NET_* */
	char *host;		/* a name to resolve, or NULL */
	int family;		/* AF_INET, AF_INET6, or 0: any address */
	uint8_t addr[16];	/* network (IPv4: first 4 bytes), host bits 0 */
	uint8_t prefix;		/* CIDR length; 32 or 128 for one address */
	bool any_port;
	uint16_t ports[POL_NET_MAXPORTS];	/* sorted, unique */
	size_t nports;
};

enum pol_net_kind { POL_NET_ALLOW = 0, POL_NET_DENY, POL_NET_BIND };

/*
 * Checks spec and appends it to p's list of that kind.  EINVAL with a
 * diagnostic naming the flag (or name, a profile key, if not NULL) for a
 * malformed spec; EEXIST for a duplicate.  --net-allow and --net-deny in
 * one policy are refused by pol_check().
 */
int	pol_add_net(struct pol *p, enum pol_net_kind k, const char *name,
	    const char *spec, struct pol_diag *d);

/* Parses one --net-allow (deny false) or --net-deny (deny true) spec. */
int	pol_net_parse(const char *spec, bool deny, struct pol_net_rule *r,
	    struct pol_diag *d);
void	pol_net_rule_free(struct pol_net_rule *r);

/*
 * Parses one --net-allow-bind list into ports (sorted, unique) or *any;
 * the number of ports goes to *n.
 */
int	pol_net_parse_bind(const char *spec, uint16_t *ports, size_t *n,
	    bool *any, struct pol_diag *d);

/* Whether address a (family, 4 or 16 bytes) lies in the rule's network;
 * an IPv4-mapped IPv6 address is matched as IPv4. */
bool	pol_net_addr_in(const struct pol_net_rule *r, int family,
	    const uint8_t *a);
/* Whether port is among the rule's ports. */
bool	pol_net_port_in(const struct pol_net_rule *r, uint16_t port);

/*
 * Whether p's network rules need the supervisor: any --net-deny, and any
 * --net-allow but a tcp:// one with no address (tcp://:443, or every
 * port), which Landlock enforces alone.  --net-allow-bind never does.
 */
bool	pol_net_needs_supervisor(const struct pol *p);
/* The first spec that makes pol_net_needs_supervisor() true, or NULL;
 * *deny tells its list. */
const char *pol_net_supervised_spec(const struct pol *p, bool *deny);

#endif
