/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Frames: u16 type, u16 flags (0), u32 length, then the payload. */
#include <errno.h>
#include <string.h>

#include "transport_int.h"

void frame_hdr_put(uint8_t *h, uint16_t type, uint32_t len)
{
	h[0] = (uint8_t)(type >> 8);
	h[1] = (uint8_t)type;
	h[2] = 0;
	h[3] = 0;
	h[4] = (uint8_t)(len >> 24);
	h[5] = (uint8_t)(len >> 16);
	h[6] = (uint8_t)(len >> 8);
	h[7] = (uint8_t)len;
}

int frame_hdr_decode(const uint8_t *h, uint16_t *type, uint32_t *len)
{
	if (h[2] || h[3])
		return -EPROTO;
	*type = (uint16_t)(h[0] << 8 | h[1]);
	*len = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
	return 0;
}

int frame_check_msg(uint16_t type, uint32_t len)
{
	return type <= TRANSPORT_TYPE_MAX && len <= TRANSPORT_MSG_MAX ? 0 : -EPROTO;
}

int frame_check_stream(uint16_t type, uint32_t len)
{
	if (type == FRAME_STREAM_END && len == 0)
		return 1;
	return type == FRAME_STREAM_DATA && len > 0 && len <= STREAM_CHUNK ? 0 : -EPROTO;
}

int frame_send(struct transport *t, uint16_t type, const void *buf, size_t len, int stop_fd,
	       int64_t deadline)
{
	uint8_t h[FRAME_HDR];
	int rc;

	frame_hdr_put(h, type, (uint32_t)len);
	rc = io_send(t, h, sizeof(h), stop_fd, deadline);
	if (!rc && len)
		rc = io_send(t, buf, len, stop_fd, deadline);
	return rc;
}

/* Reads a header. Waits for its first byte until first_deadline: a timeout
 * there consumed nothing (-ETIMEDOUT, *partial false); after that the rest
 * must come within the transport's timeout. */
int frame_recv_hdr(struct transport *t, uint16_t *type, uint32_t *len, bool *partial,
		   int stop_fd, int64_t first_deadline)
{
	uint8_t h[FRAME_HDR];
	size_t got;
	int rc;

	*partial = false;
	rc = io_recv(t, h, 1, &got, stop_fd, first_deadline);
	if (rc)
		return rc;
	*partial = true;
	rc = io_recv(t, h + 1, sizeof(h) - 1, &got, stop_fd, io_deadline(t->timeout_ms));
	if (rc) {
		if (rc == -ECONNRESET)
			tlog(LOG_ERR, "transport %s: truncated frame header", t->peer);
		return rc == -ECONNRESET ? -EPROTO : rc;
	}
	if (frame_hdr_decode(h, type, len)) {
		tlog(LOG_ERR, "transport %s: frame with unknown flags %02x%02x", t->peer, h[2], h[3]);
		return -EPROTO;
	}
	return 0;
}

/* Reads a payload the header announced; EOF inside it is a truncated frame. */
int frame_recv_body(struct transport *t, void *buf, size_t len, int stop_fd)
{
	size_t got;
	int rc = io_recv(t, buf, len, &got, stop_fd, io_deadline(t->timeout_ms));

	if (rc == -ECONNRESET) {
		tlog(LOG_ERR, "transport %s: truncated frame (%zu of %zu bytes)", t->peer, got, len);
		return -EPROTO;
	}
	return rc;
}
