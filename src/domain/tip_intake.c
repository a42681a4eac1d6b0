#include "domain/tip_intake.h"
#include "domain/keyed_table.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* No 0/O or 1/I/L to confuse when a receipt is copied by hand: 31
 * symbols, so 10 give 49 bits for the code and 26 give 128.8 bits for the
 * secret. */
static const char receipt_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
#define ALPHABET_N (sizeof(receipt_alphabet) - 1)

/* n characters of the alphabet, each uniform: random bytes drawn 64 at a
 * time (one system call, where one a character was 7% of the tip writer's
 * time), a byte kept only below the largest multiple of the alphabet's
 * size, so that none is likelier than another. */
static void receipt_fill(char *out, size_t n)
{
	const unsigned limit = 256u - 256u % (unsigned)ALPHABET_N;
	unsigned char r[64];
	size_t used = sizeof(r);
	for (size_t i = 0; i < n;) {
		if (used == sizeof(r)) {
			randombytes_buf(r, sizeof(r));
			used = 0;
		}
		unsigned b = r[used++];
		if (b < limit)
			out[i++] = receipt_alphabet[b % (unsigned)ALPHABET_N];
	}
	sodium_memzero(r, sizeof(r));
	out[n] = '\0';
}

void tip_code_new(char out[TIP_CODE_LEN + 1])
{
	receipt_fill(out, TIP_CODE_LEN);
}

void tip_secret_new(char out[TIP_SECRET_LEN + 1])
{
	receipt_fill(out, TIP_SECRET_LEN);
}

int tip_receipt_shape(const char *s, size_t len)
{
	if (!s || strlen(s) != len)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
		if (!memchr(receipt_alphabet, ch, ALPHABET_N))
			return 0;
	}
	return 1;
}

void tip_secret_hash(const char *secret, char out[TIP_HASH_HEX])
{
	/* 128+ random bits need no slow hash: nothing to brute-force */
	unsigned char up[TIP_SECRET_LEN + 1], h[32];
	size_t n = strlen(secret) < TIP_SECRET_LEN ? strlen(secret) : TIP_SECRET_LEN;
	for (size_t i = 0; i < n; i++)
		up[i] = (unsigned char)(secret[i] >= 'a' && secret[i] <= 'z' ? secret[i] - 32
									     : secret[i]);
	static const unsigned char ctx[] = "trellis tip receipt v1";
	crypto_generichash(h, sizeof(h), up, n, ctx, sizeof(ctx) - 1);
	sodium_bin2hex(out, TIP_HASH_HEX, h, sizeof(h));
}

int tip_hash_equal(const char *a, const char *b)
{
	if (strlen(a) != TIP_HASH_HEX - 1 || strlen(b) != TIP_HASH_HEX - 1)
		return 0;
	return sodium_memcmp(a, b, TIP_HASH_HEX - 1) == 0;
}

int tip_key_parse(const char *hex, unsigned char key[TIP_KEY_LEN])
{
	size_t n = 0;
	if (!hex || strlen(hex) != 2 * TIP_KEY_LEN)
		return -1;
	if (sodium_hex2bin(key, TIP_KEY_LEN, hex, strlen(hex), NULL, &n, NULL) != 0 ||
	    n != TIP_KEY_LEN)
		return -1;
	return 0;
}

