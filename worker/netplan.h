/*
 * netplan.h: a stage's network, planned before anything starts: hostnames
 * resolved once, the NET message for the broker (which sockets, Landlock
 * TCP ports) and the rules the supervisor checks destinations against.
 */
#ifndef SL_NETPLAN_H
#define SL_NETPLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "internal.h"
#include "netmed.h"

struct netplan {
	uint32_t flags;		/* SL_NET_* */
	uint32_t *ports;	/* port | SL_NET_PORT_* */
	uint32_t nports;
	struct net_rules rules;	/* resolved, for the supervisor */
	bool connect;		/* connect (and listen) go to the supervisor */
	bool sends;		/* and so do sendto, sendmsg, sendmmsg */
};

/*
 * Plans p's network; sup: the stage has a supervisor.  A hostname that
 * does not resolve is an error (e), as is more than SL_MAX_PORTS ports.
 */
int	netplan_build(const struct pol *p, bool sup, struct netplan *np,
	    struct sandlock_error *e);
void	netplan_free(struct netplan *np);

#endif
