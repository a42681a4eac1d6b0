#include "domain/acl.h"
#include "core/err.h"

#include <stdio.h>
#include <string.h>

static const char *const role_names[ROLE__MAX] = {"admin",   "org_admin", "analyst",
						  "officer", "partner",	  "viewer"};

int role_parse(const char *name)
{
	for (int i = 0; name && i < ROLE__MAX; i++)
		if (strcmp(role_names[i], name) == 0)
			return i;
	return -1;
}

const char *role_name(enum role r)
{
	return r < ROLE__MAX ? role_names[r] : "unknown";
}

/* The one permission table (docs/access.md): for each resource, the
 * actions of each role, one bit per action: L list, R read, C create,
 * U update, D delete, S share (set or change a distribution; for
 * practices and proposals, speak for the organisation: endorse). */
#define L (1 << ACT_LIST)
#define R (1 << ACT_READ)
#define C (1 << ACT_CREATE)
#define U (1 << ACT_UPDATE)
#define D (1 << ACT_DELETE)
#define S (1 << ACT_SHARE)

static const struct {
	const char *name;
	unsigned char roles[ROLE__MAX];
} table[RES__MAX] = {
    /* clang-format off */
    /*                                    admin      org_admin  analyst    officer    partner    viewer */
    [RES_ORGANISATION] = {"organisation", {L|R|C|U,   L|R,       L|R,       L|R,       L|R,       L|R}},
    [RES_USER] =         {"user",         {L|R|C|U,   L|R|C|U,   L|R,       L|R,       L|R,       L|R}},
    [RES_SHARING_GROUP] = {"sharing_group", {L|R|C|U, L|R|C|U,   L|R|C|U,   L|R,       L|R,       L|R}},
    [RES_AUDIT] =        {"audit",        {L|R,       0,         0,         0,         0,         0}},
    [RES_TOKEN] =        {"token",        {L|R|C|D,   L|R|C|D,   L|R|C|D,   L|R|C|D,   L|R|C|D,   L|R|C|D}},
    [RES_ALERT] =        {"alert",        {L|R|C|U|S, L|R|C|U|S, L|R|C|U|S, L|R|C|U,   L|R,       L|R}},
    [RES_SIGHTING] =     {"sighting",     {L|R|C,     L|R|C,     L|R|C,     L|R|C,     L|R,       L|R}},
    [RES_COMMENT] =      {"comment",      {L|R|C,     L|R|C,     L|R|C,     L|R|C,     L|R|C,     L|R}},
    [RES_SUBSTANCE] =    {"substance",    {L|R|C|U,   L|R|C|U,   L|R|C|U,   L|R,       L|R,       L|R}},
    /* partners run prevention work too (schools, NGOs), so they record it;
     * changing who sees a record stays with analysts and administrators */
    [RES_ACTIVITY] =     {"activity",     {L|R|C|U|S, L|R|C|U|S, L|R|C|U|S, L|R|C|U,   L|R|C|U,   L|R}},
    [RES_PRACTICE] =     {"practice",     {L|R|C|U|S, L|R|C|U|S, L|R|C|U|S, L|R|C|U,   L|R|C|U,   L|R}},
    [RES_PROPOSAL] =     {"proposal",     {L|R|C|U|S, L|R|C|U|S, L|R|C|U|S, L|R|C|U,   L|R|C|U,   L|R}},
    /* tips: triage, notes, messages and contact belong to the receiving
     * organisation; problems are changed by their own organisation */
    [RES_TIP] =          {"tip",          {L|R|U|S,   L|R|U|S,   L|R|U|S,   L|R|U,     L|R,       0}},
    [RES_TIP_NOTE] =     {"tip_note",     {L|R|C,     L|R|C,     L|R|C,     L|R|C,     0,         0}},
    [RES_TIP_MESSAGE] =  {"tip_message",  {L|R|C,     L|R|C,     L|R|C,     L|R|C,     0,         0}},
    [RES_TIP_CONTACT] =  {"tip_contact",  {0,         R,         R,         R,         0,         0}},
    [RES_PROBLEM] =      {"problem",      {L|R|C|U|S, L|R|C|U|S, L|R|C|U|S, L|R|C|U,   L|R,       L|R}},
    [RES_AREA] =         {"area",         {L|R|C,     L|R|C,     L|R,       L|R,       L|R,       L|R}},
    /* signals: read by all; acknowledged or dismissed by those who act */
    [RES_SIGNAL] =       {"signal",       {L|R|U,     L|R|U,     L|R|U,     L|R|U,     L|R,       L|R}},
    /* commitments: documents, commitments and assessments are recorded by
     * those who speak for their organisation; a State's self-assessment
     * by its own organisations, an independent one by a reviewer of
     * another country or an international body (policy.c); civil society
     * comments on assessments. Events, outcomes and actions: officers
     * organise and follow up too. Those who create delete (D), only
     * records of their own organisation and only once nothing depends on
     * them (shrec_delete); the audit keeps the deleted record. */
    [RES_DOCUMENT] =     {"document",     {L|R|C|U|D|S, L|R|C|U|D|S, L|R|C|U|D|S, L|R,   L|R,       L|R}},
    [RES_COMMITMENT] =   {"commitment",   {L|R|C|U|D|S, L|R|C|U|D|S, L|R|C|U|D|S, L|R,   L|R,       L|R}},
    [RES_ASSESSMENT] =   {"assessment",   {L|R|C|U|D|S, L|R|C|U|D|S, L|R|C|U|D|S, L|R,   L|R,       L|R}},
    [RES_ASSESSMENT_COMMENT] = {"assessment_comment", {L|R|C, L|R, L|R,     L|R,       L|R|C,     L|R}},
    [RES_EVENT] =        {"event",        {L|R|C|U|D|S, L|R|C|U|D|S, L|R|C|U|D|S, L|R|C|U|D, L|R,   L|R}},
    [RES_OUTCOME] =      {"outcome",      {L|R|C|U|D|S, L|R|C|U|D|S, L|R|C|U|D|S, L|R|C|U|D, L|R,   L|R}},
    [RES_ACTION] =       {"action",       {L|R|C|U|D|S, L|R|C|U|D|S, L|R|C|U|D|S, L|R|C|U|D, L|R,   L|R}},
    /* referrals: the service directory is read by all and kept by the
     * organisations that offer the services; a referral is seen by its two
     * organisations only (no instance administrator, no analyst: they see
     * outcomes); the person's fields are read (R, audited with a reason) by
     * those who work the case and erased (D) by an org_admin; consents are
     * recorded (C) by those who work the case, overridden (S) by an
     * org_admin with a written reason */
    [RES_SERVICE] =      {"service",      {L|R|C|U,   L|R|C|U,   L|R,       L|R,       L|R|C|U,   L|R}},
    [RES_REFERRAL] =     {"referral",     {0,         L|R|C|U,   0,         L|R|C|U,   L|R|U,     L|R}},
    [RES_REFERRAL_PERSON] = {"referral_person", {0,   R|D,       0,         R,         R,         0}},
    [RES_REFERRAL_CONSENT] = {"referral_consent", {0, L|R|C|S,   0,         L|R|C,     L|R|C,     L|R}},
    [RES_REFERRAL_OUTCOME] = {"referral_outcome", {L, L,         L,         L,         L,         L}},
    /* links between tips, alerts, activities and problems: seen when both
     * ends are; made and removed by a role that may change one end, in
     * that end's organisation (domain/link.c) */
    [RES_LINK] =         {"link",         {L|R|C|D,   L|R|C|D,   L|R|C|D,   L|R|C|D,   L|R|C|D,   L|R}},
    /* federation is the instance's: peers are added with the CLI */
    [RES_PEER] =         {"peer",         {L|R,       0,         0,         0,         0,         0}},
    /* notifications: everyone subscribes for themselves; webhooks speak
     * for the organisation */
    [RES_SUBSCRIPTION] = {"subscription", {L|R|C|D,   L|R|C|D,   L|R|C|D,   L|R|C|D,   L|R|C|D,   L|R|C|D}},
    [RES_WEBHOOK] =      {"webhook",      {L|R|C|U|D, L|R|C|U|D, 0,         0,         0,         0}},
    /* which peers received a record (federation's delivery ledger): read
     * by every role, of its own organisation's records only (api/fed.c) */
    [RES_DELIVERY] =     {"delivery",     {L|R,       L|R,       L|R,       L|R,       L|R,       L|R}},
    /* clang-format on */
};

