/*
 * sha256.c: SHA-256 through OpenSSL's EVP interface; see sha256.h.
 *
 * OpenSSL's implementation uses the CPU's SHA extensions or vector units where present, so
 * re-hashing a partial model on resume runs at disk speed. The price is that a context is
 * allocated (EVP_MD_CTX is opaque), which makes init fallible and a free necessary; reading the
 * digest works on a copy, so a context can keep going after it.
 */
#include "base/sha256.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>

struct sym_sha256 {
    EVP_MD_CTX *ctx;
    bool failed; /* an OpenSSL call failed since init or reset */
};

enum sym_status sym_sha256_init(struct sym_sha256 **out)
{
    struct sym_sha256 *s = calloc(1, sizeof *s);

    *out = NULL;
    if (!s || !(s->ctx = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(s->ctx, EVP_sha256(), NULL)) {
        sym_sha256_free(s);
        return SYM_ERR_NOMEM;
    }
    *out = s;
    return SYM_OK;
}

void sym_sha256_reset(struct sym_sha256 *s)
{
    s->failed = !EVP_DigestInit_ex(s->ctx, EVP_sha256(), NULL);
}

void sym_sha256_update(struct sym_sha256 *s, const void *data, size_t len)
{
    if (!s->failed && len)
        s->failed = !EVP_DigestUpdate(s->ctx, data, len);
}

enum sym_status sym_sha256_final(const struct sym_sha256 *s, uint8_t out[SYM_SHA256_LEN])
{
    EVP_MD_CTX *copy = s->failed ? NULL : EVP_MD_CTX_new();
    unsigned int n = 0;
    bool ok;

    ok = copy && EVP_MD_CTX_copy_ex(copy, s->ctx) && EVP_DigestFinal_ex(copy, out, &n) &&
         n == SYM_SHA256_LEN;
    EVP_MD_CTX_free(copy);
    return ok ? SYM_OK : SYM_ERR_NOMEM;
}

enum sym_status sym_sha256_final_hex(const struct sym_sha256 *s, char hex[SYM_SHA256_HEX_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    uint8_t d[SYM_SHA256_LEN];
    int i;

    hex[0] = '\0';
    if (sym_sha256_final(s, d))
        return SYM_ERR_NOMEM;
    for (i = 0; i < SYM_SHA256_LEN; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[SYM_SHA256_HEX_LEN] = '\0';
    return SYM_OK;
}

void sym_sha256_free(struct sym_sha256 *s)
{
    if (!s)
        return;
    EVP_MD_CTX_free(s->ctx);
    free(s);
}

int sym_sha256_is_hex(const char *text)
{
    int i;

    for (i = 0; i < SYM_SHA256_HEX_LEN; i++)
        if (!text[i] || !isxdigit((unsigned char)text[i]))
            return 0;
    return text[i] == '\0';
}
