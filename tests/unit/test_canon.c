/*
 * test_canon.c: the limits and no_supervisor in the canonical form and
 * digest (policy/canon.c): present only when set, in a fixed order,
 * different for different values, equal across spellings, and a canonical
 * form that parses back to the same digest.  The rest of the canonical
 * form is tested in test_profile.c.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

TestSuite(canon_limits);

/* Parses doc as a profile (it must be valid); its digest into hex. */
static void
tc_digest(const char *doc, char hex[65])
{
	struct pol p;
	struct pol_strv prog = { NULL, 0 };
	struct pol_diag d;

	pol_init(&p);
	cr_assert(eq(int, pol_parse_profile(doc, strlen(doc), "x", &p, &prog,
	    &d), 0), "%u:%u: %s\n%s", d.line, d.col, d.msg, doc);
	cr_assert(eq(int, pol_digest(&p, &prog, hex), 0));
	pol_free(&p);
	pol_strv_free(&prog);
}

/* The canonical form of doc, malloc'd. */
static char *
tc_canon(const char *doc)
{
	struct pol p;
	struct pol_strv prog = { NULL, 0 };
	struct pol_diag d;
	char *c;
	size_t n;

	pol_init(&p);
	cr_assert(eq(int, pol_parse_profile(doc, strlen(doc), "x", &p, &prog,
	    &d), 0), "%u:%u: %s", d.line, d.col, d.msg);
	cr_assert(eq(int, pol_canon(&p, &prog, &c, &n), 0));
	cr_assert(eq(sz, strlen(c), n));
	pol_free(&p);
	pol_strv_free(&prog);
	return c;
}

static const char all_limits[] =
    "[kernel]\nno_supervisor = false\n"
    "[limits]\ncpu_time = 30\nfile_size = 1025\nopen_files = 64\n"
    "processes = 16\nmemory = '524288K'\ntimeout = 2\n";

/* Without limits the form is what it was before they existed. */
Test(canon_limits, absent_when_unset)
{
	char *c = tc_canon("[limits]\n[kernel]\nno_supervisor = false\n");

	cr_assert(eq(str, c, "# sandlock canonical policy 1\n[program]\n"
	    "clean_env = false\nenv = {}\n\n[filesystem]\nread = []\n"
	    "write = []\n\n[limits]\n\n[syscalls]\nextra_deny = []\n\n"
	    "[kernel]\nallow_degraded = false\n"));
	free(c);
}

/* Fixed order, sizes with the largest unit that divides them. */
Test(canon_limits, fixed_order_and_units)
{
	char *c = tc_canon(all_limits);

	cr_assert(strstr(c, "\n[limits]\ntimeout = 2\nmemory = \"512M\"\n"
	    "processes = 16\nopen_files = 64\nfile_size = \"1025\"\n"
	    "cpu_time = 30\n\n[syscalls]\n") != NULL, "%s", c);
	cr_assert(strstr(c, "no_supervisor") == NULL, "%s", c);
	free(c);
	c = tc_canon("[limits]\nfile_size = '4194304T'\nmemory = 3145728\n");
	cr_assert(strstr(c, "\n[limits]\nmemory = \"3M\"\n"
	    "file_size = \"4194304T\"\n\n") != NULL, "%s", c);
	free(c);
	c = tc_canon("[kernel]\nno_supervisor = true\n[limits]\n"
	    "file_size = '3072G'\n");
	cr_assert(strstr(c, "\n[limits]\nfile_size = \"3T\"\n\n") != NULL,
	    "%s", c);
	cr_assert(strstr(c, "\n[kernel]\nallow_degraded = false\n"
	    "no_supervisor = true\n") != NULL, "%s", c);
	free(c);
}

/* Each limit, and no_supervisor, changes the digest. */
Test(canon_limits, digest_differs_per_limit)
{
	static const char *const docs[] = {
		"",
		"[limits]\nmemory = '512M'\n",
		"[limits]\nmemory = '1G'\n",
		"[limits]\nprocesses = 3\n",
		"[limits]\nprocesses = 4\n",
		"[limits]\nopen_files = 3\n",
		"[limits]\nfile_size = 3\n",
		"[limits]\ncpu_time = 3\n",
		"[limits]\ncpu_time = 4\n",
		"[kernel]\nno_supervisor = true\n",
		"[kernel]\nno_supervisor = true\n[limits]\nopen_files = 3\n",
	};
	char hex[sizeof(docs) / sizeof(docs[0])][65];
	size_t i, k, n = sizeof(docs) / sizeof(docs[0]);

	for (i = 0; i < n; i++)
		tc_digest(docs[i], hex[i]);
	for (i = 0; i < n; i++)
		for (k = i + 1; k < n; k++)
			cr_assert(ne(str, hex[i], hex[k]), "%s\n--- and ---\n%s",
			    docs[i], docs[k]);
}

