/** Where a webhook may post (below registration and delivery). */
#ifndef TR_DOMAIN_WEBHOOK_TARGET_H
#define TR_DOMAIN_WEBHOOK_TARGET_H

/** A checked target: the URL's host and port and the address to use. */
struct webhook_target {
	char host[256]; /* as in the URL (IPv6 in brackets) */
	long port;
	char pin[320]; /* CURLOPT_RESOLVE entry, "" when none is needed */
};

/** Parses url and resolves its host: TR_ERR_INVALID when it is not an http
 * or https URL, has credentials, or a resolved address is not public (and
 * host:port is not allowed); TR_ERR_IO when the host does not resolve. */
int webhook_target_of(const char *url, struct webhook_target *t /* OUT */);

#endif
