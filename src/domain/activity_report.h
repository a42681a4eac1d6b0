/** The report of an activities import, filled by the reader of the file
 * (hxl.c) and by the import itself (below both). */
#ifndef TR_DOMAIN_ACTIVITY_REPORT_H
#define TR_DOMAIN_ACTIVITY_REPORT_H

/** One problem of an import: row (0 for the file), column (a hashtag or a
 * field), message. */
struct activity_import_error {
	long row;
	char column[48];
	char message[200];
};
#define ACTIVITY_IMPORT_ERRORS_MAX 200
/** The report of an import: rows read, rows imported, the first errors
 * and how many there were in all. */
struct activity_import_report {
	long rows, imported, errors_total;
	int nerrors;
	struct activity_import_error errors[ACTIVITY_IMPORT_ERRORS_MAX];
};
/** Records a problem in the report (the first ACTIVITY_IMPORT_ERRORS_MAX). */
void activity_report_add(struct activity_import_report *rep, long row, const char *column,
			 const char *message);

#endif
