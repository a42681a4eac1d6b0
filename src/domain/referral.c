#include "domain/referral.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "db/query.h"
#include "domain/activity_rec.h"
#include "domain/alert.h"
#include "domain/analytics_q.h"
#include "domain/audit.h"
#include "domain/problem.h"
#include "domain/service.h"
#include "domain/tip.h"
#include "domain/tip_intake.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const referral_pathways[] = {
    "voluntary", "pre_arrest_diversion", "pre_trial", "sentencing_condition", "other", NULL};
const char *const referral_statuses[] = {"draft",     "sent",	    "acknowledged",	 "accepted",
					 "rejected",  "expired",    "first_contact",	 "engaged",
					 "completed", "disengaged", "consent_withdrawn", "revoked",
					 NULL};
const char *const referral_urgencies[] = {"routine", "urgent", "emergency", NULL};
const char *const referral_genders[] = {"female", "male", "other", "unknown", NULL};
const char *const referral_outcome_values[] = {"attended", "engaged", "completed", "did_not_attend",
					       "declined", "other",   NULL};
const char *const referral_age_bands[] = {"under_12", "12_14",	 "15_17", "18_20",
					  "21_24",    "25_plus", NULL};
const char *const referral_person_fields[] = {"given_name", "family_name", "birth_date", "contact",
					      "guardian",   "facts",	   "notes",	 NULL};
const char *const referral_consent_subjects[] = {"person", "guardian", NULL};
const char *const referral_consent_scopes[] = {"service", "sharing", "statistics", NULL};
const char *const referral_consent_decisions[] = {"given", "withdrawn", NULL};
const char *const referral_outcome_dimensions[] = {"service_type", "pathway", "age_band", "gender",
						   NULL};

#define DAY_MS (86400LL * 1000)
#define HOUR_MS (3600LL * 1000)
#define EXPIRE_MS (30 * DAY_MS)

/* the data key: configuration read once at start */
static unsigned char data_key[TIP_KEY_LEN];
static int has_key;

int referral_key_load(const char *hex)
{
	if (!hex || !*hex) {
		has_key = 0;
		return 0;
	}
	if (tip_key_parse(hex, data_key))
		return -1;
	has_key = 1;
	return 0;
}

int referral_has_key(void)
{
	return has_key;
}

static const struct activity_rec_col cols[] = {
    {"id", "id", REC_TEXT},
    {"ref_org_id", "ref_org_id", REC_TEXT},
    {"ref_user_id", "ref_user_id", REC_TEXT},
    {"recv_org_id", "recv_org_id", REC_TEXT},
    {"service_id", "service_id", REC_TEXT},
    {"service_type", "service_type", REC_TEXT},
    {"pathway", "pathway", REC_TEXT},
    {"urgency", "urgency", REC_TEXT},
    {"status", "status", REC_TEXT},
    {"age_band", "age_band", REC_TEXT},
    {"minor", "minor", REC_BOOL},
    {"gender", "gender", REC_TEXT},
    {"country", "country", REC_TEXT},
    {"area", "area", REC_TEXT},
    {"substances", "substances", REC_JSON},
    {"tip_id", "tip_id", REC_TEXT},
    {"alert_id", "alert_id", REC_TEXT},
    {"problem_id", "problem_id", REC_TEXT},
    {"personal_erased_at", "personal_erased_at", REC_TIME},
    {"outcome", "outcome", REC_TEXT},
    {"reject_reason", "reject_reason", REC_TEXT},
    {"consent_override", "override_reason", REC_TEXT},
    {"sent_at", "sent_at", REC_TIME},
    {"ack_due_at", "ack_due_at", REC_TIME},
    {"acknowledged_at", "acknowledged_at", REC_TIME},
    {"answered_at", "answered_at", REC_TIME},
    {"contact_due_at", "contact_due_at", REC_TIME},
    {"first_contact_at", "first_contact_at", REC_TIME},
    {"escalated_at", "escalated_at", REC_TIME},
    {"closed_at", "closed_at", REC_TIME},
    {"created_at", "created_at", REC_TIME},
    {"updated_at", "updated_at", REC_TIME},
    {"version", "version", REC_INT},
};
enum { NCOLS = sizeof(cols) / sizeof(cols[0]) };

/* ---- reading ---- */

/* The two organisations; the receiving one once sent. */
static void referral_visible(struct query *q, const struct caller *who)
{
	query_text(q, " AND (r.ref_org_id = ?", who->org_id);
	query_text(q, " OR (r.recv_org_id = ? AND r.status <> 'draft'))", who->org_id);
}

static void select_start(struct query *q)
{
	struct buf b;
	buf_init(&b, 4096);
	buf_puts(&b, "SELECT ");
	activity_rec_select(&b, "r", cols, NCOLS);
	buf_puts(&b, ", CASE WHEN r.person_enc IS NULL THEN 0 ELSE 1 END FROM referrals r"
		     " WHERE 1 = 1");
	query_init(q);
	query_sql(q, b.data);
	buf_free(&b);
}

static int is_open(const char *status)
{
	static const char *const open[] = {"sent", "acknowledged", "accepted", "first_contact",
					   "engaged"};
	for (size_t i = 0; i < sizeof(open) / sizeof(open[0]); i++)
		if (strcmp(open[i], status) == 0)
			return 1;
	return 0;
}

static int64_t time_of(json_t *r, const char *key)
{
	int64_t ms = 0;
	const char *v = json_string_value(json_object_get(r, key));
	return v && !tr_time_parse(v, &ms) ? ms : 0;
}

/* Overdue: sent and not acknowledged in time, or not yet reached. */
static int overdue_of(json_t *r, int64_t now)
{
	const char *st = json_string_value(json_object_get(r, "status"));
	int64_t ack = time_of(r, "ack_due_at"), contact = time_of(r, "contact_due_at");
	if (strcmp(st, "sent") == 0)
		return (ack && ack < now) || (contact && contact < now);
	if (strcmp(st, "acknowledged") == 0 || strcmp(st, "accepted") == 0)
		return contact && contact < now;
	return 0;
}

static json_t *row_json(struct db_stmt *s, const struct caller *who, int64_t now)
{
	json_t *o = activity_rec_json(s, cols, NCOLS);
	json_object_set_new(o, "has_person", json_boolean(db_col_int64(s, NCOLS)));
	json_object_set_new(o, "overdue", json_boolean(overdue_of(o, now)));
	const char *ref = json_string_value(json_object_get(o, "ref_org_id"));
	const char *recv = json_string_value(json_object_get(o, "recv_org_id"));
	json_t *sides = json_array();
	if (strcmp(ref, who->org_id) == 0)
		json_array_append_new(sides, json_string("referring"));
	if (strcmp(recv, who->org_id) == 0)
		json_array_append_new(sides, json_string("receiving"));
	json_object_set_new(o, "sides", sides);
	return o;
}

