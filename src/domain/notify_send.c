#include "domain/notify_send.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/activity.h"
#include "domain/alert.h"
#include "domain/auth.h"
#include "domain/notify.h"
#include "domain/practice.h"
#include "domain/proposal.h"
#include "domain/tip_intake.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAIL_MAX (256 * 1024)

/* ---- the words of a message, in en, fr and ru ---- */

enum lang { LANG_EN, LANG_FR, LANG_RU };

enum phrase {
	P_NEW_ALERT,
	P_NEW_PRACTICE,
	P_NEW_PROPOSAL,
	P_NEW_ACTIVITY,
	P_SOMETHING_NEW,
	P_SOMETHING_NEW_BODY,
	P_OPEN,
	P_UNSUBSCRIBE,
	P_DIGEST,
	P_DIGEST_BODY,
	P_INVITE_SUBJECT,
	P_INVITE_BODY,
	P_RESET_SUBJECT,
	P_RESET_BODY,
	P_VALID,
	P_CATEGORY,
	P__MAX
};

static const char *const phrases[P__MAX][3] = {
    [P_NEW_ALERT] = {"New alert", "Nouvelle alerte", "Новое оповещение"},
    [P_NEW_PRACTICE] = {"Practice published", "Pratique publiée", "Опубликована практика"},
    [P_NEW_PROPOSAL] = {"Proposal open", "Proposition ouverte", "Открыто предложение"},
    [P_NEW_ACTIVITY] = {"New activity", "Nouvelle activité", "Новое мероприятие"},
    [P_SOMETHING_NEW] = {"There is something new for you", "Il y a du nouveau pour vous",
			 "Для вас есть новое"},
    [P_SOMETHING_NEW_BODY] = {"A record you follow has news. Sign in to read it:",
			      "Un élément que vous suivez a du nouveau. Connectez-vous pour le "
			      "lire :",
			      "В отслеживаемой вами записи есть новое. Войдите, чтобы прочитать:"},
    [P_OPEN] = {"Open it in Trellis:", "L'ouvrir dans Trellis :", "Открыть в Trellis:"},
    [P_UNSUBSCRIBE] = {"Stop these messages:", "Ne plus recevoir ces messages :",
		       "Отписаться от этих сообщений:"},
    [P_DIGEST] = {"Your daily digest", "Votre résumé du jour", "Ваша ежедневная сводка"},
    [P_DIGEST_BODY] = {"What is new for you since the last digest:",
		       "Les nouveautés pour vous depuis le dernier résumé :",
		       "Новое для вас с последней сводки:"},
    [P_INVITE_SUBJECT] = {"You are invited to Trellis", "Vous êtes invité(e) sur Trellis",
			  "Приглашение в Trellis"},
    [P_INVITE_BODY] = {"An account was made for you. Choose your password here:",
		       "Un compte a été créé pour vous. Choisissez votre mot de passe ici :",
		       "Для вас создана учётная запись. Выберите пароль здесь:"},
    [P_RESET_SUBJECT] = {"Reset your Trellis password", "Réinitialiser votre mot de passe Trellis",
			 "Сброс пароля Trellis"},
    [P_RESET_BODY] = {"Someone asked to reset your password. If it was you, choose a new one "
		      "here; otherwise ignore this message:",
		      "Quelqu'un a demandé à réinitialiser votre mot de passe. Si c'est vous, "
		      "choisissez-en un nouveau ici ; sinon ignorez ce message :",
		      "Кто-то запросил сброс вашего пароля. Если это вы, выберите новый здесь; "
		      "иначе не обращайте внимания на это письмо:"},
    [P_VALID] = {"The link works once, for 72 hours.",
		 "Le lien ne sert qu'une fois, pendant 72 heures.",
		 "Ссылка действует один раз в течение 72 часов."},
    [P_CATEGORY] = {"Category", "Catégorie", "Категория"},
};

static const char *say(enum lang l, enum phrase p)
{
	return phrases[p][l];
}

static enum lang lang_of(const char *code)
{
	if (code && strcmp(code, "fr") == 0)
		return LANG_FR;
	if (code && strcmp(code, "ru") == 0)
		return LANG_RU;
	return LANG_EN;
}

