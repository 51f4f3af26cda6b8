/*
 * test_input.c: the ground floor's checks on hostile input: the capped line reader
 * (sym_buf_getline: stops at the cap, keeps NULs, handles a last line without a newline) and the
 * JSON NUL finder (sym_jsontext_find_nul: raw NUL, "\u0000" escapes, the key they are under), and
 * the server's Host check (sym_host_header_ok) on a table of hostile and good values.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/host.h"
#include "base/jsontext.h"
#include "test.h"

static FILE *input(const char *s, size_t n)
{
    FILE *f = tmpfile();

    if (f) {
        fwrite(s, 1, n, f);
        rewind(f);
    }
    return f;
}

static void test_getline(void)
{
    static const char text[] = "one\r\ntwo\n\nnul\0x\n0123456789\n012345678\nlast";
    struct sym_buf b;
    FILE *f = input(text, sizeof text - 1);

    CHECK(f != NULL);
    if (!f)
        return;
    sym_buf_init(&b, 9);
    CHECK(sym_buf_getline(&b, f) == SYM_OK);
    CHECK_STR(sym_buf_str(&b), "one"); /* the \r goes too */
    CHECK(sym_buf_getline(&b, f) == SYM_OK);
    CHECK_STR(sym_buf_str(&b), "two");
    CHECK(sym_buf_getline(&b, f) == SYM_OK);
    CHECK(b.len == 0 && b.data);
    CHECK(sym_buf_getline(&b, f) == SYM_OK);
    CHECK(b.len == 5 && !memcmp(b.data, "nul\0x", 5)); /* the NUL kept and counted */
    /* 10 bytes with a cap of 9: refused after 9, the rest left unread */
    CHECK(sym_buf_getline(&b, f) == SYM_ERR_TOO_LONG);
    CHECK(b.len == 9);
    CHECK(getc(f) == '9');
    CHECK(getc(f) == '\n');
    /* exactly the cap is a line */
    CHECK(sym_buf_getline(&b, f) == SYM_OK);
    CHECK_STR(sym_buf_str(&b), "012345678");
    CHECK(sym_buf_getline(&b, f) == SYM_OK);
    CHECK_STR(sym_buf_str(&b), "last");
    CHECK(sym_buf_getline(&b, f) == SYM_ERR_NOT_FOUND);
    sym_buf_free(&b);
    fclose(f);

    /* /dev/zero: one line without end, read only up to the cap */
    f = fopen("/dev/zero", "r");
    if (f) {
        sym_buf_init(&b, 1 << 20);
        CHECK(sym_buf_getline(&b, f) == SYM_ERR_TOO_LONG);
        CHECK(b.len == 1 << 20);
        sym_buf_free(&b);
        fclose(f);
    }
}

