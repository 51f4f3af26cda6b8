/*
 * ru.c: Russian plural forms and the "в" / "во" choice; see ru.h.
 *
 * Both are the textbook rules. "во" is also used before some words that start with other
 * clusters ("во мне", "во сне"), but place names almost never do, so only в/ф + consonant is
 * checked.
 */
#include <string.h>

#include "nlp/ru.h"

const char *sym_ru_plural(long long n, const char *one, const char *few, const char *many)
{
    unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
    unsigned long long last = u % 10, last2 = u % 100;

    if (last2 >= 11 && last2 <= 14)
        return many;
    if (last == 1)
        return one;
    if (last >= 2 && last <= 4)
        return few;
    return many;
}

/* True when the UTF-8 letter at s is one of the two-byte letters in set (upper or lower case
 * pairs written one after the other). */
static int letter_in(const char *s, const char *set)
{
    size_t i;

    for (i = 0; set[i] && set[i + 1]; i += 2)
        if (s[0] == set[i] && s[1] == set[i + 1])
            return 1;
    return 0;
}

const char *sym_ru_in(const char *word)
{
    /* ь counts as a consonant here: "во Вьетнаме". */
    if (word && strlen(word) >= 4 && letter_in(word, "вВфФ") &&
        letter_in(word + 2, "бБвВгГдДжЖзЗйЙкКлЛмМнНпПрРсСтТфФхХцЦчЧшШщЩьЬ"))
        return "во";
    return "в";
}
