/*
 * landlock.c: rulesets from validated PATH messages.  The ruleset handles
 * every right the running kernel's ABI knows (filesystem, TCP, scopes), so
 * a right is denied unless a rule grants it.
 */
#include <errno.h>
#include <sys/stat.h>

#include "broker.h"
#include "compat/landlock.h"

int brk_ll_abi;

static uint64_t
net_handled(uint32_t netflags)
{
	uint64_t h = SL_LL_NET_BIND_TCP | SL_LL_NET_CONNECT_TCP;

	if (netflags & SL_NET_BIND_ANY)
		h &= ~SL_LL_NET_BIND_TCP;
	if (netflags & SL_NET_CONNECT_ANY)
		h &= ~SL_LL_NET_CONNECT_TCP;
	return h;
}

int
ll_ruleset_new(uint32_t netflags)
{
	struct sl_ruleset_attr attr = { 0, 0, 0 };

	/* Older kernels accept the larger struct while the rest is zero. */
	attr.handled_access_fs = sl_ll_fs_rights(brk_ll_abi);
	if (brk_ll_abi >= 4)
		attr.handled_access_net = net_handled(netflags);
	if (brk_ll_abi >= 6)
		attr.scoped = SL_LL_SCOPE_ABSTRACT_UNIX | SL_LL_SCOPE_SIGNAL;
	return sl_ll_create_ruleset(&attr, sizeof(attr), 0);
}

int
ll_add_port(int ruleset_fd, uint32_t rule, uint32_t netflags)
{
	struct sl_net_port_attr np;

	np.allowed_access = net_handled(netflags) &
	    (((rule & SL_NET_PORT_BIND) ? SL_LL_NET_BIND_TCP : 0U) |
	    ((rule & SL_NET_PORT_CONNECT) ? SL_LL_NET_CONNECT_TCP : 0U));
	np.port = rule & 0xffffU;
	if (brk_ll_abi < 4 || np.allowed_access == 0)
		return 0;
	return sl_ll_add_rule(ruleset_fd, SL_LL_RULE_NET_PORT, &np, 0);
}
