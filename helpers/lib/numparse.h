/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one parser of every number that enters ferry: options (ports,
 * timeouts, counts), agent parameters, and numbers read from tools' output.
 * Decimal digits only: no sign, no blank, no base prefix, no suffix, no
 * empty string; out of [min, max] (or beyond 64 bits) is refused, never
 * wrapped or truncated (atoi("4294967297") is 1).
 */
#ifndef FERRY_NUMPARSE_H
#define FERRY_NUMPARSE_H

#include <stddef.h>
#include <stdint.h>

/**
 * Parses @s into @out. 0; -EINVAL when @s is not a decimal number;
 * -ERANGE when it is outside [@min, @max]. @out is untouched on failure.
 * On failure @why (may be NULL) says "@what: '@s' ..." with the range.
 */
int num_parse(const char *what, const char *s, uint64_t min, uint64_t max, uint64_t *out,
	      char *why, size_t len);

/** num_parse() for an int in [@min, @max] (0 <= @min <= @max). */
int num_parse_int(const char *what, const char *s, int min, int max, int *out, char *why,
		  size_t len);

#endif
