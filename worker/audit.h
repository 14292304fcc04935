/*
 * audit.h: the audit record (--audit FILE, SANDLOCK_AUDIT): one JSON line
 * per stage appended when a job ends, and the result objects shared with
 * --status-fd.  See sandlock(1), "AUDIT RECORD".
 */
#ifndef SL_AUDIT_H
#define SL_AUDIT_H

#include "job.h"
#include "json.h"

/*
 * {"outcome": "exited"|"signaled"|"timeout"|"memory"|"not_run", "code" or
 * "signal", "error" for not_run, "exit": the CLI's status}; a new value
 * (the caller frees it), NULL with errno (ENOMEM; EINVAL if err is not
 * UTF-8).  err may be NULL or empty.
 */
struct sl_json *audit_status_json(const struct sandlock_result *r,
	    const char *err);

/*
 * Appends one line per stage of st[0..n) to fd (borrowed; opened with
 * O_APPEND, so each line is one write(2) that does not interleave with
 * other writers').  A stage that never got a result is recorded as
 * not_run 125 with why (the job's error).  Returns 0, or -1 with errno if
 * any line could not be written.
 */
int	audit_write(int fd, const char *name, const struct jstage *st,
	    size_t n, const char *why);

/*
 * Opens path for the audit record: O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC,
 * mode 0600, a regular file.  Returns the fd, or -1 with e.
 */
int	audit_open(const char *path, struct sandlock_error *e);

#endif
