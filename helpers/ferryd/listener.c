/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration listener: accepts connections from other nodes' ferry on
 * the migration address and port, and hands each to a new
 * `ferryctl serve --fd 3` process, which authenticates the peer before
 * reading anything else. The loop only accepts, forks and reaps: no peer
 * can block the daemon.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ferryd.h"
#include "nodemap.h"
#include "peer_proto.h"
#include "storage_serve.h"

#define LISTEN_BACKLOG 16
#define MAX_SERVERS    32 /* concurrent peer connections */

static int listen_fd = -1;
static int nservers;
static char ferryctl_path[PATH_MAX];

static void peer_name(const struct sockaddr_storage *sa, char *buf, size_t len)
{
	char host[NI_MAXHOST] = "?", port[NI_MAXSERV] = "?";

	getnameinfo((const struct sockaddr *)sa, sizeof(*sa), host, sizeof(host), port,
		    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV);
	snprintf(buf, len, "%s:%s", host, port);
}

static void on_server_done(pid_t pid, int status, void *arg)
{
	char journal[128], *argv[] = {ferryctl_path, "serve", "--recover", journal, NULL};

	(void)arg;
	nservers--;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		flog(FLOG_PEER, LOG_INFO, "peer server %d done", (int)pid);
	else
		flog(FLOG_PEER, LOG_WARNING, "peer server %d ended with %s %d", (int)pid,
		     WIFEXITED(status) ? "status" : "signal",
		     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	/* It left its journal behind: undo what it had started. */
	snprintf(journal, sizeof(journal), SERVE_JOURNAL_DIR "/%d.journal", (int)pid);
	if (access(journal, F_OK) == 0 && children_spawn(argv, -1, NULL, NULL, NULL) == 0)
		flog(FLOG_PEER, LOG_WARNING, "peer server %d died mid-conversation: recovering", (int)pid);
}

static int32_t on_accept(int32_t fd, int32_t revents, void *data)
{
	struct ferryd *d = data;
	struct sockaddr_storage sa;
	socklen_t sl = sizeof(sa);
	char who[NI_MAXHOST + NI_MAXSERV + 2];
	char *argv[] = {ferryctl_path, "serve", "--fd", "3",
			d->allow_plain ? "--allow-plain" : NULL, NULL};
	pid_t pid;
	int c, rc;

	(void)revents;
	c = accept4(fd, (struct sockaddr *)&sa, &sl, SOCK_CLOEXEC);
	if (c < 0)
		return 0;
	peer_name(&sa, who, sizeof(who));
	if (nservers >= MAX_SERVERS) {
		flog(FLOG_PEER, LOG_WARNING, "refusing %s: %d peer connections are being served",
		     who, MAX_SERVERS);
		close(c);
		return 0;
	}
	rc = children_spawn(argv, c, on_server_done, NULL, &pid);
	close(c);
	if (rc) {
		flog(FLOG_PEER, LOG_ERR, "cannot start a server for %s: %s", who, strerror(-rc));
		return 0;
	}
	nservers++;
	flog(FLOG_PEER, LOG_INFO, "peer %s: served by %s (pid %d)", who, ferryctl_path, (int)pid);
	return 0;
}

/* The address to listen on: the option, else this node's ring0 address. */
static int listen_address(struct ferryd *d, char *buf, size_t len)
{
	struct nodemap m;
	const char *a;
	uint32_t self;
	int rc;

	if (d->mig_address) {
		snprintf(buf, len, "%s", d->mig_address);
		return 0;
	}
	rc = nodemap_load(&m);
	if (rc)
		return rc;
	rc = -ENOENT;
	if (nodemap_self(&m, &self) == 0 && (a = nodemap_addr(&m, self))) {
		snprintf(buf, len, "%s", a);
		rc = 0;
	}
	nodemap_free(&m);
	return rc;
}

int listener_start(struct ferryd *d)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *res = NULL;
	char addr[256], port[16];
	int one = 1, rc;

	if (d->mig_port < 0)
		return 0; /* --no-migration */
	children_ferryctl(d->ferryctl, ferryctl_path, sizeof(ferryctl_path));
	rc = listen_address(d, addr, sizeof(addr));
	if (rc) {
		flog(FLOG_PEER, LOG_ERR, "no migration address: corosync's nodelist has no ring0 "
					 "address for this node; use --migration-address");
		return rc;
	}
	snprintf(port, sizeof(port), "%d", d->mig_port ? d->mig_port : PEER_PORT_DEFAULT);
	if (getaddrinfo(addr, port, &hints, &res) || !res) {
		flog(FLOG_PEER, LOG_ERR, "cannot resolve migration address %s", addr);
		return -EADDRNOTAVAIL;
	}
	listen_fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (listen_fd < 0 ||
	    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(listen_fd, res->ai_addr, res->ai_addrlen) || listen(listen_fd, LISTEN_BACKLOG)) {
		rc = -errno;
		flog(FLOG_PEER, LOG_ERR, "cannot listen on %s port %s: %s", addr, port,
		     strerror(errno));
		freeaddrinfo(res);
		if (listen_fd >= 0)
			close(listen_fd);
		listen_fd = -1;
		return rc;
	}
	freeaddrinfo(res);
	rc = qb_loop_poll_add(d->loop, QB_LOOP_MED, listen_fd, POLLIN, d, on_accept);
	if (rc) {
		close(listen_fd);
		listen_fd = -1;
		return rc;
	}
	flog(FLOG_PEER, LOG_NOTICE, "migration listener on %s port %s (%s), served by %s", addr,
	     port, d->allow_plain ? "plain peers allowed" : "encryption required", ferryctl_path);
	return 0;
}

void listener_stop(struct ferryd *d)
{
	if (listen_fd >= 0) {
		qb_loop_poll_del(d->loop, listen_fd);
		close(listen_fd);
		listen_fd = -1;
	}
	/* Servers in flight finish their conversation on their own. */
}
