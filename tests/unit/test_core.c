/*
 * test_core.c: the growable buffer, status names, paths and the config parser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "core/config.h"
#include "base/paths.h"
#include "test.h"

static void test_buf(void)
{
    struct sym_buf b;
    char *s;
    int i;

    sym_buf_init(&b, 10);
    CHECK_STR(sym_buf_str(&b), "");
    CHECK(sym_buf_puts(&b, "hello") == SYM_OK);
    CHECK(sym_buf_printf(&b, "%d", 1234) == SYM_OK);
    CHECK_STR(sym_buf_str(&b), "hello1234");
    CHECK(sym_buf_puts(&b, "xy") == SYM_ERR_TOO_LONG); /* over the cap */
    CHECK_STR(sym_buf_str(&b), "hello1234");           /* content kept */
    s = sym_buf_steal(&b);
    CHECK_STR(s, "hello1234");
    CHECK(b.len == 0 && b.data == NULL);
    free(s);
    sym_buf_init(&b, 0);
    for (i = 0; i < 10000; i++)
        CHECK(sym_buf_append(&b, "ab", 2) == SYM_OK);
    CHECK(b.len == 20000);
    sym_buf_free(&b);
    sym_buf_free(NULL);
    CHECK_STR(sym_status_str(SYM_ERR_CONTEXT), "context full");
}

static void test_paths(void)
{
    char p[256];

    setenv("XDG_CONFIG_HOME", "/x/conf", 1);
    CHECK(sym_path_config(p, sizeof p, "config") == SYM_OK);
    CHECK_STR(p, "/x/conf/symbiot/config");
    unsetenv("XDG_CONFIG_HOME");
    setenv("HOME", "/home/u", 1);
    CHECK(sym_path_data(p, sizeof p, "history") == SYM_OK);
    CHECK_STR(p, "/home/u/.local/share/symbiot/history");
    CHECK(sym_path_data(p, 8, "history") == SYM_ERR_TOO_LONG);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    fputs(text, f);
    fclose(f);
}

static void test_config(void)
{
    struct sym_config c;
    char err[256], path[] = "/tmp/symbiot-test-config-XXXXXX";
    int fd = mkstemp(path);

    close(fd);
    CHECK(sym_config_init(&c) == SYM_OK);
    CHECK(c.model == NULL);
    CHECK(c.max_tokens == 512);
    write_file(path, "# comment\n\nmodel = \"/m/a b.gguf\"\nctx_size=1024\n  temp = 0\n"
                     "seed = 7\nsystem = Be brief.\n");
    CHECK(sym_config_load(&c, path, err, sizeof err) == SYM_OK);
    CHECK_STR(c.model, "/m/a b.gguf");
    CHECK(c.ctx_size == 1024);
    CHECK(c.temp == 0.0f);
    CHECK(c.seed == 7);
    CHECK_STR(c.system, "Be brief.");

    /* A comment after a value; a `#` in quotes or inside a word stays. */
    write_file(path, "temp = 0.25  # warmer\nseed = 9\t# fixed\nsystem = \"You are #1\"  # q\n"
                     "endpoint = http://127.0.0.1:8/v1#x\nremote-model = # none yet\n");
    CHECK(sym_config_load(&c, path, err, sizeof err) == SYM_OK);
    CHECK(c.temp == 0.25f);
    CHECK(c.seed == 9);
    CHECK_STR(c.system, "You are #1");
    CHECK_STR(c.endpoint, "http://127.0.0.1:8/v1#x");
    CHECK(c.remote_model == NULL);

    write_file(path, "temp = 0.5\nbogus = 1\n");
    CHECK(sym_config_load(&c, path, err, sizeof err) == SYM_ERR_INVALID);
    CHECK_CONTAINS(err, ":2: unknown setting 'bogus'");
    write_file(path, "no equals sign here\n");
    CHECK(sym_config_load(&c, path, err, sizeof err) == SYM_ERR_INVALID);
    CHECK_CONTAINS(err, ":1: expected 'key = value'");

    CHECK(sym_config_set(&c, "top-p", "1.5", err, sizeof err) == SYM_ERR_INVALID);
    CHECK_CONTAINS(err, "out of range");
    CHECK(sym_config_set(&c, "threads", "2.5", err, sizeof err) == SYM_ERR_INVALID);
    CHECK_CONTAINS(err, "not a whole number");
    CHECK(sym_config_set(&c, "max-tokens", "abc", err, sizeof err) == SYM_ERR_INVALID);
    CHECK_CONTAINS(err, "not a number");
    CHECK(c.extract);
    CHECK(sym_config_set(&c, "extract", "off", err, sizeof err) == SYM_OK && !c.extract);
    CHECK(sym_config_set(&c, "extract", "on", err, sizeof err) == SYM_OK && c.extract);
    CHECK(sym_config_set(&c, "extract", "maybe", err, sizeof err) == SYM_ERR_INVALID);
    CHECK_CONTAINS(err, "not on or off");
    CHECK(sym_config_set(&c, "seed", "random", err, sizeof err) == SYM_OK);
    CHECK(c.seed == SYM_SEED_RANDOM);
    CHECK(sym_config_set(&c, "max-tokens", "-1", err, sizeof err) == SYM_OK);
    CHECK(c.max_tokens == -1);
    CHECK(sym_config_load(&c, "/nonexistent/symbiot.conf", err, sizeof err) == SYM_ERR_NOT_FOUND);

    /* A NUL byte is reported as such, not as a long line; a long line is refused. */
    {
        static const char nul[] = "temp = 0.1\0junk\nthreads = 2\n";
        FILE *f = fmemopen((void *)nul, sizeof nul - 1, "r");
        char line[SYM_CONFIG_MAX_LINE + 16];

        CHECK(f && sym_config_parse(&c, f, "mem", err, sizeof err) == SYM_ERR_INVALID);
        CHECK_CONTAINS(err, "mem:1: a NUL byte");
        if (f)
            fclose(f);
        memset(line, 'x', sizeof line);
        memcpy(line, "system = ", 9);
        line[sizeof line - 1] = '\n';
        f = fmemopen(line, sizeof line, "r");
        CHECK(f && sym_config_parse(&c, f, "mem", err, sizeof err) == SYM_ERR_INVALID);
        CHECK_CONTAINS(err, "mem:1: line too long");
        if (f)
            fclose(f);
    }

    /* Keys that name secrets, for the warning about a config file others can read. */
    CHECK(sym_config_secret_key("api-key"));
    CHECK(sym_config_secret_key("api_key"));
    CHECK(sym_config_secret_key("API-KEY"));
    CHECK(sym_config_secret_key("remote-api-key"));
    CHECK(sym_config_secret_key("token"));
    CHECK(sym_config_secret_key("password"));
    CHECK(sym_config_secret_key("client-secret"));
    CHECK(!sym_config_secret_key("model"));
    CHECK(!sym_config_secret_key("top-k"));
    CHECK(!sym_config_secret_key("embed-model"));
    CHECK(
        !sym_config_secret_key("max-tokens")); /* tokens of text, not a token that grants access */
    CHECK(!sym_config_secret_key(""));
    sym_config_free(&c);
    unlink(path);
}

int main(void)
{
    test_buf();
    test_paths();
    test_config();
    return test_report("test_core");
}
