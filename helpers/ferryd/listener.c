/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration listener: accepts connections from other nodes' ferry on
 * the migration address and port, and hands each to a new
 * `ferryctl serve --fd 3 --notify-fd 4` process, which authenticates the
 * peer as a cluster node before reading anything else. The loop only
 * accepts, forks, answers one line and reaps: no peer can block the daemon.
 *
 * Capacity is kept for authenticated peers:
 *   - a source that is not a cluster member (admit.c) is closed at accept,
 *     before anything is spawned;
 *   - connections still authenticating have their own slots (PREAUTH_MAX
 *     in all, PREAUTH_PER_SOURCE per source address) and PREAUTH_MS to
 *     authenticate (the server's own deadline is shorter; this one kills a
 *     server that did not keep it);
 *   - authenticated conversations have theirs (SERVERS_MAX in all,
 *     SERVERS_PER_NODE per node): the server asks on fd 4 ("auth NODE")
 *     and goes on only on "ok".
 * So idle or slow unauthenticated connections can take at most the
 * pre-authentication slots, never a slot an authenticated peer needs.
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

#include "admit.h"
#include "children.h"
#include "clock.h"
#include "ferryd.h"
#include "listener.h"
#include "nodemap.h"
#include "peer_proto.h"
#include "serve_journal.h"

#define LISTEN_BACKLOG     1024 /* room for members' SYNs while a flood is refused */
#define ACCEPT_BATCH       64   /* per wake-up, so a flood cannot starve the loop */
#define PREAUTH_MAX        16   /* servers still authenticating */
#define PREAUTH_PER_SOURCE 4
#define PREAUTH_MS         30000 /* spawn, handshake and kTLS on a loaded dom0 */
#define SERVERS_MAX        32   /* authenticated conversations */
#define SERVERS_PER_NODE   16
#define SWEEP_MS           1000

static struct server {
	pid_t pid;              /* 0: free */
	struct in6_addr src;
	char who[NI_MAXHOST + NI_MAXSERV + 2];
	char node[PEER_NAME_MAX]; /* authenticated as; "" before */
	uint64_t deadline_ms;   /* while authenticating */
	int notify_fd;          /* our end of its fd 4, -1 once answered */
	bool killed;
} servers[PREAUTH_MAX + SERVERS_MAX];

static int listen_fd = -1;
static char ferryctl_path[PATH_MAX];
static qb_loop_timer_handle sweep_timer;
/* The loop the servers' answer pipes are on (on_notify carries a server). */
static qb_loop_t *loop;

#define NSERVERS ((int)(sizeof(servers) / sizeof(servers[0])))

static void count(const struct in6_addr *src, const char *node, int *preauth, int *from_src,
		  int *authed, int *of_node)
{
	*preauth = *from_src = *authed = *of_node = 0;
	for (int i = 0; i < NSERVERS; i++) {
		const struct server *s = &servers[i];

		if (!s->pid)
			continue;
		if (s->node[0]) {
			(*authed)++;
			if (node && !strcmp(s->node, node))
				(*of_node)++;
		} else {
			(*preauth)++;
			if (src && !memcmp(&s->src, src, sizeof(*src)))
				(*from_src)++;
		}
	}
}

static struct server *server_of(pid_t pid)
{
	for (int i = 0; i < NSERVERS; i++)
		if (servers[i].pid == pid)
			return &servers[i];
	return NULL;
}

static void notify_close(struct server *s)
{
	if (s->notify_fd >= 0) {
		qb_loop_poll_del(loop, s->notify_fd);
		close(s->notify_fd);
		s->notify_fd = -1;
	}
}

