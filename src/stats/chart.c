/*
 * chart.c: the speed chart of `symbiot stats --plot`; see chart.h.
 *
 * One layout, two renderers. The layout puts the turns at even steps along x, oldest first (the
 * first and last turn's dates under the axis: turns come in bursts, so a time axis would stack
 * them), and each value on y on a scale from 0 to a round number above the largest value,
 * with round ticks (1, 2 or 5 times a power of ten). The SVG renderer writes text and polylines;
 * the PNG renderer draws the same into an 8-bit palette canvas (lines by Bresenham, labels in a
 * 5x7 pixel font) and writes it with stored (uncompressed) deflate blocks, so no image or
 * compression library is needed; a 800x480 chart is about 390 KB. The SVG's words come from one
 * table per language (the PNG's pixel font has only the few capitals its English labels need).
 */
#include "stats/chart.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stats/summary.h"

#define LEFT 80
#define RIGHT 30
#define PANEL_H 170
#define TOP1 50
#define TOP2 290

struct scale {
    double max, step; /* 0..max on the axis, ticks every step */
};

/* A round axis for values up to v. */
static struct scale nice_scale(double v)
{
    struct scale s;
    double mag, f;

    if (!(v > 0) || !isfinite(v))
        v = 1;
    mag = pow(10, floor(log10(v / 4)));
    f = v / 4 / mag;
    s.step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    s.max = ceil(v * 1.05 / s.step) * s.step;
    return s;
}

struct layout {
    const struct chart_point *p;
    size_t n;
    time_t t0, t1;
    struct scale gen, ttft;
};

static void layout_init(struct layout *l, const struct chart_point *p, size_t n)
{
    double gmax = 0, tmax = 0;
    size_t i;

    l->p = p;
    l->n = n;
    l->t0 = p[0].t;
    l->t1 = p[n - 1].t;
    for (i = 0; i < n; i++) {
        if (p[i].gen_tps > gmax)
            gmax = p[i].gen_tps;
        if (p[i].ttft_ms > tmax)
            tmax = p[i].ttft_ms;
    }
    l->gen = nice_scale(gmax);
    l->ttft = nice_scale(tmax);
}

static double x_of(const struct layout *l, size_t i)
{
    double w = CHART_WIDTH - LEFT - RIGHT;

    if (l->n == 1)
        return LEFT + w / 2;
    return LEFT + w * (double)i / (double)(l->n - 1);
}

static double y_of(double v, const struct scale *s, int top)
{
    if (v < 0 || !isfinite(v))
        v = 0;
    if (v > s->max)
        v = s->max;
    return top + PANEL_H - PANEL_H * v / s->max;
}

static void format_tick(double v, char *out, size_t size)
{
    if (v == floor(v))
        snprintf(out, size, "%.0f", v);
    else
        snprintf(out, size, "%g", v);
}

static void format_day(time_t t, char *out, size_t size)
{
    struct tm tm;

    if (localtime_r(&t, &tm))
        strftime(out, size, "%Y-%m-%d %H:%M", &tm);
    else
        snprintf(out, size, "?");
}

/* ---- SVG ---- */

/* The SVG's words in one language. The count is written "N turns" in English and as
 * "Ответов: N" in Russian, which needs no plural form. */
struct svg_words {
    const char *title, *gen, *ttft;
    const char *count_before, *count_after, *count_after_one; /* around the number */
};

static const struct svg_words svg_words[] = {
    [CHART_LANG_EN] = {"Symbiot: speed per chat turn", "Generation speed (tokens/s)",
                       "Time to first token (ms)", "", " turns", " turn"},
    [CHART_LANG_RU] = {"Symbiot: скорость по ответам", "Скорость генерации (токенов/с)",
                       "Время до первого токена (мс)", "Ответов: ", "", ""},
};

