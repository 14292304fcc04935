/*
 * msg.h: framing of proto.h messages over a SOCK_SEQPACKET socket, and a
 * bounds-checked reader and writer for message bodies.
 * Every function returns 0 (or a count), or -1 with errno set.  None exits.
 */
#ifndef SL_MSG_H
#define SL_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct msg {
	struct msg_hdr hdr;
	const uint8_t *body;		/* into buf, hdr.len - MSG_HDRSZ bytes */
	uint32_t bodylen;
	int fds[MSG_MAXFDS];		/* owned until msg_free() or taken */
	uint32_t nfds;
	uint8_t buf[MSG_MAX];
};

/*
 * Sends one datagram: header, body, and nfds borrowed fds (not closed).
 * EMSGSIZE if the body or fd count exceeds the limits.
 */
int	msg_send(int sock, uint32_t type, uint32_t seq, const void *body,
	    size_t len, const int *fds, uint32_t nfds);

/*
 * Receives one datagram into *m (fds arrive close-on-exec).  Returns 1 for a
 * message, 0 at end of stream, -1 with errno: EMSGSIZE (datagram truncated),
 * ETOOMANYREFS (fds truncated), EBADMSG (shorter than a header, or hdr.len
 * differs from the bytes received), EPROTO (ancillary data that is not
 * SCM_RIGHTS, or an fd count other than hdr.nfds).  On error no fd is kept.
 * msg_recvf adds recvmsg flags (MSG_DONTWAIT: EAGAIN when none is queued).
 */
int	msg_recvf(int sock, struct msg *m, int flags);
#define msg_recv(sock, m)	msg_recvf(sock, m, 0)

/* Closes the fds still owned by *m. */
void	msg_free(struct msg *m);

/* Moves fd i out of *m: the caller owns the result. */
int	msg_take_fd(struct msg *m, uint32_t i);

/* Reader over a body.  Short reads fail with EBADMSG. */
struct rd {
	const uint8_t *p;
	size_t left;
};

void	rd_init(struct rd *r, const void *p, size_t len);
int	rd_u32(struct rd *r, uint32_t *v);
int	rd_bytes(struct rd *r, void *out, size_t len);
/*
 * A u32 length and that many bytes with no NUL, copied NUL-terminated into a
 * malloc'd *out (caller frees).  EBADMSG when short, EINVAL for an interior
 * NUL, E2BIG when longer than maxlen.
 */
int	rd_cstring(struct rd *r, char **out, size_t maxlen);
/* EBADMSG unless every byte was read. */
int	rd_end(const struct rd *r);

#endif
