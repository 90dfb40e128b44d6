/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libxl's events in ferryd's qb loop (libxl_osevent_hooks): libxl asks for
 * fds and timeouts, the loop calls libxl back when they fire. libxl may
 * register several interests in one fd, so each fd has one poll entry in
 * the loop and a list of libxl's registrations on it.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/time.h>

#include "ferryd.h"
#include "xen.h"
#include "xenloop.h"

struct fd_reg {
	struct fd_reg *next;
	struct fd_watch *w;
	short events;
	void *for_libxl;
};

struct fd_watch {
	struct fd_watch *next;
	int fd;
	short events; /* union of the registrations' */
	struct fd_reg *regs;
};

struct timeout_reg {
	qb_loop_timer_handle h;
	void *for_libxl;
};

static struct xen *xenctx;
static struct fd_watch *watches;

static struct fd_watch *watch_find(int fd)
{
	for (struct fd_watch *w = watches; w; w = w->next)
		if (w->fd == fd)
			return w;
	return NULL;
}

static bool reg_alive(int fd, const struct fd_reg *r)
{
	struct fd_watch *w = watch_find(fd);

	for (struct fd_reg *x = w ? w->regs : NULL; x; x = x->next)
		if (x == r)
			return true;
	return false;
}

static int32_t on_fd(int32_t fd, int32_t revents, void *data)
{
	struct fd_watch *w = data;
	struct fd_reg *todo[8];
	int n = 0;

	/* libxl may (de)register from within: call each registration that
	 * was there when the event came and is still there now. */
	for (struct fd_reg *r = w->regs; r && n < 8; r = r->next)
		if (revents & (r->events | POLLERR | POLLHUP | POLLNVAL))
			todo[n++] = r;
	for (int i = 0; i < n; i++)
		if (reg_alive(fd, todo[i]))
			libxl_osevent_occurred_fd(xen_ctx(xenctx), todo[i]->for_libxl, fd,
						  todo[i]->events, (short)revents);
	return 0;
}

static int watch_update(qb_loop_t *loop, struct fd_watch *w)
{
	short ev = 0;

	for (struct fd_reg *r = w->regs; r; r = r->next)
		ev |= r->events;
	if (ev == w->events)
		return 0;
	w->events = ev;
	return qb_loop_poll_mod(loop, QB_LOOP_MED, w->fd, ev, w, on_fd);
}

static int fd_register(void *user, int fd, void **app, short events, void *for_libxl)
{
	struct fd_watch *w = watch_find(fd);
	struct fd_reg *r = calloc(1, sizeof(*r));

	if (!r)
		return ERROR_OSEVENT_REG_FAIL;
	if (!w) {
		w = calloc(1, sizeof(*w));
		if (!w || qb_loop_poll_add(user, QB_LOOP_MED, fd, events, w, on_fd)) {
			free(w);
			free(r);
			return ERROR_OSEVENT_REG_FAIL;
		}
		w->fd = fd;
		w->events = events;
		w->next = watches;
		watches = w;
	}
	r->w = w;
	r->events = events;
	r->for_libxl = for_libxl;
	r->next = w->regs;
	w->regs = r;
	watch_update(user, w);
	*app = r;
	return 0;
}

static int fd_modify(void *user, int fd, void **app, short events)
{
	struct fd_reg *r = *app;

	(void)fd;
	r->events = events;
	return watch_update(user, r->w) ? ERROR_OSEVENT_REG_FAIL : 0;
}

static void fd_deregister(void *user, int fd, void *app)
{
	struct fd_reg *r = app, **pp;
	struct fd_watch *w = r->w, **wp;

	for (pp = &w->regs; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	free(r);
	if (w->regs) {
		watch_update(user, w);
		return;
	}
	qb_loop_poll_del(user, fd);
	for (wp = &watches; *wp; wp = &(*wp)->next)
		if (*wp == w) {
			*wp = w->next;
			break;
		}
	free(w);
}

static void on_timeout(void *data)
{
	struct timeout_reg *t = data;
	void *for_libxl = t->for_libxl;

	/* Deregistered on entry (libxl's rule): libxl forgets t now. */
	free(t);
	libxl_osevent_occurred_timeout(xen_ctx(xenctx), for_libxl);
}

static uint64_t ns_until(struct timeval abs)
{
	struct timeval now;
	int64_t us;

	gettimeofday(&now, NULL);
	us = (int64_t)(abs.tv_sec - now.tv_sec) * 1000000 + (abs.tv_usec - now.tv_usec);
	return us > 0 ? (uint64_t)us * 1000 : 0;
}

static int timeout_register(void *user, void **app, struct timeval abs, void *for_libxl)
{
	struct timeout_reg *t = calloc(1, sizeof(*t));

	if (!t)
		return ERROR_OSEVENT_REG_FAIL;
	t->for_libxl = for_libxl;
	if (qb_loop_timer_add(user, QB_LOOP_MED, ns_until(abs), t, on_timeout, &t->h)) {
		free(t);
		return ERROR_OSEVENT_REG_FAIL;
	}
	*app = t;
	return 0;
}

static int timeout_modify(void *user, void **app, struct timeval abs)
{
	struct timeout_reg *t = *app;

	(void)abs; /* always {0,0}: as soon as possible */
	/* Already expired and queued: it fires soon anyway. */
	if (!qb_loop_timer_is_running(user, t->h))
		return 0;
	qb_loop_timer_del(user, t->h);
	return qb_loop_timer_add(user, QB_LOOP_MED, 0, t, on_timeout, &t->h)
		       ? ERROR_OSEVENT_REG_FAIL
		       : 0;
}

static void timeout_deregister(void *user, void *app)
{
	(void)user;
	(void)app; /* never called by libxl */
}

static const libxl_osevent_hooks hooks = {
	.fd_register = fd_register,
	.fd_modify = fd_modify,
	.fd_deregister = fd_deregister,
	.timeout_register = timeout_register,
	.timeout_modify = timeout_modify,
	.timeout_deregister = timeout_deregister,
};

/* ferryd reaps its own children (children.c) and tells libxl on SIGCHLD. */
static const libxl_childproc_hooks child_hooks = {
	.chldowner = libxl_sigchld_owner_mainloop,
};

int xenloop_open(struct ferryd *d, struct xen **out)
{
	int rc;

	/* The hooks' user pointer: the qb loop libxl's fds and timers go on. */
	rc = xen_open_evented(&xenctx, &hooks, d->loop, &child_hooks);
	if (rc == 0)
		*out = xenctx;
	return rc;
}

void xenloop_sigchld(void)
{
	if (xenctx)
		libxl_childproc_sigchld_occurred(xen_ctx(xenctx));
}

void xenloop_close(void)
{
	xen_close(xenctx);
	xenctx = NULL;
}
