/*
 * chart.h: the speed chart of `symbiot stats --plot FILE` (and of the web page's history): two
 * panels, generation speed (tokens/s) above and time to first token (ms) below, one point per chat
 * turn in order (the first and last turn's dates under the axis), written as SVG (FILE ending in
 * .svg) or PNG (.png). Both are self-contained: no fonts, scripts or links to fetch (the PNG draws
 * its few labels with a built-in 5x7 pixel font). The SVG's labels come in English or Russian (the
 * web page's languages); the files of `stats --plot` are in English.
 */
#ifndef SYM_CHART_H
#define SYM_CHART_H

#include <stddef.h>
#include <time.h>

#include "memory/feedback.h"

struct chart_point {
    time_t t;
    double gen_tps; /* generation speed, tokens/s */
    double ttft_ms; /* time to first token */
};

/* The language of the SVG's labels (titles, the turn count); numbers and dates are the same in
 * both. */
enum chart_lang { CHART_LANG_EN, CHART_LANG_RU };

/* Chart size in pixels (and SVG user units). */
#define CHART_WIDTH 800
#define CHART_HEIGHT 480

/* Write the chart of points[0..n) (oldest first, n >= 1) to path; the format comes from the
 * extension. 0 on success; -1 with errno set (EINVAL: not .svg or .png). */
int chart_write(const char *path, const struct chart_point *points, size_t n);

/* The same chart as SVG text with its labels in lang (caller frees); NULL when n is 0 or memory
 * runs out. For the server, which sends it to the web page. */
char *chart_svg(const struct chart_point *points, size_t n, enum chart_lang lang);

/* The chart's points of recorded turns (memory/feedback.h), one per record; NULL when list is
 * empty or memory runs out. Caller frees. */
struct chart_point *chart_points(const struct sym_turn_records *list);

#endif