static int referral_read(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	if (!acl_role_can(who->role, RES_REFERRAL, ACT_READ))
		return TR_ERR_NOT_FOUND;
	struct query q;
	select_start(&q);
	query_text(&q, " AND r.id = ?", id);
	referral_visible(&q, who);
	struct db_stmt *s;
	int rc = query_prepare(&q, c, &s);
	query_free(&q);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		rc = (*out = row_json(s, who, tr_now_ms())) ? TR_OK : TR_ERR_NOMEM;
	else if (rc == DB_DONE)
		rc = TR_ERR_NOT_FOUND;
	db_done(s);
	return rc;
}

/* The consent in force per scope: {"service": {"subject","decision",
 * "given_at"}, ...} from the newest record of each scope. */
static int consent_state(struct db_conn *c, const char *id, json_t **out)
{
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "SELECT scope, subject, decision, given_at FROM referral_consents"
			    " WHERE referral_id = ? ORDER BY seq",
			    &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, id);
	*out = json_object();
	while ((rc = db_step(s)) == DB_ROW)
		json_object_set_new(*out, db_col_text(s, 0),
				    json_pack("{s:s, s:s, s:o}", "subject", db_col_text(s, 1),
					      "decision", db_col_text(s, 2), "given_at",
					      activity_time_json(s, 3)));
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

int referral_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	int rc = referral_read(c, who, id, out);
	if (rc)
		return rc;
	json_t *consent = NULL;
	if ((rc = consent_state(c, id, &consent))) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	json_object_set_new(*out, "consent", consent);
	return TR_OK;
}

int referral_list(struct db_conn *c, const struct caller *who, const struct referral_filter *f,
		  const char *after, int limit, json_t *items, char **next_key)
{
	*next_key = NULL;
	if (!acl_role_can(who->role, RES_REFERRAL, ACT_LIST))
		return TR_ERR_FORBIDDEN;
	int64_t now = tr_now_ms();
	struct query q;
	select_start(&q);
	referral_visible(&q, who);
	if (f->box && strcmp(f->box, "mine") == 0)
		query_text(&q, " AND r.ref_org_id = ?", who->org_id);
	else if (f->box && strcmp(f->box, "incoming") == 0)
		query_text(&q, " AND r.recv_org_id = ?", who->org_id);
	if (f->status)
		query_text(&q, " AND r.status = ?", f->status);
	if (f->pathway)
		query_text(&q, " AND r.pathway = ?", f->pathway);
	if (f->overdue >= 0) {
		query_sql(&q, f->overdue ? " AND (" : " AND NOT (");
		query_int(&q, "(r.status = 'sent' AND (r.ack_due_at < ?", now);
		query_int(&q, " OR r.contact_due_at < ?))", now);
		query_int(
		    &q, " OR (r.status IN ('acknowledged', 'accepted') AND r.contact_due_at < ?))",
		    now);
	}
	if (after) {
		const char *colon = strchr(after, ':');
		long long v = strtoll(after, NULL, 10);
		query_int(&q, " AND (r.updated_at < ?", v);
		query_int(&q, " OR (r.updated_at = ?", v);
		query_text(&q, " AND r.id < ?))", colon ? colon + 1 : "");
	}
	query_int(&q, " ORDER BY r.updated_at DESC, r.id DESC LIMIT ?", limit + 1);
	struct db_stmt *s;
	int rc = query_prepare(&q, c, &s);
	query_free(&q);
	if (rc)
		return rc;
	int n = 0;
	char last[100] = "";
	while ((rc = db_step(s)) == DB_ROW) {
		if (n++ == limit) {
			*next_key = strdup(last);
			break;
		}
		json_t *row = row_json(s, who, now);
		snprintf(last, sizeof(last), "%lld:%s", (long long)time_of(row, "updated_at"),
			 json_string_value(json_object_get(row, "id")));
		json_array_append_new(items, row);
	}
	db_done(s);
	return rc == DB_ROW || rc == DB_DONE ? TR_OK : rc;
}

/* ---- writing ---- */

static int finish(struct db_conn *c, int rc)
{
	if (rc) {
		db_rollback(c);
		return rc;
	}
	return db_commit(c);
}

/* Seals text (NULL stays NULL); *ok 0 when out of memory. */
static char *seal(const char *text, int *ok)
{
	if (!text)
		return NULL;
	char *s = tip_contact_seal(data_key, text);
	if (!s)
		*ok = 0;
	return s;
}

static char *open_sealed(const char *sealed)
{
	return sealed && has_key ? tip_contact_open(data_key, sealed) : NULL;
}

static void wipe_free(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

static const char *age_band(int years)
{
	return years < 12   ? "under_12"
	       : years < 15 ? "12_14"
	       : years < 18 ? "15_17"
	       : years < 21 ? "18_20"
	       : years < 25 ? "21_24"
			    : "25_plus";
}

/* Whole years from birth (ms, midnight UTC) to now. */
static int age_years(int64_t birth, int64_t now)
{
	char b[32], n[32];
	int by = 0, bm = 0, bd = 0, ny = 0, nm = 0, nd = 0;
	tr_time_format(birth, b);
	tr_time_format(now, n);
	if (sscanf(b, "%d-%d-%d", &by, &bm, &bd) != 3 || sscanf(n, "%d-%d-%d", &ny, &nm, &nd) != 3)
		return -1;
	int years = ny - by;
	if (nm < bm || (nm == bm && nd < bd))
		years--;
	return years;
}

/* The receiving organisation and type of an active service; whether that
 * organisation is a diversion panel; the service's own deadlines (0: its
 * type's). */
static int service_of(struct db_conn *c, const char *service_id, char org[37], char type[40],
		      int *panel, int64_t *ack_hours, int64_t *first_contact_days)
{
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "SELECT s.org_id, s.type, o.kind, s.ack_hours, s.first_contact_days"
			    " FROM services s JOIN organisations o"
			    " ON o.id = s.org_id WHERE s.id = ? AND s.active = 1",
			    &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, service_id);
	rc = db_step(s);
	if (rc == DB_ROW) {
		snprintf(org, 37, "%s", db_col_text(s, 0));
		snprintf(type, 40, "%s", db_col_text(s, 1));
		*panel = strcmp(db_col_text(s, 2), "diversion_panel") == 0 ||
			 strcmp(type, "diversion_panel") == 0;
		*ack_hours = db_col_is_null(s, 3) ? 0 : db_col_int64(s, 3);
		*first_contact_days = db_col_is_null(s, 4) ? 0 : db_col_int64(s, 4);
	}
	db_done(s);
	return rc == DB_ROW ? TR_OK : rc == DB_DONE ? TR_ERR_INVALID : rc;
}