static void svg_panel(FILE *f, const struct layout *l, int top, const struct scale *s,
                      const char *title, const char *color, int which)
{
    char tick[32];
    double v;
    size_t i;

    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"15\" font-weight=\"bold\">%s</text>\n", LEFT,
            top - 14, title);
    for (v = 0; v <= s->max + s->step / 2; v += s->step) {
        double y = y_of(v, s, top);

        format_tick(v, tick, sizeof tick);
        fprintf(f,
                "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                "stroke=\"#ddd\"/>\n"
                "<text x=\"%d\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\">%s</text>\n",
                LEFT, y, CHART_WIDTH - RIGHT, y, LEFT - 8, y + 4, tick);
    }
    fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", color);
    for (i = 0; i < l->n; i++)
        fprintf(f, "%s%.1f,%.1f", i ? " " : "", x_of(l, i),
                y_of(which ? l->p[i].ttft_ms : l->p[i].gen_tps, s, top));
    fprintf(f, "\"/>\n");
    for (i = 0; i < l->n && l->n <= 200; i++)
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", x_of(l, i),
                y_of(which ? l->p[i].ttft_ms : l->p[i].gen_tps, s, top), color);
    fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n",
            LEFT, top + PANEL_H, CHART_WIDTH - RIGHT, top + PANEL_H);
}

static int write_svg(FILE *f, const struct layout *l, enum chart_lang lang)
{
    const struct svg_words *w = &svg_words[lang == CHART_LANG_RU ? CHART_LANG_RU : CHART_LANG_EN];
    char first[64], last[64], count[64];

    format_day(l->t0, first, sizeof first);
    format_day(l->t1, last, sizeof last);
    snprintf(count, sizeof count, "%s%zu%s", w->count_before, l->n,
             l->n == 1 ? w->count_after_one : w->count_after);
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
            "<title>%s</title>\n"
            /* Dark when the viewer is (the web page shows it in an <img>, which follows the
             * page's colour scheme); the attributes stay for renderers without CSS. */
            "<style>@media (prefers-color-scheme: dark) {"
            " .bg { fill: #1d2129 } text { fill: #e4e7ec } .grid { stroke: #2f3542 }"
            " .axis { stroke: #9aa3b2 } }</style>\n"
            "<rect class=\"bg\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n",
            CHART_WIDTH, CHART_HEIGHT, CHART_WIDTH, CHART_HEIGHT, w->title, CHART_WIDTH,
            CHART_HEIGHT);
    svg_panel(f, l, TOP1, &l->gen, w->gen, "#1f77b4", 0);
    svg_panel(f, l, TOP2, &l->ttft, w->ttft, "#d62728", 1);
    fprintf(f,
            "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>\n"
            "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>\n"
            "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>\n"
            "</svg>\n",
            LEFT, CHART_HEIGHT - 8, first, CHART_WIDTH - RIGHT, CHART_HEIGHT - 8, last,
            (LEFT + CHART_WIDTH - RIGHT) / 2, CHART_HEIGHT - 8, count);
    return ferror(f) ? -1 : 0;
}

/* ---- PNG ---- */

enum { C_WHITE, C_BLACK, C_GRID, C_BLUE, C_RED, N_COLORS };
static const uint8_t palette[N_COLORS][3] = {
    {255, 255, 255}, {40, 40, 40}, {221, 221, 221}, {31, 119, 180}, {214, 39, 40}};

struct canvas {
    uint8_t px[CHART_HEIGHT][CHART_WIDTH];
};

static void plot(struct canvas *c, int x, int y, uint8_t color)
{
    if (x >= 0 && x < CHART_WIDTH && y >= 0 && y < CHART_HEIGHT)
        c->px[y][x] = color;
}

static void line(struct canvas *c, int x0, int y0, int x1, int y1, uint8_t color, int thick)
{
    int dx = abs(x1 - x0), dy = -abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
    int err = dx + dy, e2;

    for (;;) {
        plot(c, x0, y0, color);
        if (thick) {
            plot(c, x0 + 1, y0, color);
            plot(c, x0, y0 + 1, color);
        }
        if (x0 == x1 && y0 == y1)
            break;
        e2 = 2 * err; /* both steps judge the same error */
        if (e2 >= dy) {
            err += dy;
            x0 += sx;
        }
        if (e2 <= dx) {
            err += dx;
            y0 += sy;
        }
    }
}

