/** MISP and STIX 2.1 forms of alerts: export (GET /api/v1/alerts/export
 * ?format=misp|stix) and MISP events as import items. */
#ifndef TR_API_ALERTS_MISP_H
#define TR_API_ALERTS_MISP_H

#include <jansson.h>

/** {"Event": {...}} of an alert (the API's object), as MISP's REST search
 * answers it: distribution organisation 0, country 1, network 2,
 * federation 3, sharing group 4 (with the group, group_name, as SharingGroup); TLP, category and
 * drug form as tags; the location as a geolocation object; sightings (alert_sightings' answer) as
 * sightings. */
json_t *misp_event(json_t *alert, const char *org_name, const char *group_name, json_t *sightings);

/** Room for a STIX identifier made by stix_id. */
#define STIX_ID_MAX 96

/** The STIX identifier type--UUID of a Trellis record (or of a bundle, from
 * a fresh id). STIX wants an RFC 4122 UUID, version 1 to 5, and Trellis ids
 * are UUIDv7: the UUID is the first 16 bytes of SHA-256 over "type--id",
 * marked version 4, so a record has the same STIX id in every export. The
 * objects name their record in external_references (source_name trellis). */
void stix_id(char out[STIX_ID_MAX], const char *type, const char *record_id);

/** The TLP marking definitions of STIX 2.1, for the head of a bundle. */
json_t *stix_tlp_definitions(void);
/** Appends an alert's STIX objects to objects: its organisation's identity
 * (once: orgs_seen remembers), its location, a report and its sightings. */
void stix_objects(json_t *alert, const char *org_name, json_t *sightings, json_t *objects,
		  json_t *orgs_seen);

/** An import item (the export's form) from {"Event": {...}}, or NULL with
 * *why. The hardening rules of the import apply to it afterwards. */
json_t *misp_to_item(json_t *event, const char **why);

#endif
