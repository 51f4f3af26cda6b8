/*
 * fuzz_parse.c: libFuzzer target for the command and intent parser (src/nlp): any bytes in, as
 * a user could type or pipe them. The input is made valid UTF-8 first, as the assistant core
 * does, then parsed; the time-expression parser also sees the normalised text on its own.
 * Built with clang by `make fuzz`; replayed over fuzz/corpus/parse by replay.c in `make test`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/utf8.h"
#include "nlp/parse.h"
#include "nlp/text.h"
#include "nlp/when.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sym_buf clean = {0};
    struct sym_parse p;
    struct sym_when w;
    char *norm;

    if (size > 4096)
        return 0;
    if (sym_utf8_sanitize((const char *)data, size, &clean))
        return 0;
    if (sym_parse(sym_buf_str(&clean), SYM_LANG_EN, &p) == SYM_OK)
        sym_parse_clear(&p);
    norm = sym_normalize(sym_buf_str(&clean));
    if (norm) {
        (void)sym_when_parse_text(norm, &w);
        free(norm);
    }
    sym_buf_free(&clean);
    return 0;
}
