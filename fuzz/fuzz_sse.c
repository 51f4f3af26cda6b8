/*
 * fuzz_sse.c: libFuzzer target for the Server-Sent Events parser (src/llm/sse.c), which reads
 * whatever a remote endpoint streams. Any bytes in; the first byte picks a chunk size, and the
 * rest is parsed twice: in one piece, and in chunks of that size (as the network may deliver it).
 * Both must give the same events, byte for byte, and the same pending state; anything else
 * aborts. Built with clang by `make fuzz`; replayed over fuzz/corpus/sse by replay.c in
 * `make test`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "llm/sse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Each event as "TYPE\0LEN\0DATA" appended to the log. */
static int record(const char *event, const char *text, size_t len, void *ctx)
{
    struct sym_buf *log = ctx;
    char n[24];
    size_t i = sizeof n;

    do {
        n[--i] = (char)('0' + len % 10);
        len /= 10;
    } while (len && i);
    if (sym_buf_puts(log, event) || sym_buf_append(log, "", 1) ||
        sym_buf_append(log, n + i, sizeof n - i) || sym_buf_append(log, "", 1) ||
        sym_buf_append(log, text, len))
        return 1;
    return 0;
}

static enum sym_status parse(const char *in, size_t size, size_t chunk, struct sym_buf *log,
                             int *pending)
{
    struct sym_sse p;
    enum sym_status rc = SYM_OK;
    size_t off;

    sym_sse_init(&p, 1 << 16);
    for (off = 0; off < size && !rc; off += chunk)
        rc = sym_sse_feed(&p, in + off, size - off < chunk ? size - off : chunk, record, log);
    *pending = sym_sse_pending(&p);
    sym_sse_free(&p);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sym_buf whole = {0}, pieces = {0};
    enum sym_status a, b;
    int pa, pb;

    if (size < 1 || size > 1 << 16)
        return 0;
    a = parse((const char *)data + 1, size - 1, size, &whole, &pa);
    b = parse((const char *)data + 1, size - 1, (size_t)data[0] % 13 + 1, &pieces, &pb);
    if (a != b || (!a && (whole.len != pieces.len || pa != pb ||
                          (whole.len && memcmp(whole.data, pieces.data, whole.len)))))
        abort();
    sym_buf_free(&whole);
    sym_buf_free(&pieces);
    return 0;
}
