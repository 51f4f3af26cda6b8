/*
 * test_thesaurus.c: related English words from WordNet (nlp/thesaurus.h). With WordNet's files
 * (Debian's wordnet-base), a word brings its synonyms and broader words, an inflected form is
 * reduced first ("pets", "woke"), an unknown word or a phrase brings nothing. Without them
 * (`test_thesaurus --missing`, run with SYMBIOT_WORDNET pointing nowhere) every word brings
 * nothing and the reason names the directory and the package.
 *
 * Usage: test_thesaurus [--missing]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nlp/thesaurus.h"
#include "test.h"

/* Whether word's related words have want (a whole word). */
static bool relates(const char *word, const char *want)
{
    char *out = NULL, key[80];
    char padded[1024];
    bool yes;

    CHECK(sym_thesaurus_related(word, &out) == SYM_OK && out != NULL);
    if (!out)
        return false;
    snprintf(padded, sizeof padded, " %s ", out);
    snprintf(key, sizeof key, " %s ", want);
    yes = strstr(padded, key) != NULL;
    if (!yes)
        printf("  %s -> %s (no %s)\n", word, out, want);
    free(out);
    return yes;
}

static bool brings_nothing(const char *word)
{
    char *out = NULL;
    bool none;

    CHECK(sym_thesaurus_related(word, &out) == SYM_OK && out != NULL);
    none = out && !*out;
    free(out);
    return none;
}

int main(int argc, char **argv)
{
    const char *why = NULL;

    if (argc > 1 && !strcmp(argv[1], "--missing")) {
        CHECK(!sym_thesaurus_available(&why));
        CHECK(why && strstr(why, "wordnet-base") && strstr(why, getenv("SYMBIOT_WORDNET")));
        CHECK(brings_nothing("pets"));
        CHECK(brings_nothing("car"));
        return test_report("test_thesaurus --missing");
    }
    if (!sym_thesaurus_available(&why)) {
        /* The package is in scripts/deps.sh; a machine without it has no thesaurus, which the
         * --missing run covers. */
        printf("test_thesaurus: skipped: %s\n", why);
        CHECK(brings_nothing("car"));
        return test_report("test_thesaurus");
    }
    /* Synonyms of the most common sense, broader words, narrower ones. */
    CHECK(relates("car", "automobile"));
    CHECK(relates("car", "auto"));
    CHECK(relates("job", "occupation"));
    CHECK(relates("pet", "animal"));
    CHECK(relates("dog", "canine"));
    CHECK(relates("dog", "puppy"));
    /* Inflected forms: regular endings and WordNet's irregular ones. */
    CHECK(relates("pets", "animal"));
    CHECK(relates("cars", "automobile"));
    CHECK(relates("children", "kid"));
    CHECK(relates("woke", "awaken"));
    CHECK(relates("wakes", "awaken"));
    /* Never a phrase (WordNet's "domestic_animal"), never the word itself, at most the cap. */
    {
        char *out = NULL;
        int n = 1;

        CHECK(sym_thesaurus_related("dog", &out) == SYM_OK && out);
        if (out) {
            char padded[1024];

            snprintf(padded, sizeof padded, " %s ", out);
            CHECK(!strchr(out, '_') && !strstr(padded, " dog "));
            for (const char *p = out; *p; p++)
                n += *p == ' ';
            CHECK(n <= SYM_THESAURUS_MAX);
            free(out);
        }
    }
    /* Nothing for an unknown word, an empty one, a phrase, a Russian word. */
    CHECK(brings_nothing("zzqxv"));
    CHECK(brings_nothing(""));
    CHECK(brings_nothing("red car"));
    CHECK(brings_nothing("собака"));
    return test_report("test_thesaurus");
}
