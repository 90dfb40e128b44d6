/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a transport error means, in words for logs and operators. */
#include <errno.h>
#include <string.h>

#include "transport.h"

const char *transport_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case -EACCES:
		return "the peer holds none of our cluster keys";
	case -EPERM:
		return "identity refused (not the node dialled, not a cluster member, or "
		       "another node's address)";
	case -EBADMSG:
		return "handshake did not verify although the key matched (replayed, "
		       "tampered with or corrupted)";
	case -EPROTO:
		return "protocol error (not a ferry peer, version mismatch or bad frame)";
	case -EPROTONOSUPPORT:
		return "target requires encryption";
	case -ETIMEDOUT:
		return "timed out";
	case -ECONNRESET:
		return "peer closed the connection";
	case -EMSGSIZE:
		return "message too large";
	case -EBUSY:
		return "stream in progress";
	default:
		return strerror(err < 0 ? -err : err);
	}
}
