/*
 * test_places.c: the places table: big enough, sorted, every zone in the system's tzdata, every
 * form already normalised and owned by one row only; lookups by the forms people type.
 */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "nlp/places.h"
#include "nlp/text.h"
#include "test.h"

/* The zone of the place a normalised name finds, or "" when it finds none. */
static const char *zone_of(const char *name)
{
    const struct sym_place *p = sym_place_find(name);

    return p ? p->zone : "";
}

/* Copy form i of a '|'-separated list (up to 127 bytes) into out; false past the end. */
static int nth_form(const char *forms, size_t i, char out[128])
{
    while (i-- > 0) {
        forms = strchr(forms, '|');
        if (!forms)
            return 0;
        forms++;
    }
    snprintf(out, 128, "%.*s", (int)strcspn(forms, "|"), forms);
    return 1;
}

static void test_table(void)
{
    size_t n = sym_place_count(), i, j, k, l;
    char form[128], other[128];

    CHECK(n >= 60);
    CHECK(sym_place_at(n) == NULL && sym_place_forms(n) == NULL);
    for (i = 0; i < n; i++) {
        const struct sym_place *p = sym_place_at(i);

        if (!sym_clock_zone_exists(p->zone))
            fprintf(stderr, "no zone %s for %s\n", p->zone, p->name[SYM_LANG_EN]);
        CHECK(sym_clock_zone_exists(p->zone));
        CHECK(p->name[SYM_LANG_EN] && p->name[SYM_LANG_RU] && p->name_in_ru);
        if (i > 0)
            CHECK(strcmp(sym_place_at(i - 1)->name[SYM_LANG_EN], p->name[SYM_LANG_EN]) < 0);
        for (k = 0; nth_form(sym_place_forms(i), k, form); k++) {
            char *norm = sym_normalize(form);

            CHECK_STR(norm, form);
            free(norm);
            /* Every form finds its own row: no earlier row claims it. */
            if (sym_place_find(form) != p)
                fprintf(stderr, "form \"%s\" of %s finds %s\n", form, p->name[SYM_LANG_EN],
                        sym_place_find(form) ? sym_place_find(form)->name[SYM_LANG_EN] : "none");
            CHECK(sym_place_find(form) == p);
            for (j = i + 1; j < n; j++)
                for (l = 0; nth_form(sym_place_forms(j), l, other); l++)
                    if (!strcmp(form, other)) {
                        fprintf(stderr, "form \"%s\" in two rows\n", form);
                        CHECK(0);
                    }
        }
        /* The display names themselves are accepted. */
        {
            char *en = sym_normalize(p->name[SYM_LANG_EN]),
                 *ru = sym_normalize(p->name[SYM_LANG_RU]);
            char *in = sym_normalize(p->name_in_ru);

            if (strcmp(p->zone, "Etc/UTC") && strcmp(p->zone, "Etc/GMT")) {
                /* "Georgia" in English is as likely the US state: only Russian finds the country.
                 */
                if (strcmp(p->name[SYM_LANG_EN], "Georgia"))
                    CHECK(sym_place_find(en) == p);
                CHECK(sym_place_find(ru) == p);
                CHECK(sym_place_find(in) == p);
            }
            free(en);
            free(ru);
            free(in);
        }
    }
}

static void test_find(void)
{
    const struct sym_place *p;

    CHECK_STR(zone_of("нью йорк"), "America/New_York");
    CHECK_STR(zone_of("нью йорке"), "America/New_York");
    CHECK_STR(zone_of("new york"), "America/New_York");
    CHECK_STR(zone_of("ньюйорк"), "America/New_York");
    CHECK_STR(zone_of("москва"), "Europe/Moscow");
    CHECK_STR(zone_of("москве"), "Europe/Moscow");
    CHECK_STR(zone_of("москвы"), "Europe/Moscow");
    CHECK_STR(zone_of("мск"), "Europe/Moscow");
    CHECK_STR(zone_of("питере"), "Europe/Moscow");
    CHECK_STR(zone_of("спб"), "Europe/Moscow");
    CHECK_STR(zone_of("tokyo"), "Asia/Tokyo");
    CHECK_STR(zone_of("казани"), "Europe/Moscow");
    CHECK_STR(zone_of("камчатке"), "Asia/Kamchatka");
    CHECK_STR(zone_of("київ"), "Europe/Kyiv");
    CHECK_STR(zone_of("sao paulo"), "America/Sao_Paulo");
    CHECK_STR(zone_of("utc"), "Etc/UTC");
    CHECK_STR(zone_of("гринвичу"), "Etc/GMT");
    CHECK_STR(zone_of("атлантида"), "");
    CHECK_STR(zone_of(""), "");
    CHECK_STR(zone_of("new"), "");
    CHECK(sym_place_find(NULL) == NULL);

    p = sym_place_find("москвы");
    CHECK(p && !strcmp(p->name[SYM_LANG_EN], "Moscow") && !strcmp(p->name[SYM_LANG_RU], "Москва"));
    CHECK(p && !strcmp(p->name_in_ru, "Москве"));
    p = sym_place_find("казань");
    CHECK(p && !strcmp(p->name_in_ru, "Казани"));
    p = sym_place_find("токио");
    CHECK(p && !strcmp(p->name_in_ru, "Токио"));
    p = sym_place_find("new york");
    CHECK(p && !strcmp(p->name_in_ru, "Нью-Йорке") && !strcmp(p->name[SYM_LANG_EN], "New York"));
    p = sym_place_find("спб");
    CHECK(p && !strcmp(p->name[SYM_LANG_RU], "Санкт-Петербург"));
}

int main(void)
{
    test_table();
    test_find();
    return test_report("test_places");
}
