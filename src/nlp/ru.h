/*
 * ru.h: small pieces of Russian grammar that answers need: the plural form that goes with a
 * number ("1 день", "2 дня", "5 дней", "21 день") and the preposition "в" / "во" before a place
 * ("в Москве", "во Владивостоке").
 */
#ifndef SYM_RU_H
#define SYM_RU_H

/*
 * The form of a noun that goes with the number n: `one` for 1, 21, 31, 101 ... (but not 11),
 * `few` for 2-4, 22-24 ... (but not 12-14), `many` for the rest (0, 5-20, 25-30, 111-114 ...).
 * Negative n uses |n|. Returns one of the three pointers: sym_ru_plural(n, "день", "дня", "дней").
 */
const char *sym_ru_plural(long long n, const char *one, const char *few, const char *many);

/* "во" when word (UTF-8, any case) starts with в or ф followed by a consonant or ь ("во
 * Владивостоке", "во Франции", "во Вьетнаме"), else "в". Lower case; capitalise at the start of a
 * sentence yourself. */
const char *sym_ru_in(const char *word);

#endif
