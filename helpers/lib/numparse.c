/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Strict decimal numbers (see numparse.h). */
#include <errno.h>
#include <stdio.h>

#include "names.h"
#include "numparse.h"

int num_parse(const char *what, const char *s, uint64_t min, uint64_t max, uint64_t *out,
	      char *why, size_t len)
{
	uint64_t v = 0;
	const char *p = s;
	char q[256];

	/* By hand rather than strtoull, which takes blanks, a sign ("-1" is
	 * 2^64-1) and "0x"; the overflow check is exact. */
	if (!s || !*s)
		goto nan;
	for (; *p; p++) {
		unsigned d = (unsigned)(unsigned char)*p - '0';

		if (d > 9)
			goto nan;
		if (v > (UINT64_MAX - d) / 10)
			goto range;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		goto range;
	*out = v;
	return 0;
nan:
	if (why && len)
		snprintf(why, len, "%s: '%s' is not a number (%llu..%llu)", what,
			 name_quote(s ? s : "", q, sizeof(q)), (unsigned long long)min,
			 (unsigned long long)max);
	return -EINVAL;
range:
	if (why && len)
		snprintf(why, len, "%s: %s is out of range (%llu..%llu)", what,
			 name_quote(s, q, sizeof(q)), (unsigned long long)min,
			 (unsigned long long)max);
	return -ERANGE;
}

int num_parse_int(const char *what, const char *s, int min, int max, int *out, char *why,
		  size_t len)
{
	uint64_t v;
	int rc;

	if (min < 0 || max < min) { /* a caller's mistake, not the input's */
		if (why && len)
			snprintf(why, len, "%s: bad range %d..%d", what, min, max);
		return -EINVAL;
	}
	rc = num_parse(what, s, (uint64_t)min, (uint64_t)max, &v, why, len);
	if (rc == 0)
		*out = (int)v;
	return rc;
}
