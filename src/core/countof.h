/** The number of elements of an array (not of a pointer). */
#ifndef TR_CORE_COUNTOF_H
#define TR_CORE_COUNTOF_H

#include <stddef.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

#endif