/* ---- composing: text and HTML parts, base64, RFC 2047 subject ---- */

struct draft {
	enum lang lang;
	struct buf subject, text, html;
	char unsubscribe[700]; /* "" when none */
};

static void draft_init(struct draft *d, enum lang l)
{
	d->lang = l;
	buf_init(&d->subject, 1024);
	buf_init(&d->text, MAIL_MAX);
	buf_init(&d->html, MAIL_MAX);
	d->unsubscribe[0] = '\0';
}

static void draft_free(struct draft *d)
{
	buf_free(&d->subject);
	buf_free(&d->text);
	buf_free(&d->html);
}

static void html_escape(struct buf *b, const char *s)
{
	static const char special[] = "<>&\"'";
	static const char *const entity[] = {"&lt;", "&gt;", "&amp;", "&quot;", "&#39;"};
	for (; s && *s; s++) {
		const char *e = strchr(special, *s);
		if (e)
			buf_puts(b, entity[e - special]);
		else
			buf_append(b, s, 1);
	}
}

/* One paragraph in both parts. */
static void para(struct draft *d, const char *s)
{
	buf_printf(&d->text, "%s\r\n\r\n", s);
	buf_puts(&d->html, "<p>");
	html_escape(&d->html, s);
	buf_puts(&d->html, "</p>\n");
}

/* A label followed by a link, in both parts. */
static void link_para(struct draft *d, const char *label, const char *url)
{
	buf_printf(&d->text, "%s\r\n%s\r\n\r\n", label, url);
	buf_puts(&d->html, "<p>");
	html_escape(&d->html, label);
	buf_puts(&d->html, "<br><a href=\"");
	html_escape(&d->html, url);
	buf_puts(&d->html, "\">");
	html_escape(&d->html, url);
	buf_puts(&d->html, "</a></p>\n");
}

static void base64_wrapped(struct buf *out, const char *data, size_t len)
{
	/* 57 bytes make one 76-character line */
	for (size_t off = 0; off < len; off += 57) {
		size_t n = len - off < 57 ? len - off : 57;
		char line[80];
		sodium_bin2base64(line, sizeof(line), (const unsigned char *)data + off, n,
				  sodium_base64_VARIANT_ORIGINAL);
		buf_printf(out, "%s\r\n", line);
	}
}

/* The subject as RFC 2047 encoded words of at most 45 bytes each, never
 * cutting a UTF-8 sequence. */
static void subject_encode(struct buf *out, const char *s)
{
	size_t len = strlen(s), off = 0;
	buf_puts(out, "Subject:");
	while (off < len) {
		size_t n = len - off < 45 ? len - off : 45;
		while (off + n < len && ((unsigned char)s[off + n] & 0xC0) == 0x80)
			n--;
		char word[80];
		sodium_bin2base64(word, sizeof(word), (const unsigned char *)s + off, n,
				  sodium_base64_VARIANT_ORIGINAL);
		buf_printf(out, " =?UTF-8?B?%s?=\r\n", word);
		off += n;
	}
	if (!len)
		buf_puts(out, "\r\n");
}

