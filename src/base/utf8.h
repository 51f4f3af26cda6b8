/*
 * utf8.h: UTF-8 validation and a streaming assembler.
 *
 * A token of a language model is a run of bytes, not of characters: a Cyrillic letter (two bytes)
 * or an emoji (four) is often split across tokens, and a random or broken model can emit bytes
 * that never form a character. The stream below holds back an incomplete tail until its next
 * bytes arrive and replaces invalid bytes with U+FFFD, so every piece it hands out is valid UTF-8.
 */
#ifndef SYM_UTF8_H
#define SYM_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

/* True when s[0..n) is entirely valid UTF-8 (no overlongs, surrogates or values past U+10FFFF). */
bool sym_utf8_valid(const char *s, size_t n);

/* Append s[0..n) to out with every invalid sequence replaced by U+FFFD. */
enum sym_status sym_utf8_sanitize(const char *s, size_t n, struct sym_buf *out);

/*
 * Append s[0..n) (valid UTF-8) to out with the characters that steer a terminal made harmless:
 * the C0 controls but tab and newline, DEL, and the C1 controls U+0080..U+009F each become
 * U+FFFD. For untrusted text on its way to a terminal (a model's answer, an imported fact): an
 * escape sequence in it could rewrite the screen, retitle the window or set the clipboard.
 */
enum sym_status sym_utf8_terminal_safe(const char *s, size_t n, struct sym_buf *out);

struct sym_utf8_stream {
    unsigned char pending[4]; /* an incomplete sequence waiting for its next bytes */
    size_t npending;
};

void sym_utf8_stream_init(struct sym_utf8_stream *st);
/* Feed bytes; append to out the longest part that is complete, as valid UTF-8. */
enum sym_status sym_utf8_stream_feed(struct sym_utf8_stream *st, const char *s, size_t n,
                                     struct sym_buf *out);
/* End of stream: a still incomplete sequence becomes U+FFFD. */
enum sym_status sym_utf8_stream_flush(struct sym_utf8_stream *st, struct sym_buf *out);

#endif
