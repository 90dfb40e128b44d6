/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PSK identity a client offers in its handshake ("ferry2 KEYID CLIENT
 * SERVER"), parsed as the server's PSK callback parses it before anything
 * else of the client is believed; and the cleartext hello before it. A
 * parsed identity must format back to exactly the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transport_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct identity id;
	char back[256];
	uint8_t mode;

	if (size >= HELLO_LEN) {
		enum hello_status st = hello_judge(data, false, &mode);

		if (st == HELLO_OK && mode != MODE_PLAIN && mode != MODE_TLS)
			abort();
		if (hello_judge(data, true, &mode) == HELLO_OK && mode != MODE_TLS)
			abort();
	}
	if (identity_parse(data, size, &id))
		return 0;
	if (!identity_name_ok(id.client) || !identity_name_ok(id.server))
		abort();
	if (identity_format(&id, back, sizeof(back)) == 0 &&
	    (strlen(back) != size || memcmp(back, data, size)))
		abort();
	return 0;
}
