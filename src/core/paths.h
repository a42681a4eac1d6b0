/** Where the program's own files are (migrations, reference data, web). */
#ifndef TR_CORE_PATHS_H
#define TR_CORE_PATHS_H

#include <stddef.h>

/** The install root: given (the command line passes $TRELLIS_HOME) when
 * set, else the nearest directory above the executable that holds
 * db/migrations. Writes it to out; TR_OK or TR_ERR_IO when none is found
 * (or given holds no db/migrations). */
int tr_home(const char *given, char *out, size_t outlen);

#endif
