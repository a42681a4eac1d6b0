/* The change counter the read model and the federation feed follow: every
 * write of an alert stamps the row with the next number of alert_seq. */
#include "domain/alert_seq.h"
#include "core/err.h"
#include "domain/seq.h"

int alert_seq_stamp(struct db_conn *c, const char *id)
{
	return seq_stamp(c, "alerts", "a", "a.id", id);
}
