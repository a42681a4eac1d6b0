#include "domain/activity_report.h"

#include <stdio.h>

void activity_report_add(struct activity_import_report *rep, long row, const char *column,
			 const char *message)
{
	rep->errors_total++;
	if (rep->nerrors >= ACTIVITY_IMPORT_ERRORS_MAX)
		return;
	struct activity_import_error *e = &rep->errors[rep->nerrors++];
	e->row = row;
	snprintf(e->column, sizeof(e->column), "%s", column);
	snprintf(e->message, sizeof(e->message), "%s", message);
}
