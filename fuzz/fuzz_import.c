/*
 * fuzz_import.c: libFuzzer target for `symbiot memory import` lines (src/cli/import.c): any bytes
 * as a JSON Lines file, split into lines the way the import reads them, each line parsed and
 * checked into a fact record (text, source, time, event_time, tags, pinned), and every string a
 * record yields read to its end; each line is also read as a turn of a conversation history
 * (cli_import_turn_line), and the whole input as a ChatGPT export (cli_chatgpt_read, each
 * conversation through cli_chatgpt_conversation, its turns read to their ends). ISO 8601 times
 * are also parsed on their own from the input.
 * No database is touched. Built with clang by `make fuzz`; replayed over fuzz/corpus/import by
 * replay.c in `make test`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A conversation of an export: its turns read to their ends. */
static int on_conversation(void *ctx, const cJSON *c, size_t line)
{
    struct cli_chatgpt_conversation conv;
    const char *why = NULL;
    size_t i, *sink = ctx;

    (void)line;
    if (!cli_chatgpt_conversation(c, &conv, &why) && !why)
        abort(); /* a bad conversation always says why */
    for (i = 0; i < conv.n; i++)
        *sink += strlen(conv.turns[i].text) + strlen(conv.turns[i].role);
    cli_chatgpt_conversation_free(&conv);
    return 0;
}

/* Touch every byte of s, so ASan sees a string that is not terminated or already freed. */
static size_t touch(const char *s)
{
    return s ? strlen(s) : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    struct sym_buf tags = {0};
    struct sym_fact_input in;
    volatile size_t sink = 0;
    char timebuf[64];
    time_t t;

    if (size > 65536)
        return 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        const char *why = NULL;
        cJSON *o = NULL;
        bool ok = cli_import_line(p, len, &o, &in, &tags, &why);

        if (ok == (why != NULL))
            abort(); /* a bad line always says why, a good one never does */
        if (ok && o) {
            if (!in.text || !in.text[0])
                abort(); /* a record that passes has text */
            sink += touch(in.text) + touch(in.source) + touch(in.tags);
        }
        cJSON_Delete(o);
        {
            struct cli_turn_record r;

            why = NULL;
            ok = cli_import_turn_line(p, len, &o, &r, &why);
            if (ok == (why != NULL))
                abort();
            if (ok && o)
                sink += touch(r.conversation) + touch(r.speaker) + touch(r.text) + touch(r.session);
            cJSON_Delete(o);
        }
        p += len;
    }
    {
        FILE *f = fmemopen((void *)data, size, "r");
        size_t line = 0, n = 0;
        const char *why = NULL;

        if (f) {
            if (cli_chatgpt_read(f, on_conversation, &n, &line, &why) < 0 && !why)
                abort();
            fclose(f);
        }
        sink += n;
    }
    memcpy(timebuf, data, size < sizeof timebuf ? size : sizeof timebuf - 1);
    timebuf[size < sizeof timebuf ? size : sizeof timebuf - 1] = '\0';
    (void)cli_parse_time(timebuf, &t);
    sym_buf_free(&tags);
    (void)sink;
    return 0;
}
