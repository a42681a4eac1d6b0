/** Sending one message through an SMTP server with libcurl: smtp:// with
 * STARTTLS (required, except to a loopback server where it is tried) or
 * smtps://, optional user and password. One struct smtp keeps its
 * connection open between messages; it is used by one thread at a time. */
#ifndef TR_CORE_SMTP_H
#define TR_CORE_SMTP_H

#include <stddef.h>

struct smtp;

/** What a send came to. */
enum smtp_result {
	SMTP_SENT,	/* the server accepted the message (250 after DATA) */
	SMTP_TRANSIENT, /* try again later: no connection, 4xx, timeout */
	SMTP_PERMANENT	/* the server refused it for good (5xx) */
};

/** A client for url (smtp:// or smtps://, copied); user and password may be
 * NULL (then any in the URL are used). timeout_ms bounds one send. NULL
 * when out of memory. Freed with smtp_free. */
struct smtp *smtp_new(const char *url, const char *user, const char *password, long timeout_ms);
void smtp_free(struct smtp *s);
/** Sends data (a complete RFC 5322 message, CRLF line ends) from the
 * envelope sender to one recipient. why gets a short reason when not
 * SMTP_SENT (never the message). */
enum smtp_result smtp_send(struct smtp *s, const char *from, const char *rcpt, const char *data,
			   size_t len, char *why, size_t whylen);
/** Whether url names a loopback host (localhost, 127.0.0.0/8, [::1]). */
int smtp_url_loopback(const char *url);

#endif