char *tip_contact_seal(const unsigned char key[TIP_KEY_LEN], const char *text)
{
	size_t len = strlen(text);
	size_t raw_len = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
	unsigned char *raw = malloc(raw_len);
	if (!raw)
		return NULL;
	randombytes_buf(raw, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(raw + crypto_secretbox_NONCEBYTES, (const unsigned char *)text, len,
			      raw, key);
	size_t out_len = sodium_base64_ENCODED_LEN(raw_len, sodium_base64_VARIANT_ORIGINAL);
	char *out = malloc(out_len);
	if (out)
		sodium_bin2base64(out, out_len, raw, raw_len, sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(raw, raw_len);
	free(raw);
	return out;
}

char *tip_contact_open(const unsigned char key[TIP_KEY_LEN], const char *sealed)
{
	size_t n = strlen(sealed), raw_len = 0;
	unsigned char *raw = malloc(n + 1);
	if (!raw)
		return NULL;
	if (sodium_base642bin(raw, n + 1, sealed, n, NULL, &raw_len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    raw_len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
		free(raw);
		return NULL;
	}
	size_t len = raw_len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
	char *out = malloc(len + 1);
	if (out &&
	    crypto_secretbox_open_easy((unsigned char *)out, raw + crypto_secretbox_NONCEBYTES,
				       raw_len - crypto_secretbox_NONCEBYTES, raw, key) != 0) {
		free(out);
		out = NULL;
	}
	if (out)
		out[len] = '\0';
	free(raw);
	return out;
}

/* ---- proof of work ---- */

#define POW_RAW 41	/* expiry(8) random(16) bits(1) mac(16) */
#define POW_SPENT 65536 /* spent challenges remembered until they expire */
#define POW_PROBE 16

struct pow_spent {
	unsigned char mac[16];
	int64_t expires;
};

struct tip_pow {
	struct keyed_table kt; /* first: keyed_table_new */
	int bits;
	struct pow_spent *spent; /* kt's */
};

struct tip_pow *tip_pow_new(int bits)
{
	struct tip_pow *p = keyed_table_new(sizeof(*p), POW_SPENT, sizeof(*p->spent));
	if (!p)
		return NULL;
	p->spent = p->kt.slots;
	p->bits = bits;
	return p;
}

void tip_pow_free(struct tip_pow *p)
{
	if (p)
		keyed_table_free(&p->kt);
}

int tip_pow_bits(const struct tip_pow *p)
{
	return p->bits;
}

static void pow_mac(const struct tip_pow *p, const unsigned char *raw, unsigned char mac[16])
{
	crypto_generichash(mac, 16, raw, POW_RAW - 16, p->kt.key, sizeof(p->kt.key));
}

void tip_pow_challenge(struct tip_pow *p, int64_t now, char out[64], int64_t *expires)
{
	unsigned char raw[POW_RAW];
	*expires = now + TIP_POW_TTL_MS;
	for (int i = 0; i < 8; i++)
		raw[i] = (unsigned char)((uint64_t)*expires >> (56 - 8 * i));
	randombytes_buf(raw + 8, 16);
	raw[24] = (unsigned char)p->bits;
	pow_mac(p, raw, raw + 25);
	sodium_bin2base64(out, 64, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static int leading_zero_bits(const unsigned char *h, size_t n)
{
	int z = 0;
	for (size_t i = 0; i < n; i++) {
		if (h[i] == 0) {
			z += 8;
			continue;
		}
		for (int b = 7; b >= 0 && !(h[i] & (1 << b)); b--)
			z++;
		break;
	}
	return z;
}

/* Records a challenge (named by its MAC, which covers all of it) as spent
 * until its own expiry; 0 when it was not spent before, 1 when it was, 2
 * when the table has no room (a flood: refuse rather than forget). An entry
 * is only reused after it expires, and every slot of the probe is searched
 * for the challenge before a free one is taken: a neighbour's expiry can
 * never make a spent challenge look new while it is still valid. */
static int pow_spend(struct tip_pow *p, const unsigned char mac[16], int64_t expires, int64_t now)
{
	uint32_t h;
	memcpy(&h, mac, sizeof(h));
	struct pow_spent *free_slot = NULL;
	int rc = 0;
	pthread_mutex_lock(&p->kt.mu);
	for (int i = 0; i < POW_PROBE; i++) {
		struct pow_spent *s = &p->spent[(h + (uint32_t)i) % POW_SPENT];
		if (s->expires > now && sodium_memcmp(s->mac, mac, 16) == 0) {
			rc = 1;
			break;
		}
		if (s->expires <= now && !free_slot)
			free_slot = s;
	}
	if (!rc && !free_slot)
		rc = 2;
	if (!rc) {
		memcpy(free_slot->mac, mac, 16);
		free_slot->expires = expires;
	}
	pthread_mutex_unlock(&p->kt.mu);
	return rc;
}

int tip_pow_check(struct tip_pow *p, const char *challenge, const char *nonce, int64_t now,
		  const char **field, const char **why)
{
	unsigned char raw[POW_RAW + 4], mac[16];
	size_t n = 0;
	*field = "challenge";
	if (!challenge || !*challenge) {
		*why = "is required: GET /api/v1/public/tips/challenge and solve it";
		return -1;
	}
	if (strlen(challenge) > 60 ||
	    sodium_base642bin(raw, sizeof(raw), challenge, strlen(challenge), NULL, &n, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != POW_RAW) {
		*why = "is not a challenge this server issued";
		return -1;
	}
	pow_mac(p, raw, mac);
	if (sodium_memcmp(mac, raw + 25, 16) != 0) {
		*why = "is not a challenge this server issued";
		return -1;
	}
	int64_t expires = 0;
	for (int i = 0; i < 8; i++)
		expires = (int64_t)((uint64_t)expires << 8 | raw[i]);
	if (expires <= now) {
		*why = "has expired: ask for a new one";
		return -1;
	}
	*field = "nonce";
	if (!nonce || !*nonce || strlen(nonce) > 64) {
		*why = "is required: text of 1 to 64 characters that solves the challenge";
		return -1;
	}
	unsigned char h[64];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)challenge, strlen(challenge));
	crypto_generichash_update(&st, (const unsigned char *)nonce, strlen(nonce));
	crypto_generichash_final(&st, h, sizeof(h));
	if (leading_zero_bits(h, sizeof(h)) < raw[24] || raw[24] < p->bits) {
		*why = "does not solve the challenge";
		return -1;
	}
	int spent = pow_spend(p, raw + 25, expires, now);
	if (spent) {
		*field = "challenge";
		*why = spent == 1 ? "was already used: ask for a new one"
				  : "cannot be accepted now: try again in a minute";
		return -1;
	}
	return 0;
}
