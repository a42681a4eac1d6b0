/* Alerts as MISP events and STIX 2.1 objects (export), and MISP events as
 * import items. */
#include "api/alerts_misp.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const dists[] = {"organisation", "country",	     "network",
				    "federation",   "sharing_group", NULL};

/* MISP's distribution numbers: 0 organisation .. 4 sharing group. */
static int dist_number(const char *d)
{
	for (int i = 0; d && dists[i]; i++)
		if (strcmp(d, dists[i]) == 0)
			return i;
	return 0;
}

static long long secs(const char *rfc3339)
{
	int64_t ms = 0;
	return rfc3339 && tr_time_parse(rfc3339, &ms) == TR_OK ? (long long)(ms / 1000) : 0;
}

static json_t *str_of(long long v)
{
	char t[32];
	snprintf(t, sizeof(t), "%lld", v);
	return json_string(t);
}

/* A derived UUID for a part of a record (its location object, a text):
 * the record's id with the last 12 digits' first one changed, stable from
 * one export to the next. */
static json_t *part_uuid(const char *id, char tag)
{
	char u[37];
	snprintf(u, sizeof(u), "%s", id);
	u[24] = tag;
	return json_string(u);
}

/* The MISP taxonomy drug-form has one predicate, form: a machine tag
 * namespace:predicate="value". */
#define DRUG_FORM_TAG "drug-form:form=\""

static void drug_form_tag(const char *form, char *out, size_t n)
{
	snprintf(out, n, DRUG_FORM_TAG "%s\"", form);
}

#define S(k) json_string_value(json_object_get(a, k))

/* An attribute of the geolocation object: "Inherit event" distribution. */
static json_t *geo_attribute(const char *id, char tag, const char *rel, double v, long long ts)
{
	char num[40];
	snprintf(num, sizeof(num), "%.7f", v);
	return json_pack("{s:o, s:s, s:s, s:s, s:s, s:b, s:s, s:o, s:b}", "uuid",
			 part_uuid(id, tag), "object_relation", rel, "type", "float", "category",
			 "Other", "value", num, "to_ids", 0, "distribution", "5", "timestamp",
			 str_of(ts), "deleted", 0);
}

/* The location as MISP's geolocation object (template version 6). */
static json_t *misp_geolocation(const char *id, json_t *loc, long long ts)
{
	json_t *oa = json_pack(
	    "[o, o]",
	    geo_attribute(id, 'b', "latitude", json_number_value(json_object_get(loc, "lat")), ts),
	    geo_attribute(id, 'c', "longitude", json_number_value(json_object_get(loc, "lon")),
			  ts));
	return json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:o}", "uuid",
			 part_uuid(id, 'd'), "name", "geolocation", "meta-category", "misc",
			 "description", "A geographic location.", "template_uuid",
			 "fe54c9a8-e41a-4ff0-8d38-0b3dd9c7bc5f", "template_version", "6",
			 "distribution", "5", "sharing_group_id", "0", "timestamp", str_of(ts),
			 "deleted", 0, "Attribute", oa);
}

/* Sightings (alert_sightings' answer) as MISP's: 0 seen, 1 false positive. */
static json_t *misp_sightings(json_t *sightings)
{
	json_t *out = json_array(), *v;
	size_t i;
	json_array_foreach(json_object_get(sightings, "items"), i, v)
	{
		const char *type = json_string_value(json_object_get(v, "type"));
		json_array_append_new(
		    out,
		    json_pack("{s:s, s:s, s:o, s:s}", "uuid",
			      json_string_value(json_object_get(v, "id")), "type",
			      type && strcmp(type, "false_positive") == 0 ? "1" : "0",
			      "date_sighting",
			      str_of(secs(json_string_value(json_object_get(v, "observed_at")))),
			      "source", json_string_value(json_object_get(v, "org_id"))));
	}
	return out;
}

/* TLP, drug form, category and the alert's own tags. */
static json_t *misp_tags(json_t *a)
{
	json_t *tags = json_array();
	char t[160];
	snprintf(t, sizeof(t), "tlp:%s", S("tlp"));
	json_array_append_new(tags, json_pack("{s:s}", "name", t));
	if (S("drug_form")) {
		drug_form_tag(S("drug_form"), t, sizeof(t));
		json_array_append_new(tags, json_pack("{s:s}", "name", t));
	}
	snprintf(t, sizeof(t), "trellis:category=\"%s\"", S("category"));
	json_array_append_new(tags, json_pack("{s:s}", "name", t));
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(a, "tags"), i, v)
	    json_array_append_new(tags, json_pack("{s:s}", "name", json_string_value(v)));
	return tags;
}

