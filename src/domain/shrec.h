/** Shared records: the create, read, list and update of a table whose
 * rows carry a distribution and TLP (org_id, country of the creating
 * organisation), described once by a table of columns and a few hooks.
 * The commitments and events modules (policy.c, conf.c) declare their
 * tables with it. Column layout: id, org_id, country, created_by, the
 * writable columns, then created_at, updated_at, version. */
#ifndef TR_DOMAIN_SHREC_H
#define TR_DOMAIN_SHREC_H

#include "db/db.h"
#include "db/query.h"
#include "domain/acl.h"
#include "domain/activity_rec.h"

#include <jansson.h>
#include <stdint.h>

/** The columns every shared record begins with (id, org_id, country,
 * created_by) and ends with (its sharing, times and version). */
#define SHREC_SHARE_COLS                                                                           \
	{"distribution", "distribution", REC_TEXT},                                                \
	    {"sharing_group_id", "sharing_group_id", REC_TEXT}, {"tlp", "tlp", REC_TEXT},          \
	    {"created_at", "created_at", REC_TIME}, {"updated_at", "updated_at", REC_TIME},        \
	{                                                                                          \
		"version", "version", REC_INT                                                      \
	}
#define SHREC_HEAD_COLS                                                                            \
	{"id", "id", REC_TEXT}, {"org_id", "org_id", REC_TEXT}, {"country", "country", REC_TEXT},  \
	{                                                                                          \
		"created_by", "created_by", REC_TEXT                                               \
	}

/** Records of another table that depend on a record: its column naming
 * the record, and the field a refused deletion names. */
struct shrec_dependant {
	const char *table, *col, *field;
};

struct shrec {
	const char *table;  /* "policy_documents", read as alias r */
	const char *entity; /* the audit's resource type, "document" */
	const struct activity_rec_col *cols;
	size_t ncols;
	enum resource perm;
	enum acl_shareable share;
	/** Keys a PATCH may not change (NULL-terminated; may be NULL). */
	const char *const *fixed;
	/** Fills absent optional fields of a new or merged record. */
	void (*defaults)(json_t *rec);
	/** The module's rules on the record as it would be (cur: as stored,
	 * NULL on create); *field names the bad field. */
	int (*check)(struct db_conn *c, const struct caller *who, json_t *rec, json_t *cur,
		     const char **field);
	/** Whether who may change cur (NULL: its own organisation). */
	int (*may_update)(const struct caller *who, json_t *cur);
	/** Adds what the reader sees beside the row (full: one record). */
	int (*decorate)(struct db_conn *c, const struct caller *who, json_t *rec, int full);
	/** The records that keep one from being deleted while any of them
	 * depends on it: TR_ERR_CONFLICT naming the first that has some
	 * (ended by an entry without a table; NULL: nothing refuses). */
	const struct shrec_dependant *dependants;
	/** Deletes what belongs to the record and goes with it (minutes,
	 * comments), before the row itself (NULL: nothing does). */
	int (*delete_owned)(struct db_conn *c, const char *id);
};

/** An equality filter of a list: column = value (value NULL: ignored). */
struct shrec_eq {
	const char *col;
	const char *value;
};

/** Appends the audit entry of a change of the record id of entity from
 * the sharing was to will: "share" with what changed when the sharing did,
 * else "update". For any record with a distribution, not only these. */
int shrec_audit_change(struct db_conn *c, const struct caller *who, const char *entity,
		       const char *id, const char *request_id, const struct acl_share *was,
		       const struct acl_share *will, int64_t now);
/** Reads one visible row, without decoration. */
int shrec_read(const struct shrec *t, struct db_conn *c, const struct caller *who, const char *id,
	       json_t **out /* OUT */);
/** Reads one visible row, decorated. */
int shrec_get(const struct shrec *t, struct db_conn *c, const struct caller *who, const char *id,
	      json_t **out /* OUT */);
/** A page of visible rows, newest change first, with the n equality
 * filters and an optional extra condition (extra(q, ctx) appends
 * " AND ..." on alias r). */
int shrec_list(const struct shrec *t, struct db_conn *c, const struct caller *who,
	       const struct shrec_eq *eq, size_t n, void (*extra)(struct query *q, void *ctx),
	       void *ctx, const char *after, int limit, json_t *items, char **next_key /* OUT */);
/** Every visible row matching the filters (for matrices and exports),
 * undecorated, in no promised order. */
int shrec_all(const struct shrec *t, struct db_conn *c, const struct caller *who,
	      const struct shrec_eq *eq, size_t n, json_t *items);
int shrec_create(const struct shrec *t, struct db_conn *c, const struct caller *who, json_t *body,
		 const char *request_id, char id[37] /* OUT */, const char **field /* OUT */);
int shrec_update(const struct shrec *t, struct db_conn *c, const struct caller *who, const char *id,
		 json_t *body, int64_t version, const char *request_id,
		 const char **field /* OUT */);

/** Deletes a visible row of the caller's own organisation (a role with
 * the delete right) at version (If-Match; stale: TR_ERR_PRECONDITION),
 * after the dependants check and delete_owned; the audit keeps that it was
 * deleted, by whom and when. */
int shrec_delete(const struct shrec *t, struct db_conn *c, const struct caller *who, const char *id,
		 int64_t version, const char *request_id, const char **field /* OUT */);

/** Whether v is a text in one or more languages: an object of language
 * codes (two letters) to non-empty strings of at most max characters. */
int shrec_texts_valid(json_t *v, size_t max);
/** 1 when the row of sql (one text parameter) exists, 0 when not, -1 on
 * failure. */
int shrec_exists(struct db_conn *c, const char *sql, const char *v);

#endif