/* 5x7 glyphs, one byte per row, bit 4 leftmost: what the PNG's labels need. */
struct glyph {
    char c;
    uint8_t rows[7];
};
static const struct glyph font[] = {
    {'0', {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}},
    {'1', {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}},
    {'2', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}},
    {'3', {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}},
    {'4', {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}},
    {'5', {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}},
    {'6', {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}},
    {'7', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
    {'8', {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}},
    {'9', {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}},
    {'.', {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C}},
    {'-', {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00}},
    {':', {0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00}},
    {'/', {0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00}},
    {'E', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F}},
    {'F', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10}},
    {'K', {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11}},
    {'M', {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11}},
    {'N', {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}},
    {'O', {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}},
    {'S', {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E}},
    {'T', {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}},
};

/* Draw text with its top-left at (x, y), each font pixel scale x scale; unknown characters are
 * spaces. Returns the width drawn. */
static int text(struct canvas *c, int x, int y, const char *s, int scale, uint8_t color)
{
    int x0 = x, r, b, i, j;
    size_t g;

    for (; *s; s++, x += 6 * scale) {
        for (g = 0; g < sizeof font / sizeof font[0] && font[g].c != *s; g++)
            ;
        if (g == sizeof font / sizeof font[0])
            continue;
        for (r = 0; r < 7; r++)
            for (b = 0; b < 5; b++)
                if (font[g].rows[r] & (0x10 >> b))
                    for (i = 0; i < scale; i++)
                        for (j = 0; j < scale; j++)
                            plot(c, x + b * scale + j, y + r * scale + i, color);
    }
    return x - x0;
}

static void png_panel(struct canvas *c, const struct layout *l, int top, const struct scale *s,
                      const char *title, uint8_t color, int which)
{
    char tick[32];
    double v;
    size_t i;

    text(c, LEFT, top - 26, title, 2, C_BLACK);
    for (v = 0; v <= s->max + s->step / 2; v += s->step) {
        int y = (int)lround(y_of(v, s, top));

        format_tick(v, tick, sizeof tick);
        line(c, LEFT, y, CHART_WIDTH - RIGHT, y, C_GRID, 0);
        text(c, LEFT - 8 - 6 * (int)strlen(tick), y - 3, tick, 1, C_BLACK);
    }
    line(c, LEFT, top + PANEL_H, CHART_WIDTH - RIGHT, top + PANEL_H, C_BLACK, 0);
    for (i = 0; i < l->n; i++) {
        int x = (int)lround(x_of(l, i));
        int y = (int)lround(y_of(which ? l->p[i].ttft_ms : l->p[i].gen_tps, s, top));

        if (i) {
            int px = (int)lround(x_of(l, i - 1));
            int py = (int)lround(y_of(which ? l->p[i - 1].ttft_ms : l->p[i - 1].gen_tps, s, top));

            line(c, px, py, x, y, color, 1);
        }
        if (l->n <= 200)
            line(c, x - 2, y, x + 2, y, color, 1);
    }
}

static uint32_t crc_table[256];