bool acl_role_can(enum role r, enum resource res, enum action act)
{
	if (r >= ROLE__MAX || res >= RES__MAX || act >= ACT__MAX)
		return false;
	return table[res].roles[r] & (1u << act);
}

const char *acl_resource_name(enum resource res)
{
	return res < RES__MAX ? table[res].name : "unknown";
}

const char *acl_action_name(enum action act)
{
	static const char *const names[ACT__MAX] = {"list",   "read",	"create",
						    "update", "delete", "share"};
	return act < ACT__MAX ? names[act] : "unknown";
}

const char *const acl_distributions[] = {"organisation", "country",    "sharing_group",
					 "network",	 "federation", NULL};
const char *const acl_tlps[] = {"clear", "green", "amber", "amber+strict", "red", NULL};

bool acl_distribution_valid(const char *d)
{
	for (const char *const *p = acl_distributions; d && *p; p++)
		if (strcmp(*p, d) == 0)
			return true;
	return false;
}

static int width(const char *d)
{
	if (strcmp(d, "organisation") == 0)
		return 0;
	if (strcmp(d, "country") == 0 || strcmp(d, "sharing_group") == 0)
		return 1;
	if (strcmp(d, "network") == 0)
		return 2;
	return 3;
}

bool acl_distribution_within(const char *d, const char *limit)
{
	int wd = width(d), wl = width(limit);
	if (wd == 1 && wl == 1)
		return strcmp(d, limit) == 0;
	return wd <= wl;
}

