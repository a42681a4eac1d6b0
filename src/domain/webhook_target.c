/* Where a webhook may post: an http(s) URL whose host resolves to public
 * addresses only (or is allowed by configuration), pinned to the address
 * checked so a second resolution cannot point it elsewhere. */
#include "domain/webhook_target.h"
#include "core/err.h"
#include "domain/notify.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* Whether the IPv4 address (network order bytes) is loopback, private,
 * link-local or otherwise not a public unicast address. */
static int v4_private(const unsigned char *a)
{
	return a[0] == 0 || a[0] == 10 || a[0] == 127 || (a[0] == 169 && a[1] == 254) ||
	       (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
	       (a[0] == 100 && (a[1] & 0xc0) == 64) || a[0] >= 224;
}

static int v6_private(const unsigned char *a)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const unsigned char zero[15] = {0};
	if (memcmp(a, mapped, 12) == 0)
		return v4_private(a + 12);
	if (memcmp(a, zero, 15) == 0) /* :: and ::1 */
		return 1;
	return (a[0] & 0xfe) == 0xfc			  /* fc00::/7 */
	       || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) /* fe80::/10 */
	       || a[0] == 0xff;				  /* multicast */
}

static int addr_private(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return v4_private(
		    (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr);
	if (sa->sa_family == AF_INET6)
		return v6_private(
		    (const unsigned char *)&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return 1;
}

/* Whether "host:port" is in the comma-separated allow list. */
static int allowed(const char *host, long port)
{
	char want[300];
	snprintf(want, sizeof(want), "%s:%ld", host, port);
	const char *p = notify_config()->webhook_allow;
	size_t n = strlen(want);
	while (p && *p) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len && p[len - 1] == ' ')
			len--;
		if (len == n && strncasecmp(p, want, n) == 0)
			return 1;
		p = end;
	}
	return 0;
}

int webhook_target_of(const char *url, struct webhook_target *t)
{
	memset(t, 0, sizeof(*t));
	if (!url || strlen(url) > 2000)
		return TR_ERR_INVALID;
	CURLU *u = curl_url();
	if (!u)
		return TR_ERR_NOMEM;
	char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL;
	int rc = TR_ERR_INVALID;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK)
		goto out;
	if ((strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0) ||
	    strlen(host) >= sizeof(t->host) || !host[0])
		goto out;
	snprintf(t->host, sizeof(t->host), "%s", host);
	for (char *p = t->host; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	t->port = strtol(port, NULL, 10);
	int ok = allowed(t->host, t->port);
	char name[256];
	size_t hl = strlen(t->host);
	int literal6 = t->host[0] == '[';
	if (literal6)
		snprintf(name, sizeof(name), "%.*s", (int)(hl - 2), t->host + 1);
	else
		snprintf(name, sizeof(name), "%s", t->host);
	struct addrinfo hints = {0}, *res = NULL;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, NULL, &hints, &res) != 0 || !res) {
		rc = ok ? TR_OK : TR_ERR_IO;
		goto out;
	}
	rc = TR_OK;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
		if (!ok && addr_private(ai->ai_addr))
			rc = TR_ERR_INVALID;
	unsigned char probe[16];
	int is_literal = literal6 || inet_pton(AF_INET, name, probe) == 1;
	if (!rc && !is_literal) {
		char addr[INET6_ADDRSTRLEN] = "";
		if (res->ai_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, addr,
				  sizeof(addr));
		else
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, addr,
				  sizeof(addr));
		snprintf(t->pin, sizeof(t->pin),
			 res->ai_family == AF_INET6 ? "%s:%ld:[%s]" : "%s:%ld:%s", name, t->port,
			 addr);
	}
	freeaddrinfo(res);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_url_cleanup(u);
	return rc;
}
