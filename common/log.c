/* log.c: diagnostics; see log.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static const char *log_prog = "sandlock";
static int log_die_status = 125;

void
sl_log_init(const char *prog, int die_status)
{
	log_prog = prog;
	log_die_status = die_status;
}

const char *
sl_log_prog(void)
{
	return log_prog;
}

static void
vlog(const char *prefix, const char *fmt, va_list ap, int err)
{
	char buf[1024];
	int n;

	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		buf[0] = '\0';
	if (err != 0)
		(void)fprintf(stderr, "%s: %s%s: %s\n", log_prog, prefix, buf,
		    strerror(err));
	else
		(void)fprintf(stderr, "%s: %s%s\n", log_prog, prefix, buf);
}

void
sl_warnx(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vlog("", fmt, ap, 0);
	va_end(ap);
	errno = saved;
}

void
sl_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vlog("", fmt, ap, saved);
	va_end(ap);
	errno = saved;
}

void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("fatal: ", fmt, ap, 0);
	va_end(ap);
	exit(log_die_status);
}

void
die_errno(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vlog("fatal: ", fmt, ap, saved);
	va_end(ap);
	exit(log_die_status);
}