/* Key order, units and no_supervisor = false do not change it. */
Test(canon_limits, digest_stable_across_spelling)
{
	char a[65], b[65];

	tc_digest(all_limits, a);
	tc_digest("# the same limits\n"
	    "[limits]\ntimeout = '2.0'\nmemory = 536870912\nprocesses = 0x10\n"
	    "open_files = 64\nfile_size = '1025'\ncpu_time = 30\n", b);
	cr_assert(eq(str, a, b));
	tc_digest("[limits]\nmemory = '0512m'\nprocesses = 16\ncpu_time = 30\n"
	    "timeout = 2\nopen_files = 64\nfile_size = 1_025\n", b);
	cr_assert(eq(str, a, b));
	tc_digest("[kernel]\nno_supervisor = false\n", a);
	tc_digest("", b);
	cr_assert(eq(str, a, b));
}

/* The same policy from flags over a profile has the profile's digest. */
Test(canon_limits, digest_after_merge)
{
	struct pol p, cli;
	struct pol_strv prog = { NULL, 0 };
	struct pol_diag d;
	char *const argv[] = { "-m", "1G", "-P", "8", "--no-supervisor",
	    "--max-open-files", "32", "--", "x", NULL };
	const char *doc = "[limits]\nmemory = '512M'\ncpu_time = 9\n";
	char a[65], b[65];
	int cmd;

	pol_init(&p);
	pol_init(&cli);
	cr_assert(eq(int, pol_parse_profile(doc, strlen(doc), "x", &p, &prog,
	    &d), 0), "%s", d.msg);
	cr_assert(eq(int, pol_parse_run(&cli, 9, argv, &cmd, &d), 0), "%s",
	    d.msg);
	cr_assert(eq(int, pol_merge(&p, &cli, &d), 0), "%s", d.msg);
	cr_assert(eq(int, pol_digest(&p, &prog, a), 0));
	/* Not runnable (pol_check), but its digest is still defined. */
	p.no_supervisor = false;
	cr_assert(eq(int, pol_digest(&p, &prog, b), 0));
	cr_assert(ne(str, a, b));
	tc_digest("[limits]\nmemory = '1G'\nprocesses = 8\ncpu_time = 9\n"
	    "open_files = 32\n", a);
	cr_assert(eq(str, a, b));
	pol_free(&p);
	pol_free(&cli);
	pol_strv_free(&prog);
}

/* The canonical form with every limit parses back to the same digest. */
Test(canon_limits, canonical_form_reparses)
{
	struct pol p;
	struct pol_strv prog = { NULL, 0 };
	struct pol_diag d;
	char a[65], b[65], *c;
	const char *docs[] = { all_limits,
	    "[limits]\nmemory = 1\nfile_size = '4194304T'\n"
	    "processes = 4194304\nopen_files = 1048576\ncpu_time = 31536000\n",
	    "[limits]\nfile_size = 1023\nopen_files = 1\ncpu_time = 1\n"
	    "[kernel]\nno_supervisor = true\nallow_degraded = true\n" };
	size_t i, n;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		tc_digest(docs[i], a);
		c = tc_canon(docs[i]);
		tc_digest(c, b);
		cr_assert(eq(str, a, b), "%s", c);
		/* And the canonical form of the canonical form is itself. */
		pol_init(&p);
		cr_assert(eq(int, pol_parse_profile(c, strlen(c), "c", &p,
		    &prog, &d), 0), "%s", d.msg);
		free(c);
		cr_assert(eq(int, pol_canon(&p, &prog, &c, &n), 0));
		cr_assert(eq(int, pol_digest(&p, &prog, b), 0));
		cr_assert(eq(str, a, b));
		free(c);
		pol_free(&p);
		pol_strv_free(&prog);
	}
}