static void on_server_done(pid_t pid, int status, void *arg)
{
	char journal[128], *argv[] = {ferryctl_path, "serve", "--recover", journal, NULL};
	struct server *s = server_of(pid);

	(void)arg;
	if (s) {
		notify_close(s);
		s->pid = 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		flog(FLOG_PEER, LOG_INFO, "peer server %d done", (int)pid);
	else
		flog(FLOG_PEER, s && !s->node[0] ? LOG_INFO : LOG_WARNING,
		     "peer server %d (%s) ended with %s %d%s", (int)pid, s ? s->who : "?",
		     WIFEXITED(status) ? "status" : "signal",
		     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
		     s && !s->node[0] ? " before authenticating" : "");
	/* It left its journal behind: undo what it had started. */
	snprintf(journal, sizeof(journal), SERVE_JOURNAL_DIR "/%d.journal", (int)pid);
	if (access(journal, F_OK) == 0 && children_spawn(argv, -1, NULL, NULL, NULL) == 0)
		flog(FLOG_PEER, LOG_WARNING, "peer server %d died mid-conversation: recovering", (int)pid);
}

/* The server authenticated its peer: "auth NODE\n". Answer "ok" if the
 * node has a conversation slot, else "busy REASON". */
static int32_t on_notify(int32_t fd, int32_t revents, void *data)
{
	struct server *s = data;
	char line[PEER_NAME_MAX + 16], answer[160];
	int preauth, from_src, authed, of_node;
	ssize_t n = read(fd, line, sizeof(line) - 1);

	(void)revents;
	if (n <= 0 || (line[n] = '\0', strncmp(line, "auth ", 5)) || !strchr(line, '\n')) {
		/* It ended, or said something else: nothing more to answer. */
		notify_close(s);
		return 0;
	}
	line[strcspn(line, "\n")] = '\0';
	count(NULL, line + 5, &preauth, &from_src, &authed, &of_node);
	if (authed >= SERVERS_MAX)
		snprintf(answer, sizeof(answer), "busy %d conversations are being served\n",
			 SERVERS_MAX);
	else if (of_node >= SERVERS_PER_NODE)
		snprintf(answer, sizeof(answer), "busy node %s already has %d conversations\n",
			 line + 5, SERVERS_PER_NODE);
	else
		snprintf(answer, sizeof(answer), "ok\n");
	if (answer[0] == 'o')
		snprintf(s->node, sizeof(s->node), "%.*s", (int)sizeof(s->node) - 1, line + 5);
	else
		flog(FLOG_PEER, LOG_WARNING, "peer %s (node %s): refused: %s", s->who, line + 5,
		     answer + 5);
	if (write(fd, answer, strlen(answer)) < 0)
		flog(FLOG_PEER, LOG_WARNING, "peer server %d: cannot answer: %s", (int)s->pid,
		     strerror(errno));
	notify_close(s);
	return 0;
}

/* Kills servers that did not authenticate in time (by pid: ours). */
static void on_sweep(void *data)
{
	struct ferryd *d = data;
	uint64_t now = clock_ms();

	for (int i = 0; i < NSERVERS; i++) {
		struct server *s = &servers[i];

		if (s->pid && !s->node[0] && !s->killed && now > s->deadline_ms) {
			flog(FLOG_PEER, LOG_WARNING, "peer %s: no authentication within %d s, killing "
			     "its server %d", s->who, PREAUTH_MS / 1000, (int)s->pid);
			kill(s->pid, SIGKILL);
			s->killed = true;
		}
	}
	admit_tick();
	qb_loop_timer_add(d->loop, QB_LOOP_LOW, SWEEP_MS * QB_TIME_NS_IN_MSEC, d, on_sweep,
			  &sweep_timer);
}

static void peer_name(const struct sockaddr_storage *sa, socklen_t sl, char *buf, size_t len,
		      struct in6_addr *ip)
{
	char host[NI_MAXHOST] = "?", port[NI_MAXSERV] = "?";

	getnameinfo((const struct sockaddr *)sa, sl, host, sizeof(host), port, sizeof(port),
		    NI_NUMERICHOST | NI_NUMERICSERV);
	snprintf(buf, len, "%s:%s", host, port);
	if (nodemap_ip_parse(host, ip))
		memset(ip, 0, sizeof(*ip));
}

/* One accepted connection: refused at once, or handed to a new server. */
static void serve_connection(struct ferryd *d, int c, const struct sockaddr_storage *sa,
			     socklen_t sl)
{
	char *argv[12];
	int argc = 0, sv[2], keep[2];
	char who[NI_MAXHOST + NI_MAXSERV + 2], why[96];
	int preauth, from_src, authed, of_node, rc;
	struct in6_addr ip;
	struct server *s = NULL;
	uint32_t nodeid;
	pid_t pid;

	peer_name(sa, sl, who, sizeof(who), &ip);
	if (admit_address(&ip, &nodeid)) {
		admit_refused(&ip, who, "not a cluster member's address (nor an --allow-peer network)",
			      true);
		return;
	}
	count(&ip, NULL, &preauth, &from_src, &authed, &of_node);
	if (from_src >= PREAUTH_PER_SOURCE || preauth >= PREAUTH_MAX) {
		snprintf(why, sizeof(why), "%d connections %s are still authenticating",
			 from_src >= PREAUTH_PER_SOURCE ? from_src : preauth,
			 from_src >= PREAUTH_PER_SOURCE ? "from it" : "in all");
		admit_refused(&ip, who, why, false);
		return;
	}
	for (int i = 0; i < NSERVERS && !s; i++)
		if (!servers[i].pid)
			s = &servers[i];
	if (!s) { /* cannot happen: the counts above bound the slots */
		admit_refused(&ip, who, "no free server slot", false);
		return;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		flog(FLOG_PEER, LOG_ERR, "cannot serve %s: socketpair: %s", who, strerror(errno));
		return;
	}
	argv[argc++] = ferryctl_path;
	argv[argc++] = "serve";
	argv[argc++] = "--fd";
	argv[argc++] = "3";
	argv[argc++] = "--notify-fd";
	argv[argc++] = "4";
	if (d->allow_plain)
		argv[argc++] = "--allow-plain";
	if (d->keyfile) {
		argv[argc++] = "--keyfile";
		argv[argc++] = (char *)d->keyfile;
	}
	argv[argc] = NULL;
	keep[0] = c;
	keep[1] = sv[1];
	rc = children_spawn_fds(argv, keep, 2, on_server_done, NULL, &pid);
	close(sv[1]);
	if (rc) {
		close(sv[0]);
		flog(FLOG_PEER, LOG_ERR, "cannot start a server for %s: %s", who, strerror(-rc));
		return;
	}
	memset(s, 0, sizeof(*s));
	s->pid = pid;
	s->src = ip;
	s->notify_fd = sv[0];
	s->deadline_ms = clock_ms() + PREAUTH_MS;
	snprintf(s->who, sizeof(s->who), "%s", who);
	if (qb_loop_poll_add(d->loop, QB_LOOP_MED, sv[0], POLLIN, s, on_notify)) {
		/* Without its answer the server stops after authenticating. */
		close(sv[0]);
		s->notify_fd = -1;
	}
	flog(FLOG_PEER, LOG_INFO, "peer %s: served by %s (pid %d)", who, ferryctl_path, (int)pid);
}

static int32_t on_accept(int32_t fd, int32_t revents, void *data)
{
	(void)revents;
	for (int n = 0; n < ACCEPT_BATCH; n++) {
		struct sockaddr_storage sa;
		socklen_t sl = sizeof(sa);
		int c = accept4(fd, (struct sockaddr *)&sa, &sl, SOCK_CLOEXEC);

		if (c < 0)
			break;
		serve_connection(data, c, &sa, sl);
		close(c);
	}
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
	loop = d->loop;
	for (int i = 0; i < NSERVERS; i++)
		servers[i].notify_fd = -1;
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
	rc = admit_start(d, listen_fd, res->ai_family == AF_INET);
	freeaddrinfo(res);
	if (!rc)
		rc = qb_loop_poll_add(d->loop, QB_LOOP_MED, listen_fd, POLLIN, d, on_accept);
	if (rc) {
		close(listen_fd);
		listen_fd = -1;
		return rc;
	}
	qb_loop_timer_add(d->loop, QB_LOOP_LOW, SWEEP_MS * QB_TIME_NS_IN_MSEC, d, on_sweep,
			  &sweep_timer);
	flog(FLOG_PEER, LOG_NOTICE, "migration listener on %s port %s (%s), served by %s; "
	     "members only%s, %d authenticating (%d per source), %d conversations (%d per node)",
	     addr, port, d->allow_plain ? "plain peers allowed" : "encryption required",
	     ferryctl_path, d->nallow_peer ? " and --allow-peer networks" : "", PREAUTH_MAX,
	     PREAUTH_PER_SOURCE, SERVERS_MAX, SERVERS_PER_NODE);
	return 0;
}

void listener_stop(struct ferryd *d)
{
	if (listen_fd >= 0) {
		qb_loop_poll_del(d->loop, listen_fd);
		qb_loop_timer_del(d->loop, sweep_timer);
		close(listen_fd);
		listen_fd = -1;
		for (int i = 0; i < NSERVERS; i++)
			notify_close(&servers[i]);
		admit_stop(d);
	}
	/* Servers in flight finish their conversation on their own. */
}
