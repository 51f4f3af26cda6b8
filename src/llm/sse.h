/*
 * sse.h: a parser for Server-Sent Events (text/event-stream, as the WHATWG HTML standard defines
 * it), the format OpenAI-compatible endpoints stream their answers in.
 *
 * Pure: bytes in, events out through a callback; no I/O and no global state, so it can be fed
 * a network stream in whatever pieces arrive, and fuzzed. Lines end with LF, CRLF or CR (a CRLF
 * split between two feeds is one line end); a line starting with ':' is a comment; `data:` lines
 * are joined with LF; `event:` names the event; `id:`, `retry:` and unknown fields are ignored;
 * a blank line dispatches the event (none when it has no data). A leading UTF-8 BOM is skipped.
 * An event cut off by the end of the stream is not dispatched (the standard says so);
 * sym_sse_pending() tells the caller that it happened.
 *
 * Lifetimes: zero-initialise or sym_sse_init(), feed, sym_sse_free().
 */
#ifndef SYM_SSE_H
#define SYM_SSE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/status.h"

struct sym_sse {
    struct sym_buf line; /* the line being read */
    struct sym_buf data; /* the event's data so far, each data line followed by LF */
    char event[64];      /* the event's type ("" = "message"); longer names are cut */
    bool after_cr;       /* the last byte was a CR: an LF right after it ends nothing more */
    bool started;        /* past the optional BOM */
    bool has_data;       /* a data field was seen since the last dispatch */
};

/* Receives one event: its type ("message" when none was named) and its data (NUL-terminated,
 * len bytes, may hold NULs). Both borrowed for the call. Return non-zero to stop feeding. */
typedef int (*sym_sse_event_fn)(const char *event, const char *data, size_t len, void *ctx);

/* Set up p with lines and events capped at max bytes each (0 = no cap). */
void sym_sse_init(struct sym_sse *p, size_t max);

/*
 * Parse len bytes and dispatch every event they complete. Returns SYM_OK; SYM_ERR_TOO_LONG when a
 * line or an event's data passes the cap (the parser is then unusable); SYM_ERR_NOMEM; or
 * SYM_ERR_INTERRUPTED when on_event returned non-zero (the rest of the bytes are not parsed).
 */
enum sym_status sym_sse_feed(struct sym_sse *p, const char *bytes, size_t len,
                             sym_sse_event_fn on_event, void *ctx);

/* True when the bytes fed so far end inside an event (data seen, no blank line yet). */
bool sym_sse_pending(const struct sym_sse *p);

void sym_sse_free(struct sym_sse *p);

#endif