/* The share right of each shareable resource, from the one table. */
static bool may_share(enum role r, enum acl_shareable res)
{
	/* clang-format off */
	static const enum resource of[SHARE__MAX] = {
	    [SHARE_ALERT] = RES_ALERT,	   [SHARE_ACTIVITY] = RES_ACTIVITY,
	    [SHARE_PROBLEM] = RES_PROBLEM, [SHARE_PROPOSAL] = RES_PROPOSAL,
	    [SHARE_TIP] = RES_TIP,
	    [SHARE_DOCUMENT] = RES_DOCUMENT, [SHARE_COMMITMENT] = RES_COMMITMENT,
	    [SHARE_ASSESSMENT] = RES_ASSESSMENT, [SHARE_EVENT] = RES_EVENT,
	    [SHARE_OUTCOME] = RES_OUTCOME, [SHARE_ACTION] = RES_ACTION,
	};
	/* clang-format on */
	return res < SHARE__MAX && acl_role_can(r, of[res], ACT_SHARE);
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

int acl_distribution_allowed(enum role r, enum acl_shareable res, const struct acl_share *from,
			     const struct acl_share *to, const char **field)
{
	*field = NULL;
	if (may_share(r, res))
		return TR_OK;
	if (!from) {
		/* a record of one's organisation or country is not a share */
		const char *d = to->distribution;
		if (d && (strcmp(d, "organisation") == 0 || strcmp(d, "country") == 0))
			return TR_OK;
		return *field = "distribution", TR_ERR_FORBIDDEN;
	}
	if (!same(from->distribution, to->distribution) ||
	    !same(from->sharing_group_id, to->sharing_group_id))
		return *field = "distribution", TR_ERR_FORBIDDEN;
	if (!same(from->tlp, to->tlp))
		return *field = "tlp", TR_ERR_FORBIDDEN;
	return TR_OK;
}

bool acl_share_changed(const struct acl_share *from, const struct acl_share *to)
{
	return !same(from->distribution, to->distribution) || !same(from->tlp, to->tlp) ||
	       !same(from->sharing_group_id, to->sharing_group_id);
}

/* Appends "key":[old,new]; values are names and ids, anything else is
 * dropped rather than escaped. */
static void detail_pair(char *out, size_t n, size_t *o, const char *key, const char *a,
			const char *b)
{
	const char *v[2] = {a, b};
	int k = snprintf(out + *o, n - *o, "%s\"%s\":[", *o > 1 ? "," : "", key);
	*o = k < 0 || (size_t)k >= n - *o ? n - 1 : *o + (size_t)k;
	for (int i = 0; i < 2; i++) {
		char clean[64];
		size_t m = 0;
		for (const char *p = v[i]; p && *p && m + 1 < sizeof(clean); p++)
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '_')
				clean[m++] = *p;
		clean[m] = '\0';
		k = v[i] ? snprintf(out + *o, n - *o, "%s\"%s\"", i ? "," : "", clean)
			 : snprintf(out + *o, n - *o, "%snull", i ? "," : "");
		*o = k < 0 || (size_t)k >= n - *o ? n - 1 : *o + (size_t)k;
	}
	k = snprintf(out + *o, n - *o, "]");
	*o = k < 0 || (size_t)k >= n - *o ? n - 1 : *o + (size_t)k;
}

