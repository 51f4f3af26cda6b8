/*
 * sha256.h: SHA-256, for checking downloaded models against a known digest.
 *
 * A streaming digest: feed the bytes as they arrive with sym_sha256_update(), read the digest of
 * what was fed so far with sym_sha256_final_hex() (more may be fed after). The work is OpenSSL's
 * (libcrypto, the library libcurl's TLS already brings in), wrapped here so that sha256.c is the
 * only file that includes OpenSSL's headers.
 *
 * Lifetimes: sym_sha256_init() gives a context the caller frees with sym_sha256_free(). Not
 * thread-safe per context.
 */
#ifndef SYM_SHA256_H
#define SYM_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

#define SYM_SHA256_LEN 32     /* digest bytes */
#define SYM_SHA256_HEX_LEN 64 /* digest as lowercase hex, without the terminating NUL */

struct sym_sha256;

/* A new context, holding the digest of nothing yet. SYM_ERR_NOMEM; *out is NULL then. */
enum sym_status sym_sha256_init(struct sym_sha256 **out);

/* Forget the bytes fed so far: back to the digest of nothing. */
void sym_sha256_reset(struct sym_sha256 *s);

/* Feed len bytes. A failure inside OpenSSL is kept and reported by the next final. */
void sym_sha256_update(struct sym_sha256 *s, const void *data, size_t len);

/* The digest of the bytes fed since init or reset; s is unchanged (more may be fed). SYM_ERR_NOMEM
 * when OpenSSL failed (for SHA-256 only an allocation can), then out is unspecified. */
enum sym_status sym_sha256_final(const struct sym_sha256 *s, uint8_t out[SYM_SHA256_LEN]);

/* The same as 64 lowercase hex digits and a NUL; on failure hex is the empty string. */
enum sym_status sym_sha256_final_hex(const struct sym_sha256 *s, char hex[SYM_SHA256_HEX_LEN + 1]);

/* Release the context; NULL is fine. */
void sym_sha256_free(struct sym_sha256 *s);

/* True when text is exactly 64 hex digits (either case). */
int sym_sha256_is_hex(const char *text);

#endif
