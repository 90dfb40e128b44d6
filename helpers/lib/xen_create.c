/* Domain creation: memory first (xl.conf's autoballoon honoured), then
 * libxl_domain_create_new, ferry's userdata tag, unpause. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxlutil.h>
#include "flog.h"

#include "xen.h"

#define XL_CONF         "/etc/xen/xl.conf"
#define CREATE_TIMEOUT  120000
#define BALLOON_WAIT_S  30

/* xl.conf's autoballoon: "on", "off" or "auto" (on unless the hypervisor was
 * given dom0_mem, which is how xl itself decides). */
static bool autoballoon_enabled(struct xen *x)
{
	XLU_Config *c = xlu_cfg_init(stderr, XL_CONF);
	const char *v = NULL;
	bool on = true;

	if (c && xlu_cfg_readfile(c, XL_CONF) == 0 &&
	    xlu_cfg_get_string(c, "autoballoon", &v, 0) == 0 && v) {
		if (!strcmp(v, "off") || !strcmp(v, "0"))
			on = false;
		else if (!strcmp(v, "on") || !strcmp(v, "1"))
			on = true;
		else
			v = NULL; /* "auto" */
	}
	if (!v) {
		const libxl_version_info *vi = libxl_get_version_info(xen_ctx(x));
		on = !(vi && vi->commandline && strstr(vi->commandline, "dom0_mem"));
	}
	if (c)
		xlu_cfg_destroy(c);
	return on;
}

static int memory_ensure(struct xen *x, libxl_domain_config *cfg)
{
	uint64_t need = 0, have = 0;
	libxl_ctx *ctx = xen_ctx(x);

	if (libxl_domain_need_memory(ctx, cfg, INVALID_DOMID, &need) ||
	    libxl_get_free_memory(ctx, &have))
		return -EIO;
	if (have >= need)
		return 0;
	if (!autoballoon_enabled(x)) {
		flog(FLOG_XEN, LOG_ERR, "not enough free memory for %s: need %llu KiB, %llu KiB free "
				"(autoballoon is off)",
		       cfg->c_info.name, (unsigned long long)need, (unsigned long long)have);
		return -ENOMEM;
	}
	flog(FLOG_XEN, LOG_NOTICE, "ballooning dom0 down by %llu KiB for %s",
	       (unsigned long long)(need - have), cfg->c_info.name);
	if (libxl_set_memory_target(ctx, 0, -(int64_t)(need - have), 1, 0) ||
	    libxl_wait_for_free_memory(ctx, 0, need, BALLOON_WAIT_S)) {
		flog(FLOG_XEN, LOG_ERR, "could not free %llu KiB for %s", (unsigned long long)need,
		       cfg->c_info.name);
		return -ENOMEM;
	}
	return 0;
}

int xen_tag(struct xen *x, uint32_t domid, const char *cfg_path)
{
	char data[4200];
	int n = snprintf(data, sizeof(data), "ferry=1\nconfig=%s\n", cfg_path ? cfg_path : "");

	if (n < 0 || (size_t)n >= sizeof(data))
		return -ENAMETOOLONG;
	return xen_errno(libxl_userdata_store(xen_ctx(x), domid, XEN_USERDATA_KEY,
					      (const uint8_t *)data, n));
}

void xen_tag_config(struct xen *x, uint32_t domid, char *buf, size_t len)
{
	uint8_t *data = NULL;
	int n = 0;
	char *p;

	buf[0] = '\0';
	if (libxl_userdata_retrieve(xen_ctx(x), domid, XEN_USERDATA_KEY, &data, &n) || !data)
		return;
	p = memmem(data, (size_t)n, "config=", 7);
	if (p) {
		size_t l = strcspn(p + 7, "\n");
		snprintf(buf, len, "%.*s", (int)(l < len - 1 ? l : len - 1), p + 7);
	}
	free(data);
}

int xen_create(struct xen *x, libxl_domain_config *cfg, const char *cfg_path, bool paused,
	       int timeout_ms, uint32_t *domid)
{
	struct xen_ao ao;
	uint32_t id = XEN_NO_DOMID;
	int rc;

	*domid = XEN_NO_DOMID;
	rc = memory_ensure(x, cfg);
	if (rc)
		return rc;
	xen_disks_fast_hotplug(cfg);
	xen_ao_init(&ao);
	rc = xen_ao_run(x, &ao, libxl_domain_create_new(xen_ctx(x), cfg, &id, &ao.how, NULL),
			timeout_ms > 0 ? timeout_ms : CREATE_TIMEOUT);
	*domid = id; /* on failure too: the caller may wait for its release */
	if (rc) {
		flog(FLOG_XEN, LOG_ERR, "creating %s failed: %s", cfg->c_info.name, strerror(-rc));
		if (id != XEN_NO_DOMID)
			xen_destroy(x, id);
		return rc;
	}
	rc = xen_tag(x, id, cfg_path);
	if (rc == 0 && !paused)
		rc = xen_unpause(x, id);
	if (rc) {
		flog(FLOG_XEN, LOG_ERR, "%s (domid %u) created but not started: %s", cfg->c_info.name, id,
		       strerror(-rc));
		xen_destroy(x, id);
		return rc;
	}
	flog(FLOG_XEN, LOG_NOTICE, "created %s as domid %u%s", cfg->c_info.name, id,
	       paused ? " (paused)" : "");
	return 0;
}
