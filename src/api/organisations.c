/* Organisations: the resource (fields, filters, rules' messages). Every
 * role reads them; instance administrators add and change them. */
#include "api/api.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "api/validate.h"
#include "core/countof.h"
#include "domain/org.h"

/* PATCH takes the same fields but the key, which is set once */
static const struct vfield org_spec[] = {
    {"name", V_STRING, 1, 1, 300, NULL, 0},   {"kind", V_ENUM, 1, 0, 0, org_kinds, 0},
    {"country", V_COUNTRY, 0, 0, 0, NULL, 1}, {"parent_id", V_UUID, 0, 0, 0, NULL, 1},
    {"key", V_STRING, 0, 2, 64, NULL, 0},
};

static const struct rwhy why[] = {
    {"country", "is required (except for international organisations) and must be a known country"},
};

static const struct rfilter filters[] = {
    {"country", RF_COUNTRY, NULL, 0},
    {"kind", RF_ENUM, org_kinds, 0},
};

RESOURCE_CRUD(org_resource, "organisation", "organisations", RES_ORGANISATION, org,
	      RES_CREATE(org_spec), .patch_spec = org_spec, .npatch = N(org_spec) - 1,
	      RES_FILTERS(filters), RES_WHY(why), .cursor_uuid = 1, .list2 = org_list,
	      .forbidden = "only instance administrators add organisations",
	      .update_forbidden = "only instance administrators change organisations");

/* the form of an organisation, for GET /api/v1/schema/{form} */
const struct vform api_form_organisation = {"organisation", org_spec, N(org_spec)};