static void crc_init(void)
{
    uint32_t n, k, c;

    for (n = 0; n < 256; n++) {
        c = n;
        for (k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static uint32_t crc_update(uint32_t crc, const uint8_t *p, size_t n)
{
    while (n--)
        crc = crc_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return crc;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Write one PNG chunk: length, type, data, CRC of type and data. */
static void chunk(FILE *f, const char *type, const uint8_t *data, size_t n)
{
    uint8_t head[8], tail[4];
    uint32_t crc;

    put32(head, (uint32_t)n);
    memcpy(head + 4, type, 4);
    crc = crc_update(0xFFFFFFFFu, head + 4, 4);
    crc = crc_update(crc, data, n) ^ 0xFFFFFFFFu;
    put32(tail, crc);
    fwrite(head, 1, 8, f);
    if (n)
        fwrite(data, 1, n, f);
    fwrite(tail, 1, 4, f);
}

/* The zlib stream of the image rows (each led by filter byte 0), in stored deflate blocks. */
static uint8_t *zlib_stored(const struct canvas *c, size_t *len)
{
    const size_t raw = (size_t)CHART_HEIGHT * (CHART_WIDTH + 1);
    const size_t blocks = (raw + 65534) / 65535;
    uint8_t *z = malloc(2 + raw + blocks * 5 + 4), *o = z;
    uint32_t a = 1, b = 0;
    size_t done = 0, i;

    if (!z)
        return NULL;
    *o++ = 0x78; /* deflate, 32K window */
    *o++ = 0x01; /* no dictionary, fastest; (0x7801 % 31 == 0) */
    while (done < raw) {
        size_t n = raw - done < 65535 ? raw - done : 65535;

        *o++ = done + n == raw ? 1 : 0; /* BFINAL, BTYPE 00 */
        *o++ = (uint8_t)n;
        *o++ = (uint8_t)(n >> 8);
        *o++ = (uint8_t)~n;
        *o++ = (uint8_t)(~n >> 8);
        for (i = 0; i < n; i++, done++) {
            size_t row = done / (CHART_WIDTH + 1), col = done % (CHART_WIDTH + 1);
            uint8_t byte = col ? c->px[row][col - 1] : 0;

            *o++ = byte;
            a = (a + byte) % 65521;
            b = (b + a) % 65521;
        }
    }
    put32(o, (b << 16) | a);
    o += 4;
    *len = (size_t)(o - z);
    return z;
}

static int write_png(FILE *f, const struct layout *l)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    struct canvas *c = malloc(sizeof *c);
    uint8_t ihdr[13], plte[N_COLORS * 3];
    char first[64], last[64];
    uint8_t *z;
    size_t zlen = 0;

    if (!c)
        return -1;
    memset(c->px, C_WHITE, sizeof c->px);
    png_panel(c, l, TOP1, &l->gen, "TOKENS/S", C_BLUE, 0);
    png_panel(c, l, TOP2, &l->ttft, "TTFT MS", C_RED, 1);
    format_day(l->t0, first, sizeof first);
    format_day(l->t1, last, sizeof last);
    text(c, LEFT, CHART_HEIGHT - 14, first, 1, C_BLACK);
    text(c, CHART_WIDTH - RIGHT - 6 * (int)strlen(last), CHART_HEIGHT - 14, last, 1, C_BLACK);
    z = zlib_stored(c, &zlen);
    free(c);
    if (!z)
        return -1;
    crc_init();
    put32(ihdr, CHART_WIDTH);
    put32(ihdr + 4, CHART_HEIGHT);
    ihdr[8] = 8;  /* bit depth */
    ihdr[9] = 3;  /* palette */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* adaptive filtering (all rows use filter 0) */
    ihdr[12] = 0; /* no interlace */
    memcpy(plte, palette, sizeof plte);
    fwrite(sig, 1, sizeof sig, f);
    chunk(f, "IHDR", ihdr, sizeof ihdr);
    chunk(f, "PLTE", plte, sizeof plte);
    chunk(f, "IDAT", z, zlen);
    chunk(f, "IEND", NULL, 0);
    free(z);
    return ferror(f) ? -1 : 0;
}

static bool ends_with(const char *s, const char *ext)
{
    size_t n = strlen(s), m = strlen(ext);

    return n > m && !strcasecmp(s + n - m, ext);
}

char *chart_svg(const struct chart_point *points, size_t n, enum chart_lang lang)
{
    struct layout l;
    char *text = NULL;
    size_t len = 0;
    FILE *f;
    int rc;

    if (!n)
        return NULL;
    layout_init(&l, points, n);
    f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    rc = write_svg(f, &l, lang);
    if (fclose(f) || rc) {
        free(text);
        return NULL;
    }
    return text;
}

struct chart_point *chart_points(const struct sym_turn_records *list)
{
    struct chart_point *p = list->n ? calloc(list->n, sizeof *p) : NULL;
    size_t i;

    for (i = 0; p && i < list->n; i++) {
        double g = sym_figure_of(&list->items[i], SYM_FIG_GEN_TPS);

        p[i].t = list->items[i].created;
        p[i].gen_tps = g > 0 ? g : 0;
        p[i].ttft_ms = list->items[i].ttft_ms;
    }
    return p;
}

int chart_write(const char *path, const struct chart_point *points, size_t n)
{
    struct layout l;
    bool svg = ends_with(path, ".svg");
    FILE *f;
    int rc;

    if (!n || (!svg && !ends_with(path, ".png"))) {
        errno = EINVAL;
        return -1;
    }
    layout_init(&l, points, n);
    f = fopen(path, "wb");
    if (!f)
        return -1;
    rc = svg ? write_svg(f, &l, CHART_LANG_EN) : write_png(f, &l);
    if (fclose(f) && !rc)
        rc = -1;
    if (rc)
        remove(path);
    return rc;
}
