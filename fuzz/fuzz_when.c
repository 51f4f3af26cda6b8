/*
 * fuzz_when.c: libFuzzer target for time expressions (src/nlp/when.c): any bytes, made valid
 * UTF-8 and normalised as the parser does, parsed as one expression and from every word on,
 * and each expression found resolved against a clock and a zone taken from the input's first
 * bytes (several zones with DST, a date line zone, and far past and future clocks).
 * Built with clang by `make fuzz`; replayed over fuzz/corpus/when by replay.c in `make test`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "nlp/text.h"
#include "nlp/when.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const zones[] = {
    NULL,
    "UTC",
    "Europe/Moscow",
    "America/New_York",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",
    "Asia/Kathmandu",
    "Europe/London",
};

static void resolve(const struct sym_when *w, time_t now, const char *tz)
{
    time_t at = 0;
    enum sym_when_result r = sym_when_resolve(w, now, tz, &at);

    if (r != SYM_WHEN_OK && r != SYM_WHEN_AMBIGUOUS && r != SYM_WHEN_PAST && r != SYM_WHEN_INVALID)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Clocks: the development era, the far past and future, and near the 32-bit limit. */
    static const long long clocks[] = {1812345678LL, 0LL,         2147483000LL, 4102444800LL,
                                       946684799LL,  1711846800LL /* a DST change in Europe */};
    struct sym_buf clean = {0};
    struct sym_words words = {0};
    struct sym_when w;
    const char *tz;
    time_t now;
    char *norm;
    size_t i;

    if (size < 2 || size > 2048)
        return 0;
    tz = zones[data[0] % (sizeof zones / sizeof zones[0])];
    now = (time_t)(clocks[data[1] % (sizeof clocks / sizeof clocks[0])] + data[1] * 3607LL);
    if (sym_utf8_sanitize((const char *)data + 2, size - 2, &clean))
        return 0;
    norm = sym_normalize(sym_buf_str(&clean));
    if (!norm)
        goto out;
    if (sym_when_parse_text(norm, &w))
        resolve(&w, now, tz);
    if (!sym_words_split(norm, &words)) {
        for (i = 0; i < words.n; i++)
            if (sym_when_parse(&words, i, 0, &w)) {
                if (w.first != i || w.count == 0 || w.first + w.count > words.n)
                    abort(); /* the expression covers words that exist, from where it started */
                resolve(&w, now, tz);
            }
        sym_words_free(&words);
    }
    free(norm);
out:
    sym_buf_free(&clean);
    return 0;
}
