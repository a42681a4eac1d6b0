#include "core/smtp.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct smtp {
	CURL *h;
	char *url, *user, *password;
	long timeout_ms;
};

struct upload {
	const char *data;
	size_t len, pos;
};

static size_t upload_read(char *out, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t room = size * n, left = u->len - u->pos;
	size_t k = left < room ? left : room;
	memcpy(out, u->data + u->pos, k);
	u->pos += k;
	return k;
}

static char *dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

int smtp_url_loopback(const char *url)
{
	const char *p = strstr(url, "://");
	if (!p)
		return 0;
	p += 3;
	const char *at = strchr(p, '@'), *slash = strchr(p, '/');
	if (at && (!slash || at < slash))
		p = at + 1;
	return strncmp(p, "localhost", 9) == 0 || strncmp(p, "127.", 4) == 0 ||
	       strncmp(p, "[::1]", 5) == 0;
}

struct smtp *smtp_new(const char *url, const char *user, const char *password, long timeout_ms)
{
	struct smtp *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->url = strdup(url);
	s->user = dup_or_null(user);
	s->password = dup_or_null(password);
	s->timeout_ms = timeout_ms;
	if (!s->url || (user && *user && !s->user) || (password && *password && !s->password)) {
		smtp_free(s);
		return NULL;
	}
	return s;
}

void smtp_free(struct smtp *s)
{
	if (!s)
		return;
	if (s->h)
		curl_easy_cleanup(s->h);
	free(s->url);
	free(s->user);
	if (s->password) {
		memset(s->password, 0, strlen(s->password));
		free(s->password);
	}
	free(s);
}

/* The handle is made once and kept, so its connection is reused. */
static CURL *handle(struct smtp *s)
{
	if (s->h)
		return s->h;
	CURL *h = curl_easy_init();
	if (!h)
		return NULL;
	curl_easy_setopt(h, CURLOPT_URL, s->url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, s->timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, s->timeout_ms);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	/* STARTTLS is required on the network; a loopback relay may lack it */
	curl_easy_setopt(h, CURLOPT_USE_SSL,
			 smtp_url_loopback(s->url) ? (long)CURLUSESSL_TRY : (long)CURLUSESSL_ALL);
	if (s->user)
		curl_easy_setopt(h, CURLOPT_USERNAME, s->user);
	if (s->password)
		curl_easy_setopt(h, CURLOPT_PASSWORD, s->password);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, upload_read);
	s->h = h;
	return h;
}

enum smtp_result smtp_send(struct smtp *s, const char *from, const char *rcpt, const char *data,
			   size_t len, char *why, size_t whylen)
{
	why[0] = '\0';
	CURL *h = handle(s);
	if (!h) {
		snprintf(why, whylen, "out of memory");
		return SMTP_TRANSIENT;
	}
	char envelope_from[400], envelope_to[400];
	snprintf(envelope_from, sizeof(envelope_from), "<%s>", from);
	snprintf(envelope_to, sizeof(envelope_to), "<%s>", rcpt);
	struct curl_slist *to = curl_slist_append(NULL, envelope_to);
	if (!to) {
		snprintf(why, whylen, "out of memory");
		return SMTP_TRANSIENT;
	}
	struct upload u = {data, len, 0};
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, envelope_from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(h, CURLOPT_READDATA, &u);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	CURLcode rc = curl_easy_perform(h);
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(to);
	if (rc == CURLE_OK)
		return SMTP_SENT;
	snprintf(why, whylen, "%s (%ld)", curl_easy_strerror(rc), code);
	/* a broken connection is not reused: start afresh next time */
	curl_easy_cleanup(h);
	s->h = NULL;
	return code >= 500 && code < 600 ? SMTP_PERMANENT : SMTP_TRANSIENT;
}
