#include "domain/row.h"
#include "domain/row_tx.h"
#include "domain/referral.h"
#include "domain/referral_impl.h"
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

static json_t *referral_row(struct db_stmt *s, const struct caller *who, int64_t now)
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

/* A row as the reader sees it. */
static json_t *reader_row(struct db_stmt *s, void *ctx)
{
	const struct row_reader *x = ctx;
	return referral_row(s, x->who, x->now);
}

int referral_read_one(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	if (!acl_role_can(who->role, RES_REFERRAL, ACT_READ))
		return TR_ERR_NOT_FOUND;
	struct query q;
	select_start(&q);
	query_text(&q, " AND r.id = ?", id);
	referral_visible(&q, who);
	struct row_reader x = {who, tr_now_ms()};
	return row_query_one_ctx(&q, c, reader_row, &x, out);
}

/* The consent in force per scope: {"service": {"subject","decision",
 * "given_at"}, ...} from the newest record of each scope. */
static json_t *consent_row(struct db_stmt *s)
{
	return json_pack("{s:s, s:s, s:o}", "subject", db_col_text(s, 1), "decision",
			 db_col_text(s, 2), "given_at", row_time(s, 3));
}

static int consent_state(struct db_conn *c, const char *id, json_t **out)
{
	*out = json_object();
	int rc = row_keyed_vals(c,
				"SELECT scope, subject, decision, given_at FROM referral_consents"
				" WHERE referral_id = ? ORDER BY seq",
				DB_VALS(DB_TEXT(id)), consent_row, *out);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int referral_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	int rc = referral_read_one(c, who, id, out);
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
	const struct row_filter by[] = {{" AND r.status = ?", f->status},
					{" AND r.pathway = ?", f->pathway}};
	row_filters(&q, by, sizeof(by) / sizeof(by[0]));
	if (f->overdue >= 0) {
		query_sql(&q, f->overdue ? " AND (" : " AND NOT (");
		query_int(&q, "(r.status = 'sent' AND (r.ack_due_at < ?", now);
		query_int(&q, " OR r.contact_due_at < ?))", now);
		query_int(
		    &q, " OR (r.status IN ('acknowledged', 'accepted') AND r.contact_due_at < ?))",
		    now);
	}
	row_keyset(&q, "r", after, limit);
	struct db_stmt *s;
	int more = 0;
	struct row_reader x = {who, now};
	int rc = query_take(&q, c, &s);
	if (!rc)
		rc = row_page_ctx(s, limit, reader_row, &x, items, &more);
	if (!rc && more && !(*next_key = row_page_key(items, more)))
		rc = TR_ERR_NOMEM;
	return rc;
}

/* ---- writing ---- */

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

char *referral_open_sealed(const char *sealed)
{
	return sealed && has_key ? tip_contact_open(data_key, sealed) : NULL;
}

void referral_wipe_free(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

const char *referral_age_band(int years)
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
	char kind[40];
	/* a NULL deadline reads as 0: the type's */
	const struct row_var v[] = {{.text = org, .size = 37},
				    {.text = type, .size = 40},
				    {.text = kind, .size = sizeof(kind)},
				    {.num = ack_hours},
				    {.num = first_contact_days}};
	int rc = row_scan_vals(c,
			       "SELECT s.org_id, s.type, o.kind, s.ack_hours, s.first_contact_days"
			       " FROM services s JOIN organisations o"
			       " ON o.id = s.org_id WHERE s.id = ? AND s.active = 1",
			       DB_VALS(DB_TEXT(service_id)), v, 5);
	if (rc)
		return rc == TR_ERR_NOT_FOUND ? TR_ERR_INVALID : rc;
	*panel = strcmp(kind, "diversion_panel") == 0 || strcmp(type, "diversion_panel") == 0;
	return TR_OK;
}

/* A linked problem as links_check reads it: without indicators. */
static int problem_read(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	return problem_get(c, who, id, 0, out);
}

/* Each linked record must be one the caller sees. */
static int links_check(struct db_conn *c, const struct caller *who, json_t *body,
		       const char **field)
{
	static const struct {
		const char *field;
		row_read_fn read;
	} links[] = {{"tip_id", tip_get}, {"alert_id", alert_get}, {"problem_id", problem_read}};
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		const char *id = json_string_value(json_object_get(body, links[i].field));
		int rc = id ? row_seen(c, who, id, links[i].read) : TR_OK;
		if (rc)
			return *field = links[i].field,
			       rc == TR_ERR_NOT_FOUND ? TR_ERR_INVALID : rc;
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
	referral_wipe_free(text);
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
	return row_step_write(s);
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
		return db_end(c, rc);
	}
	if ((rc = links_check(c, who, body, field)))
		return db_end(c, rc);
	int ok = 1;
	char *person_enc = person_seal(person, &ok);
	char *facts_enc = seal(json_string_value(json_object_get(body, "facts")), &ok);
	tr_uuid7(id);
	rc = ok ? referral_insert(c, who, body, id, recv, type, referral_age_band(years),
				  years < 18, person_enc, facts_enc, now)
		: TR_ERR_NOMEM;
	free(person_enc);
	free(facts_enc);
	if (!rc)
		rc = audit_by(c, who, "create", "referral", id, request_id, now);
	return db_end(c, rc);
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
	return row_step_write(s);
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
	json_t *cur;
	int rc = row_update_begin(c, who, id, referral_get, &cur);
	if (rc)
		return rc;
	struct change ch = {0};
	if (!acl_role_can(who->role, RES_REFERRAL, ACT_UPDATE)) {
		rc = TR_ERR_FORBIDDEN;
		goto out;
	}
	if ((rc = row_version_check(cur, version)))
		goto out;
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
	return db_end(c, rc);
}