/* The whole message: headers, then text and HTML alternatives. */
static int compose(const struct draft *d, const char *id, const char *rcpt, struct buf *out)
{
	const struct notify_config *cfg = notify_config();
	const char *domain = strchr(cfg->mail_from, '@');
	char date[64];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	char boundary[40];
	snprintf(boundary, sizeof(boundary), "=_trellis_%.16s", id);
	buf_printf(out, "From: Trellis <%s>\r\nTo: <%s>\r\nDate: %s\r\n", cfg->mail_from, rcpt,
		   date);
	buf_printf(out, "Message-ID: <%s@%s>\r\n", id, domain ? domain + 1 : "trellis.invalid");
	subject_encode(out, d->subject.data ? d->subject.data : "");
	if (d->unsubscribe[0])
		buf_printf(out, "List-Unsubscribe: <%s>\r\n", d->unsubscribe);
	buf_printf(out,
		   "Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n"
		   "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n",
		   boundary);
	buf_printf(out,
		   "--%s\r\nContent-Type: text/plain; charset=UTF-8\r\n"
		   "Content-Transfer-Encoding: base64\r\n\r\n",
		   boundary);
	base64_wrapped(out, d->text.data ? d->text.data : "", d->text.len);
	buf_printf(out,
		   "--%s\r\nContent-Type: text/html; charset=UTF-8\r\n"
		   "Content-Transfer-Encoding: base64\r\n\r\n",
		   boundary);
	struct buf html;
	buf_init(&html, MAIL_MAX + 256);
	buf_printf(&html, "<!doctype html><html lang=\"%s\"><meta charset=\"utf-8\"><body>\n",
		   d->lang == LANG_FR	? "fr"
		   : d->lang == LANG_RU ? "ru"
					: "en");
	buf_puts(&html, d->html.data ? d->html.data : "");
	buf_puts(&html, "</body></html>\n");
	base64_wrapped(out, html.data ? html.data : "", html.len);
	int err = html.err;
	buf_free(&html);
	buf_printf(out, "--%s--\r\n", boundary);
	return err ? err : out->err;
}

/* ---- what each kind of message says ---- */

struct outmsg {
	char id[37], user_id[37], kind[16], ref_type[16], ref_id[37], sub_id[37];
	char rcpt[320];
	char *payload; /* opened */
	int attempts;
};

/* The caller the recipient would be in the app (NULL-safe: TR_ERR_UNAUTH
 * for a disabled or removed user). */
static int recipient(struct db_conn *c, const char *user_id, struct caller *who, enum lang *l)
{
	int rc = auth_caller_load(c, user_id, who);
	if (rc)
		return rc;
	struct db_stmt *s;
	if ((rc = db_prepare_vals(c, "SELECT language FROM users WHERE id = ?",
				  DB_VALS(DB_TEXT(user_id)), &s)))
		return rc;
	rc = db_step(s);
	*l = lang_of(rc == DB_ROW ? db_col_text(s, 0) : NULL);
	db_done(s);
	return rc == DB_ROW ? TR_OK : TR_ERR_NOT_FOUND;
}

static int content_free(const char *tlp)
{
	return tlp && (strcmp(tlp, "red") == 0 || strcmp(tlp, "amber+strict") == 0);
}

typedef int (*record_get_fn)(struct db_conn *c, const struct caller *who, const char *id,
			     json_t **out);

/* Each record type a subscription may name: the module's own reader (the
 * one its API uses, so a message says no more than the record's page
 * would), the words of its subject and the fields a message shows. */
static const struct record_kind {
	const char *type;
	enum resource res;
	record_get_fn get;
	enum phrase headline;
	const char *summary, *category;
} record_kinds[] = {
    {"alert", RES_ALERT, alert_get, P_NEW_ALERT, "summary", "category"},
    {"practice", RES_PRACTICE, practice_get, P_NEW_PRACTICE, "summary", "setting"},
    {"proposal", RES_PROPOSAL, proposal_get, P_NEW_PROPOSAL, "description", NULL},
    {"activity", RES_ACTIVITY, activity_get, P_NEW_ACTIVITY, "description", "type"},
};

static const struct record_kind *record_kind_of(const char *type)
{
	for (size_t i = 0; type && i < sizeof(record_kinds) / sizeof(record_kinds[0]); i++)
		if (strcmp(record_kinds[i].type, type) == 0)
			return &record_kinds[i];
	return NULL;
}

/* One record in a message: its title, summary and category, or for red and
 * amber+strict only that there is something new, with the link either way. */
