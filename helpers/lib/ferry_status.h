/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Outcomes of ledger requests, shared by ferryd, its clients and the wire. */
#ifndef FERRY_STATUS_H
#define FERRY_STATUS_H

/** What the ledger (or the path to it) said about one request. */
enum ferry_status {
	FERRY_OK = 0,        /**< granted / done */
	FERRY_E_OWNED,       /**< the domain is owned by another node */
	FERRY_E_NOQUORUM,    /**< this partition has no quorum */
	FERRY_E_NOTFENCED,   /**< orphaned, old owner neither fenced nor confirmed dead */
	FERRY_E_CONFLICT,    /**< two nodes reported the domain running */
	FERRY_E_NOTOWNER,    /**< only the owner (or src/dst) may do this */
	FERRY_E_STATE,       /**< the domain is not in a state that allows this */
	FERRY_E_BUSY,        /**< the domain is migrating */
	FERRY_E_NOTMEMBER,   /**< the migration target is not a ferryd member */
	FERRY_E_ALIVE,       /**< confirm-dead of a node that is a live member */
	FERRY_E_STALE,       /**< epoch or loss generation no longer current */
	FERRY_E_INVAL,       /**< malformed request */
	FERRY_E_AGAIN,       /**< membership changed or syncing: resend (internal) */
	FERRY_E_TIMEDOUT,    /**< the request's own timeout expired */
	FERRY_E_UNREACHABLE, /**< ferryd could not be reached */
	FERRY_E_PERM,        /**< ferryd refused the client (not root) */
	FERRY_E_INTERNAL,    /**< anything else */
	FERRY_STATUS_MAX
};

/**
 * Short stable name of a status ("owned", "no-quorum", ...), for JSON and logs.
 * @param s a status; out-of-range values give "unknown"
 * @return a static string
 */
const char *ferry_status_name(int s);

/**
 * One-line human explanation of a status.
 * @param s a status; out-of-range values give "unknown status"
 * @return a static string
 */
const char *ferry_status_text(int s);

#endif
