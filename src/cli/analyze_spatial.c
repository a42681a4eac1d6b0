#include "cli/cli.h"

#include <stdio.h>

/* Placeholder until the detectors land. */
int cli_analyze_spatial(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "trellis analyze %s: not available in this build\n", argv[0]);
	return 2;
}