/* Each linked record must be one the caller sees. */
static int links_check(struct db_conn *c, const struct caller *who, json_t *body,
		       const char **field)
{
	const char *tip = json_string_value(json_object_get(body, "tip_id"));
	const char *alert = json_string_value(json_object_get(body, "alert_id"));
	const char *problem = json_string_value(json_object_get(body, "problem_id"));
	json_t *o = NULL;
	int rc;
	if (tip) {
		rc = tip_get(c, who, tip, &o);
		json_decref(o);
		o = NULL;
		if (rc)
			return *field = "tip_id", rc == TR_ERR_NOT_FOUND ? TR_ERR_INVALID : rc;
	}
	if (alert) {
		rc = alert_get(c, who, alert, &o);
		json_decref(o);
		o = NULL;
		if (rc)
			return *field = "alert_id", rc == TR_ERR_NOT_FOUND ? TR_ERR_INVALID : rc;
	}
	if (problem) {
		rc = problem_get(c, who, problem, 0, &o);
		json_decref(o);
		if (rc)
			return *field = "problem_id", rc == TR_ERR_NOT_FOUND ? TR_ERR_INVALID : rc;
	}
	return TR_OK;
}

/* The sealed person: the five fields as compact JSON. */
static char *person_seal(json_t *person, int *ok)
{
	json_t *p = json_object();
	for (int i = 0; i < 5; i++) {
		json_t *v = json_object_get(person, referral_person_fields[i]);
		json_object_set(p, referral_person_fields[i], json_is_string(v) ? v : json_null());
	}
	char *text = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	if (!text)
		return *ok = 0, NULL;
	char *s = seal(text, ok);
	wipe_free(text);
	return s;
}

