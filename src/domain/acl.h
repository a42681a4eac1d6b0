/** Access control: who may do what (the role table of docs/access.md) and
 * which shareable records a caller may see (the distribution predicate).
 * Every read path of a shareable table goes through acl_visible; the
 * storage layer refuses statements on those tables without it. */
#ifndef TR_DOMAIN_ACL_H
#define TR_DOMAIN_ACL_H

#include "db/query.h"

#include <stdbool.h>
#include <stddef.h>

enum role {
	ROLE_ADMIN,
	ROLE_ORG_ADMIN,
	ROLE_ANALYST,
	ROLE_OFFICER,
	ROLE_PARTNER,
	ROLE_VIEWER,
	ROLE__MAX
};

/** The authenticated caller of a request. */
struct caller {
	char user_id[37];
	char org_id[37];
	char country[3]; /* of the organisation; "" for international bodies */
	enum role role;
	bool reviewer;
	bool read_only;	   /* a read-only API token */
	bool via_session;  /* cookie session: unsafe methods need the CSRF token */
	char token_id[37]; /* the API token used, if any */
	char lang[3];	   /* of the request (Accept-Language): en, fr, ru; "" for none */
	/* the alerts' change number, read with the caller: a safe request's
	 * read model catches up to it without another round trip */
	bool alert_seq_read;
	int64_t alert_seq;
};

/** Resources of the one permission table (acl.c, docs/access.md). A new
 * module adds its row here and in the table. */
enum resource {
	RES_ORGANISATION,
	RES_USER,
	RES_SHARING_GROUP,
	RES_AUDIT,
	RES_TOKEN,
	RES_ALERT,
	RES_SIGHTING,
	RES_COMMENT,
	RES_SUBSTANCE,
	RES_ACTIVITY,
	RES_PRACTICE,
	RES_PROPOSAL,
	RES_TIP,
	RES_TIP_NOTE,
	RES_TIP_MESSAGE,
	RES_TIP_CONTACT,
	RES_PROBLEM,
	RES_AREA,
	RES_SIGNAL,
	RES_DOCUMENT, /* commitments and events (policy.c, conf.c) */
	RES_COMMITMENT,
	RES_ASSESSMENT,
	RES_ASSESSMENT_COMMENT,
	RES_EVENT,
	RES_OUTCOME,
	RES_ACTION,
	RES_SERVICE,
	RES_REFERRAL,
	RES_REFERRAL_PERSON,
	RES_REFERRAL_CONSENT,
	RES_REFERRAL_OUTCOME,
	RES_LINK,
	RES_PEER, /* federation: this node's peers and what they receive */
	RES_SUBSCRIPTION,
	RES_WEBHOOK,
	RES_DELIVERY, /* federation: which peers received a record (its owner) */
	RES__MAX
};
enum action { ACT_LIST, ACT_READ, ACT_CREATE, ACT_UPDATE, ACT_DELETE, ACT_SHARE, ACT__MAX };

/** Parses a role name; -1 when unknown. */
int role_parse(const char *name);
/** The name of a role. */
const char *role_name(enum role r);
/** The one permission table: whether role may perform act on res at all
 * (the record-level rules, such as "own organisation only", come on
 * top). */
bool acl_role_can(enum role r, enum resource res, enum action act);
/** The name of a resource in GET /api/v1/me's `can` ("tip_note"). */
const char *acl_resource_name(enum resource res);
/** The name of an action ("list" .. "share"). */
const char *acl_action_name(enum action act);

/** The distributions, NULL-terminated: organisation, country,
 * sharing_group, network, federation. */
extern const char *const acl_distributions[];
/** The TLP labels, NULL-terminated: clear, green, amber, amber+strict, red. */
extern const char *const acl_tlps[];
/** Whether a distribution is one of acl_distributions. */
bool acl_distribution_valid(const char *d);
/** Whether a distribution is at most as wide as another (organisation <
 * country, sharing_group < network < federation; country and sharing_group
 * are not comparable and each is narrower than network). */
bool acl_distribution_within(const char *d, const char *limit);

/** The resources that carry a distribution, for acl_distribution_allowed.
 * Practices have none: they are seen by their workflow status. */
enum acl_shareable {
	SHARE_ALERT,
	SHARE_ACTIVITY,
	SHARE_PROBLEM,
	SHARE_PROPOSAL,
	SHARE_TIP,
	SHARE_DOCUMENT,
	SHARE_COMMITMENT,
	SHARE_ASSESSMENT,
	SHARE_EVENT,
	SHARE_OUTCOME,
	SHARE_ACTION,
	SHARE__MAX
};

/** Who sees a record: its distribution, TLP (NULL for resources without
 * one: proposals, tips) and sharing group (NULL unless sharing_group).
 * The strings are borrowed. */
struct acl_share {
	const char *distribution;
	const char *tlp;
	const char *sharing_group_id;
};

/** The one decision on distribution for every shareable resource, on
 * create (from NULL) and on update (from the record as stored, to the
 * record as it would be). A role with the share right of res (alerts: the
 * role table; activities, problems, tips, proposals: their module's table,
 * the roles that speak for the organisation) creates at any distribution
 * and changes distribution, sharing group and TLP. A role without it
 * creates at `organisation` or `country` only, and changes none of them.
 * Returns TR_OK, or TR_ERR_FORBIDDEN with *field set to "distribution" (or
 * "tlp" when only the TLP changes). Validity (known values, red never with
 * federation, group membership) is the caller's check, not this one. */
int acl_distribution_allowed(enum role r, enum acl_shareable res, const struct acl_share *from,
			     const struct acl_share *to, const char **field /* OUT */);
/** Whether from and to differ in distribution, TLP or sharing group: an
 * update that does is audited as action "share". */
bool acl_share_changed(const struct acl_share *from, const struct acl_share *to);
/** The audit detail of a share, {"distribution":[old,new],"tlp":[old,new],
 * "sharing_group_id":[old,new]} (null for an absent value), into out of n
 * bytes (always terminated). */
void acl_share_detail(const struct acl_share *from, const struct acl_share *to, char *out,
		      size_t n);

/** Appends " AND <predicate>" for rows of alias (which must have org_id,
 * country, distribution and sharing_group_id columns) visible to c:
 * own organisation; country distribution and the same country; a sharing
 * group the caller's organisation belongs to; network and federation. */
void acl_visible(struct query *q, const struct caller *c, const char *alias);

/** Indexes into acl_distributions. */
enum distribution {
	DIST_ORGANISATION,
	DIST_COUNTRY,
	DIST_SHARING_GROUP,
	DIST_NETWORK,
	DIST_FEDERATION
};
/** acl_visible's rule for one row already in memory: own_org when the row's
 * organisation is the caller's, row_country the row's country (NULL or ""
 * when none), in_group when the row's sharing group has the caller's
 * organisation as a member. */
bool acl_row_visible(const struct caller *c, bool own_org, enum distribution d,
		     const char *row_country, bool in_group);

/** The shareable tables, for db_guard_tables. */
extern const char *const acl_guarded_tables[];

#endif