void acl_share_detail(const struct acl_share *from, const struct acl_share *to, char *out, size_t n)
{
	size_t o = 0;
	if (n < 2) {
		if (n)
			out[0] = '\0';
		return;
	}
	out[o++] = '{';
	out[o] = '\0';
	detail_pair(out, n, &o, "distribution", from->distribution, to->distribution);
	if (from->tlp || to->tlp)
		detail_pair(out, n, &o, "tlp", from->tlp, to->tlp);
	detail_pair(out, n, &o, "sharing_group_id", from->sharing_group_id, to->sharing_group_id);
	snprintf(out + o, n - o, "}");
}

/* The columns are wrapped (x || '') so that the planner does not answer
 * the OR with one index per branch and a sort of everything visible: lists
 * walk their ordering index and test this predicate row by row, stopping
 * at the page size. */
void acl_visible(struct query *q, const struct caller *c, const char *alias)
{
	char part[512];
	query_sql(q, " AND " DB_ACL_MARK " (");
	snprintf(part, sizeof(part), "%s.org_id || '' = ?", alias);
	query_text(q, part, c->org_id);
	snprintf(part, sizeof(part),
		 " OR (%s.distribution || '' = 'country' AND %s.country || '' = ?)", alias, alias);
	query_text(q, part, c->country[0] ? c->country : "--");
	snprintf(part, sizeof(part),
		 " OR (%s.distribution || '' = 'sharing_group' AND %s.sharing_group_id IN"
		 " (SELECT m.group_id FROM sharing_group_members m WHERE m.org_id = ?))",
		 alias, alias);
	query_text(q, part, c->org_id);
	snprintf(part, sizeof(part), " OR %s.distribution || '' IN ('network', 'federation'))",
		 alias);
	query_sql(q, part);
}

bool acl_row_visible(const struct caller *c, bool own_org, enum distribution d,
		     const char *row_country, bool in_group)
{
	if (own_org)
		return true;
	switch (d) {
	case DIST_COUNTRY:
		return c->country[0] && row_country && strcmp(row_country, c->country) == 0;
	case DIST_SHARING_GROUP:
		return in_group;
	case DIST_NETWORK:
	case DIST_FEDERATION:
		return true;
	default:
		return false;
	}
}

/* clang-format off */
const char *const acl_guarded_tables[] = {"alerts",	"alert_sightings", "alert_comments",
					  "activities", "practices",	   "proposals",
					  "tips",	"problems",
					  "policy_documents", "policy_commitments", "policy_assessments",
					  "conf_events", "conf_outcomes", "conf_actions", NULL};
/* clang-format on */
