/** UUIDv7 identifiers: time-ordered, 74 random bits, as 36-character text. */
#ifndef TR_CORE_UUID_H
#define TR_CORE_UUID_H

#include <stdbool.h>
#include <stdint.h>

/** Writes a new UUIDv7 as text into out (37 bytes with the NUL). Needs
 * sodium_init() to have run. */
void tr_uuid7(char out[37]);
/** The same with at_ms (Unix milliseconds) in place of now: a record whose
 * time is kept coarse gets an id that carries no finer time. */
void tr_uuid7_at(int64_t at_ms, char out[37]);
/** Writes the 16 bytes b as UUID text into out (37 bytes with the NUL),
 * after setting their version nibble to version and their variant bits
 * to RFC 9562's. */
void tr_uuid_format(unsigned char b[16], int version, char out[37]);
/** Whether s is a UUID in canonical lower- or upper-case text form. */
bool tr_uuid_valid(const char *s);

#endif
