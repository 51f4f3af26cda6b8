/*
 * sha256.h: SHA-256 (FIPS 180-4), for checking downloaded models against a known digest.
 *
 * A small streaming implementation so that `symbiot pull` needs no crypto library: feed the bytes
 * as they arrive with sym_sha256_update(), read the digest with sym_sha256_final(). The context is
 * a plain struct on the caller's stack; nothing is allocated.
 */
#ifndef SYM_SHA256_H
#define SYM_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SYM_SHA256_LEN 32     /* digest bytes */
#define SYM_SHA256_HEX_LEN 64 /* digest as lowercase hex, without the terminating NUL */

struct sym_sha256 {
    uint32_t h[8];
    uint64_t n_bytes; /* bytes fed so far */
    uint8_t block[64];
    size_t n_block; /* bytes waiting in block */
};

void sym_sha256_init(struct sym_sha256 *s);
void sym_sha256_update(struct sym_sha256 *s, const void *data, size_t len);
/* Finish and write the digest; s must be initialised again before reuse. */
void sym_sha256_final(struct sym_sha256 *s, uint8_t out[SYM_SHA256_LEN]);
/* Finish and write the digest as 64 lowercase hex digits and a NUL into hex. */
void sym_sha256_final_hex(struct sym_sha256 *s, char hex[SYM_SHA256_HEX_LEN + 1]);
/* True when text is exactly 64 hex digits (either case). */
int sym_sha256_is_hex(const char *text);

#endif
