#include "domain/acl.h"

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

/* The role table of docs/access.md, one bit per action:
 * L list, R read, C create, U update, D delete, S change distribution. */
#define L (1 << ACT_LIST)
#define R (1 << ACT_READ)
#define C (1 << ACT_CREATE)
#define U (1 << ACT_UPDATE)
#define D (1 << ACT_DELETE)
#define S (1 << ACT_SHARE)

/* clang-format off */
static const unsigned char table[ROLE__MAX][RES__MAX] = {
	/*              org        user         group        audit  token        alert        sighting  comment  substance */
	[ROLE_ADMIN] = {L|R|C|U,   L|R|C|U,     L|R|C|U,     L|R,   L|R|C|D,     L|R|C|U|S,   L|R|C,    L|R|C,   L|R|C|U},
	[ROLE_ORG_ADMIN] = {L|R,   L|R|C|U,     L|R|C|U,     0,     L|R|C|D,     L|R|C|U|S,   L|R|C,    L|R|C,   L|R|C|U},
	[ROLE_ANALYST] = {L|R,     L|R,         L|R|C|U,     0,     L|R|C|D,     L|R|C|U|S,   L|R|C,    L|R|C,   L|R|C|U},
	[ROLE_OFFICER] = {L|R,     L|R,         L|R,         0,     L|R|C|D,     L|R|C|U,     L|R|C,    L|R|C,   L|R},
	[ROLE_PARTNER] = {L|R,     L|R,         L|R,         0,     L|R|C|D,     L|R,         L|R,      L|R|C,   L|R},
	[ROLE_VIEWER] = {L|R,      L|R,         L|R,         0,     L|R|C|D,     L|R,         L|R,      L|R,     L|R},
};
/* clang-format on */

bool acl_role_can(enum role r, enum resource res, enum action act)
{
	if (r >= ROLE__MAX || res >= RES__MAX || act >= ACT__MAX)
		return false;
	return table[r][res] & (1u << act);
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

const char *const acl_guarded_tables[] = {"alerts",	"alert_sightings", "alert_comments",
					  "activities", "practices",	   "proposals",
					  "tips",	"problems",	   NULL};
