/*
 * fuzz_llm_facts.c: libFuzzer target for the checker of a model's reply (src/nlp/llm_facts.c):
 * the input is a user message and a model reply, split at the first NUL byte (or the message
 * alone), both made valid UTF-8. A model's output is untrusted: it may be anything, of any
 * length. Each line is classified, the whole reply parsed, and each fact kept must be a
 * terminated, non-empty string of valid UTF-8. Built with clang by `make fuzz`; replayed over
 * fuzz/corpus/llm_facts by replay.c in `make test`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "nlp/llm_facts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t mlen = nul ? (size_t)(nul - data) : size;
    struct sym_buf message = {0}, reply = {0};
    struct sym_llm_facts facts;
    enum sym_llm_line kind;
    const char *r;
    size_t i;

    if (size > 16384)
        return 0;
    if (sym_utf8_sanitize((const char *)data, mlen, &message) ||
        sym_utf8_sanitize(nul ? (const char *)nul + 1 : "", nul ? size - mlen - 1 : 0, &reply))
        goto out;
    (void)sym_llm_facts_worth_asking(sym_buf_str(&message));
    /* Line by line, as the streaming checker sees the reply. */
    for (r = sym_buf_str(&reply); *r;) {
        size_t len = strcspn(r, "\n");
        char *line = strndup(r, len);

        if (!line)
            break;
        if (sym_llm_facts_line(sym_buf_str(&message), line, &kind) == SYM_OK &&
            kind != SYM_LLM_LINE_FACT && kind != SYM_LLM_LINE_UNGROUNDED &&
            kind != SYM_LLM_LINE_NONE && kind != SYM_LLM_LINE_OTHER)
            abort();
        free(line);
        r += len + (r[len] == '\n');
    }
    if (sym_llm_facts_parse(sym_buf_str(&message), sym_buf_str(&reply), &facts) == SYM_OK) {
        if (facts.n > SYM_LLM_FACTS_MAX)
            abort();
        for (i = 0; i < facts.n; i++) {
            size_t len = strnlen(facts.text[i], sizeof facts.text[i]);

            if (!len || len == sizeof facts.text[i] || !sym_utf8_valid(facts.text[i], len))
                abort();
        }
    }
out:
    sym_buf_free(&message);
    sym_buf_free(&reply);
    return 0;
}