static int referral_insert(struct db_conn *c, const struct caller *who, json_t *b, const char *id,
			   const char *recv, const char *type, const char *band, int minor,
			   const char *person_enc, const char *facts_enc, int64_t now)
{
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "INSERT INTO referrals (id, ref_org_id, ref_user_id, recv_org_id,"
			    " service_id, service_type, pathway, urgency, status, age_band, minor,"
			    " gender, country, area, substances, tip_id, alert_id, problem_id,"
			    " person_enc, facts_enc, created_at, updated_at) VALUES (?, ?, ?, ?, ?,"
			    " ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			    &s);
	if (rc)
		return rc;
	const char *urgency = json_string_value(json_object_get(b, "urgency"));
	const char *country = json_string_value(json_object_get(b, "country"));
	const char *area = json_string_value(json_object_get(b, "area"));
	json_t *subst = json_object_get(b, "substances");
	char *subst_text = json_dumps(json_is_array(subst) ? subst : json_array(), JSON_COMPACT);
	db_bind_text(s, 1, id);
	db_bind_text(s, 2, who->org_id);
	db_bind_text(s, 3, who->user_id);
	db_bind_text(s, 4, recv);
	db_bind_text(s, 5, json_string_value(json_object_get(b, "service_id")));
	db_bind_text(s, 6, type);
	db_bind_text(s, 7, json_string_value(json_object_get(b, "pathway")));
	db_bind_text(s, 8, urgency ? urgency : "routine");
	db_bind_text(s, 9, band);
	db_bind_int64(s, 10, minor);
	db_bind_text(s, 11, json_string_value(json_object_get(b, "gender")));
	db_bind_text(s, 12, country ? country : who->country);
	db_bind_text(s, 13, area ? area : "");
	db_bind_text(s, 14, subst_text ? subst_text : "[]");
	db_bind_text_or_null(s, 15, json_string_value(json_object_get(b, "tip_id")));
	db_bind_text_or_null(s, 16, json_string_value(json_object_get(b, "alert_id")));
	db_bind_text_or_null(s, 17, json_string_value(json_object_get(b, "problem_id")));
	db_bind_text_or_null(s, 18, person_enc);
	db_bind_text_or_null(s, 19, facts_enc);
	db_bind_int64(s, 20, now);
	db_bind_int64(s, 21, now);
	free(subst_text);
	rc = db_step(s);
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

int referral_create(struct db_conn *c, const struct caller *who, json_t *body,
		    const char *request_id, char id[37], const char **field)
{
	*field = NULL;
	if (!acl_role_can(who->role, RES_REFERRAL, ACT_CREATE))
		return TR_ERR_FORBIDDEN;
	if (!has_key)
		return *field = "person", TR_ERR_UNAVAILABLE;
	const char *country = json_string_value(json_object_get(body, "country"));
	if (!country && !who->country[0])
		return *field = "country", TR_ERR_INVALID;
	json_t *person = json_object_get(body, "person");
	int64_t now = tr_now_ms(), birth = 0;
	if (tr_time_parse(json_string_value(json_object_get(person, "birth_date")), &birth) ||
	    birth > now)
		return *field = "person.birth_date", TR_ERR_INVALID;
	int years = age_years(birth, now);
	if (years < 0 || years > 120)
		return *field = "person.birth_date", TR_ERR_INVALID;
	char recv[37], type[40];
	int panel = 0;
	int64_t own_ack = 0, own_contact = 0;
	int rc = db_begin(c);
	if (rc)
		return rc;
	if ((rc = service_of(c, json_string_value(json_object_get(body, "service_id")), recv, type,
			     &panel, &own_ack, &own_contact))) {
		*field = rc == TR_ERR_INVALID ? "service_id" : NULL;
		return finish(c, rc);
	}
	if ((rc = links_check(c, who, body, field)))
		return finish(c, rc);
	int ok = 1;
	char *person_enc = person_seal(person, &ok);
	char *facts_enc = seal(json_string_value(json_object_get(body, "facts")), &ok);
	tr_uuid7(id);
	rc = ok ? referral_insert(c, who, body, id, recv, type, age_band(years), years < 18,
				  person_enc, facts_enc, now)
		: TR_ERR_NOMEM;
	free(person_enc);
	free(facts_enc);
	struct audit_entry e = {who->user_id, who->org_id, "create", "referral",
				id,	      request_id,  NULL,     NULL};
	if (!rc)
		rc = audit_append(c, &e, now);
	return finish(c, rc);
}

/* Whether consent allows sending: service and sharing given, for a minor
 * by a guardian. */
static int consent_ok(json_t *consent, int minor)
{
	static const char *const needed[] = {"service", "sharing"};
	for (int i = 0; i < 2; i++) {
		json_t *k = json_object_get(consent, needed[i]);
		const char *decision = json_string_value(json_object_get(k, "decision"));
		const char *subject = json_string_value(json_object_get(k, "subject"));
		if (!decision || strcmp(decision, "given") != 0)
			return 0;
		if (minor && strcmp(subject, "guardian") != 0)
			return 0;
	}
	return 1;
}

/* The deadlines from sending: those of the service (its own, else its
 * type's: acknowledge within 72 hours, a diversion panel within 36 at
 * most, as Portugal's commissions; first contact within 7 days), shorter
 * for an urgent referral (24 hours, 3 days) or an emergency (4 hours, 1
 * day). */
static void deadlines(const char *urgency, const char *type, int panel, int64_t own_ack_h,
		      int64_t own_contact_d, int64_t sent, int64_t *ack, int64_t *contact)
{
	int64_t ack_h, contact_d;
	service_deadlines(type, panel, own_ack_h, own_contact_d, &ack_h, &contact_d);
	int64_t cap_h = strcmp(urgency, "urgent") == 0	    ? 24
			: strcmp(urgency, "emergency") == 0 ? 4
							    : 0;
	int64_t cap_d = cap_h == 24 ? 3 : cap_h == 4 ? 1 : 0;
	if (cap_h && ack_h > cap_h)
		ack_h = cap_h;
	if (cap_d && contact_d > cap_d)
		contact_d = cap_d;
	if (panel && ack_h > SERVICE_PANEL_ACK_HOURS)
		ack_h = SERVICE_PANEL_ACK_HOURS;
	*ack = sent + ack_h * HOUR_MS;
	*contact = sent + contact_d * DAY_MS;
}

/* A move: from, to, whose (0 referring, 1 receiving). */
static const struct move {
	const char *from, *to;
	int side;
} moves[] = {
    {"draft", "sent", 0},
    {"draft", "revoked", 0},
    {"sent", "revoked", 0},
    {"acknowledged", "revoked", 0},
    {"accepted", "revoked", 0},
    {"first_contact", "revoked", 0},
    {"engaged", "revoked", 0},
    {"sent", "acknowledged", 1},
    {"sent", "accepted", 1},
    {"sent", "rejected", 1},
    {"acknowledged", "accepted", 1},
    {"acknowledged", "rejected", 1},
    {"accepted", "first_contact", 1},
    {"first_contact", "engaged", 1},
    {"first_contact", "completed", 1},
    {"first_contact", "disengaged", 1},
    {"engaged", "completed", 1},
    {"engaged", "disengaged", 1},
};

static int move_ok(const char *from, const char *to, int referring, int receiving)
{
	for (size_t i = 0; i < sizeof(moves) / sizeof(moves[0]); i++)
		if (strcmp(moves[i].from, from) == 0 && strcmp(moves[i].to, to) == 0)
			return moves[i].side ? receiving : referring;
	return 0;
}

struct change {
	const char *status, *reason, *outcome, *override;
	char *notes_enc;
	int notes_set;
	int64_t sent, ack_due, contact_due, acknowledged, answered, first_contact, closed;
};

static int referral_write(struct db_conn *c, const char *id, const struct change *ch, int64_t now)
{
	struct db_stmt *s;
	int rc = db_prepare(
	    c,
	    "UPDATE referrals SET status = ?, reject_reason = COALESCE(?, reject_reason),"
	    " outcome = COALESCE(?, outcome), override_reason = COALESCE(?, override_reason),"
	    " notes_enc = CASE WHEN ? = 1 THEN ? ELSE notes_enc END,"
	    " sent_at = COALESCE(sent_at, ?), ack_due_at = COALESCE(ack_due_at, ?),"
	    " contact_due_at = COALESCE(contact_due_at, ?),"
	    " acknowledged_at = COALESCE(acknowledged_at, ?), answered_at = COALESCE(answered_at, "
	    "?),"
	    " first_contact_at = COALESCE(first_contact_at, ?), closed_at = COALESCE(closed_at, ?),"
	    " updated_at = ?, version = version + 1 WHERE id = ?",
	    &s);
	if (rc)
		return rc;
	int64_t t[] = {ch->sent,     ch->ack_due,	ch->contact_due, ch->acknowledged,
		       ch->answered, ch->first_contact, ch->closed};
	db_bind_text(s, 1, ch->status);
	db_bind_text_or_null(s, 2, ch->reason);
	db_bind_text_or_null(s, 3, ch->outcome);
	db_bind_text_or_null(s, 4, ch->override);
	db_bind_int64(s, 5, ch->notes_set);
	db_bind_text_or_null(s, 6, ch->notes_enc);
	for (int i = 0; i < 7; i++)
		if (t[i])
			db_bind_int64(s, 7 + i, t[i]);
		else
			db_bind_null(s, 7 + i);
	db_bind_int64(s, 14, now);
	db_bind_text(s, 15, id);
	rc = db_step(s);
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

/* The rules of a status move; fills ch's times. */
static int move_check(struct db_conn *c, const struct caller *who, json_t *cur, json_t *body,
		      struct change *ch, int64_t now, const char **field)
{
	const char *from = json_string_value(json_object_get(cur, "status"));
	const char *to = ch->status;
	int referring =
	    strcmp(json_string_value(json_object_get(cur, "ref_org_id")), who->org_id) == 0;
	int receiving =
	    strcmp(json_string_value(json_object_get(cur, "recv_org_id")), who->org_id) == 0;
	if (strcmp(from, to) == 0)
		return TR_OK;
	if (!move_ok(from, to, referring, receiving))
		return *field = "status", TR_ERR_CONFLICT;
	if (strcmp(to, "rejected") == 0 && !ch->reason)
		return *field = "reason", TR_ERR_INVALID;
	if ((strcmp(to, "completed") == 0 || strcmp(to, "disengaged") == 0) && !ch->outcome)
		return *field = "outcome", TR_ERR_INVALID;
	if (strcmp(to, "sent") == 0) {
		int minor = json_is_true(json_object_get(cur, "minor"));
		if (!consent_ok(json_object_get(cur, "consent"), minor)) {
			if (!ch->override)
				return *field = "consent", TR_ERR_CONFLICT;
			if (!acl_role_can(who->role, RES_REFERRAL_CONSENT, ACT_SHARE))
				return *field = "override_reason", TR_ERR_FORBIDDEN;
		} else {
			ch->override = NULL; /* nothing to override */
		}
		char recv[37], type[40];
		int64_t own_ack = 0, own_contact = 0;
		int panel = 0,
		    rc = service_of(c, json_string_value(json_object_get(cur, "service_id")), recv,
				    type, &panel, &own_ack, &own_contact);
		if (rc)
			return *field = rc == TR_ERR_INVALID ? "service_id" : NULL, rc;
		ch->sent = now;
		deadlines(json_string_value(json_object_get(cur, "urgency")), type, panel, own_ack,
			  own_contact, now, &ch->ack_due, &ch->contact_due);
	}
	if (strcmp(to, "acknowledged") == 0)
		ch->acknowledged = now;
	if (strcmp(to, "accepted") == 0 || strcmp(to, "rejected") == 0)
		ch->acknowledged = ch->answered = now;
	if (strcmp(to, "first_contact") == 0)
		ch->first_contact = now;
	if (!is_open(to) && strcmp(to, "draft") != 0)
		ch->closed = now;
	(void)body;
	return TR_OK;
}

int referral_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		    int64_t version, const char *request_id, const char **field)
{
	*field = NULL;
	int rc = db_begin(c);
	if (rc)
		return rc;
	json_t *cur = NULL;
	struct change ch = {0};
	if ((rc = referral_get(c, who, id, &cur)))
		goto out;
	if (!acl_role_can(who->role, RES_REFERRAL, ACT_UPDATE)) {
		rc = TR_ERR_FORBIDDEN;
		goto out;
	}
	if (version >= 0 && version != json_integer_value(json_object_get(cur, "version"))) {
		rc = TR_ERR_PRECONDITION;
		goto out;
	}
	const char *from = json_string_value(json_object_get(cur, "status"));
	const char *to = json_string_value(json_object_get(body, "status"));
	ch.status = to ? to : from;
	ch.reason = json_string_value(json_object_get(body, "reason"));
	ch.outcome = json_string_value(json_object_get(body, "outcome"));
	ch.override = json_string_value(json_object_get(body, "override_reason"));
	if (ch.override && (!to || strcmp(to, "sent") != 0)) {
		*field = "override_reason";
		rc = TR_ERR_INVALID;
		goto out;
	}
	if ((ch.reason && strcmp(ch.status, "rejected") != 0) ||
	    (ch.outcome && strcmp(ch.status, "completed") != 0 &&
	     strcmp(ch.status, "disengaged") != 0)) {
		*field = ch.reason ? "reason" : "outcome";
		rc = TR_ERR_INVALID;
		goto out;
	}
	if (json_object_get(body, "notes")) {
		/* the receiving organisation's own notes: never the referrer's to read */
		if (strcmp(json_string_value(json_object_get(cur, "recv_org_id")), who->org_id) !=
		    0) {
			*field = "notes";
			rc = TR_ERR_FORBIDDEN;
			goto out;
		}
		if (!has_key) {
			*field = "notes";
			rc = TR_ERR_UNAVAILABLE;
			goto out;
		}
		int ok = 1;
		ch.notes_set = 1;
		ch.notes_enc = seal(json_string_value(json_object_get(body, "notes")), &ok);
		if (!ok) {
			rc = TR_ERR_NOMEM;
			goto out;
		}
	}
	int64_t now = tr_now_ms();
	if ((rc = move_check(c, who, cur, body, &ch, now, field)))
		goto out;
	if ((rc = referral_write(c, id, &ch, now)))
		goto out;
	/* the hook of the notifications inbox: a referral sent reaches the
	 * receiving organisation, a status change the referring officer (the
	 * audit entry below names both moves until the inbox is on main) */
	char detail[160];
	snprintf(detail, sizeof(detail), "{\"status\":[\"%s\",\"%s\"]%s}", from, ch.status,
		 ch.notes_set ? ",\"notes\":true" : "");
	int overridden = to && strcmp(to, "sent") == 0 && ch.override;
	struct audit_entry e = {
	    who->user_id, who->org_id, overridden ? "consent_override" : "update",
	    "referral",	  id,	       request_id,
	    ch.override,  detail};
	rc = audit_append(c, &e, now);
out:
	free(ch.notes_enc);
	json_decref(cur);
	return finish(c, rc);
}

/* ---- the person's fields ---- */

static int sealed_read(struct db_conn *c, const char *id, char **person, char **facts, char **notes)
{
	struct db_stmt *s;
	int rc = db_prepare(
	    c, "SELECT person_enc, facts_enc, notes_enc FROM referrals WHERE id = ?", &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, id);
	rc = db_step(s);
	if (rc == DB_ROW) {
		*person = db_col_text(s, 0) ? strdup(db_col_text(s, 0)) : NULL;
		*facts = db_col_text(s, 1) ? strdup(db_col_text(s, 1)) : NULL;
		*notes = db_col_text(s, 2) ? strdup(db_col_text(s, 2)) : NULL;
	}
	db_done(s);
	return rc == DB_ROW ? TR_OK : rc == DB_DONE ? TR_ERR_NOT_FOUND : rc;
}

/* The value of one field from the opened texts (NULL: erased or empty). */
static json_t *field_value(const char *name, json_t *person, const char *facts, const char *notes)
{
	if (strcmp(name, "facts") == 0)
		return facts ? json_string(facts) : json_null();
	if (strcmp(name, "notes") == 0)
		return notes ? json_string(notes) : json_null();
	json_t *v = json_object_get(person, name);
	return v ? json_incref(v) : json_null();
}

int referral_person_read(struct db_conn *c, const struct caller *who, const char *id,
			 json_t *fields, const char *reason, const char *request_id, json_t **out)
{
	*out = NULL;
	int rc = db_begin(c);
	if (rc)
		return rc;
	json_t *cur = NULL, *person = NULL;
	char *ps = NULL, *fs = NULL, *ns = NULL, *p = NULL, *f = NULL, *n = NULL;
	if ((rc = referral_read(c, who, id, &cur)))
		goto out;
	if (!acl_role_can(who->role, RES_REFERRAL_PERSON, ACT_READ)) {
		rc = TR_ERR_FORBIDDEN;
		goto out;
	}
	int receiving =
	    strcmp(json_string_value(json_object_get(cur, "recv_org_id")), who->org_id) == 0;
	size_t i;
	json_t *v;
	json_array_foreach(fields, i,
			   v) if (strcmp(json_string_value(v), "notes") == 0 && !receiving)
	{
		rc = TR_ERR_FORBIDDEN; /* the receiving organisation's notes are its own */
		goto out;
	}
	if ((rc = sealed_read(c, id, &ps, &fs, &ns)))
		goto out;
	if ((ps || fs || ns) && !has_key) {
		rc = TR_ERR_UNAVAILABLE;
		goto out;
	}
	p = open_sealed(ps);
	f = open_sealed(fs);
	n = open_sealed(ns);
	if ((ps && !p) || (fs && !f) || (ns && !n)) {
		rc = TR_ERR_UNAVAILABLE;
		goto out;
	}
	person = p ? json_loads(p, 0, NULL) : json_object();
	*out = json_object();
	struct buf d;
	buf_init(&d, 256);
	buf_puts(&d, "{\"fields\":[");
	json_array_foreach(fields, i, v)
	{
		const char *name = json_string_value(v);
		json_object_set_new(*out, name, field_value(name, person, f, n));
		buf_printf(&d, "%s\"%s\"", i ? "," : "", name); /* names from the allow-list */
	}
	buf_puts(&d, "]}");
	struct audit_entry e = {who->user_id, who->org_id, "read_sensitive", "referral",
				id,	      request_id,  reason,	     d.data};
	rc = audit_append(c, &e, tr_now_ms());
	buf_free(&d);
out:
	wipe_free(p);
	wipe_free(f);
	wipe_free(n);
	free(ps);
	free(fs);
	free(ns);
	json_decref(cur);
	json_decref(person);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return finish(c, rc);
}

/* Clears the sealed columns of one referral or of those closed before a
 * time (id NULL); *n the rows changed (counted first, in the same
 * transaction). */
static int erase_where(struct db_conn *c, const char *id, int64_t closed_before, int64_t now,
		       int *n)
{
#define ERASE_WHERE(x) " WHERE " x " AND personal_erased_at IS NULL"
	const char *where = id ? ERASE_WHERE("id = ?") : ERASE_WHERE("closed_at < ?");
	char sql[400];
	struct db_stmt *s;
	for (int pass = 0; pass < 2; pass++) {
		snprintf(sql, sizeof(sql), "%s%s",
			 pass ? "UPDATE referrals SET person_enc = NULL, facts_enc = NULL,"
				" notes_enc = NULL, personal_erased_at = ?, updated_at = ?,"
				" version = version + 1"
			      : "SELECT COUNT(*) FROM referrals",
			 where);
		int rc = db_prepare(c, sql, &s);
		if (rc)
			return rc;
		int k = 1;
		if (pass) {
			db_bind_int64(s, k++, now);
			db_bind_int64(s, k++, now);
		}
		if (id)
			db_bind_text(s, k, id);
		else
			db_bind_int64(s, k, closed_before);
		rc = db_step(s);
		if (!pass && rc == DB_ROW)
			*n = (int)db_col_int64(s, 0);
		db_done(s);
		if (rc != (pass ? DB_DONE : DB_ROW))
			return rc;
	}
	return TR_OK;
#undef ERASE_WHERE
}

/* Freed pages are overwritten on SQLite, so erased text leaves the file. */
static void secure_delete_on(struct db_conn *c)
{
	if (db_conn_engine(c) == DB_SQLITE)
		db_exec(c, "PRAGMA secure_delete=ON");
}

/* PostgreSQL's VACUUM FULL keeps the row versions another transaction may
 * still see: while any transaction of this database holds a snapshot or an
 * id older than the erasure's commit, the erased versions would be copied
 * into the rewritten table. It waits (10 s at most) until every other
 * transaction is newer than that. */
#define PG_WAIT_OLDER                                                                              \
	"DO $$ DECLARE x xid := pg_snapshot_xmax(pg_current_snapshot())::text::xid; BEGIN FOR i"   \
	" IN 1..100 LOOP PERFORM pg_stat_clear_snapshot(); EXIT WHEN NOT EXISTS (SELECT 1 FROM"    \
	" pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND"     \
	" backend_type = 'client backend' AND (age(backend_xmin) > age(x) OR age(backend_xid)"     \
	" > age(x))); PERFORM pg_sleep(0.1); END LOOP; END $$"

/* After an erasure the old row versions leave the files: on SQLite the
 * WAL is checkpointed into the (cleared) pages and truncated; on
 * PostgreSQL an UPDATE leaves the old tuple in the table's file until it
 * is rewritten, so the table is rewritten (VACUUM FULL, a short exclusive
 * lock on a small table, only when something was erased), once no older
 * transaction may still see them. PostgreSQL's own write-ahead log keeps
 * the old row until its segments are recycled. */
static void checkpoint(struct db_conn *c, int erased)
{
	if (db_conn_engine(c) == DB_SQLITE) {
		db_exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
	} else if (erased) {
		db_exec(c, PG_WAIT_OLDER);
		db_exec(c, "VACUUM (FULL) referrals " DB_ACL_EXEMPT);
	}
}

int referral_person_erase(struct db_conn *c, const struct caller *who, const char *id,
			  const char *reason, const char *request_id)
{
	secure_delete_on(c);
	int rc = db_begin(c);
	if (rc)
		return rc;
	json_t *cur = NULL;
	int n = 0;
	if ((rc = referral_read(c, who, id, &cur)))
		goto out;
	if (!acl_role_can(who->role, RES_REFERRAL_PERSON, ACT_DELETE)) {
		rc = TR_ERR_FORBIDDEN;
		goto out;
	}
	int64_t now = tr_now_ms();
	if ((rc = erase_where(c, id, 0, now, &n)))
		goto out;
	struct audit_entry e = {who->user_id, who->org_id, "erase", "referral",
				id,	      request_id,  reason,  NULL};
	rc = audit_append(c, &e, now);
out:
	json_decref(cur);
	rc = finish(c, rc);
	if (!rc)
		checkpoint(c, n);
	return rc;
}

int referral_retention_run(struct db_conn *c, int64_t now, int days, int *erased)
{
	*erased = 0;
	secure_delete_on(c);
	int rc = db_begin(c);
	if (rc)
		return rc;
	if ((rc = erase_where(c, NULL, now - (int64_t)days * DAY_MS, now, erased)))
		return finish(c, rc);
	if (*erased) {
		char detail[80];
		snprintf(detail, sizeof(detail), "{\"erased\":%d,\"days\":%d}", *erased, days);
		struct audit_entry e = {NULL, NULL, "retention", "referral",
					NULL, NULL, NULL,	 detail};
		rc = audit_append(c, &e, now);
	}
	rc = finish(c, rc);
	if (!rc)
		checkpoint(c, *erased);
	return rc;
}

/* ---- consent ---- */

static int64_t consent_next_seq(struct db_conn *c, const char *id)
{
	struct db_stmt *s;
	if (db_prepare(
		c, "SELECT COALESCE(MAX(seq), 0) FROM referral_consents WHERE referral_id = ?", &s))
		return -1;
	db_bind_text(s, 1, id);
	int64_t n = db_step(s) == DB_ROW ? db_col_int64(s, 0) + 1 : -1;
	db_done(s);
	return n;
}

int referral_consent_add(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
			 const char *request_id, const char **field)
{
	*field = NULL;
	int rc = db_begin(c);
	if (rc)
		return rc;
	json_t *cur = NULL;
	if ((rc = referral_read(c, who, id, &cur)))
		goto out;
	if (!acl_role_can(who->role, RES_REFERRAL_CONSENT, ACT_CREATE)) {
		rc = TR_ERR_FORBIDDEN;
		goto out;
	}
	int64_t now = tr_now_ms(), given = now;
	const char *at = json_string_value(json_object_get(body, "given_at"));
	if (at && (tr_time_parse(at, &given) || given > now + 60000)) {
		*field = "given_at";
		rc = TR_ERR_INVALID;
		goto out;
	}
	const char *subject = json_string_value(json_object_get(body, "subject"));
	const char *decision = json_string_value(json_object_get(body, "decision"));
	int withdraws = 0;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(body, "scopes"), i, v)
	{
		const char *scope = json_string_value(v);
		int64_t seq = consent_next_seq(c, id);
		struct db_stmt *s;
		char cid[37];
		tr_uuid7(cid);
		if (seq < 0 ||
		    (rc = db_prepare(c,
				     "INSERT INTO referral_consents (id, referral_id, seq,"
				     " subject, scope, decision, given_at, recorded_by,"
				     " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
				     &s))) {
			rc = rc ? rc : TR_ERR_DB;
			goto out;
		}
		db_bind_text(s, 1, cid);
		db_bind_text(s, 2, id);
		db_bind_int64(s, 3, seq);
		db_bind_text(s, 4, subject);
		db_bind_text(s, 5, scope);
		db_bind_text(s, 6, decision);
		db_bind_int64(s, 7, given);
		db_bind_text(s, 8, who->user_id);
		db_bind_int64(s, 9, now);
		rc = db_step(s);
		db_done(s);
		if (rc != DB_DONE)
			goto out;
		rc = TR_OK;
		if (strcmp(decision, "withdrawn") == 0 && strcmp(scope, "statistics") != 0)
			withdraws = 1;
	}
	const char *status = json_string_value(json_object_get(cur, "status"));
	if (withdraws && is_open(status)) {
		struct change ch = {.status = "consent_withdrawn", .closed = now};
		if ((rc = referral_write(c, id, &ch, now)))
			goto out;
	} else {
		struct db_stmt *s;
		if ((rc = db_prepare(c,
				     "UPDATE referrals SET updated_at = ?, version = version + 1"
				     " WHERE id = ?",
				     &s)))
			goto out;
		db_bind_int64(s, 1, now);
		db_bind_text(s, 2, id);
		rc = db_step(s);
		db_done(s);
		if (rc != DB_DONE)
			goto out;
		rc = TR_OK;
	}
	char detail[200];
	snprintf(detail, sizeof(detail), "{\"subject\":\"%s\",\"decision\":\"%s\",\"scopes\":%zu}",
		 subject, decision, json_array_size(json_object_get(body, "scopes")));
	struct audit_entry e = {who->user_id, who->org_id, "consent", "referral",
				id,	      request_id,  NULL,      detail};
	rc = audit_append(c, &e, now);
out:
	json_decref(cur);
	return finish(c, rc);
}

