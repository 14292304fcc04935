/*
 * netmed.h: connect(2), sendto(2), sendmsg(2) and sendmmsg(2) performed on
 * the stage's behalf by the supervisor, after checking the destination:
 * INET and INET6 addresses against the stage's --net-allow or --net-deny
 * rules (by the socket's own protocol, SO_PROTOCOL), pathname UNIX sockets
 * against its write rules.  The call runs on the supervisor's duplicate of
 * the stage's socket (pidfd_getfd) with the supervisor's copy of every
 * argument, so no racing thread can change what was checked.
 */
#ifndef SL_NETMED_H
#define SL_NETMED_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>

#include "mediate.h"
#include "net.h"

/* The syscalls the supervisor mediates for the network: connect (and
 * listen, with TCP), then the sends (with datagram sockets). */
#define NET_NOTIFY	{ 42 /* connect */, 50 /* listen */, 44 /* sendto */, \
	46 /* sendmsg */, 307 /* sendmmsg */ }

/* A stage's network rules, resolved (no hostnames). */
struct net_rules {
	bool deny;			/* --net-deny: the rules are exclusions */
	bool unix_ok;			/* pathname UNIX beneath write rules */
	bool ephemeral_ok;		/* listen may bind an ephemeral port */
	struct pol_net_rule *r;
	size_t n;
};

/* Appends a copy of one resolved rule (host NULL); -1 with errno. */
int	net_add_rule(struct net_rules *nr, const struct pol_net_rule *r);
void	net_rules_free(struct net_rules *nr);

/*
 * Whether a destination is allowed: proto one POL_NET_* bit, family
 * AF_INET or AF_INET6 with the address in network order (an IPv4-mapped
 * IPv6 address counts as IPv4), port in host order (ignored for ICMP).
 */
bool	net_allowed(const struct net_rules *nr, uint32_t proto, int family,
	    const uint8_t *addr, uint16_t port);

/*
 * If n is a mediated network call: performs or refuses it.  Returns 0 if
 * n is not one, 1 with r filled, or 2 when a thread of the supervisor
 * will answer (a call that may block on a blocking socket).
 */
int	net_handle(const struct net_rules *nr, const struct med_rules *mr,
	    int listener, const struct seccomp_notif *n,
	    struct seccomp_notif_resp *r);

#endif