json_t *misp_event(json_t *a, const char *org_name, const char *group_name, json_t *sightings)
{
	const char *id = S("id");
	long long ts = secs(S("updated_at"));
	char date[11] = "";
	const char *when = S("observed_from") ? S("observed_from") : S("created_at");
	snprintf(date, sizeof(date), "%.10s", when ? when : "1970-01-01");
	json_t *org =
	    json_pack("{s:s, s:s}", "uuid", S("org_id"), "name", org_name ? org_name : S("org_id"));
	json_t *attrs = json_array();
	const char *sum = S("summary");
	if (sum && *sum)
		json_array_append_new(attrs,
				      json_pack("{s:o, s:s, s:s, s:s, s:b, s:s, s:s, s:o, s:b}",
						"uuid", part_uuid(id, 'a'), "type", "text",
						"category", "Other", "value", sum, "to_ids", 0,
						"distribution", "5", "sharing_group_id", "0",
						"timestamp", str_of(ts), "deleted", 0));
	json_t *objects = json_array();
	json_t *loc = json_object_get(a, "location");
	if (json_is_object(loc))
		json_array_append_new(objects, misp_geolocation(id, loc, ts));
	int dist = dist_number(S("distribution"));
	json_t *ev =
	    json_pack("{s:s, s:s, s:s, s:o, s:o, s:b, s:s, s:s, s:o, s:s, s:O, s:o,"
		      " s:o, s:o, s:o, s:o}",
		      "uuid", id, "info", S("title"), "date", date, "timestamp", str_of(ts),
		      "publish_timestamp", str_of(secs(S("published_at"))), "published",
		      strcmp(S("status"), "published") == 0, "analysis", "2", "threat_level_id",
		      "2", "distribution", str_of(dist), "sharing_group_id", "0", "Orgc", org,
		      "Org", json_deep_copy(org), "Tag", misp_tags(a), "Attribute", attrs, "Object",
		      objects, "Sighting", misp_sightings(sightings));
	/* the group travels by its UUID: its number would be this instance's own */
	if (dist == 4 && S("sharing_group_id"))
		json_object_set_new(ev, "SharingGroup",
				    json_pack("{s:s, s:s}", "uuid", S("sharing_group_id"), "name",
					      group_name ? group_name : S("sharing_group_id")));
	return json_pack("{s:o}", "Event", ev);
}

const char *const stix_tlp_ids[] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", /* white (clear) */
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", /* green */
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", /* amber */
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", /* amber+strict: amber */
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", /* red */
};

json_t *stix_tlp_definitions(void)
{
	static const char *const colours[] = {"white", "green", "amber", NULL, "red"};
	static const char *const names[] = {"TLP:WHITE", "TLP:GREEN", "TLP:AMBER", NULL, "TLP:RED"};
	json_t *out = json_array();
	for (int i = 0; i < 5; i++)
		if (names[i])
			json_array_append_new(
			    out, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s}}", "type",
					   "marking-definition", "spec_version", "2.1", "id",
					   stix_tlp_ids[i], "created", "2017-01-20T00:00:00.000Z",
					   "definition_type", "tlp", "name", names[i], "definition",
					   "tlp", colours[i]));
	return out;
}

void stix_id(char out[STIX_ID_MAX], const char *type, const char *record_id)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char in[128];
	int n = snprintf(in, sizeof(in), "%s--%s", type, record_id ? record_id : "");
	crypto_hash_sha256(h, (const unsigned char *)in,
			   (unsigned long long)(n < (int)sizeof(in) ? n : (int)sizeof(in) - 1));
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x40); /* version 4 */
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80); /* variant 10xx */
	char hex[33];
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	snprintf(out, STIX_ID_MAX, "%.40s--%.8s-%.4s-%.4s-%.4s-%.12s", type, hex, hex + 8, hex + 12,
		 hex + 16, hex + 20);
}

/* Where the object came from: the Trellis record it was made from. */
static json_t *stix_source(const char *record_id)
{
	return json_pack("[{s:s, s:s}]", "source_name", "trellis", "external_id", record_id);
}

