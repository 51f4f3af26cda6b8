/*
 * test_parse.c: the slash-command parser (quoting, escapes, errors), language detection, and the
 * module registry's promises (every command documented in both languages, no name used twice,
 * /help lists every command).
 */
#include <stdlib.h>
#include <string.h>

#include "core/assistant.h"
#include "core/module.h"
#include "nlp/parse.h"
#include "test.h"
#include "modules/registry.h"

static void test_slash(void)
{
    struct sym_parse p;

    CHECK(sym_parse("/remember \"a b\" c", SYM_LANG_EN, &p) == SYM_OK);
    CHECK_STR(p.command, "remember");
    CHECK(p.argc == 2);
    CHECK_STR(p.argv[0], "a b");
    CHECK_STR(p.argv[1], "c");
    CHECK_STR(p.args, "\"a b\" c");
    CHECK(p.argv[2] == NULL);
    CHECK(p.confidence == 1.0f);
    sym_parse_clear(&p);

    CHECK(sym_parse("  /Time   Tokyo  ", SYM_LANG_EN, &p) == SYM_OK);
    CHECK_STR(p.command, "time");
    CHECK(p.argc == 1);
    CHECK_STR(p.argv[0], "Tokyo");
    CHECK_STR(p.args, "Tokyo");
    sym_parse_clear(&p);

    CHECK(sym_parse("/x 'it is' \"say \\\"hi\\\"\" a\\ b", SYM_LANG_EN, &p) == SYM_OK);
    CHECK(p.argc == 3);
    CHECK_STR(p.argv[0], "it is");
    CHECK_STR(p.argv[1], "say \"hi\"");
    CHECK_STR(p.argv[2], "a b");
    sym_parse_clear(&p);

    CHECK(sym_parse("/until Valentine's Day", SYM_LANG_EN, &p) == SYM_OK);
    CHECK(p.argc == 2 && !p.error[0]);
    CHECK_STR(p.argv[0], "Valentine's");
    sym_parse_clear(&p);

    CHECK(sym_parse("/help \"unterminated", SYM_LANG_EN, &p) == SYM_OK);
    CHECK_STR(p.command, "help");
    CHECK_CONTAINS(p.error, "unterminated double quote");
    sym_parse_clear(&p);

    CHECK(sym_parse("/help", SYM_LANG_EN, &p) == SYM_OK);
    CHECK(p.argc == 0 && p.argv && p.argv[0] == NULL);
    CHECK_STR(p.args, "");
    sym_parse_clear(&p);

    /* Not commands: a lone slash, a path-like "//", ordinary text. */
    CHECK(sym_parse("/ hello", SYM_LANG_EN, &p) == SYM_OK);
    CHECK(p.command == NULL);
    sym_parse_clear(&p);
    CHECK(sym_parse("// comment", SYM_LANG_EN, &p) == SYM_OK);
    CHECK(p.command == NULL);
    sym_parse_clear(&p);
    CHECK(sym_parse("tell me a story about time travel", SYM_LANG_EN, &p) == SYM_OK);
    CHECK(p.command == NULL);
    CHECK_STR(p.args, "tell me a story about time travel");
    sym_parse_clear(&p);
}

/* Invalid UTF-8 (from an API body, before the store refuses it): a sequence cut by the end of
 * the string is not read past its NUL (the heap copy lets ASan see it), stray bytes count as no
 * letter. Found by fuzz/fuzz_api.c. */
static void test_lang_invalid_utf8(void)
{
    static const char *const inputs[] = {"n\xf4ya", "ok \xf4", "ok \xe0\x80", "\xd0",
                                         "\x80\xbf"
                                         "abc"};
    size_t i, n;
    char *copy;

    for (i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        n = strlen(inputs[i]) + 1;
        copy = malloc(n);
        CHECK(copy != NULL);
        memcpy(copy, inputs[i], n);
        CHECK(sym_detect_lang(copy, SYM_LANG_RU) == (i == 3 ? SYM_LANG_RU : SYM_LANG_EN));
        free(copy);
    }
    CHECK(sym_detect_lang("да \xd0", SYM_LANG_EN) == SYM_LANG_RU);
}

static void test_lang(void)
{
    struct sym_parse p;

    CHECK(sym_detect_lang("который час?", SYM_LANG_EN) == SYM_LANG_RU);
    CHECK(sym_detect_lang("what time is it", SYM_LANG_RU) == SYM_LANG_EN);
    CHECK(sym_detect_lang("12:30 !!", SYM_LANG_RU) == SYM_LANG_RU); /* no letters: default */
    CHECK(sym_detect_lang("Ёлка and a tree", SYM_LANG_EN) == SYM_LANG_EN);
    CHECK(sym_detect_lang("ёлка на праздник New Year", SYM_LANG_EN) == SYM_LANG_RU);
    test_lang_invalid_utf8();
    /* Commands answer in the user's language unless written in Russian. */
    CHECK(sym_parse("/help stats", SYM_LANG_RU, &p) == SYM_OK);
    CHECK(p.lang == SYM_LANG_RU);
    sym_parse_clear(&p);
    CHECK(sym_parse("/помощь", SYM_LANG_EN, &p) == SYM_OK);
    CHECK(p.lang == SYM_LANG_RU);
    sym_parse_clear(&p);
    CHECK(sym_parse("/remember я живу в Казани", SYM_LANG_EN, &p) == SYM_OK);
    CHECK(p.lang == SYM_LANG_RU);
    sym_parse_clear(&p);
}

static void test_registry(void)
{
    const struct sym_module *const *m, *const *m2, *found;
    const struct sym_command *c, *c2;
    struct sym_config cfg;
    struct sym_assistant *a;
    struct sym_turn t;
    int chat_modules = 0;

    sym_config_init(&cfg);
    CHECK(sym_assistant_init(&a, &cfg, NULL, sym_modules) == SYM_OK);
    CHECK(sym_assistant_turn(a, "/help", NULL, &t) == SYM_OK);
    for (m = sym_modules; *m; m++) {
        CHECK((*m)->name && (*m)->summary[SYM_LANG_EN] && (*m)->summary[SYM_LANG_RU]);
        CHECK((*m)->handle != NULL);
        chat_modules += (*m)->commands == NULL;
        for (c = (*m)->commands; c && c->name; c++) {
            CHECK(c->usage && c->usage[0] == '/');
            CHECK(c->summary[SYM_LANG_EN] && c->summary[SYM_LANG_RU]);
            /* The name finds this very command: no other module took it. */
            CHECK(sym_module_find_command(sym_modules, c->name, &found) == c && found == *m);
            CHECK_CONTAINS(t.answer, c->usage); /* /help lists it */
            for (m2 = sym_modules; *m2; m2++)
                for (c2 = (*m2)->commands; c2 && c2->name; c2++)
                    CHECK(c2 == c || strcmp(c2->name, c->name));
        }
    }
    CHECK(chat_modules == 1);
    CHECK(sym_module_find_command(sym_modules, "?", NULL) != NULL);
    CHECK(sym_module_find_command(sym_modules, "nonesuch", NULL) == NULL);
    sym_turn_clear(&t);
    sym_assistant_free(a);
    sym_config_free(&cfg);
}

int main(void)
{
    test_slash();
    test_lang();
    test_registry();
    return test_report("test_parse");
}
