/*
 * buf.h: a growable byte buffer with a size cap (curl's dynbuf).
 *
 * The data is always NUL-terminated, so it can be used as a C string. A buffer that would grow
 * past its cap refuses with SYM_ERR_TOO_LONG and keeps its content; an allocation failure gives
 * SYM_ERR_NOMEM and also keeps it. Zero-initialise (`struct sym_buf b = {0};`) for no cap.
 */
#ifndef SYM_BUF_H
#define SYM_BUF_H

#include <stdio.h>
#include <stddef.h>

#include "base/status.h"

struct sym_buf {
    char *data; /* NUL-terminated content, NULL until the first append */
    size_t len; /* bytes of content, not counting the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* largest allowed len; 0 means no cap */
};

void sym_buf_init(struct sym_buf *b, size_t max);
enum sym_status sym_buf_append(struct sym_buf *b, const void *data, size_t len);
enum sym_status sym_buf_puts(struct sym_buf *b, const char *s);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
enum sym_status
sym_buf_printf(struct sym_buf *b, const char *fmt, ...);
/* Empty the buffer, keeping its memory. */
void sym_buf_reset(struct sym_buf *b);
/* The content as a string: "" when nothing was appended. Borrowed, valid until the next change. */
const char *sym_buf_str(const struct sym_buf *b);
/* Hand the content to the caller (free() it; NULL only on allocation failure) and empty b. */
char *sym_buf_steal(struct sym_buf *b);
void sym_buf_free(struct sym_buf *b);
/*
 * Read one line of f into b (emptied first), without its "\n" (nor a "\r" before it), reading
 * no more than b's cap allows: a line longer than the cap is not read to its end, so a file
 * without a newline (/dev/zero) costs no more memory than the cap. Returns SYM_OK with a line,
 * SYM_ERR_NOT_FOUND at the end of the input (nothing read), SYM_ERR_TOO_LONG when the line
 * passed the cap (b holds its first max bytes; the rest is still unread), SYM_ERR_IO on a read
 * error, SYM_ERR_NOMEM. A last line without "\n" is a line. NUL bytes are kept (b->len counts
 * them), so the caller can refuse them.
 */
enum sym_status sym_buf_getline(struct sym_buf *b, FILE *f);

#endif