static void record_lines(struct draft *d, const struct record_kind *k, json_t *a, int headline)
{
	const struct notify_config *cfg = notify_config();
	char url[700];
	const char *path = notify_type_path(k->type);
	char plural[32];
	snprintf(plural, sizeof(plural), "%ss", k->type);
	snprintf(url, sizeof(url), "%s/%s/%s", cfg->public_url, path ? path : plural,
		 json_string_value(json_object_get(a, "id")));
	const char *tlp = json_string_value(json_object_get(a, "tlp"));
	if (content_free(tlp)) {
		if (headline)
			buf_puts(&d->subject, say(d->lang, P_SOMETHING_NEW));
		para(d, say(d->lang, P_SOMETHING_NEW_BODY));
		link_para(d, say(d->lang, P_OPEN), url);
		return;
	}
	const char *title = json_string_value(json_object_get(a, "title"));
	const char *summary = json_string_value(json_object_get(a, k->summary));
	const char *cat = k->category ? json_string_value(json_object_get(a, k->category)) : NULL;
	if (headline)
		buf_printf(&d->subject, "%s: %s", say(d->lang, k->headline), title ? title : "");
	char line[1200];
	if (tlp)
		snprintf(line, sizeof(line), "%s [TLP:%s]", title ? title : "", tlp);
	else
		snprintf(line, sizeof(line), "%s", title ? title : "");
	para(d, line);
	if (summary && *summary)
		para(d, summary);
	if (cat && *cat) {
		snprintf(line, sizeof(line), "%s: %s", say(d->lang, P_CATEGORY), cat);
		para(d, line);
	}
	link_para(d, say(d->lang, P_OPEN), url);
}

/* TR_OK with the draft filled; TR_ERR_NOT_FOUND when nothing the recipient
 * may see is left to say (the message is dropped). */
static int render_record(struct db_conn *c, const struct record_kind *k, const struct outmsg *m,
			 const struct caller *who, struct draft *d)
{
	json_t *a = NULL;
	if (!acl_role_can(who->role, k->res, ACT_READ))
		return TR_ERR_NOT_FOUND;
	int rc = k->get(c, who, m->ref_id, &a);
	if (rc)
		return rc == TR_ERR_FORBIDDEN ? TR_ERR_NOT_FOUND : rc;
	record_lines(d, k, a, 1);
	json_decref(a);
	if (m->sub_id[0]) {
		snprintf(d->unsubscribe, sizeof(d->unsubscribe), "%s/subscriptions?unsubscribe=%s",
			 notify_config()->public_url, m->sub_id);
		link_para(d, say(d->lang, P_UNSUBSCRIBE), d->unsubscribe);
	}
	return TR_OK;
}

static int render_digest(struct db_conn *c, const struct outmsg *m, const struct caller *who,
			 struct draft *d)
{
	json_t *items = m->payload ? json_loads(m->payload, 0, NULL) : NULL;
	if (!json_is_array(items)) {
		json_decref(items);
		return TR_ERR_NOT_FOUND;
	}
	buf_puts(&d->subject, say(d->lang, P_DIGEST));
	para(d, say(d->lang, P_DIGEST_BODY));
	int shown = 0;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		const struct record_kind *k =
		    record_kind_of(json_string_value(json_array_get(it, 0)));
		const char *id = json_string_value(json_array_get(it, 1));
		json_t *a = NULL;
		if (!k || !id || !acl_role_can(who->role, k->res, ACT_READ) ||
		    k->get(c, who, id, &a))
			continue; /* no longer visible: not a word of it */
		buf_puts(&d->text, "----\r\n\r\n");
		buf_puts(&d->html, "<hr>\n");
		record_lines(d, k, a, 0);
		json_decref(a);
		shown++;
	}
	json_decref(items);
	if (!shown)
		return TR_ERR_NOT_FOUND;
	snprintf(d->unsubscribe, sizeof(d->unsubscribe), "%s/subscriptions",
		 notify_config()->public_url);
	link_para(d, say(d->lang, P_UNSUBSCRIBE), d->unsubscribe);
	return TR_OK;
}

static int render_token(const struct outmsg *m, struct draft *d, int invitation)
{
	if (!m->payload)
		return TR_ERR_NOT_FOUND;
	char url[800];
	snprintf(url, sizeof(url), "%s/password#token=%s", notify_config()->public_url, m->payload);
	buf_puts(&d->subject, say(d->lang, invitation ? P_INVITE_SUBJECT : P_RESET_SUBJECT));
	link_para(d, say(d->lang, invitation ? P_INVITE_BODY : P_RESET_BODY), url);
	para(d, say(d->lang, P_VALID));
	return TR_OK;
}

