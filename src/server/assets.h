/*
 * assets.h: the web page's files, built into the binary.
 *
 * CMake (cmake/embed_assets.cmake) turns every file under web/ into a byte array in the generated
 * assets.c, so the page works offline and the binary needs nothing beside it. The page's engineer
 * edits web/ only; a new file there is served at "/its/path" after the next build.
 */
#ifndef SYM_ASSETS_H
#define SYM_ASSETS_H

#include <stddef.h>

struct sym_asset {
    const char *path; /* "/index.html" */
    const char *type; /* its Content-Type */
    const unsigned char *data;
    size_t len;
};

extern const struct sym_asset sym_assets[];
extern const size_t sym_n_assets;

#endif