static const char *tlp_ref(const char *tlp)
{
	static const char *const tlps[] = {"clear", "green", "amber", "amber+strict", "red"};
	for (int i = 0; tlp && i < 5; i++)
		if (strcmp(tlp, tlps[i]) == 0)
			return stix_tlp_ids[i];
	return stix_tlp_ids[2];
}

/* RFC 3339 in UTC with milliseconds, which STIX wants on created and
 * modified (tr_time_format leaves out a zero fraction). */
static json_t *stix_time(const char *t)
{
	int64_t ms = 0;
	char out[40];
	if (!t || tr_time_parse(t, &ms) != TR_OK)
		ms = 0;
	tr_time_format(ms, out);
	size_t n = strlen(out);
	if (!strchr(out, '.') && n > 0 && out[n - 1] == 'Z')
		snprintf(out + n - 1, sizeof(out) - (n - 1), ".000Z");
	return json_string(out);
}

/* The alert's sightings as STIX sightings of its report. */
static void stix_sightings(json_t *sightings, const char *report, json_t *marks, json_t *objects)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(sightings, "items"), i, v)
	{
		char sid[STIX_ID_MAX];
		stix_id(sid, "sighting", json_string_value(json_object_get(v, "id")));
		json_t *seen = stix_time(json_string_value(json_object_get(v, "observed_at")));
		json_array_append_new(
		    objects,
		    json_pack("{s:s, s:s, s:s, s:O, s:O, s:s, s:I, s:O, s:O, s:O}", "type",
			      "sighting", "spec_version", "2.1", "id", sid, "created", seen,
			      "modified", seen, "sighting_of_ref", report, "count",
			      json_integer_value(json_object_get(v, "count")), "first_seen", seen,
			      "last_seen", seen, "object_marking_refs", marks));
		json_decref(seen);
	}
}

void stix_objects(json_t *a, const char *org_name, json_t *sightings, json_t *objects,
		  json_t *orgs_seen)
{
	const char *id = S("id");
	char ident[STIX_ID_MAX], report[STIX_ID_MAX], loc_id[STIX_ID_MAX];
	stix_id(ident, "identity", S("org_id"));
	stix_id(report, "report", id);
	json_t *created = stix_time(S("created_at")), *modified = stix_time(S("updated_at"));
	json_t *marks = json_pack("[s]", tlp_ref(S("tlp")));
	if (!json_object_get(orgs_seen, ident)) {
		json_object_set_new(orgs_seen, ident, json_true());
		json_array_append_new(
		    objects,
		    json_pack("{s:s, s:s, s:s, s:O, s:O, s:s, s:s, s:o}", "type", "identity",
			      "spec_version", "2.1", "id", ident, "created", created, "modified",
			      modified, "name", org_name ? org_name : ident, "identity_class",
			      "organization", "external_references", stix_source(S("org_id"))));
	}
	json_t *refs = json_pack("[s]", ident);
	json_t *loc = json_object_get(a, "location");
	if (json_is_object(loc)) {
		json_t *u = part_uuid(id, 'b');
		stix_id(loc_id, "location", json_string_value(u));
		json_decref(u);
		json_t *l = json_pack("{s:s, s:s, s:s, s:O, s:O, s:s, s:f, s:f, s:O}", "type",
				      "location", "spec_version", "2.1", "id", loc_id, "created",
				      created, "modified", modified, "created_by_ref", ident,
				      "latitude", json_number_value(json_object_get(loc, "lat")),
				      "longitude", json_number_value(json_object_get(loc, "lon")),
				      "object_marking_refs", marks);
		const char *place = json_string_value(json_object_get(loc, "place_name"));
		if (place)
			json_object_set_new(l, "name", json_string(place));
		json_array_append_new(objects, l);
		json_array_append_new(refs, json_string(loc_id));
	}
	const char *sum = S("summary");
	json_t *r = json_pack(
	    "{s:s, s:s, s:s, s:O, s:O, s:s, s:s, s:o, s:[s], s:o, s:O, s:[s], s:o}", "type",
	    "report", "spec_version", "2.1", "id", report, "created", created, "modified", modified,
	    "created_by_ref", ident, "name", S("title"), "published",
	    stix_time(S("published_at") ? S("published_at") : S("created_at")), "report_types",
	    "threat-report", "object_refs", refs, "object_marking_refs", marks, "labels",
	    S("category"), "external_references", stix_source(id));
	if (S("drug_form")) { /* as MISP's tag: misp-stix writes tags as labels */
		char t[80];
		drug_form_tag(S("drug_form"), t, sizeof(t));
		json_array_append_new(json_object_get(r, "labels"), json_string(t));
	}
	if (sum && *sum)
		json_object_set_new(r, "description", json_string(sum));
	if (strcmp(S("status"), "retracted") == 0)
		json_object_set_new(r, "revoked", json_true());
	json_array_append_new(objects, r);
	stix_sightings(sightings, report, marks, objects);
	json_decref(created);
	json_decref(modified);
	json_decref(marks);
}

