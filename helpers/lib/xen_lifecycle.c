/* Shutdown with a hard deadline, destroy, pause, unpause. libxl's own
 * synchronous shutdown waits for the guest without our deadline, so every
 * call here is async and bounded. */
#include <errno.h>
#include <string.h>

#include "flog.h"

#include "xen.h"
#include "xen_backends.h"

#define OP_TIMEOUT 60000
#define POLL_MS    200
/* How long a failed destroy waits for another destroyer to finish. */
#define GONE_WAIT_MS 20000

/* Is @domid gone, or does it go within GONE_WAIT_MS? */
static bool gone_soon(struct xen *x, uint32_t domid)
{
	int64_t until = clock_ms() + GONE_WAIT_MS;
	struct xen_status st;

	while (xen_status_domid(x, domid, &st) != -ENOENT) {
		if (clock_ms() >= until)
			return false;
		xen_poll(x, POLL_MS);
	}
	return true;
}

int xen_destroy(struct xen *x, uint32_t domid)
{
	struct xen_ao ao;
	int rc;

	xen_ao_init(&ao);
	rc = xen_ao_run(x, &ao, libxl_domain_destroy(xen_ctx(x), domid, &ao.how), OP_TIMEOUT);
	if (rc == -ENOENT)
		return 0;
	if (rc && gone_soon(x, domid)) {
		/* Another destroyer won the race (ferryd's supervisor handles a
		 * guest's own poweroff while a stop shuts it down): destroyed. */
		flog(FLOG_XEN, LOG_NOTICE, "domid %u was destroyed meanwhile (%s here)", domid,
		     strerror(-rc));
		return 0;
	}
	if (rc)
		flog(FLOG_XEN, LOG_ERR, "destroying domid %u failed: %s", domid, strerror(-rc));
	else
		flog(FLOG_XEN, LOG_NOTICE, "destroyed domid %u", domid);
	return rc;
}

int xen_pause(struct xen *x, uint32_t domid)
{
	struct xen_ao ao;

	xen_ao_init(&ao);
	return xen_ao_run(x, &ao, libxl_domain_pause(xen_ctx(x), domid, &ao.how), OP_TIMEOUT);
}

int xen_unpause(struct xen *x, uint32_t domid)
{
	struct xen_ao ao;

	xen_ao_init(&ao);
	return xen_ao_run(x, &ao, libxl_domain_unpause(xen_ctx(x), domid, &ao.how), OP_TIMEOUT);
}

/* Shut down, dying or gone: the guest has finished with its own shutdown. */
static bool domain_stopped(struct xen *x, uint32_t domid)
{
	struct xen_status st;
	int rc = xen_status_domid(x, domid, &st);

	return rc == -ENOENT || (rc == 0 && (st.state == XEN_SHUTDOWN || st.state == XEN_DYING));
}

int xen_wait_gone(struct xen *x, uint32_t domid, int64_t deadline_ms)
{
	while (!domain_stopped(x, domid)) {
		int64_t left = deadline_ms - clock_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		xen_poll(x, left < POLL_MS ? (int)left : POLL_MS);
	}
	return 0;
}

int xen_wait_released(struct xen *x, uint32_t domid, int64_t deadline_ms)
{
	int64_t t0 = clock_ms();
	struct xen_status st;
	char left[256] = "";
	bool logged = false;

	for (;;) {
		int rc = xen_status_domid(x, domid, &st);
		int n = xen_backends_left(NULL, domid, left, sizeof(left));

		if (rc == -ENOENT && n <= 0)
			break;
		if (rc != -ENOENT)
			snprintf(left + strlen(left), sizeof(left) - strlen(left), "%sthe domain (%s)",
				 n > 0 ? ", " : "", rc ? strerror(-rc) : xen_state_name(st.state));
		if (clock_ms() >= deadline_ms) {
			flog(FLOG_XEN, LOG_WARNING, "domid %u is not released after %lld s: %s",
			     domid, (long long)(clock_ms() - t0) / 1000, left);
			return -ETIMEDOUT;
		}
		if (!logged && clock_ms() - t0 >= 1000) {
			flog(FLOG_XEN, LOG_NOTICE, "domid %u: waiting up to %lld s for dom0 to let "
			     "go of it: %s", domid, (long long)(deadline_ms - t0) / 1000, left);
			logged = true;
		}
		xen_poll(x, POLL_MS);
	}
	if (logged)
		flog(FLOG_XEN, LOG_NOTICE, "domid %u released after %.1f s", domid,
		     (double)(clock_ms() - t0) / 1000.0);
	return 0;
}

int xen_shutdown(struct xen *x, uint32_t domid, int timeout_ms, int *how)
{
	int64_t deadline = clock_ms() + timeout_ms;
	struct xen_ao ao;
	int rc, via = 0;

	xen_ao_init(&ao);
	rc = xen_ao_run(x, &ao, libxl_domain_shutdown(xen_ctx(x), domid, &ao.how), timeout_ms);
	if (rc == -EOPNOTSUPP) {
		/* No PV drivers in the guest: press its ACPI power button. */
		flog(FLOG_XEN, LOG_INFO, "domid %u has no PV shutdown, sending the ACPI power button",
		       domid);
		via = 1;
		xen_ao_init(&ao);
		rc = xen_ao_run(x, &ao,
				libxl_send_trigger(xen_ctx(x), domid, LIBXL_TRIGGER_POWER, 0,
						   &ao.how),
				timeout_ms);
	}
	if (rc == -ENOENT)
		return 0;
	if (rc == 0)
		rc = xen_wait_gone(x, domid, deadline);
	/* Gone meanwhile (ferryd's supervisor destroys a domain after its
	 * guest's poweroff): that is shut down, whatever libxl said. */
	if (rc && xen_status_domid(x, domid, &(struct xen_status){0}) == -ENOENT)
		return 0;
	if (rc) {
		flog(FLOG_XEN, LOG_WARNING, "domid %u did not shut down within %d ms (%s), destroying it",
		       domid, timeout_ms, strerror(-rc));
		via = 2;
	} else {
		flog(FLOG_XEN, LOG_NOTICE, "domid %u shut down cleanly%s", domid,
		       via ? " (ACPI power button)" : "");
	}
	if (how)
		*how = via;
	/* A shut-down domain still holds its memory and disks until destroyed. */
	return xen_destroy(x, domid);
}
