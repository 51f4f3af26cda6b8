/*
 * test_utf8.c: UTF-8 validation, sanitising and the streaming assembler, with Russian text and
 * emoji split at every byte, and with invalid input.
 */
#include <stdlib.h>

#include "base/utf8.h"
#include "test.h"

static void test_valid(void)
{
    CHECK(sym_utf8_valid("", 0));
    CHECK(sym_utf8_valid("hello", 5));
    CHECK(sym_utf8_valid("Привет", strlen("Привет")));
    CHECK(sym_utf8_valid("\xF0\x9F\x99\x82", 4));  /* emoji */
    CHECK(!sym_utf8_valid("\xD0", 1));             /* truncated */
    CHECK(!sym_utf8_valid("\xC0\xAF", 2));         /* overlong '/' */
    CHECK(!sym_utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
    CHECK(!sym_utf8_valid("\xF4\x90\x80\x80", 4)); /* past U+10FFFF */
    CHECK(!sym_utf8_valid("\xFF", 1));
    CHECK(!sym_utf8_valid("a\x80z", 3)); /* stray continuation */
}

static void test_sanitize(void)
{
    struct sym_buf b = {0};

    CHECK(sym_utf8_sanitize("ok ё", strlen("ok ё"), &b) == SYM_OK);
    CHECK_STR(sym_buf_str(&b), "ok ё");
    sym_buf_reset(&b);
    /* An incomplete 3-byte sequence before 'A' is one replacement character. */
    CHECK(sym_utf8_sanitize("\xE2\x82"
                            "A",
                            3, &b) == SYM_OK);
    CHECK_STR(sym_buf_str(&b), "\xEF\xBF\xBD"
                               "A");
    sym_buf_reset(&b);
    CHECK(sym_utf8_sanitize("a\xFF\xFE"
                            "b\xD0",
                            5, &b) == SYM_OK);
    CHECK_STR(sym_buf_str(&b), "a\xEF\xBF\xBD\xEF\xBF\xBD"
                               "b\xEF\xBF\xBD");
    CHECK(sym_utf8_valid(b.data, b.len));
    sym_buf_free(&b);
}

/* Feed `text` in pieces cut at every position in `cuts`; every output step must be valid. */
static void feed_in_pieces(const char *text, size_t step)
{
    struct sym_utf8_stream st;
    struct sym_buf out = {0}, all = {0};
    size_t n = strlen(text), i;

    sym_utf8_stream_init(&st);
    for (i = 0; i < n; i += step) {
        size_t len = n - i < step ? n - i : step;

        sym_buf_reset(&out);
        CHECK(sym_utf8_stream_feed(&st, text + i, len, &out) == SYM_OK);
        CHECK(sym_utf8_valid(out.data ? out.data : "", out.len));
        sym_buf_append(&all, out.data ? out.data : "", out.len);
    }
    sym_buf_reset(&out);
    CHECK(sym_utf8_stream_flush(&st, &out) == SYM_OK);
    CHECK(out.len == 0);
    CHECK_STR(sym_buf_str(&all), text);
    sym_buf_free(&out);
    sym_buf_free(&all);
}

static void test_stream_split(void)
{
    const char *texts[] = {"Привет, мир! Как дела?", "ёжик 🙂 ok", "日本語のテキスト",
                           "plain"};
    size_t t, step;

    for (t = 0; t < sizeof texts / sizeof texts[0]; t++)
        for (step = 1; step <= 5; step++)
            feed_in_pieces(texts[t], step);
}

static void test_stream_invalid(void)
{
    struct sym_utf8_stream st;
    struct sym_buf out = {0};

    sym_utf8_stream_init(&st);
    /* A lead byte followed by a non-continuation: replacement, then the byte itself. */
    CHECK(sym_utf8_stream_feed(&st, "\xD0", 1, &out) == SYM_OK);
    CHECK(out.len == 0);
    CHECK(sym_utf8_stream_feed(&st, "x", 1, &out) == SYM_OK);
    CHECK_STR(sym_buf_str(&out), "\xEF\xBF\xBDx");
    sym_buf_reset(&out);
    /* A truncated sequence at the end of the stream. */
    CHECK(sym_utf8_stream_feed(&st, "\xF0\x9F\x99", 3, &out) == SYM_OK);
    CHECK(out.len == 0);
    CHECK(sym_utf8_stream_flush(&st, &out) == SYM_OK);
    CHECK_STR(sym_buf_str(&out), "\xEF\xBF\xBD");
    sym_buf_reset(&out);
    /* Pending lead byte, then a new complete character. */
    CHECK(sym_utf8_stream_feed(&st, "\xE2", 1, &out) == SYM_OK);
    CHECK(sym_utf8_stream_feed(&st, "\xD0\xB6", 2, &out) == SYM_OK);
    CHECK_STR(sym_buf_str(&out), "\xEF\xBF\xBDж");
    sym_buf_free(&out);
}

/* Text for a terminal: escape sequences and other controls are defused, the rest kept. */
static void test_terminal_safe(void)
{
    struct sym_buf out = {0};
    static const char hostile[] = "title\x1b]0;pwned\x07 clip\x1b]52;c;ZXZpbA==\x1b\\ "
                                  "csi\xc2\x9b"
                                  "2J del\x7f cr\r end";

    CHECK(sym_utf8_terminal_safe("Привет,\tworld 😀\n", strlen("Привет,\tworld 😀\n"), &out) ==
          SYM_OK);
    CHECK_STR(sym_buf_str(&out), "Привет,\tworld 😀\n");
    sym_buf_reset(&out);
    CHECK(sym_utf8_terminal_safe(hostile, sizeof hostile - 1, &out) == SYM_OK);
    CHECK(!strchr(sym_buf_str(&out), '\x1b') && !strchr(sym_buf_str(&out), '\x07'));
    CHECK(!strchr(sym_buf_str(&out), '\r') && !strchr(sym_buf_str(&out), '\x7f'));
    CHECK(!strstr(sym_buf_str(&out), "\xc2\x9b"));
    CHECK_STR(sym_buf_str(&out),
              "title\xEF\xBF\xBD]0;pwned\xEF\xBF\xBD clip\xEF\xBF\xBD]52;c;ZXZpbA=="
              "\xEF\xBF\xBD\\ csi\xEF\xBF\xBD"
              "2J del\xEF\xBF\xBD cr\xEF\xBF\xBD end");
    CHECK(sym_utf8_valid(sym_buf_str(&out), out.len));
    /* U+00A0 (C2 A0) is not a control: kept. */
    sym_buf_reset(&out);
    CHECK(sym_utf8_terminal_safe("a\xc2\xa0"
                                 "b",
                                 4, &out) == SYM_OK);
    CHECK_STR(sym_buf_str(&out), "a\xc2\xa0"
                                 "b");
    sym_buf_free(&out);
}

int main(void)
{
    test_terminal_safe();
    test_valid();
    test_sanitize();
    test_stream_split();
    test_stream_invalid();
    return test_report("test_utf8");
}
