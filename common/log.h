/*
 * log.h: one-line diagnostics in the form "PROG: message" on stderr.
 * die() and die_errno() are for worker/ and broker startup only; the code
 * in common/ and policy/ never exits.
 */
#ifndef SL_LOG_H
#define SL_LOG_H

#include "util.h"

/* Sets the program name and the status that die() exits with. */
void	sl_log_init(const char *prog, int die_status);
const char *sl_log_prog(void);

void	sl_warnx(const char *fmt, ...) SL_PRINTF(1, 2);
void	sl_warn(const char *fmt, ...) SL_PRINTF(1, 2);	/* appends strerror(errno) */
SL_NORETURN void die(const char *fmt, ...) SL_PRINTF(1, 2);
SL_NORETURN void die_errno(const char *fmt, ...) SL_PRINTF(1, 2);

#endif
