/** Street maps of a deployment: TRELLIS_TILES names either an XYZ raster
 * URL template (https://tiles.example.org/{z}/{x}/{y}.png, loaded by the
 * browser from there) or a local PMTiles v3 file of raster tiles, which
 * GET /api/v1/map/tiles serves with byte ranges. Read once by `trellis
 * serve`; without it the maps keep their offline country outlines. */
#ifndef TR_API_TILES_H
#define TR_API_TILES_H

#include <stddef.h>
#include <stdint.h>

struct tiles;

/** Reads the value of TRELLIS_TILES: a template is checked (https, or http
 * on a loopback host; {z}, {x} and {y}; no character a policy or a URL
 * could be bent with), a file is opened and must be raster PMTiles v3.
 * attribution (TRELLIS_TILES_ATTRIBUTION, may be NULL) is the credit the
 * tiles' licence asks for: plain text of at most 200 bytes without control
 * characters, and only with tiles. TR_OK with *out, or a tr_err with a
 * one-line reason in err. */
int tiles_config(const char *value, const char *attribution, struct tiles **out /* OUT */,
		 char *err, size_t errlen);
void tiles_free(struct tiles *t);
/** The Content-Security-Policy the web app needs with these tiles (an XYZ
 * template's origin in img-src), or NULL for the default one. */
const char *tiles_csp(const struct tiles *t);

#endif
