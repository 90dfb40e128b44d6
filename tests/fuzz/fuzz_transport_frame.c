/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The transport's framing on arbitrary bytes, as the receiver walks them:
 * headers decoded (frame_hdr_decode), judged as control messages or, once
 * a test byte says the stream is open, as stream frames (frame_check_msg,
 * frame_check_stream), bodies skipped. The same functions transport_recv_msg
 * and the stream pump call on every header they read (inside TLS; the
 * records around them are fuzz_transport_tls's business).
 */
#include <stdint.h>
#include <stdlib.h>

#include "transport_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool stream = size > 0 && (data[0] & 1);
	size_t off = size > 0 ? 1 : 0;

	while (size - off >= FRAME_HDR) {
		uint16_t type, t2;
		uint32_t len, l2;
		uint8_t h[FRAME_HDR];
		int rc;

		if (frame_hdr_decode(data + off, &type, &len))
			break;
		/* What goes out must come back the same. */
		frame_hdr_put(h, type, len);
		if (frame_hdr_decode(h, &t2, &l2) || t2 != type || l2 != len)
			abort();
		off += FRAME_HDR;
		rc = stream ? frame_check_stream(type, len) : frame_check_msg(type, len);
		if (rc < 0)
			break;
		if (stream && rc == 1) {
			stream = false; /* the end mark: control messages follow */
			continue;
		}
		if (!stream && type == 0x7fff)
			stream = true; /* a test convention: "the stream begins" */
		if (len > size - off)
			break;
		off += len;
	}
	return 0;
}