static void test_jsontext(void)
{
    static const struct {
        const char *json;
        size_t len; /* 0: strlen */
        enum sym_jsontext_nul want;
        const char *key;
    } cases[] = {
        {"{\"text\":\"plain\"}", 0, SYM_JSONTEXT_NO_NUL, ""},
        {"{\"text\":\"before\\u0000after\"}", 0, SYM_JSONTEXT_ESCAPE_NUL, "text"},
        {"{\"a\":1,\"tags\":[\"x\",\"y\\u0000\"]}", 0, SYM_JSONTEXT_ESCAPE_NUL, "tags"},
        {"{\"messages\":[{\"role\":\"user\",\"content\":\"hi\\u0000\"}]}", 0,
         SYM_JSONTEXT_ESCAPE_NUL, "content"},
        /* an escaped backslash before "u0000" is no escape of a NUL */
        {"{\"text\":\"C:\\\\u0000\"}", 0, SYM_JSONTEXT_NO_NUL, ""},
        {"{\"text\":\"\\u0001 \\u00000\"}", 0, SYM_JSONTEXT_ESCAPE_NUL, "text"},
        {"{\"text\":\"raw\0nul\"}", 18, SYM_JSONTEXT_RAW_NUL, "text"},
        {"{\"text\":\"ok\"}\0", 14, SYM_JSONTEXT_RAW_NUL, "text"},
        {"{\"te\\\"xt\" : \"a\\u0000\"}", 0, SYM_JSONTEXT_ESCAPE_NUL, "te\\\"xt"},
        {"[\"\\u0000\"]", 0, SYM_JSONTEXT_ESCAPE_NUL, ""},
        {"{\"text\":\"a\\", 0, SYM_JSONTEXT_NO_NUL, ""}, /* cut short: the parser refuses */
    };
    size_t i, at;
    char key[64];

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = cases[i].len ? cases[i].len : strlen(cases[i].json);
        enum sym_jsontext_nul got = sym_jsontext_find_nul(cases[i].json, n, &at, key, sizeof key);

        if (got != cases[i].want)
            fprintf(stderr, "case %zu: got %d\n", i, (int)got);
        CHECK(got == cases[i].want);
        if (got != SYM_JSONTEXT_NO_NUL)
            CHECK_STR(key, cases[i].key);
    }
    CHECK(sym_jsontext_find_nul("{\"text\":\"ab\\u0000\"}", 19, &at, NULL, 0) ==
          SYM_JSONTEXT_ESCAPE_NUL);
    CHECK(at == 11);
}

static void test_host_header(void)
{
    static const struct {
        const char *value, *configured;
        bool ok;
    } cases[] = {
        {"localhost", NULL, true},
        {"LOCALHOST:8080", NULL, true},
        {"127.0.0.1", NULL, true},
        {"127.0.0.1:1", NULL, true},
        {"127.1.2.3:65535", NULL, true},
        {"[::1]", NULL, true},
        {"[::1]:8080", NULL, true},
        {"[evil.example]", NULL, false},
        {"[evil.example]:80", NULL, false},
        {"[::1].evil.example", NULL, false},
        {"[::1]evil", NULL, false},
        {"localhost:80@evil.example", NULL, false},
        {"localhost@evil.example", NULL, false},
        {"localhost.evil.example", NULL, false},
        {"localhost.", NULL, false},
        {"evil.example", NULL, false},
        {"127.0.0.1.evil.example", NULL, false},
        {"127.0.0.1.nip.io:8080", NULL, false},
        {"127.1", NULL, false},
        {"127.0.0.256", NULL, false},
        {"", NULL, false},
        {":8080", NULL, false},
        {"localhost:", NULL, false},
        {"localhost:0", NULL, false},
        {"localhost:65536", NULL, false},
        {"localhost:123456", NULL, false},
        {"localhost:80:80", NULL, false},
        {"localhost:8a", NULL, false},
        {"localhost :80", NULL, false},
        {"[::1", NULL, false},
        {"10.0.0.5:8080", NULL, false},
        /* the configured host */
        {"10.0.0.5:8080", "10.0.0.5", true},
        {"10.0.0.6:8080", "10.0.0.5", false},
        {"box.lan:8080", "box.lan", true},
        {"box.lan.evil.example", "box.lan", false},
        {"[fe80::1]:8080", "fe80::1", true},
        {"[fe80::2]:8080", "fe80::1", false},
        /* a wildcard: any address, never a name */
        {"192.168.1.5:8080", "0.0.0.0", true},
        {"evil.example:8080", "0.0.0.0", false},
        {"[2001:db8::1]:8080", "::", true},
        {"[evil.example]", "::", false},
        {"192.168.1.5", "::", true},
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool got = sym_host_header_ok(cases[i].value, cases[i].configured);

        if (got != cases[i].ok)
            fprintf(stderr, "Host \"%s\" (configured %s): %s\n", cases[i].value,
                    cases[i].configured ? cases[i].configured : "none",
                    got ? "accepted" : "refused");
        CHECK(got == cases[i].ok);
    }
    CHECK(!sym_host_header_ok(NULL, NULL));
}

int main(void)
{
    test_host_header();
    test_getline();
    test_jsontext();
    return test_report("test_input");
}