int referral_consents(struct db_conn *c, const struct caller *who, const char *id, json_t *items)
{
	json_t *cur = NULL;
	int rc = referral_read(c, who, id, &cur);
	json_decref(cur);
	if (rc)
		return rc;
	if (!acl_role_can(who->role, RES_REFERRAL_CONSENT, ACT_LIST))
		return TR_ERR_FORBIDDEN;
	struct db_stmt *s;
	if ((rc = db_prepare(
		 c,
		 "SELECT id, seq, subject, scope, decision, given_at, recorded_by,"
		 " recorded_at FROM referral_consents WHERE referral_id = ? ORDER BY seq",
		 &s)))
		return rc;
	db_bind_text(s, 1, id);
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(
		    items, json_pack("{s:s, s:I, s:s, s:s, s:s, s:o, s:s, s:o}", "id",
				     db_col_text(s, 0), "version", (json_int_t)db_col_int64(s, 1),
				     "subject", db_col_text(s, 2), "scope", db_col_text(s, 3),
				     "decision", db_col_text(s, 4), "given_at",
				     activity_time_json(s, 5), "recorded_by", db_col_text(s, 6),
				     "recorded_at", activity_time_json(s, 7)));
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

/* ---- deadlines ---- */

/* Ids of referrals matching sql (one bound time), at most 1000 a run. */
static int ids_where(struct db_conn *c, const char *sql, int64_t t, json_t *ids)
{
	struct db_stmt *s;
	int nth = 1;
	int rc = db_prepare(c, sql, &s);
	if (rc)
		return rc;
	for (const char *q = strchr(sql, '?'), *p = sql; q; p = q + 1, q = strchr(p, '?'))
		db_bind_int64(s, nth++, t);
	while ((rc = db_step(s)) == DB_ROW && json_array_size(ids) < 1000)
		json_array_append_new(ids, json_string(db_col_text(s, 0)));
	db_done(s);
	return rc == DB_DONE || rc == DB_ROW ? TR_OK : rc;
}

static int deadline_apply(struct db_conn *c, const char *sql, const char *action, json_t *ids,
			  int64_t now)
{
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
	{
		struct db_stmt *s;
		int rc = db_prepare(c, sql, &s);
		if (rc)
			return rc;
		db_bind_int64(s, 1, now);
		db_bind_int64(s, 2, now);
		db_bind_text(s, 3, json_string_value(v));
		rc = db_step(s);
		db_done(s);
		if (rc != DB_DONE)
			return rc;
		/* the inbox items of deadlines and expiry are raised by the
		 * notifications' deadline scheduler (notify_deadlines_run) from the
		 * times and status written here */
		struct audit_entry e = {NULL, NULL, action, "referral", json_string_value(v),
					NULL, NULL, NULL};
		if ((rc = audit_append(c, &e, now)))
			return rc;
	}
	return TR_OK;
}

int referral_deadlines_run(struct db_conn *c, int64_t now, int *escalated, int *expired)
{
	*escalated = *expired = 0;
	int rc = db_begin(c);
	if (rc)
		return rc;
	json_t *late = json_array(), *old = json_array();
	rc = ids_where(c,
		       "SELECT id FROM referrals WHERE escalated_at IS NULL AND ((status = 'sent'"
		       " AND ack_due_at < ?) OR (status IN ('sent', 'acknowledged', 'accepted')"
		       " AND contact_due_at < ?)) ORDER BY id",
		       now, late);
	if (!rc)
		rc = ids_where(c,
			       "SELECT id FROM referrals WHERE status IN ('sent', 'acknowledged')"
			       " AND sent_at < ? ORDER BY id",
			       now - EXPIRE_MS, old);
	if (!rc)
		rc = deadline_apply(c,
				    "UPDATE referrals SET escalated_at = ?, updated_at = ?,"
				    " version = version + 1 WHERE id = ?",
				    "escalate", late, now);
	if (!rc)
		rc = deadline_apply(c,
				    "UPDATE referrals SET status = 'expired', closed_at = ?,"
				    " updated_at = ?, version = version + 1 WHERE id = ?",
				    "expire", old, now);
	*escalated = (int)json_array_size(late);
	*expired = (int)json_array_size(old);
	json_decref(late);
	json_decref(old);
	return finish(c, rc);
}

/* ---- outcomes ---- */

/* A count shown as null: 0 < n < threshold (every referral counts as of
 * another organisation: the figures are for ministries, not the two). */
static int hidden_count(int n, int threshold)
{
	return aq_suppressed(n, n, threshold);
}

struct tally {
	int n, ack_in_time, first_contact, completed;
	double *days;
	int ndays;
};

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static json_t *share(int part, int n)
{
	return n ? json_real((double)llround(1000.0 * part / n) / 1000.0) : json_null();
}

static json_t *tally_json(struct tally *t, const char *value, int threshold)
{
	int hidden = hidden_count(t->n, threshold);
	json_t *o = json_object();
	if (value)
		json_object_set_new(o, "value", json_string(value));
	json_object_set_new(o, "suppressed", json_boolean(hidden));
	json_object_set_new(o, "referrals", hidden ? json_null() : json_integer(t->n));
	json_object_set_new(o, "acknowledged_in_time",
			    hidden ? json_null() : share(t->ack_in_time, t->n));
	json_object_set_new(o, "first_contact",
			    hidden ? json_null() : share(t->first_contact, t->n));
	json_object_set_new(o, "completed", hidden ? json_null() : share(t->completed, t->n));
	json_t *median = json_null();
	if (!hidden && t->ndays) {
		qsort(t->days, (size_t)t->ndays, sizeof(double), by_double);
		double m = t->ndays % 2 ? t->days[t->ndays / 2]
					: (t->days[t->ndays / 2 - 1] + t->days[t->ndays / 2]) / 2;
		median = json_real((double)llround(m * 10) / 10.0);
	}
	json_object_set_new(o, "median_days_to_first_contact", median);
	return o;
}

static void tally_add(struct tally *t, struct db_stmt *s)
{
	int64_t sent = db_col_int64(s, 1), due = db_col_int64(s, 2);
	t->n++;
	if (!db_col_is_null(s, 3) && db_col_int64(s, 3) <= due)
		t->ack_in_time++;
	if (!db_col_is_null(s, 4)) {
		t->first_contact++;
		double *more = realloc(t->days, (size_t)(t->ndays + 1) * sizeof(double));
		if (more) {
			t->days = more;
			t->days[t->ndays++] = (double)(db_col_int64(s, 4) - sent) / (double)DAY_MS;
		}
	}
	if (strcmp(db_col_text(s, 5), "completed") == 0)
		t->completed++;
}

int referral_outcomes(struct db_conn *c, const char *by, const char *country, int64_t from,
		      int64_t to, int threshold, json_t **out)
{
	const char *const *values = strcmp(by, "service_type") == 0 ? service_types
				    : strcmp(by, "pathway") == 0    ? referral_pathways
				    : strcmp(by, "age_band") == 0   ? referral_age_bands
				    : strcmp(by, "gender") == 0	    ? referral_genders
								    : NULL;
	if (!values)
		return TR_ERR_INVALID;
	size_t nv = 0;
	while (values[nv])
		nv++;
	struct tally *t = calloc(nv + 1, sizeof(*t)); /* the last: the total */
	if (!t)
		return TR_ERR_NOMEM;
	struct query q;
	char head[700];
	/* by is one of the allow-listed column names above */
	snprintf(head, sizeof(head),
		 "SELECT r.%s, r.sent_at, r.ack_due_at, r.acknowledged_at, r.first_contact_at,"
		 " r.status FROM referrals r WHERE r.sent_at IS NOT NULL"
		 /* not those whose consent to anonymous statistics is withdrawn */
		 " AND NOT EXISTS (SELECT 1 FROM referral_consents c WHERE c.referral_id = r.id"
		 " AND c.scope = 'statistics' AND c.decision = 'withdrawn' AND c.seq = (SELECT"
		 " MAX(c2.seq) FROM referral_consents c2 WHERE c2.referral_id = r.id AND"
		 " c2.scope = 'statistics'))",
		 values == service_types ? "service_type" : by);
	query_init(&q);
	query_sql(&q, head);
	if (country)
		query_text(&q, " AND r.country = ?", country);
	if (from)
		query_int(&q, " AND r.sent_at >= ?", from);
	if (to)
		query_int(&q, " AND r.sent_at < ?", to);
	struct db_stmt *s;
	int rc = query_prepare(&q, c, &s);
	query_free(&q);
	if (!rc) {
		while ((rc = db_step(s)) == DB_ROW) {
			for (size_t i = 0; i < nv; i++)
				if (strcmp(values[i], db_col_text(s, 0)) == 0)
					tally_add(&t[i], s);
			tally_add(&t[nv], s);
		}
		db_done(s);
		rc = rc == DB_DONE ? TR_OK : rc;
	}
	if (!rc) {
		json_t *groups = json_array();
		int hidden = 0;
		for (size_t i = 0; i < nv; i++) {
			json_array_append_new(groups, tally_json(&t[i], values[i], threshold));
			if (hidden_count(t[i].n, threshold))
				hidden += t[i].n;
		}
		/* a total that would give back the hidden groups is hidden too */
		int total_hidden = aq_total_suppressed(t[nv].n, t[nv].n, hidden, hidden, threshold);
		json_t *total = tally_json(&t[nv], NULL, threshold);
		if (total_hidden && !json_is_true(json_object_get(total, "suppressed"))) {
			json_decref(total);
			struct tally none = {0};
			total = tally_json(&none, NULL, threshold);
			json_object_set_new(total, "suppressed", json_true());
			json_object_set_new(total, "referrals", json_null());
		}
		*out = json_pack("{s:s, s:i, s:o, s:o}", "by", by, "suppress_below", threshold,
				 "groups", groups, "total", total);
	}
	for (size_t i = 0; i <= nv; i++)
		free(t[i].days);
	free(t);
	return rc;
}
