/*
 * fuzz_config.c: libFuzzer target for the config file parser (src/core/config.c): any bytes as
 * the content of a config file, as a user may write it or another program may leave it. The
 * file is read through sym_config_parse() from a memory stream, so no disk is touched; the
 * settings that came out are checked against their documented ranges, and the secret-key test
 * runs on the input's first line as a key. Built with clang by `make fuzz`; replayed over
 * fuzz/corpus/config by replay.c in `make test`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sym_config cfg;
    char err[512], key[64];
    enum sym_status rc;
    FILE *f;

    if (!size || size > 65536)
        return 0;
    f = fmemopen((void *)data, size, "r");
    if (!f)
        return 0;
    if (sym_config_init(&cfg)) {
        fclose(f);
        return 0;
    }
    err[0] = '\0';
    rc = sym_config_parse(&cfg, f, "fuzz", err, sizeof err);
    /* A failure always says why; a success leaves every number in its range. */
    if (rc && !err[0])
        abort();
    if (cfg.threads < 0 || cfg.threads > 1024 || cfg.ctx_size < 0 || cfg.max_tokens < -1 ||
        cfg.top_k < 0 || !(cfg.top_p >= 0 && cfg.top_p <= 1) ||
        !(cfg.min_p >= 0 && cfg.min_p <= 1) || !(cfg.temp >= 0 && cfg.temp <= 100))
        abort();
    if (cfg.model && !cfg.model[0])
        abort(); /* an empty value clears, it does not store "" */
    fclose(f);
    sym_config_free(&cfg);
    snprintf(key, sizeof key, "%.*s", (int)(size < sizeof key ? size : sizeof key - 1),
             (const char *)data);
    (void)sym_config_secret_key(key);
    return 0;
}