#undef S

/* ---- import ---- */

static const char *tag_value(json_t *tags, const char *prefix)
{
	size_t i, n = strlen(prefix);
	json_t *t;
	json_array_foreach(tags, i, t)
	{
		const char *name = json_string_value(json_object_get(t, "name"));
		if (name && strncmp(name, prefix, n) == 0)
			return name + n;
	}
	return NULL;
}

json_t *misp_to_item(json_t *wrapped, const char **why)
{
	json_t *ev = json_object_get(wrapped, "Event");
	if (!json_is_object(ev))
		return *why = "is not a MISP event ({\"Event\": {...}})", NULL;
	const char *uuid = json_string_value(json_object_get(ev, "uuid"));
	const char *org = json_string_value(json_object_get(json_object_get(ev, "Orgc"), "uuid"));
	const char *info = json_string_value(json_object_get(ev, "info"));
	if (!tr_uuid_valid(uuid))
		return *why = "Event.uuid must be a UUID", NULL;
	if (!tr_uuid_valid(org))
		return *why = "Event.Orgc.uuid must name your organisation", NULL;
	if (!info)
		return *why = "Event.info is required", NULL;
	json_t *tags = json_object_get(ev, "Tag");
	const char *tlp = tag_value(tags, "tlp:");
	const char *cat = tag_value(tags, "trellis:category=\"");
	char category[64] = "other";
	if (cat)
		snprintf(category, sizeof(category), "%.*s", (int)strcspn(cat, "\""), cat);
	json_t *d = json_object_get(ev, "distribution");
	long dn = json_is_string(d)    ? strtol(json_string_value(d), NULL, 10)
		  : json_is_integer(d) ? (long)json_integer_value(d)
				       : 0;
	if (dn < 0 || dn > 3) /* a sharing group does not travel in a file */
		dn = 0;
	/* one drug-form tag at most: an alert has one primary form */
	char form[64] = "";
	size_t i;
	json_t *tg;
	json_array_foreach(tags, i, tg)
	{
		const char *name = json_string_value(json_object_get(tg, "name"));
		size_t n = sizeof(DRUG_FORM_TAG) - 1;
		if (!name || strncmp(name, DRUG_FORM_TAG, n) != 0)
			continue;
		char v[64];
		snprintf(v, sizeof(v), "%.*s", (int)strcspn(name + n, "\""), name + n);
		if (form[0] && strcmp(form, v) != 0)
			return *why = "carries two drug-form tags: an alert has one drug form, its"
				      " primary one; import the forms as separate events",
			       NULL;
		snprintf(form, sizeof(form), "%s", v);
	}
	json_t *pub = json_object_get(ev, "published");
	json_t *item =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", uuid, "org_id", org, "title",
		      info, "category", category, "distribution", dists[dn], "tlp",
		      tlp ? tlp : "amber", "status", json_is_true(pub) ? "published" : "draft");
	if (form[0]) /* checked as drug_form with the other fields */
		json_object_set_new(item, "drug_form", json_string(form));
	json_t *at;
	json_array_foreach(json_object_get(ev, "Attribute"), i, at)
	{
		const char *type = json_string_value(json_object_get(at, "type"));
		const char *value = json_string_value(json_object_get(at, "value"));
		if (type && value && strcmp(type, "text") == 0) {
			json_object_set_new(item, "summary", json_string(value));
			break;
		}
	}
	const char *date = json_string_value(json_object_get(ev, "date"));
	if (date)
		json_object_set_new(item, "observed_from", json_string(date));
	return item;
}