/* Anything else names no content: something new, and where. */
static int render_notice(const struct outmsg *m, struct draft *d)
{
	(void)m; /* a notice names nothing of its message */
	char url[700];
	snprintf(url, sizeof(url), "%s/inbox", notify_config()->public_url);
	buf_puts(&d->subject, say(d->lang, P_SOMETHING_NEW));
	para(d, say(d->lang, P_SOMETHING_NEW_BODY));
	link_para(d, say(d->lang, P_OPEN), url);
	return TR_OK;
}

static int render(struct db_conn *c, const struct outmsg *m, struct draft *d)
{
	struct caller who;
	enum lang l = LANG_EN;
	int rc = m->user_id[0] ? recipient(c, m->user_id, &who, &l) : TR_ERR_NOT_FOUND;
	int token = strcmp(m->kind, "invitation") == 0 || strcmp(m->kind, "reset") == 0;
	if (rc == TR_ERR_UNAUTH && token)
		rc = TR_OK; /* an invitee is not disabled; a reset for one is moot */
	if (rc)
		return rc == TR_ERR_UNAUTH ? TR_ERR_NOT_FOUND : rc;
	draft_init(d, l);
	const struct record_kind *k = record_kind_of(m->kind);
	if (k)
		rc = render_record(c, k, m, &who, d);
	else if (strcmp(m->kind, "digest") == 0)
		rc = render_digest(c, m, &who, d);
	else if (token)
		rc = render_token(m, d, strcmp(m->kind, "invitation") == 0);
	else
		rc = render_notice(m, d);
	return rc;
}

/* ---- the outbox ---- */

/* Claims one due row by moving its next_at past the send's timeout; 1 when
 * this sender owns it now. */
static int claim(struct db_conn *c, const char *id, int64_t was, int64_t now, struct outmsg *m)
{
	struct db_stmt *s;
	int rc = db_prepare_vals(
	    c,
	    "UPDATE mail_outbox SET next_at = ?, attempts = attempts + 1"
	    " WHERE id = ? AND status = 'queued' AND next_at = ?"
	    " RETURNING user_id, rcpt, kind, ref_type, ref_id, subscription_id,"
	    " payload, attempts",
	    DB_VALS(DB_INT(now + notify_config()->timeout_ms + 1000), DB_TEXT(id), DB_INT(was)),
	    &s);
	if (rc)
		return rc;
	rc = db_step(s);
	int got = rc == DB_ROW;
	if (got) {
		memset(m, 0, sizeof(*m));
		snprintf(m->id, sizeof(m->id), "%s", id);
#define COPY(field, col) snprintf(m->field, sizeof(m->field), "%s", db_col_text(s, col))
		COPY(user_id, 0);
		COPY(rcpt, 1);
		COPY(kind, 2);
		COPY(ref_type, 3);
		COPY(ref_id, 4);
		COPY(sub_id, 5);
#undef COPY
		const char *p = db_col_is_null(s, 6) ? NULL : db_col_text(s, 6);
		const struct notify_config *cfg = notify_config();
		if (p)
			m->payload = cfg->has_key ? tip_contact_open(cfg->key, p) : strdup(p);
		m->attempts = (int)db_col_int64(s, 7);
		while (rc == DB_ROW)
			rc = db_step(s);
	}
	db_done(s);
	if (rc != DB_DONE)
		return -rc;
	return got;
}

static int finish(struct db_conn *c, const char *id, const char *status, int64_t next_at,
		  int64_t now, const char *why)
{
	return db_run_vals(c,
			   "UPDATE mail_outbox SET status = ?, next_at = ?, last_error = ?,"
			   " sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END,"
			   " payload = CASE WHEN ? = 'queued' THEN payload ELSE NULL END"
			   " WHERE id = ?",
			   DB_VALS(DB_TEXT(status), DB_INT(next_at), DB_TEXT(why), DB_TEXT(status),
				   DB_INT(now), DB_TEXT(status), DB_TEXT(id)));
}

static int64_t backoff(int attempts)
{
	const struct notify_config *cfg = notify_config();
	int64_t d = cfg->retry_base_ms;
	for (int i = 1; i < attempts && d < cfg->retry_max_ms; i++)
		d *= 2;
	return d < cfg->retry_max_ms ? d : cfg->retry_max_ms;
}

