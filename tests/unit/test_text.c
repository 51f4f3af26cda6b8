/*
 * test_text.c: normalisation (case folding, ё, punctuation, digit separators, apostrophes and
 * hyphens), the byte map back to the original, word splitting and the edit distance.
 */
#include <stdlib.h>

#include "nlp/text.h"
#include "test.h"

static void check_norm(const char *in, const char *want)
{
    char *got = sym_normalize(in);

    CHECK_STR(got, want);
    free(got);
}

static void test_normalize(void)
{
    check_norm("", "");
    check_norm("   ", "");
    check_norm("Hello, World!", "hello world");
    check_norm("  Remind   me\tto CALL Mum!!  ", "remind me to call mum");
    check_norm("Ёлка и ЁЖ", "елка и еж");
    check_norm("Привет, Мир?", "привет мир");
    check_norm("what's up", "whats up");
    check_norm("don’t", "dont");
    check_norm("rock`n roll", "rockn roll");
    check_norm("'quoted'", "quoted");
    check_norm("нью-йорк", "нью йорк");
    check_norm("New-Year", "new year");
    check_norm("a - b", "a b");
    check_norm("at 9:30.", "at 9:30");
    check_norm("12.06.2027", "12.06.2027");
    check_norm("1/2", "1/2");
    check_norm("2027-06-12", "2027 06 12");
    check_norm("time: 9", "time 9");
    check_norm("a.b", "a b");
    check_norm("end.", "end");
    check_norm("Straße", "strasse");
    check_norm("ΣΊΣΥΦΟΣ", "σίσυφοσ");
    check_norm("e\xCC\x81t\xC3\xA9", "e\xCC\x81t\xC3\xA9"); /* a combining mark stays in the word */
    check_norm("\xD0\x95\xCC\x88\xD0\xBB\xD0\xBA\xD0\xB0", "елка"); /* decomposed Ё */
    check_norm("50% off $5", "50 off 5");
    check_norm("smile 🙂 ok", "smile ok");
    check_norm("bad \xFF byte", "bad byte");
    check_norm("tab\tnew\nline", "tab new line");
}

static void test_map(void)
{
    const char *orig = "  Call MUM, at 9:30!";
    struct sym_norm n;
    size_t i;

    CHECK(sym_norm_init(&n, orig) == SYM_OK);
    CHECK_STR(n.text, "call mum at 9:30");
    CHECK(n.len == strlen("call mum at 9:30"));
    CHECK(n.map[0] == 2);  /* 'c' <- 'C' */
    CHECK(n.map[5] == 7);  /* 'm' <- 'M' */
    CHECK(n.map[8] == 10); /* the space <- ',' */
    CHECK(n.map[n.len] == strlen(orig));
    for (i = 0; i + 1 < n.len; i++)
        CHECK(n.map[i] <= n.map[i + 1]);
    /* cutting "mum" back out of the original keeps its case */
    CHECK(!strncmp(orig + n.map[5], "MUM", n.map[8] - n.map[5]));
    sym_norm_free(&n);

    orig = "Ёжик в ТУМАНЕ";
    CHECK(sym_norm_init(&n, orig) == SYM_OK);
    CHECK_STR(n.text, "ежик в тумане");
    CHECK(n.map[0] == 0 && n.map[1] == 0); /* both bytes of е come from Ё */
    CHECK(n.map[2] == 2);
    CHECK(n.map[n.len] == strlen(orig));
    sym_norm_free(&n);

    CHECK(sym_norm_init(&n, "") == SYM_OK);
    CHECK_STR(n.text, "");
    CHECK(n.len == 0 && n.map[0] == 0);
    sym_norm_free(&n);
    sym_norm_free(NULL);
}

static void test_words(void)
{
    struct sym_words w;

    CHECK(sym_words_split("remind me at 9:30", &w) == SYM_OK);
    CHECK(w.n == 4);
    if (w.n == 4) {
        CHECK_STR(w.word[0], "remind");
        CHECK_STR(w.word[3], "9:30");
        CHECK(w.start[0] == 0 && w.start[1] == 7 && w.start[3] == 13);
    }
    sym_words_free(&w);

    CHECK(sym_words_split("", &w) == SYM_OK);
    CHECK(w.n == 0);
    sym_words_free(&w);

    CHECK(sym_words_split("  two   words ", &w) == SYM_OK);
    CHECK(w.n == 2);
    if (w.n == 2) {
        CHECK_STR(w.word[0], "two");
        CHECK_STR(w.word[1], "words");
        CHECK(w.start[1] == 8);
    }
    sym_words_free(&w);
    sym_words_free(NULL);
}

static void test_edit_distance(void)
{
    CHECK(sym_edit_distance("remind", "remind", 2) == 0);
    CHECK(sym_edit_distance("remind", "remnid", 2) == 1); /* transposition */
    CHECK(sym_edit_distance("remind", "remid", 2) == 1);
    CHECK(sym_edit_distance("remind", "reminds", 2) == 1);
    CHECK(sym_edit_distance("remind", "rewind", 2) == 1);
    CHECK(sym_edit_distance("kitten", "sitting", 5) == 3);
    CHECK(sym_edit_distance("kitten", "sitting", 1) == 2); /* capped at limit + 1 */
    CHECK(sym_edit_distance("напомни", "напомин", 2) == 1);
    CHECK(sym_edit_distance("напомни", "напонми", 2) == 1);
    CHECK(sym_edit_distance("завтра", "звтра", 1) == 1); /* counted in code points, not bytes */
    CHECK(sym_edit_distance("", "abc", 5) == 3);
    CHECK(sym_edit_distance("", "", 0) == 0);
    CHECK(sym_edit_distance("a", "b", 0) == 1);
    CHECK(sym_edit_distance("abc", "abcdefgh", 2) == 3);
}

int main(void)
{
    test_normalize();
    test_map();
    test_words();
    test_edit_distance();
    return test_report("test_text");
}
