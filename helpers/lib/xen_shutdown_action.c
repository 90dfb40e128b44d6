/* What happens to a ferry-managed domain that shut down by itself: the
 * action its config gives for the reason (on_reboot, on_poweroff, on_crash,
 * on_watchdog), as xl's own monitor would do it. Run by ferryd through
 * `ferryctl domain supervise`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "flog.h"
#include "supervise_mark.h"
#include "xen.h"

#define DUMP_DIR "/var/lib/xen/dump"
/* How long a restart waits for dom0 to let go of the old domain (or of a
 * failed attempt) before it creates the new one, and how many attempts. */
#define RESTART_RELEASE_MS 90000
#define RESTART_ATTEMPTS   3

static libxl_action_on_shutdown configured(const libxl_domain_config *c,
					   libxl_shutdown_reason reason)
{
	switch (reason) {
	case LIBXL_SHUTDOWN_REASON_REBOOT:
		return c->on_reboot;
	case LIBXL_SHUTDOWN_REASON_CRASH:
		return c->on_crash;
	case LIBXL_SHUTDOWN_REASON_WATCHDOG:
		return c->on_watchdog;
	default:
		return c->on_poweroff;
	}
}

static int core_dump(struct xen *x, uint32_t domid, const char *name)
{
	char path[256];
	struct xen_ao ao;

	mkdir(DUMP_DIR, 0700);
	snprintf(path, sizeof(path), DUMP_DIR "/%s-%lld.core", name, (long long)time(NULL));
	xen_ao_init(&ao);
	int rc = xen_ao_run(x, &ao, libxl_domain_core_dump(xen_ctx(x), domid, path, &ao.how),
			    600000);
	flog(FLOG_XEN, rc ? LOG_ERR : LOG_NOTICE, "%s: core dump %s%s", name, path,
	     rc ? " failed" : " written");
	return rc;
}

/* The restart of a rebooted guest: the new domain is created once dom0
 * has let go of the old one, whose block backends hold the disks until
 * their teardown ends; libxl waits for that 10 s only, and on a loaded
 * dom0 the new domain's disk then failed to attach (make cts). A creation
 * that fails on libxl's timeouts or a device (ETIMEDOUT, EIO) is tried
 * again once its own remains are released. None once a stop began (the
 * stop waits for a restart up to 60 s, then owns the domain). */
static int restart(struct xen *x, libxl_domain_config *cfg, const char *path, uint32_t old,
		   const char *name, uint32_t *newid)
{
	int rc;

	if (old != XEN_NO_DOMID)
		xen_wait_released(x, old, clock_ms() + RESTART_RELEASE_MS);
	for (int attempt = 1;; attempt++) {
		/* A stop that stopped waiting for this restart owns the domain
		 * now: a domain created behind its back would outlive it. */
		if (supervise_mark_has(name, "stopping")) {
			flog(FLOG_XEN, LOG_NOTICE, "%s: a stop began: not restarted", name);
			return -ECANCELED;
		}
		rc = xen_create(x, cfg, path[0] ? path : NULL, false, 0, newid);
		if (rc == 0 || (rc != -ETIMEDOUT && rc != -EIO) || attempt == RESTART_ATTEMPTS)
			return rc;
		flog(FLOG_XEN, LOG_WARNING, "%s: restart attempt %d of %d failed (%s): trying again "
		     "once dom0 has let go of it", name, attempt, RESTART_ATTEMPTS, strerror(-rc));
		if (*newid != XEN_NO_DOMID)
			xen_wait_released(x, *newid, clock_ms() + RESTART_RELEASE_MS);
	}
}

/* A failed step on a domain that is gone by now: its stop (or an operator)
 * was faster, and there is nothing left to handle. */
static int gone_meanwhile(struct xen *x, uint32_t domid, int rc, char *done, size_t len)
{
	struct xen_status st;

	if (rc && xen_status_domid(x, domid, &st) == -ENOENT) {
		snprintf(done, len, "nothing to do (destroyed meanwhile)");
		return 0;
	}
	return rc;
}

int xen_on_shutdown(struct xen *x, uint32_t domid, bool may_restart, char *done, size_t len)
{
	libxl_domain_config cfg;
	struct xen_status st;
	libxl_action_on_shutdown act;
	char path[4096], name[sizeof(st.name)];
	uint32_t newid;
	int rc;

	rc = xen_status_domid(x, domid, &st);
	if (rc == -ENOENT || (rc == 0 && st.state != XEN_SHUTDOWN)) {
		snprintf(done, len, "nothing to do (already handled)");
		return 0;
	}
	if (rc)
		return rc;
	snprintf(name, sizeof(name), "%s", st.name);
	libxl_domain_config_init(&cfg);
	rc = xen_errno(libxl_retrieve_domain_configuration(xen_ctx(x), domid, &cfg, NULL));
	if (rc) {
		libxl_domain_config_dispose(&cfg);
		if (gone_meanwhile(x, domid, rc, done, len) == 0)
			return 0;
		snprintf(done, len, "cannot read its configuration: destroyed");
		xen_destroy(x, domid);
		return rc;
	}
	act = configured(&cfg, st.shutdown_reason);
	xen_tag_config(x, domid, path, sizeof(path));
	if (!may_restart && (act == LIBXL_ACTION_ON_SHUTDOWN_RESTART ||
			     act == LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME ||
			     act == LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART))
		act = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
	switch (act) {
	case LIBXL_ACTION_ON_SHUTDOWN_PRESERVE:
		snprintf(done, len, "preserved (on_%s=preserve)",
			 libxl_shutdown_reason_to_string(st.shutdown_reason));
		break;
	case LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY:
		core_dump(x, domid, name);
		/* fall through */
	case LIBXL_ACTION_ON_SHUTDOWN_DESTROY:
	case LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET: /* not supported: stop it cleanly */
		rc = xen_destroy(x, domid);
		snprintf(done, len, "destroyed%s", may_restart ? "" : " (the ledger does not give it "
								       "to this node: no restart)");
		rc = gone_meanwhile(x, domid, rc, done, len);
		break;
	case LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART:
		core_dump(x, domid, name);
		/* fall through */
	case LIBXL_ACTION_ON_SHUTDOWN_RESTART:
	case LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME:
		if (act == LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME) {
			/* Keep the old one for inspection, under another name. */
			char old[sizeof(name) + 32];
			snprintf(old, sizeof(old), "%s--%lld", name, (long long)time(NULL));
			rc = libxl_domain_rename(xen_ctx(x), domid, name, old) ? -EIO : 0;
		} else {
			rc = xen_destroy(x, domid);
		}
		if (rc == 0)
			rc = restart(x, &cfg, path, act == LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME ?
							  XEN_NO_DOMID : domid, name, &newid);
		if (rc == 0)
			snprintf(done, len, "restarted as domid %u", newid);
		else
			snprintf(done, len, "restart failed: %s", strerror(-rc));
		break;
	default:
		rc = xen_destroy(x, domid);
		snprintf(done, len, "destroyed (unknown action %d)", act);
	}
	libxl_domain_config_dispose(&cfg);
	return rc;
}