/* What became of one claimed message. */
struct outcome {
	const char *status; /* sent, dropped, failed or queued (retry) */
	int64_t next_at;
	char why[300];
};

/* Sends one claimed message; returns 1 when the server could not be
 * reached (the rest of the batch waits). */
static int send_one(struct db_conn *c, struct smtp *smtp, struct outmsg *m, int64_t now,
		    struct notify_send_stats *st, struct outcome *o, int *rc)
{
	struct draft d;
	memset(&d, 0, sizeof(d));
	o->next_at = now;
	o->why[0] = '\0';
	*rc = render(c, m, &d);
	if (*rc == TR_ERR_NOT_FOUND) {
		draft_free(&d);
		st->dropped++;
		o->status = "dropped";
		snprintf(o->why, sizeof(o->why), "not visible to the recipient");
		*rc = TR_OK;
		return 0;
	}
	if (*rc) { /* the database failed: try again after the claim lapses */
		draft_free(&d);
		o->status = NULL;
		return 1;
	}
	struct buf out;
	buf_init(&out, MAIL_MAX * 3);
	int bad = compose(&d, m->id, m->rcpt, &out);
	draft_free(&d);
	enum smtp_result r = bad ? SMTP_PERMANENT
				 : smtp_send(smtp, notify_config()->mail_from, m->rcpt, out.data,
					     out.len, o->why, sizeof(o->why));
	buf_free(&out);
	if (bad)
		snprintf(o->why, sizeof(o->why), "message too large");
	if (r == SMTP_SENT) {
		st->sent++;
		o->status = "sent";
		return 0;
	}
	if (r == SMTP_PERMANENT || m->attempts >= notify_config()->attempts_max) {
		st->failed++;
		o->status = "failed";
		return 0;
	}
	st->retried++;
	o->status = "queued";
	o->next_at = now + backoff(m->attempts);
	return 1;
}

static void outmsg_clear(struct outmsg *m)
{
	if (m->payload) {
		sodium_memzero(m->payload, strlen(m->payload));
		free(m->payload);
		m->payload = NULL;
	}
}

/* Claims the next message of ids[*i..n) that no other sender holds; 1 when
 * one is claimed into m, 0 when none is left, -rc on error. */
static int claim_next(struct db_conn *c, char (*ids)[37], const int64_t *was, int n, int *i,
		      int64_t now, struct outmsg *m)
{
	while (*i < n) {
		int got = claim(c, ids[*i], was[*i], now, m);
		(*i)++;
		if (got)
			return got;
	}
	return 0;
}

int notify_send_due(struct db_conn *c, struct smtp *smtp, int64_t now, int max,
		    struct notify_send_stats *st)
{
	struct notify_due d;
	int rc = notify_due_read(c, "mail_outbox", now, max, &d);
	if (rc)
		return rc;
	int i = 0;
	/* one commit per message: the mark of one and the claim of the next
	 * share a transaction, and a message is marked only once accepted */
	struct outmsg m;
	memset(&m, 0, sizeof(m));
	int have = 0;
	if (d.n && !(rc = db_begin(c))) {
		have = claim_next(c, d.ids, d.was, d.n, &i, now, &m);
		rc = have < 0 ? -have : db_commit(c);
		if (rc)
			db_rollback(c);
	}
	while (have > 0 && !rc) {
		struct outcome o;
		int down = send_one(c, smtp, &m, tr_now_ms(), st, &o, &rc);
		have = 0;
		if (!rc && !(rc = db_begin(c))) {
			if (o.status)
				rc = finish(c, m.id, o.status, o.next_at, tr_now_ms(),
					    o.why[0] ? o.why : NULL);
			outmsg_clear(&m);
			if (!rc && !down)
				have = claim_next(c, d.ids, d.was, d.n, &i, now, &m);
			if (have < 0)
				rc = -have;
			if (!rc)
				rc = db_commit(c);
			if (rc)
				db_rollback(c);
		}
		if (rc) {
			outmsg_clear(&m);
			have = 0;
		}
	}
	outmsg_clear(&m);
	notify_due_free(&d);
	return rc;
}
