/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cleartext hello that opens every connection: magic, version, mode.
 * It only picks the handshake; nothing in it is trusted (the mode is also
 * bound into the PSK, so changing it in flight fails the handshake). */
#include <string.h>

#include "transport_int.h"

void hello_put(uint8_t *b, uint8_t mode_or_status)
{
	memcpy(b, HELLO_MAGIC, 4);
	b[4] = TRANSPORT_VERSION >> 8;
	b[5] = TRANSPORT_VERSION & 0xff;
	b[6] = mode_or_status;
	b[7] = 0;
}

unsigned hello_version(const uint8_t *b)
{
	return (unsigned)b[4] << 8 | b[5];
}

enum hello_status hello_judge(const uint8_t *hello, bool require_tls, uint8_t *mode)
{
	if (memcmp(hello, HELLO_MAGIC, 4))
		return HELLO_BAD_MAGIC;
	if (hello_version(hello) != TRANSPORT_VERSION)
		return HELLO_BAD_VERSION;
	if (hello[6] != MODE_PLAIN && hello[6] != MODE_TLS)
		return HELLO_BAD_MODE;
	if (hello[6] == MODE_PLAIN && require_tls)
		return HELLO_NEED_TLS;
	*mode = hello[6];
	return HELLO_OK;
}
