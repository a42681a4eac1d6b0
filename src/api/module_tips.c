#include "api/app.h"
#include "core/err.h"

/* Nothing runs in the background for this module yet. */
int tips_module_start(struct app *app, char *err, size_t errlen)
{
	(void)app;
	(void)err;
	(void)errlen;
	return TR_OK;
}

/* Must be safe to call when start failed or never ran. */
void tips_module_stop(struct app *app)
{
	(void)app;
}
