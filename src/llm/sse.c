/*
 * sse.c: the Server-Sent Events parser; see sse.h.
 *
 * Bytes are collected into a line buffer until a line end, then the line is interpreted as a
 * field. Working a line at a time keeps the field logic in one place and makes any split of the
 * input between feeds give the same events (the fuzz target checks exactly that). The cost is
 * one copy of each line, which is nothing next to the network.
 */
#include "llm/sse.h"

#include <string.h>

void sym_sse_init(struct sym_sse *p, size_t max)
{
    memset(p, 0, sizeof *p);
    sym_buf_init(&p->line, max);
    sym_buf_init(&p->data, max);
}

void sym_sse_free(struct sym_sse *p)
{
    if (!p)
        return;
    sym_buf_free(&p->line);
    sym_buf_free(&p->data);
}

bool sym_sse_pending(const struct sym_sse *p)
{
    return p->has_data || p->line.len > 0;
}

/* A blank line: hand over the event, if it has data, and start the next one. */
static enum sym_status dispatch(struct sym_sse *p, sym_sse_event_fn on_event, void *ctx)
{
    int stop = 0;

    if (p->has_data) {
        size_t len = p->data.len;

        if (len && p->data.data[len - 1] == '\n')
            len--; /* the LF after the last data line is not part of the data */
        if (p->data.data)
            p->data.data[len] = '\0';
        stop = on_event(p->event[0] ? p->event : "message", p->data.data ? p->data.data : "", len,
                        ctx);
    }
    sym_buf_reset(&p->data);
    p->event[0] = '\0';
    p->has_data = false;
    return stop ? SYM_ERR_INTERRUPTED : SYM_OK;
}

/* One complete line (without its end). */
static enum sym_status field(struct sym_sse *p, sym_sse_event_fn on_event, void *ctx)
{
    const char *line = p->line.data ? p->line.data : "";
    size_t len = p->line.len, name_len;
    const char *value;
    size_t value_len;
    enum sym_status rc;

    if (len == 0)
        return dispatch(p, on_event, ctx);
    if (line[0] == ':')
        return SYM_OK; /* a comment (servers send them as keep-alives) */
    value = memchr(line, ':', len);
    if (value) {
        name_len = (size_t)(value - line);
        value++;
        value_len = len - name_len - 1;
        if (value_len && *value == ' ') {
            value++;
            value_len--;
        }
    } else {
        name_len = len; /* a field with no colon has an empty value */
        value = "";
        value_len = 0;
    }
    if (name_len == 4 && !memcmp(line, "data", 4)) {
        rc = sym_buf_append(&p->data, value, value_len);
        if (!rc)
            rc = sym_buf_append(&p->data, "\n", 1);
        if (!rc)
            p->has_data = true;
        return rc;
    }
    if (name_len == 5 && !memcmp(line, "event", 5)) {
        size_t n = value_len < sizeof p->event - 1 ? value_len : sizeof p->event - 1;

        memcpy(p->event, value, n); /* a NUL inside the name ends it, as a C string */
        p->event[n] = '\0';
    }
    return SYM_OK; /* id, retry and unknown fields change nothing here */
}

enum sym_status sym_sse_feed(struct sym_sse *p, const char *bytes, size_t len,
                             sym_sse_event_fn on_event, void *ctx)
{
    static const char bom[] = "\xEF\xBB\xBF";
    size_t i = 0;
    enum sym_status rc;

    while (i < len) {
        if (!p->started) {
            /* The BOM may arrive split over feeds: collect up to 3 bytes in the line. */
            size_t have = p->line.len;

            while (i < len && have < 3 && (unsigned char)bytes[i] == (unsigned char)bom[have]) {
                rc = sym_buf_append(&p->line, bytes + i, 1);
                if (rc)
                    return rc;
                i++;
                have++;
            }
            if (have == 3) {
                sym_buf_reset(&p->line);
                p->started = true;
                continue;
            }
            if (i == len)
                return SYM_OK; /* still could be a BOM */
            p->started = true; /* not a BOM: those bytes are the start of the first line */
        }
        if (bytes[i] == '\n' && p->after_cr) {
            p->after_cr = false; /* the LF of a CRLF: the line ended at the CR */
            i++;
            continue;
        }
        if (bytes[i] == '\n' || bytes[i] == '\r') {
            p->after_cr = bytes[i++] == '\r';
            rc = field(p, on_event, ctx);
            sym_buf_reset(&p->line);
            if (rc)
                return rc;
            continue;
        }
        {
            size_t run = i;

            while (run < len && bytes[run] != '\n' && bytes[run] != '\r')
                run++;
            p->after_cr = false;
            rc = sym_buf_append(&p->line, bytes + i, run - i);
            if (rc)
                return rc;
            i = run;
        }
    }
    return SYM_OK;
}
