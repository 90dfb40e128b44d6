/* Save to and restore from a file. The image is ferry's header (magic,
 * version, length of the config JSON), libxl's domain config as JSON (the
 * libxl stream does not carry it), then the libxl v2 stream. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "flog.h"
#include "xen.h"

#define IMAGE_MAGIC   "FERRY-XEN-IMAGE\n"
#define IMAGE_VERSION 1u
#define IMAGE_JSON_MAX (8u << 20)
#define SAVE_TIMEOUT  (30 * 60 * 1000)

struct image_header {
	char magic[16];
	uint32_t version;
	uint32_t json_len;
};

/* Exactly n bytes: an image that ends early is not one ferry wrote. */
static int read_all(int fd, void *p, size_t n)
{
	ssize_t r = fdio_read_full(fd, p, n);

	if (r < 0)
		return (int)r;
	return (size_t)r == n ? 0 : -EPROTO;
}

int xen_config_to_json(struct xen *x, uint32_t domid, char **json)
{
	libxl_domain_config cfg;
	int rc;

	libxl_domain_config_init(&cfg);
	rc = xen_errno(libxl_retrieve_domain_configuration(xen_ctx(x), domid, &cfg, NULL));
	if (rc == 0) {
		*json = libxl_domain_config_to_json(xen_ctx(x), &cfg);
		if (!*json)
			rc = -ENOMEM;
	}
	libxl_domain_config_dispose(&cfg);
	return rc;
}

int xen_save(struct xen *x, uint32_t domid, const char *path)
{
	struct image_header h = {.version = IMAGE_VERSION};
	char *json = NULL, tmp[4096];
	struct xen_ao ao;
	int fd, rc;

	rc = xen_config_to_json(x, domid, &json);
	if (rc)
		return rc;
	if (snprintf(tmp, sizeof(tmp), "%s.partial", path) >= (int)sizeof(tmp)) {
		free(json);
		return -ENAMETOOLONG;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
		flog(FLOG_XEN, LOG_ERR, "save: %s: %s", tmp, strerror(errno));
		free(json);
		return rc;
	}
	memcpy(h.magic, IMAGE_MAGIC, sizeof(h.magic));
	h.json_len = (uint32_t)strlen(json) + 1;
	rc = fdio_write_all(fd, &h, sizeof(h));
	if (rc == 0)
		rc = fdio_write_all(fd, json, h.json_len);
	free(json);
	if (rc == 0) {
		xen_ao_init(&ao);
		rc = xen_ao_run(x, &ao, libxl_domain_suspend(xen_ctx(x), domid, fd, 0, &ao.how),
				SAVE_TIMEOUT);
	}
	if (rc == 0 && fsync(fd))
		rc = -errno;
	close(fd);
	if (rc) {
		flog(FLOG_XEN, LOG_ERR, "saving domid %u failed: %s; it keeps running", domid,
		       strerror(-rc));
		/* A failed save may leave the guest suspended: bring it back. */
		xen_ao_init(&ao);
		xen_ao_run(x, &ao, libxl_domain_resume(xen_ctx(x), domid, 1, &ao.how), 60000);
		unlink(tmp);
		return rc;
	}
	if (rename(tmp, path)) {
		rc = -errno;
		unlink(tmp);
		return rc;
	}
	flog(FLOG_XEN, LOG_NOTICE, "saved domid %u to %s", domid, path);
	/* Like xl save: the saved domain is gone from this host. */
	return xen_destroy(x, domid);
}

int xen_restore(struct xen *x, const char *path, bool paused, uint32_t *domid)
{
	libxl_domain_restore_params params;
	libxl_domain_config cfg;
	struct image_header h;
	char *json = NULL;
	uint32_t id = XEN_NO_DOMID;
	struct xen_ao ao;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		flog(FLOG_XEN, LOG_ERR, "restore: %s: %s", path, strerror(errno));
		return rc;
	}
	libxl_domain_config_init(&cfg);
	libxl_domain_restore_params_init(&params);
	rc = read_all(fd, &h, sizeof(h));
	if (rc == 0 && (memcmp(h.magic, IMAGE_MAGIC, sizeof(h.magic)) ||
			h.version != IMAGE_VERSION || h.json_len < 2 || h.json_len > IMAGE_JSON_MAX)) {
		flog(FLOG_XEN, LOG_ERR, "restore: %s is not a ferry image of version %u", path,
		       IMAGE_VERSION);
		rc = -EPROTO;
	}
	if (rc == 0 && !(json = malloc(h.json_len)))
		rc = -ENOMEM;
	if (rc == 0)
		rc = read_all(fd, json, h.json_len);
	if (rc == 0 && (json[h.json_len - 1] != '\0' ||
			libxl_domain_config_from_json(xen_ctx(x), &cfg, json))) {
		flog(FLOG_XEN, LOG_ERR, "restore: %s holds a bad domain config", path);
		rc = -EPROTO;
	}
	if (rc == 0) { /* the image's domain name enters ferry here */
		char why[400];
		if (name_check(NAME_DOMAIN, cfg.c_info.name, why, sizeof(why))) {
			flog(FLOG_XEN, LOG_ERR, "restore: %s: %s", path, why);
			rc = -EPROTO;
		}
	}
	if (rc == 0) {
		xen_disks_fast_hotplug(&cfg);
		params.stream_version = 2;
		xen_ao_init(&ao);
		rc = xen_ao_run(x, &ao,
				libxl_domain_create_restore(xen_ctx(x), &cfg, &id, fd, -1, &params,
							    &ao.how, NULL),
				SAVE_TIMEOUT);
		if (rc && id != XEN_NO_DOMID)
			xen_destroy(x, id);
	}
	if (rc == 0)
		rc = xen_tag(x, id, NULL);
	if (rc == 0 && !paused)
		rc = xen_unpause(x, id);
	if (rc == 0) {
		flog(FLOG_XEN, LOG_NOTICE, "restored %s as domid %u from %s", cfg.c_info.name, id, path);
		*domid = id;
	}
	free(json);
	close(fd);
	libxl_domain_restore_params_dispose(&params);
	libxl_domain_config_dispose(&cfg);
	return rc;
}
