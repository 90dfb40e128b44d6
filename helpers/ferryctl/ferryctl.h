/* ferryctl's command groups and the conventions they share. */
#ifndef FERRYCTL_H
#define FERRYCTL_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Exit codes shared by every command; groups document their own above 2. */
#define FERRYCTL_EXIT_OK    0
#define FERRYCTL_EXIT_ERROR 1
#define FERRYCTL_EXIT_USAGE 2
/* Of the commands that talk to another node (domain migrate, peer ping, key
 * verify): nothing changed anywhere, the other node is unreachable or
 * refused; a migration rolled back (the domain runs here again); a
 * migration failed after the target was told to run it (look at both). */
#define FERRYCTL_EXIT_REFUSED     20
#define FERRYCTL_EXIT_ROLLED_BACK 21
#define FERRYCTL_EXIT_UNCERTAIN   22

/** Does this argument ask for help (-h, --help, help)? */
static inline bool ferryctl_is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0 || strcmp(arg, "help") == 0;
}

/* The command groups, each a table in its cmd_<group>.c (command.h). */
struct cmd_group;
extern const struct cmd_group ledger_group, dump_group, domain_group, migrations_group,
	drbd_group, lvm_group, resource_group, key_group, peer_group, serve_group;

struct peer_opts;
/** Connects to @node, pings it @count times and prints one line (cmd_peer.c).
 * @return 0, or 20 when it is unreachable or refused (why on stderr) */
int peer_ping_node(const char *node, const struct peer_opts *po, int count, bool quiet);

/** Logging: stderr at @verbosity ("ferryctl: message"), syslog at info. */
void ferryctl_log_init(int verbosity);

/** Writes @s as a JSON string (quoted, escaped) to @f. */
void json_string(FILE *f, const char *s);

#endif
