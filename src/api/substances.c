/* Substances: the reference list alerts name (fields, filters, the check of
 * synonyms and the messages of its rules). */
#include "api/api.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "api/validate.h"
#include "core/countof.h"
#include "core/err.h"
#include "domain/substance.h"

#include <string.h>

static const struct vfield spec[] = {
    {"name", V_STRING, 1, 1, 200, NULL, 0},
    {"class", V_ENUM, 1, 0, 0, substance_classes, 0},
    {"description", V_STRING, 0, 0, 5000, NULL, 0},
    {"synonyms", V_ARRAY, 0, 0, 0, NULL, 0},
};

static const struct rfilter filters[] = {
    {"class", RF_ENUM, substance_classes, 0},
    {"q", RF_TEXT, NULL, 0},
};

/* synonyms: [{"lang": "fr", "name": "..."}] */
static int check(struct http_req *req, json_t *body, int partial)
{
	(void)partial;
	json_t *syn = json_object_get(body, "synonyms");
	if (!syn)
		return TR_OK;
	if (!json_is_array(syn) || json_array_size(syn) > 100)
		return http_field_error(req, "synonyms", "must be an array of {lang, name}");
	size_t i;
	json_t *e;
	json_array_foreach(syn, i, e)
	{
		const char *lang = json_string_value(json_object_get(e, "lang"));
		const char *name = json_string_value(json_object_get(e, "name"));
		if (!json_is_object(e) || json_object_size(e) != 2 || !lang || strlen(lang) < 2 ||
		    strlen(lang) > 8 || !name || !*name || strlen(name) > 200)
			return http_field_error(req, "synonyms",
						"must be an array of {lang, name}");
	}
	return TR_OK;
}

/* A name already taken is a conflict on name, as is any other failure of
 * a write (the domain names no other field). */
static int fail(struct http_req *req, struct db_conn *c, int rc, const char *field)
{
	(void)field;
	if (rc == TR_ERR_FORBIDDEN)
		return http_fail(req, rc, "your role may not change substances");
	return api_domain_fail(req, c, rc, "name");
}

RESOURCE_CRUD(substance_resource, "substance", "substances", RES_SUBSTANCE, substance,
	      RES_CREATE(spec), RES_PATCH(spec), RES_FILTERS(filters), .cursor_uuid = 1,
	      .list2 = substance_list, .check = check, .fail = fail,
	      .forbidden = "your role may not add substances");
