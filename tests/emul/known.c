// SPDX-License-Identifier: GPL-2.0
/*
 * KNOWN EMULATOR BUGS, EXCLUDED FROM THE COUNT.
 *
 * Each entry recognises the mismatches one emulator bug causes, by the
 * case's form and bytes and by what each side did, so that the rest of
 * its form still counts while the bug waits for its fix.  A case that
 * matches is counted as "excluded" and reported as such on its form's
 * summary, never as passed; --strict counts it as failed.  Delete the
 * entry with the fix.
 */
#include <string.h>
#include <linux/kernel.h>

#include "emul_diff.h"

/* A mismatch, as known_bug() gets it. */
struct mismatch {
	const struct test_case *tc;
	const struct outcome *nat, *emu;
	const char *why;
};

static const struct {
	const char *id;
	const char *what;
	bool (*match)(const struct mismatch *m);
} known[] = {
	/*
	 * None open.  The five found when this test was written (PUSH/POP
	 * with 66 and REX.W, #AC of MOVD/MOVQ and of the MOVS destination,
	 * PREFETCH faulting, 66 0F C3) were fixed with it.
	 */
	{ NULL },	/* the end */
};

const char *known_bug(const struct test_case *tc, const struct outcome *nat,
		      const struct outcome *emu, const char *why)
{
	const struct mismatch m = { tc, nat, emu, why };
	unsigned int i;

	for (i = 0; known[i].id; i++)
		if (known[i].match(&m))
			return known[i].id;
	return NULL;
}

void known_list(FILE *f)
{
	unsigned int i;

	for (i = 0; known[i].id; i++)
		fprintf(f, "emul_diff: excluded, known emulator bug %s: %s\n",
			known[i].id, known[i].what);
}
