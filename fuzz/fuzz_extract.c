/*
 * fuzz_extract.c: libFuzzer target for the rule-based fact extractor (src/nlp/extract.c): any
 * bytes, made valid UTF-8 as the assistant core does with every message, then searched for
 * personal facts. Each fact found must be a terminated string of valid UTF-8 with a key, and a
 * plan's time expression must resolve without harm. Built with clang by `make fuzz`; replayed
 * over fuzz/corpus/extract by replay.c in `make test`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "nlp/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sym_buf clean = {0};
    struct sym_extracted out;
    size_t i;

    if (size > 8192)
        return 0;
    if (sym_utf8_sanitize((const char *)data, size, &clean))
        return 0;
    if (sym_extract(sym_buf_str(&clean), &out) == SYM_OK) {
        if (out.n > SYM_EXTRACT_MAX)
            abort();
        for (i = 0; i < out.n; i++) {
            const struct sym_extracted_fact *f = &out.fact[i];
            size_t len = strnlen(f->text, sizeof f->text);
            time_t at;

            if (len == sizeof f->text || strnlen(f->key, sizeof f->key) == sizeof f->key)
                abort(); /* not terminated */
            if (!len || !sym_utf8_valid(f->text, len) || !f->key[0])
                abort(); /* an empty fact, broken UTF-8, or no key */
            if (!sym_fact_kind_name(f->kind))
                abort();
            if (f->has_when)
                (void)sym_when_resolve(&f->when, 1812345678, "Europe/Moscow", &at);
        }
    }
    sym_buf_free(&clean);
    return 0;
}
