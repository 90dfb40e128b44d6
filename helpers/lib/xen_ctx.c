/* The libxl context: logger, child-process policy and a private event loop
 * (poll on libxl's own fds) for the short-lived ferryctl process. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "flog.h"
#include <xentoollog.h>

#include "xen.h"

struct xen {
	libxl_ctx *ctx;
	xentoollog_logger logger;
	xentoollog_level min_level;
};

/* libxl reaps only the children it forked; ferry's own children (xl -N,
 * drbdadm, ...) stay ours to wait for. The hooks must outlive the ctx. */
static const libxl_childproc_hooks xen_child_hooks = {
	.chldowner = libxl_sigchld_owner_libxl_always_selective_reap,
};

static int xen_log_priority(xentoollog_level level)
{
	switch (level) {
	case XTL_DEBUG:
	case XTL_VERBOSE:
		return LOG_DEBUG;
	case XTL_DETAIL:
	case XTL_PROGRESS:
	case XTL_INFO:
		return LOG_INFO;
	case XTL_NOTICE:
		return LOG_NOTICE;
	case XTL_WARN:
		return LOG_WARNING;
	case XTL_ERROR:
		return LOG_ERR;
	default:
		return LOG_CRIT;
	}
}

static void xen_log_vmessage(xentoollog_logger *lg, xentoollog_level level, int errnoval,
			     const char *context, const char *format, va_list al)
{
	struct xen *x = (struct xen *)((char *)lg - offsetof(struct xen, logger));
	char msg[1024];

	if (level < x->min_level)
		return;
	vsnprintf(msg, sizeof(msg), format, al);
	if (errnoval >= 0)
		flog(FLOG_XEN, xen_log_priority(level), "%s: %s: %s", context ? context : "libxl", msg,
		       strerror(errnoval));
	else
		flog(FLOG_XEN, xen_log_priority(level), "%s: %s", context ? context : "libxl", msg);
}

static void xen_log_progress(xentoollog_logger *lg, const char *context, const char *doing,
			     int percent, unsigned long done, unsigned long total)
{
	(void)lg;
	(void)total;
	/* Only the start of each phase: per-page progress floods the log. */
	if (done == 0)
		flog(FLOG_XEN, LOG_DEBUG, "%s: %s (%d%%)", context ? context : "libxl", doing, percent);
}

static void xen_log_destroy(xentoollog_logger *lg)
{
	(void)lg;
}

static int xen_alloc(struct xen **out, const libxl_osevent_hooks *hooks, void *user,
		     const libxl_childproc_hooks *children)
{
	struct xen *x = calloc(1, sizeof(*x));
	int rc;

	if (!x)
		return -ENOMEM;
	/* A peer closing a migration socket must be an error, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	x->logger.vmessage = xen_log_vmessage;
	x->logger.progress = xen_log_progress;
	x->logger.destroy = xen_log_destroy;
	x->min_level = getenv("FERRY_XEN_DEBUG") ? XTL_DEBUG : XTL_INFO;
	rc = libxl_ctx_alloc(&x->ctx, LIBXL_VERSION, 0, &x->logger);
	if (rc) {
		flog(FLOG_XEN, LOG_ERR, "cannot open libxl (is this a Xen dom0 with xenstored running?)");
		free(x);
		return -ENODEV;
	}
	/* Event hooks must be in place before any other libxl call. */
	if (hooks)
		libxl_osevent_register_hooks(x->ctx, hooks, user);
	libxl_childproc_setmode(x->ctx, children ? children : &xen_child_hooks, NULL);
	*out = x;
	return 0;
}

int xen_open(struct xen **out)
{
	return xen_alloc(out, NULL, NULL, NULL);
}

int xen_open_evented(struct xen **out, const libxl_osevent_hooks *hooks, void *user,
		     const libxl_childproc_hooks *children)
{
	return xen_alloc(out, hooks, user, children);
}

void xen_close(struct xen *x)
{
	if (!x)
		return;
	libxl_ctx_free(x->ctx);
	free(x);
}

libxl_ctx *xen_ctx(struct xen *x)
{
	return x->ctx;
}

int xen_errno(int rc)
{
	switch (rc) {
	case 0:
		return 0;
	case ERROR_DOMAIN_NOTFOUND:
	case ERROR_NOTFOUND:
		return -ENOENT;
	case ERROR_NOMEM:
		return -ENOMEM;
	case ERROR_INVAL:
		return -EINVAL;
	case ERROR_TIMEDOUT:
	case ERROR_GUEST_TIMEDOUT:
		return -ETIMEDOUT;
	case ERROR_NOPARAVIRT:
		return -EOPNOTSUPP;
	case ERROR_NOT_READY:
		return -EAGAIN;
	case ERROR_ABORTED:
		return -ECANCELED;
	case ERROR_DEVICE_EXISTS:
		return -EEXIST;
	default:
		return -EIO;
	}
}

int xen_poll(struct xen *x, int timeout_ms)
{
	struct pollfd fds[64];
	int nfds = 64, timeout = timeout_ms, rc;
	struct timeval now;
	libxl_event *ev;

	gettimeofday(&now, NULL);
	rc = libxl_osevent_beforepoll(x->ctx, &nfds, fds, &timeout, now);
	if (rc) {
		flog(FLOG_XEN, LOG_ERR, "libxl needs %d poll fds", nfds);
		return -ENOSPC;
	}
	if (poll(fds, (nfds_t)nfds, timeout) < 0 && errno != EINTR)
		return -errno;
	gettimeofday(&now, NULL);
	libxl_osevent_afterpoll(x->ctx, nfds, fds, now);
	/* Events nobody asked for (ferryctl enables none) are dropped here. */
	while (libxl_event_check(x->ctx, &ev, LIBXL_EVENTMASK_ALL, NULL, NULL) == 0)
		libxl_event_free(x->ctx, ev);
	return 0;
}

static void xen_ao_done(libxl_ctx *ctx, int rc, void *user)
{
	struct xen_ao *ao = user;

	(void)ctx;
	ao->rc = rc;
	ao->done = true;
}

void xen_ao_init(struct xen_ao *ao)
{
	memset(ao, 0, sizeof(*ao));
	ao->how.callback = xen_ao_done;
	ao->how.u.for_callback = ao;
}

int xen_ao_wait(struct xen *x, struct xen_ao *ao, int64_t deadline_ms)
{
	bool aborted = false;

	/* An ao in flight still owns *ao: on timeout, abort it and let it
	 * finish (libxl completes aborted operations promptly). */
	while (!ao->done) {
		int64_t left = deadline_ms - clock_ms();
		int rc;

		if (left <= 0 && !aborted) {
			flog(FLOG_XEN, LOG_WARNING, "libxl operation timed out, aborting it");
			libxl_ao_abort(x->ctx, &ao->how);
			aborted = true;
		}
		rc = xen_poll(x, left > 1000 ? 1000 : left < 100 ? 100 : (int)left);
		if (rc)
			return rc;
	}
	return aborted ? -ETIMEDOUT : 0;
}

int xen_ao_run(struct xen *x, struct xen_ao *ao, int start_rc, int timeout_ms)
{
	int rc;

	if (start_rc)
		return xen_errno(start_rc);
	rc = xen_ao_wait(x, ao, clock_ms() + timeout_ms);
	return rc ? rc : xen_errno(ao->rc);
}
