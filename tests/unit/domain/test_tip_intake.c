/* The proof-of-work challenge of tips: a solved challenge is accepted once
 * within its validity, whatever its neighbours in the spent table do; and
 * the receipts' codes and secrets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/auth.h"
#include "domain/tip_intake.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define T0 1767225600000LL /* 2026-01-01 */
#define SPENT_SLOTS 65536  /* POW_SPENT of tip_intake.c */
#define MANY 4096

/* The slot of the spent table where a challenge is looked up first. */
static uint32_t slot_of(const char *challenge)
{
	unsigned char raw[64];
	size_t n = 0;
	assert_int_equal(sodium_base642bin(raw, sizeof(raw), challenge, strlen(challenge), NULL, &n,
					   NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
			 0);
	assert_int_equal(n, 41);
	uint32_t h;
	memcpy(&h, raw + 25, sizeof(h));
	return h % SPENT_SLOTS;
}

static int check(struct tip_pow *p, const char *challenge, int64_t now)
{
	const char *field = NULL, *why = NULL;
	return tip_pow_check(p, challenge, "1", now, &field, &why);
}

static void a_challenge_is_spent_once(void **state)
{
	(void)state;
	struct tip_pow *p = tip_pow_new(0);
	char ch[64];
	int64_t expires;
	tip_pow_challenge(p, T0, ch, &expires);
	assert_int_equal(check(p, ch, T0 + 1), 0);
	assert_int_equal(check(p, ch, T0 + 2), -1);
	assert_int_equal(check(p, ch, expires - 1), -1);
	assert_int_equal(check(p, ch, expires), -1); /* expired as well */
	tip_pow_free(p);
}

/* X lands after Y in the same probe; Y's entry expires first. X must stay
 * spent until X itself expires. */
static void a_colliding_entry_that_expires_does_not_free_a_spent_challenge(void **state)
{
	(void)state;
	struct tip_pow *p = tip_pow_new(0);
	char(*ys)[64] = calloc(MANY, sizeof(*ys));
	int64_t y_exp = 0, x_exp = 0;
	for (int i = 0; i < MANY; i++)
		tip_pow_challenge(p, T0, ys[i], &y_exp);
	char x[64];
	int y = -1;
	for (int tries = 0; y < 0 && tries < 1000000; tries++) {
		tip_pow_challenge(p, T0 + 60000, x, &x_exp);
		uint32_t sx = slot_of(x);
		for (int i = 0; i < MANY && y < 0; i++)
			if (slot_of(ys[i]) == sx)
				y = i;
	}
	assert_true(y >= 0);
	assert_true(y_exp < x_exp);
	assert_int_equal(check(p, ys[y], T0 + 1), 0);
	assert_int_equal(check(p, x, T0 + 60001), 0);
	/* Y's entry has expired, X is still valid: a replay of X is refused */
	assert_int_equal(check(p, x, y_exp), -1);
	assert_int_equal(check(p, x, y_exp + 1000), -1);
	assert_int_equal(check(p, x, x_exp - 1), -1);
	free(ys);
	tip_pow_free(p);
}

/* Receipt codes and secrets: of the receipt alphabet, of their length,
 * every symbol about as frequent as any other (no symbol favoured by the
 * way random bytes become symbols), and never twice the same. */
static void receipts_are_uniform_over_their_alphabet(void **state)
{
	(void)state;
	static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
	const size_t n = sizeof(alphabet) - 1, secrets = 12000;
	size_t counts[sizeof(alphabet) - 1] = {0};
	char prev[TIP_SECRET_LEN + 1] = "";
	for (size_t k = 0; k < secrets; k++) {
		char s[TIP_SECRET_LEN + 1];
		tip_secret_new(s);
		assert_int_equal(strlen(s), TIP_SECRET_LEN);
		assert_true(tip_receipt_shape(s, TIP_SECRET_LEN));
		assert_string_not_equal(s, prev);
		for (size_t i = 0; i < TIP_SECRET_LEN; i++)
			counts[strchr(alphabet, s[i]) - alphabet]++;
		memcpy(prev, s, sizeof(prev));
	}
	/* chi-square with 30 degrees of freedom: above 70 one time in ~10^5 */
	double expected = (double)(secrets * TIP_SECRET_LEN) / (double)n, chi = 0;
	for (size_t i = 0; i < n; i++)
		chi += ((double)counts[i] - expected) * ((double)counts[i] - expected) / expected;
	if (chi > 70)
		fail_msg("chi-square %.1f over 30 degrees of freedom", chi);
	char c[TIP_CODE_LEN + 1];
	tip_code_new(c);
	assert_int_equal(strlen(c), TIP_CODE_LEN);
	assert_true(tip_receipt_shape(c, TIP_CODE_LEN));
}

/* Tips count their senders with sign-in's throttle. A listener on [::]
 * sees IPv4 senders as ::ffff:a.b.c.d: each is still one address of its
 * own, not one /64 shared by every IPv4 sender. Hosts of one IPv6 /64
 * share their limit. */
static void mapped_ipv4_senders_are_limited_apart(void **state)
{
	(void)state;
	struct auth_throttle *r = auth_throttle_new(1, 3600000);
	assert_non_null(r);
	int retry = 0;
	assert_int_equal(auth_throttle_take(r, "::ffff:192.0.2.1", 1000, &retry), 0);
	assert_int_equal(auth_throttle_take(r, "::ffff:192.0.2.1", 1001, &retry), 1);
	assert_int_equal(auth_throttle_take(r, "::ffff:198.51.100.7", 1002, &retry), 0);
	assert_int_equal(auth_throttle_take(r, "192.0.2.9", 1003, &retry), 0);
	assert_int_equal(auth_throttle_take(r, "2001:db8:1:2::1", 1004, &retry), 0);
	assert_int_equal(auth_throttle_take(r, "2001:db8:1:2:ffff::9", 1005, &retry), 1);
	assert_int_equal(auth_throttle_take(r, "2001:db8:1:3::1", 1006, &retry), 0);
	auth_throttle_free(r);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_challenge_is_spent_once),
		cmocka_unit_test(a_colliding_entry_that_expires_does_not_free_a_spent_challenge),
		cmocka_unit_test(receipts_are_uniform_over_their_alphabet),
		cmocka_unit_test(mapped_ipv4_senders_are_limited_apart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
