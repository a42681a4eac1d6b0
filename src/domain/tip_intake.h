/** The anonymous side of tips: receipts (code + secret), the encrypted
 * contact, the proof-of-work challenge and the in-memory rate limit. No
 * function here stores or logs a sender's address: the rate limit keeps
 * only a keyed hash of it, in memory, for one window. */
#ifndef TR_DOMAIN_TIP_INTAKE_H
#define TR_DOMAIN_TIP_INTAKE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define TIP_CODE_LEN 10	  /* receipt code: 49 bits from an unambiguous alphabet */
#define TIP_SECRET_LEN 26 /* receipt secret: 128.8 random bits, same alphabet */
#define TIP_HASH_HEX 65	  /* hex BLAKE2b-256 of the secret, with the NUL */
#define TIP_KEY_LEN 32
#define TIP_POW_TTL_MS (10 * 60 * 1000)

/** A new receipt code (TIP_CODE_LEN characters + NUL). */
void tip_code_new(char out[TIP_CODE_LEN + 1]);
/** A new receipt secret (TIP_SECRET_LEN characters + NUL). */
void tip_secret_new(char out[TIP_SECRET_LEN + 1]);
/** Whether s has the shape of a code (len TIP_CODE_LEN) or a secret
 * (TIP_SECRET_LEN) of the receipt alphabet, case-insensitive. */
int tip_receipt_shape(const char *s, size_t len);
/** The stored hash of a secret (hex). Upper and lower case are the same
 * secret. */
void tip_secret_hash(const char *secret, char out[TIP_HASH_HEX]);
/** Constant-time comparison of two hex hashes; 1 when equal. */
int tip_hash_equal(const char *a, const char *b);

/** Parses TRELLIS_SECRET_KEY (64 hex characters). 0 on success. */
int tip_key_parse(const char *hex, unsigned char key[TIP_KEY_LEN]);
/** Encrypts text with secretbox under key: base64 of nonce || ciphertext,
 * malloc'ed (caller frees), NULL when out of memory. */
char *tip_contact_seal(const unsigned char key[TIP_KEY_LEN], const char *text);
/** Decrypts what tip_contact_seal wrote; malloc'ed text or NULL when the
 * key is wrong or the data damaged. */
char *tip_contact_open(const unsigned char key[TIP_KEY_LEN], const char *sealed);

/** Proof of work: a challenge signed with a per-process key, so the
 * server keeps no state but the set of challenges already spent (bounded,
 * forgotten when they expire). */
struct tip_pow;
/** A new verifier demanding bits leading zero bits (0 disables it). The
 * caller frees with tip_pow_free. */
struct tip_pow *tip_pow_new(int bits);
void tip_pow_free(struct tip_pow *p);
int tip_pow_bits(const struct tip_pow *p);
/** Writes a challenge (base64url text, NUL-terminated) valid for
 * TIP_POW_TTL_MS from now; *expires gets its expiry. */
void tip_pow_challenge(struct tip_pow *p, int64_t now, char out[64], int64_t *expires /* OUT */);
/** Checks that BLAKE2b-512(challenge || nonce) has enough leading zero
 * bits, the challenge is ours, unexpired and not spent; spends it.
 * 0 when good; else *field names "challenge" or "nonce" and *why says why. */
int tip_pow_check(struct tip_pow *p, const char *challenge, const char *nonce, int64_t now,
		  const char **field /* OUT */, const char **why /* OUT */);

#endif
