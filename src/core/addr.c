#include "core/addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

size_t addr_source(const char *addr, unsigned char buf[16], const unsigned char **out)
{
	*out = (const unsigned char *)addr;
	if (strchr(addr, ':') && inet_pton(AF_INET6, addr, buf) == 1) {
		struct in6_addr a;
		memcpy(&a, buf, sizeof(a));
		*out = buf;
		return IN6_IS_ADDR_V4MAPPED(&a) ? 16 : 8;
	}
	return strlen(addr);
}
