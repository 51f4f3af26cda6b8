/*
 * places.h: cities and countries users name when they ask for the time ("time in Tokyo", "время
 * в Москве"), in English and Russian with the Russian case forms people type, mapped to IANA
 * time zones.
 */
#ifndef SYM_PLACES_H
#define SYM_PLACES_H

#include <stddef.h>

#include "nlp/lang.h"

struct sym_place {
    const char *zone;              /* IANA zone: "Asia/Tokyo" */
    const char *name[SYM_N_LANGS]; /* display names: "Tokyo", "Токио" */
    const char *name_in_ru; /* Russian prepositional for "в ...": "Токио", "Москве" */
};

/* Find a place by the normalised words of its name in either language and any listed form
 * ("москве", "нью йорк", "new york", "tokyo"). NULL when unknown. */
const struct sym_place *sym_place_find(const char *norm_name);

/* The whole table, for listings and tests: sym_place_count() rows, sorted by English name;
 * sym_place_forms(i) is row i's accepted forms, normalised and '|'-separated. Both NULL past the
 * end. Static data, never freed. */
size_t sym_place_count(void);
const struct sym_place *sym_place_at(size_t i);
const char *sym_place_forms(size_t i);

#endif
