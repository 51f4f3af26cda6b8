/*
 * extract.h: personal facts picked out of what the user says, by rules, in English and Russian:
 * "My name is Ann", "Я живу в Казани", "I work as a teacher", "Мою сестру зовут Мария", "I don't
 * like onions", "My birthday is 12 June", "I'm going to Paris on Friday".
 *
 * Rules are anchored at the start of a clause and cover it to its end, and their slots are
 * checked (a name or a place must look like one), so that "I live in fear", "I'm tired" and "what
 * is my name?" give nothing: a missed fact costs less than a false one. A message with a question
 * mark, or a clause that starts with a question word or "if"/"если", never yields a fact.
 */
#ifndef SYM_EXTRACT_H
#define SYM_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "nlp/lang.h"
#include "nlp/when.h"

enum sym_fact_kind {
    SYM_FACT_NAME,
    SYM_FACT_HOME,
    SYM_FACT_WORK,
    SYM_FACT_FAMILY,
    SYM_FACT_LIKES,
    SYM_FACT_DISLIKES,
    SYM_FACT_BIRTHDAY,
    SYM_FACT_PLAN,
};

#define SYM_EXTRACT_MAX 4

struct sym_extracted_fact {
    enum sym_fact_kind kind;
    enum sym_lang lang;
    char text[256]; /* canonical fact text from the original words: "I live in Kazan" */
    char key[128];  /* what a newer fact of the same key replaces: "home", "family:sister",
                       "likes:green tea" (likes and dislikes share it), "plan:<words>" */
    bool has_when;  /* plans: the time expression said ("on Friday"), to resolve against now */
    struct sym_when when;
};

struct sym_extracted {
    struct sym_extracted_fact fact[SYM_EXTRACT_MAX];
    size_t n;
};

/* The facts in one user message (valid UTF-8), at most SYM_EXTRACT_MAX, in the order said. A
 * clause whose fact would not fit the buffers is skipped. SYM_ERR_NOMEM on allocation failure
 * (out->n is 0 then). Nothing to free. */
enum sym_status sym_extract(const char *line, struct sym_extracted *out);

/* "name", "home", "work", "family", "likes", "dislikes", "birthday", "plan". */
const char *sym_fact_kind_name(enum sym_fact_kind kind);

#endif