/* ---- consent ---- */

static int64_t consent_next_seq(struct db_conn *c, const char *id)
{
	int64_t n;
	return db_int_vals(c,
			   "SELECT COALESCE(MAX(seq), 0) + 1 FROM referral_consents WHERE"
			   " referral_id = ?",
			   DB_VALS(DB_TEXT(id)), &n)
		   ? -1
		   : n;
}

/* One consent of a referral, for one scope. */
struct consent_row {
	const char *referral_id, *subject, *scope, *decision;
	int64_t given;
	const char *recorded_by;
};

static int consent_insert(struct db_conn *c, const struct consent_row *r, int64_t now)
{
	int64_t seq = consent_next_seq(c, r->referral_id);
	char cid[37];
	tr_uuid7(cid);
	if (seq < 0)
		return TR_ERR_DB;
	return db_run_vals(c,
			   "INSERT INTO referral_consents (id, referral_id, seq,"
			   " subject, scope, decision, given_at, recorded_by,"
			   " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			   DB_VALS(DB_TEXT(cid), DB_TEXT(r->referral_id), DB_INT(seq),
				   DB_TEXT(r->subject), DB_TEXT(r->scope), DB_TEXT(r->decision),
				   DB_INT(r->given), DB_TEXT(r->recorded_by), DB_INT(now)));
}

int referral_consent_add(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
			 const char *request_id, const char **field)
{
	*field = NULL;
	json_t *cur;
	int rc = row_update_begin(c, who, id, referral_read_one, &cur);
	if (rc)
		return rc;
	char detail[200] = "";
	int64_t now = tr_now_ms(), given = now;
	if (!acl_role_can(who->role, RES_REFERRAL_CONSENT, ACT_CREATE)) {
		rc = TR_ERR_FORBIDDEN;
		goto out;
	}
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
		struct consent_row row = {id, subject, scope, decision, given, who->user_id};
		if ((rc = consent_insert(c, &row, now)))
			goto out;
		if (strcmp(decision, "withdrawn") == 0 && strcmp(scope, "statistics") != 0)
			withdraws = 1;
	}
	const char *status = json_string_value(json_object_get(cur, "status"));
	if (withdraws && is_open(status)) {
		struct change ch = {.status = "consent_withdrawn", .closed = now};
		if ((rc = referral_write(c, id, &ch, now)))
			goto out;
	} else {
		if ((rc = db_run_vals(c,
				      "UPDATE referrals SET updated_at = ?, version = version + 1"
				      " WHERE id = ?",
				      DB_VALS(DB_INT(now), DB_TEXT(id)))))
			goto out;
	}
	snprintf(detail, sizeof(detail), "{\"subject\":\"%s\",\"decision\":\"%s\",\"scopes\":%zu}",
		 subject, decision, json_array_size(json_object_get(body, "scopes")));
out:
	return row_audit_end(c, who, "consent", "referral", id, request_id, detail, now, cur, rc);
}

static json_t *consent_json(struct db_stmt *s)
{
	return json_pack("{s:s, s:I, s:s, s:s, s:s, s:o, s:s, s:o}", "id", db_col_text(s, 0),
			 "version", (json_int_t)db_col_int64(s, 1), "subject", db_col_text(s, 2),
			 "scope", db_col_text(s, 3), "decision", db_col_text(s, 4), "given_at",
			 row_time(s, 5), "recorded_by", db_col_text(s, 6), "recorded_at",
			 row_time(s, 7));
}

int referral_consents(struct db_conn *c, const struct caller *who, const char *id, json_t *items)
{
	int rc = row_seen(c, who, id, referral_read_one);
	if (rc)
		return rc;
	if (!acl_role_can(who->role, RES_REFERRAL_CONSENT, ACT_LIST))
		return TR_ERR_FORBIDDEN;
	return row_all_vals(
	    c,
	    "SELECT id, seq, subject, scope, decision, given_at, recorded_by,"
	    " recorded_at FROM referral_consents WHERE referral_id = ? ORDER BY seq",
	    DB_VALS(DB_TEXT(id)), consent_json, items);
}
