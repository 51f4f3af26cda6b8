/*
 * buf.c: growable NUL-terminated byte buffer with a cap; see buf.h.
 *
 * Growth doubles the allocation, so appending n bytes one at a time costs O(n).
 */
#include "base/buf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sym_buf_init(struct sym_buf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
}

static enum sym_status buf_reserve(struct sym_buf *b, size_t extra)
{
    size_t need, cap;
    char *p;

    if (extra > (size_t)-1 - b->len - 1)
        return SYM_ERR_TOO_LONG;
    need = b->len + extra + 1;
    if (b->max && need - 1 > b->max)
        return SYM_ERR_TOO_LONG;
    if (need <= b->cap)
        return SYM_OK;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > (size_t)-1 / 2 ? need : cap * 2;
    p = realloc(b->data, cap);
    if (!p)
        return SYM_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    return SYM_OK;
}

enum sym_status sym_buf_append(struct sym_buf *b, const void *data, size_t len)
{
    enum sym_status rc = buf_reserve(b, len);

    if (rc)
        return rc;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return SYM_OK;
}

enum sym_status sym_buf_puts(struct sym_buf *b, const char *s)
{
    return sym_buf_append(b, s, strlen(s));
}

enum sym_status sym_buf_printf(struct sym_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    enum sym_status rc;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return SYM_ERR_INVALID;
    rc = buf_reserve(b, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return SYM_OK;
}

void sym_buf_reset(struct sym_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

const char *sym_buf_str(const struct sym_buf *b)
{
    return b->data ? b->data : "";
}

char *sym_buf_steal(struct sym_buf *b)
{
    char *s = b->data ? b->data : calloc(1, 1);

    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void sym_buf_free(struct sym_buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

enum sym_status sym_buf_getline(struct sym_buf *b, FILE *f)
{
    char chunk[4096];
    size_t n = 0;
    bool any = false;
    int c;

    sym_buf_reset(b);
    while ((c = getc(f)) != EOF) {
        any = true;
        if (c == '\n')
            break;
        if (b->max && b->len + n >= b->max) {
            ungetc(c, f);
            if (sym_buf_append(b, chunk, n))
                return SYM_ERR_NOMEM;
            return SYM_ERR_TOO_LONG;
        }
        chunk[n++] = (char)c;
        if (n == sizeof chunk) {
            enum sym_status rc = sym_buf_append(b, chunk, n);

            if (rc)
                return rc;
            n = 0;
        }
    }
    if (c == EOF && ferror(f))
        return SYM_ERR_IO;
    if (!any)
        return SYM_ERR_NOT_FOUND;
    if (n && sym_buf_append(b, chunk, n))
        return SYM_ERR_NOMEM;
    if (b->len && b->data[b->len - 1] == '\r')
        b->data[--b->len] = '\0';
    if (!b->data && sym_buf_append(b, "", 0))
        return SYM_ERR_NOMEM;
    return SYM_OK;
}
