#include "core/timeutil.h"
#include "core/err.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t tr_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t tr_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm):
 * formatting is on every row of every list, and gmtime_r with strftime
 * costs more than the rest of a row. */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static char *put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

void tr_time_format(int64_t ms, char out[32])
{
	int64_t sec = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
	int milli = (int)(ms - sec * 1000);
	int64_t days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
	int64_t rem = sec - days * 86400;
	int y, mo, d;
	civil_from_days(days, &y, &mo, &d);
	if (y < 0 || y > 9999) {
		snprintf(out, 32, "%s", "0000-01-01T00:00:00Z");
		return;
	}
	char *p = out;
	p = put2(p, y / 100);
	p = put2(p, y % 100);
	*p++ = '-';
	p = put2(p, mo);
	*p++ = '-';
	p = put2(p, d);
	*p++ = 'T';
	p = put2(p, (int)(rem / 3600));
	*p++ = ':';
	p = put2(p, (int)(rem / 60 % 60));
	*p++ = ':';
	p = put2(p, (int)(rem % 60));
	if (milli) {
		*p++ = '.';
		*p++ = (char)('0' + milli / 100);
		p = put2(p, milli % 100);
	}
	*p++ = 'Z';
	*p = '\0';
}

/* Reads exactly n digits. */
static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 ? 28 + leap : d[m - 1];
}

int tr_time_parse(const char *s, int64_t *ms)
{
	int y, mo, d, h = 0, mi = 0, se = 0, milli = 0, off = 0;
	const char *p = s;
	if (!s || digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d))
		return TR_ERR_INVALID;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || y < TR_YEAR_MIN ||
	    y > TR_YEAR_MAX)
		return TR_ERR_INVALID;
	if (*p) {
		if ((*p != 'T' && *p != 't' && *p != ' ') || (p++, digits(&p, 2, &h)) ||
		    *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' || digits(&p, 2, &se))
			return TR_ERR_INVALID;
		if (h > 23 || mi > 59 || se > 60)
			return TR_ERR_INVALID;
		if (*p == '.') {
			p++;
			int nd = 0;
			while (isdigit((unsigned char)*p)) {
				if (nd < 3)
					milli = milli * 10 + (*p - '0');
				nd++;
				p++;
			}
			if (nd == 0)
				return TR_ERR_INVALID;
			for (; nd < 3; nd++)
				milli *= 10;
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1, oh, om;
			if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) || oh > 23 ||
			    om > 59)
				return TR_ERR_INVALID;
			off = sign * (oh * 60 + om);
		} else {
			return TR_ERR_INVALID;
		}
		if (*p)
			return TR_ERR_INVALID;
	}
	struct tm tm = {.tm_year = y - 1900,
			.tm_mon = mo - 1,
			.tm_mday = d,
			.tm_hour = h,
			.tm_min = mi,
			.tm_sec = se};
	int64_t sec = (int64_t)timegm(&tm) - (int64_t)off * 60;
	int64_t v = sec * 1000 + milli;
	/* a sane range, the same instant whatever the offset:
	 * 1900-01-01T00:00:00Z to 2200-12-31T23:59:59.999Z */
	if (v < -2208988800000LL || v > 7289654399999LL)
		return TR_ERR_INVALID;
	*ms = v;
	return TR_OK;
}
