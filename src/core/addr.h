/** Client addresses as the sources that rate limits count. */
#ifndef TR_CORE_ADDR_H
#define TR_CORE_ADDR_H

#include <stddef.h>

/** The bytes that name the source of client address addr (text, as
 * http_client_addr gives it) and their count, in *out: an IPv6 address's
 * /64, which one holder has whole; an IPv4 address mapped into IPv6
 * (::ffff:a.b.c.d, as a listener on [::] sees IPv4 clients) whole, since
 * it is one IPv4 address; anything else its text. buf holds the binary
 * forms. */
size_t addr_source(const char *addr, unsigned char buf[16], const unsigned char **out);

#endif
