/*
 * utf8.c: UTF-8 validation, sanitising and stream assembly; see utf8.h.
 *
 * The decoder follows the Unicode "maximal subpart" practice: an invalid sequence is replaced by
 * one U+FFFD per maximal prefix of a valid sequence, so "\xE2\x82" followed by "A" gives one
 * replacement character and then "A", as browsers and Python do.
 */
#include "base/utf8.h"

#include <string.h>

static const char replacement[] = "\xEF\xBF\xBD";

enum decode { DECODE_OK, DECODE_INCOMPLETE, DECODE_INVALID };

/*
 * Look at the sequence starting at s[0] (n >= 1 bytes available). On DECODE_OK and
 * DECODE_INVALID, *used is the number of bytes it covers (at least 1). DECODE_INCOMPLETE means the
 * n bytes are a valid beginning that needs more.
 */
static enum decode decode_one(const unsigned char *s, size_t n, size_t *used)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t need, i;

    *used = 1;
    if (c < 0x80)
        return DECODE_OK;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        if (c == 0xF4)
            hi = 0x8F; /* past U+10FFFF */
    } else {
        return DECODE_INVALID;
    }
    for (i = 1; i < need; i++) {
        if (i >= n)
            return DECODE_INCOMPLETE;
        if (s[i] < lo || s[i] > hi) {
            *used = i;
            return DECODE_INVALID;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    *used = need;
    return DECODE_OK;
}

bool sym_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t used;

    while (n) {
        if (decode_one(p, n, &used) != DECODE_OK)
            return false;
        p += used;
        n -= used;
    }
    return true;
}

/*
 * Append the valid parts of s[0..n) to out, replacing invalid sequences. When keep_tail is true an
 * incomplete sequence at the very end is not consumed; its length goes to *tail.
 */
static enum sym_status sanitize(const unsigned char *s, size_t n, bool keep_tail,
                                struct sym_buf *out, size_t *tail)
{
    size_t start = 0, i = 0, used;
    enum sym_status rc = SYM_OK;

    *tail = 0;
    while (i < n && !rc) {
        enum decode d = decode_one(s + i, n - i, &used);

        if (d == DECODE_OK) {
            i += used;
            continue;
        }
        rc = sym_buf_append(out, s + start, i - start);
        if (rc)
            break;
        if (d == DECODE_INCOMPLETE && keep_tail) {
            *tail = n - i;
            return SYM_OK;
        }
        rc = sym_buf_append(out, replacement, sizeof replacement - 1);
        i += d == DECODE_INCOMPLETE ? n - i : used;
        start = i;
    }
    if (!rc)
        rc = sym_buf_append(out, s + start, i - start);
    return rc;
}

enum sym_status sym_utf8_sanitize(const char *s, size_t n, struct sym_buf *out)
{
    size_t tail;

    return sanitize((const unsigned char *)s, n, false, out, &tail);
}

void sym_utf8_stream_init(struct sym_utf8_stream *st)
{
    st->npending = 0;
}

enum sym_status sym_utf8_stream_feed(struct sym_utf8_stream *st, const char *s, size_t n,
                                     struct sym_buf *out)
{
    const unsigned char *p = (const unsigned char *)s;
    enum sym_status rc;
    size_t tail;

    /* Complete (or reject) the pending sequence one byte at a time; it is at most 3 bytes. */
    while (st->npending && n) {
        size_t used;
        enum decode d;

        st->pending[st->npending++] = *p++;
        n--;
        d = decode_one(st->pending, st->npending, &used);
        if (d == DECODE_INCOMPLETE)
            continue;
        if (d == DECODE_OK) {
            rc = sym_buf_append(out, st->pending, st->npending);
            st->npending = 0;
        } else {
            /* Replace the invalid prefix, then re-read the bytes after it as fresh input. */
            unsigned char rest[4];
            size_t nrest = st->npending - used;

            memcpy(rest, st->pending + used, nrest);
            st->npending = 0;
            rc = sym_buf_append(out, replacement, sizeof replacement - 1);
            if (!rc)
                rc = sym_utf8_stream_feed(st, (const char *)rest, nrest, out);
        }
        if (rc)
            return rc;
    }
    if (!n)
        return SYM_OK;
    rc = sanitize(p, n, true, out, &tail);
    if (rc)
        return rc;
    memcpy(st->pending, p + n - tail, tail);
    st->npending = tail;
    return SYM_OK;
}

enum sym_status sym_utf8_stream_flush(struct sym_utf8_stream *st, struct sym_buf *out)
{
    enum sym_status rc = SYM_OK;

    if (st->npending)
        rc = sym_buf_append(out, replacement, sizeof replacement - 1);
    st->npending = 0;
    return rc;
}

enum sym_status sym_utf8_terminal_safe(const char *s, size_t n, struct sym_buf *out)
{
    size_t i = 0, start = 0;
    enum sym_status rc = SYM_OK;

    while (!rc && i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t bad = 0;

        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F)
            bad = 1;
        else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
                 (unsigned char)s[i + 1] <= 0x9F)
            bad = 2;
        if (!bad) {
            i++;
            continue;
        }
        rc = sym_buf_append(out, s + start, i - start);
        if (!rc)
            rc = sym_buf_append(out, replacement, sizeof replacement - 1);
        i += bad;
        start = i;
    }
    if (!rc)
        rc = sym_buf_append(out, s + start, n - start);
    return rc;
}
