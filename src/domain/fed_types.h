/** Federation, the record types that travel: one descriptor per type says
 * where its rows live, how the feed reads them (the columns every type
 * shares: distribution, TLP, status, version, title), how a row goes on
 * the wire, and how a copy from another node is cleaned, written and
 * withdrawn. The feed (fed_feed.c) and the apply side (fed_apply.c) walk
 * this table; neither knows a type by name. Private to the fed_*.c files. */
#ifndef TR_DOMAIN_FED_TYPES_H
#define TR_DOMAIN_FED_TYPES_H

#include "db/db.h"
#include "domain/activity.h"
#include "domain/alert.h"

#include <jansson.h>
#include <stddef.h>

/** A column of a generic type: its JSON key and column, its kind, and what
 * a copy's value must be. */
struct fed_col {
	const char *key; /* JSON key and column name */
	enum activity_rec_kind kind;
	int required;		  /* a null or absent value refuses the record */
	size_t max;		  /* text: longest; json: most items */
	const char *const *enums; /* text: one of these */
	const char *ref;	  /* text: kept only when this finds it ("?" its value) */
	double lo, hi;		  /* int and real bounds (lo == hi: none) */
	int (*valid)(json_t *v);  /* json: its own rule instead of a list of strings */
};

/* flags of a generic type's table */
enum {
	FT_ID = 1,	/* an id column (else the key is composite) */
	FT_COUNTRY = 2, /* a country column, the organisation's */
	FT_VERSION = 4, /* a version column */
	/* distribution and sharing_group_id columns: a record of a sharing
	 * group goes (from its origin only) to the nodes of the group's
	 * members, with the group, and is seen there by its members only */
	FT_GROUP = 8
};

struct fed_type {
	const char *name;  /* on the wire and in the ledger: "alert" */
	const char *table; /* read as alias `alias` */
	const char *alias;
	const char *own;   /* its own columns, first in the feed query (NULL: cols) */
	const char *key;   /* the record's id as an expression */
	const char *joins; /* the parent as p, or "" */
	/* what the feed decides by, as expressions */
	const char *dist, *group, *tlp, *status, *version, *title;
	const char *kids;	/* how many children a row has, or NULL: none */
	const char *last;	/* columns its data hook finds by name, after all others */
	const char *parent;	/* the parent's type, or NULL */
	const char *parent_col; /* the column naming the parent (alias included) */
	/* a generic type: its columns and table flags */
	const struct fed_col *cols;
	size_t ncols;
	unsigned flags;
	/** SET list that empties a withdrawn copy and hides it from every user
	 * here; NULL: a withdrawn copy is deleted. */
	const char *withdraw_set;
	/** Deletes the copies of children of a withdrawn record (parent id ?). */
	const char *const *withdraw_children;
	/* hooks of a type that has its own module (alerts); NULL: generic */
	json_t *(*data)(struct db_stmt *s);
	json_t *(*clean)(struct db_conn *c, json_t *d, const char *id, const char **why);
	int (*put)(struct db_conn *c, const struct alert_fed_origin *o, json_t *a, int insert);
	int (*withdraw)(struct db_conn *c, const char *id, const struct alert_fed_origin *o);
	/** More wire data of a record of this node, beside its columns (who
	 * reviewed or verified it), as an object merged into its data; NULL:
	 * none. */
	json_t *(*extra)(struct db_conn *c, const char *id);
	/** Writes that part of a copy from the origin's data (outside input,
	 * checked here), after the copy's row. */
	int (*extra_put)(struct db_conn *c, const char *origin, json_t *data, const char *id);
};

extern const struct fed_type fed_types[];
extern const size_t fed_ntypes;

/** The descriptor of a type by name, or NULL. */
const struct fed_type *fed_type_find(const char *name);
/** Appends the own columns of t's feed query to b. */
struct buf;
void fed_type_own(const struct fed_type *t, struct buf *b);
/** The wire data of the current row (own columns first), or NULL. */
json_t *fed_type_data(const struct fed_type *t, struct db_stmt *s);
/** A clean object from a peer's data (outside input), or NULL with *why. */
json_t *fed_type_clean(const struct fed_type *t, struct db_conn *c, json_t *d, const char *id,
		       const char **why);
/** Whether id is a well-formed id of t. */
int fed_type_id_ok(const struct fed_type *t, const char *id);
/** Writes a copy (insert or replace), stamped for the feed. */
int fed_type_put(const struct fed_type *t, struct db_conn *c, const struct alert_fed_origin *o,
		 json_t *a, const char *id, int insert);
/** A tombstone: the copy withdrawn (emptied and hidden, or deleted). */
int fed_type_withdraw(const struct fed_type *t, struct db_conn *c, const char *id,
		      const struct alert_fed_origin *o);

/** The remote organisation of a record of origin (fed_apply.c): made on
 * first sight, renamed when its name changed. 0, 1 with *why when refused
 * (a local organisation, or one of another node), or a tr_err. */
int fed_org_ensure(struct db_conn *c, json_t *org, const char *origin, const char **why);

/** alert_clean of fed_apply.c. */
json_t *fed_alert_clean(struct db_conn *c, json_t *d, const char *id, const char **why);

#endif
