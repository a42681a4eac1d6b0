#include "analytics/ts.h"
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>

int ts_fail(struct ts_error *err, size_t row, const char *column, const char *fmt, ...)
{
	if (!err)
		return TR_ERR_INVALID;
	va_list ap;
	err->row = row;
	snprintf(err->column, sizeof err->column, "%s", column);
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return TR_ERR_INVALID;
}
