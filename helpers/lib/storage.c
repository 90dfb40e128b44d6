/* Storage steps that span both ends of a DRBD resource (see storage.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "flog.h"

#include "drbd.h"
#include "peer.h"
#include "storage.h"

int storage_window(const char *res, bool open, bool local, char *why, size_t len)
{
	int rc;

	/* Opening: the peer first, so a failure leaves this end closed.
	 * Closing: this end first, so the window is shut even if the peer
	 * cannot be reached (one end without the flag is enough). */
	if (open && !local && (rc = peer_drbd_window(res, true, why, len)))
		return rc;
	rc = drbd_window_set(res, open, why, len);
	if (rc) {
		if (open && !local)
			peer_drbd_window(res, false, NULL, 0);
		return rc;
	}
	if (!open && !local && (rc = peer_drbd_window(res, false, why, len)))
		flog(FLOG_DRBD, LOG_WARNING, "window of %s closed here, but not on the peer: %s", res,
		     why);
	return open || local ? 0 : rc;
}
