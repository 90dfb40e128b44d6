/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Text journals: what a process changed on this node, written as it goes so
 * that whoever comes after a crash can finish or undo it (serve_journal.h,
 * local_journal.h). The format is theirs, the rules are here:
 *
 *   HEADER                 the first line, naming the format and version
 *   VERB VALUE             one record per line, VERB from the format's table
 *
 * A record is appended with one write() to an O_APPEND file, so a reader sees
 * it whole or cut short (no newline, refused), never mixed with another.
 * VALUE is a name checked with name_check() for its kind, or a word the
 * format checks itself: it holds no blank or line break, so no line can be
 * read two ways.
 */
#ifndef FERRY_JOURNAL_H
#define FERRY_JOURNAL_H

#include <stddef.h>

#include "names.h"

/** The longest record: a verb, a blank, the longest name (NAME_LV_MAX). */
#define JOURNAL_LINE_MAX 160
/** A VERB whose VALUE the format checks itself (not a name_kind). */
#define JOURNAL_WORD (-1)

struct journal_verb {
	const char *word;
	int kind; /**< an enum name_kind, or JOURNAL_WORD */
};

/** Creates (or truncates) @p path, mode 0600, holding @p header alone. */
int journal_create(const char *path, const char *header);
/** Appends "VERB VALUE\n" with one write(); the value is checked first
 *  (-EINVAL, nothing written, when it is not valid for the verb's kind). */
int journal_append(const char *path, const struct journal_verb *verb, const char *value);

/** The reason journal_read gives a last line without its newline (a record
 *  whose write did not complete), so that a format can tell it apart. */
extern const char journal_cut_short[];

/** How a format takes one record; returns NULL or why it refuses it. */
typedef const char *(*journal_record_fn)(void *obj, size_t verb, const char *value);
/** Called for every refused line: its number (1 = the header) and why. */
typedef void (*journal_refuse_fn)(unsigned line, const char *why, void *arg);

struct journal_reader {
	const char *header;
	const struct journal_verb *verbs;
	size_t nverbs;
	journal_record_fn record; /**< called for each well-formed record */
	void *obj;
	journal_refuse_fn refuse; /**< may be NULL */
	void *arg;
	unsigned refused;         /**< lines refused, counted by journal_read */
};

/**
 * Reads a journal's bytes (pure: no I/O): checks the header, splits the
 * records, finds each verb, checks each value for its kind, and hands the
 * well-formed ones to r->record in order. Every other line is refused and
 * counted. -EINVAL, with no record taken, when the header is missing.
 */
int journal_read(struct journal_reader *r, const char *buf, size_t len);

/**
 * Reads file @p path whole, at most @p max bytes (the rest is logged and
 * ignored), into a malloc'd buffer. @return 0 or -errno.
 */
int journal_load(const char *path, size_t max, char **buf, size_t *len);

#endif
