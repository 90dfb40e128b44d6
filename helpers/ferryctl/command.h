/* ferryctl's commands as data, like tmux's cmd_entry. Each command group
 * (cmd_<group>.c) is one table of entries: name, operands, options with
 * their types and ranges, summary, help and exit codes. The one parser
 * (command.c), every --help, the man page (ferryctl-full --man, used by
 * man/ferryctl-man) and bash completion (ferryctl-full --list, used by
 * dist/ferryctl-completion) are all made from these tables. */
#ifndef FERRYCTL_COMMAND_H
#define FERRYCTL_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "names.h"

enum cmd_type {
	CMD_FLAG,   /* no value */
	CMD_TEXT,   /* any value: a path, an address */
	CMD_INT,    /* a decimal number in [min, max] (numparse.c) */
	CMD_CHOICE, /* one of the words of .value, "live|suspend" */
	CMD_NAME,   /* a name of .kind (names.c) */
};

struct cmd_option {
	const char *name; /* the long option, without "--" */
	int letter;       /* its short option, or 0 */
	enum cmd_type type;
	const char *value; /* what usage calls the value ("SECONDS"); CMD_CHOICE: its words */
	long long min, max;
	enum name_kind kind;
	int repeat;        /* how often it may be given; 0: once (the last one counts) */
	const char *label; /* what messages call it (an agent parameter); default "--name" */
	const char *items; /* what its repeated values are, in messages */
	const char *help;
};

/* The operands are checked by their words in .operands: DOMAIN a domain
 * name, NODE and TARGET_NODE node names, RES a DRBD resource, VG[/LV] an
 * LVM target, "a|b" one of those words, anything else as it is; [WORD] is
 * optional. */
struct cmd_args;
struct cmd_entry {
	const char *name;     /* NULL: the group is this one command */
	const char *operands; /* "DOMAIN TARGET_NODE", "" for none */
	const char *summary;  /* one line, lower case, no full stop */
	const char *help;     /* more about it, or NULL */
	const struct cmd_option *options; /* ends with {NULL}; NULL for none */
	int (*run)(struct cmd_args *a);
};

struct cmd_group {
	const char *name;
	const char *summary;
	const struct cmd_entry *entries;
	size_t n;
	const struct cmd_option *options; /* every entry of the group takes these too */
	const char *help;  /* about the operands and the group, or NULL */
	const char *exits; /* the exit codes, "exit codes:\n..." */
	int exit_usage;    /* exit code of bad usage (0: FERRYCTL_EXIT_USAGE) */
	int exit_value;    /* of a refused value (0: FERRYCTL_EXIT_USAGE) */
};

#define CMD_OPTIONS_MAX 32
#define CMD_REPEAT_MAX	16

/* One parsed command line. */
struct cmd_args {
	const struct cmd_group *group;
	const struct cmd_entry *entry;
	int argc; /* the operands */
	char **argv;
	struct {
		const struct cmd_option *o;
		int n; /* times given */
		const char *v[CMD_REPEAT_MAX];
		long long num; /* CMD_INT: the last value */
	} opt[CMD_OPTIONS_MAX];
	int nopt;
};

/* What cmd_parse() found. */
enum cmd_parsed {
	CMD_OK,
	CMD_HELP,      /* -h or --help */
	CMD_BAD_USAGE, /* an unknown option, a missing value, a wrong operand count */
	CMD_BAD_VALUE, /* a value or operand that its check refuses */
};

/**
 * Parses @argv (argv[0] is the command's name) for @e of @g into @a:
 * every option and operand checked. On CMD_BAD_* @why says why, one line.
 */
enum cmd_parsed cmd_parse(const struct cmd_group *g, const struct cmd_entry *e, int argc,
			  char **argv, struct cmd_args *a, char *why, size_t len);

/** Does this command take option --@name? */
bool cmd_declares(const struct cmd_args *a, const char *name);
/** Was option --@name given? (@name must be declared: a typo aborts.) */
bool cmd_has(const struct cmd_args *a, const char *name);
/** Its value (the last one given), or @dflt. */
const char *cmd_text(const struct cmd_args *a, const char *name, const char *dflt);
/** A CMD_INT option's value, or @dflt. */
long long cmd_int(const struct cmd_args *a, const char *name, long long dflt);
/** A repeated option's values in order: their count, *@v set. */
int cmd_list(const struct cmd_args *a, const char *name, const char *const **v);

/** "usage: ferryctl GROUP COMMAND OPERANDS [OPTIONS]", one line. */
void cmd_usage_line(FILE *f, const struct cmd_group *g, const struct cmd_entry *e);
/** The group's help: its commands, options, notes and exit codes. */
void cmd_group_help(FILE *f, const struct cmd_group *g);
/** A command's help: usage, what it does, options, the group's notes and codes. */
void cmd_entry_help(FILE *f, const struct cmd_group *g, const struct cmd_entry *e);

/** "GROUP [COMMAND] --option..." a line each, for bash completion. */
void cmd_list_print(FILE *f, const struct cmd_group *const *groups, size_t n);
/** The man page's COMMANDS and EXIT STATUS sections, in roff. */
void cmd_man_print(FILE *f, const struct cmd_group *const *groups, size_t n);

#endif
