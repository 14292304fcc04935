/*
 * bpf.h: the broker's hand-written seccomp programs (stage filter, notify
 * filter) are built into one of these.  Instructions past SL_BPF_MAX are
 * counted, not written; bpf_load() then refuses the program (E2BIG).
 */
#ifndef SL_BPF_H
#define SL_BPF_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>

#define SL_BPF_MAX	BPF_MAXINSNS
#define ARG(i)		((uint32_t)offsetof(struct seccomp_data, args[i]))
#define NR		((uint32_t)offsetof(struct seccomp_data, nr))
#define DENY(e)		(SECCOMP_RET_ERRNO | (e))

struct prog {
	struct sock_filter f[SL_BPF_MAX];
	unsigned n;
};

static inline void
ins(struct prog *p, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	if (p->n < SL_BPF_MAX)
		p->f[p->n] = (struct sock_filter){ code, jt, jf, k };
	p->n++;
}

#define LD(p, off)	ins(p, BPF_LD | BPF_W | BPF_ABS, off, 0, 0)
#define JEQ(p, k)	ins(p, BPF_JMP | BPF_JEQ | BPF_K, k, 0, 0)
#define JNE(p, k, n)	ins(p, BPF_JMP | BPF_JEQ | BPF_K, k, 0, n)
#define RET(p, k)	ins(p, BPF_RET | BPF_K, k, 0, 0)

/* Loads p with these SECCOMP_SET_MODE_FILTER flags: 0, or -1 (errno). */
int	bpf_load(const struct prog *p, unsigned int flags);

#endif
