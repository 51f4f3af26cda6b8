/*
 * llm_facts.h: the language-model side of fact extraction: which messages are worth asking the
 * model about, the instructions it gets, and the checks its reply must pass before a line of it
 * becomes a fact.
 *
 * The rules of nlp/extract.h catch the common phrasings; a capable chat model catches the rest
 * ("we just adopted a kitten called Tom", "у меня аллергия на орехи"). A model can also invent, so
 * a reply is trusted line by line only as far as it is grounded in the message: at least half of
 * a fact's content words must have been said by the user (compared by their first five letters,
 * so "sister's" grounds "sister" and "Казани" grounds "Казань"). A line that is not a plain
 * statement (a question, "NONE", a heading) is dropped. The result is at most SYM_LLM_FACTS_MAX
 * facts of at most 255 bytes each.
 */
#ifndef SYM_LLM_FACTS_H
#define SYM_LLM_FACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"

#define SYM_LLM_FACTS_MAX 4

struct sym_llm_facts {
    char text[SYM_LLM_FACTS_MAX][256];
    size_t n;
};

/* The system message that asks a chat model for the facts in one user message. */
const char *sym_llm_facts_instructions(void);

/* Whether a user message (valid UTF-8) may state something about the user: it speaks in the
 * first person ("I", "my", "we", "я", "мой", "у нас" ...), is not a question, and has between 2
 * and 100 words. Cheap; false on allocation failure. */
bool sym_llm_facts_worth_asking(const char *message);

/* What one line of a reply is. */
enum sym_llm_line {
    SYM_LLM_LINE_FACT,       /* a statement grounded in the message: kept */
    SYM_LLM_LINE_UNGROUNDED, /* a statement the message does not support: the model invents */
    SYM_LLM_LINE_NONE,       /* the "nothing here" answer */
    SYM_LLM_LINE_OTHER,      /* empty, a question, a heading, over-long: skipped */
};

/* Classify one line of a reply (list markers and quotes are trimmed first), so that a caller
 * streaming the reply can stop the model early. SYM_ERR_NOMEM on allocation failure. */
enum sym_status sym_llm_facts_line(const char *message, const char *line, enum sym_llm_line *kind);

/* The grounded facts in a model's reply to the instructions about message (both valid UTF-8).
 * SYM_ERR_NOMEM on allocation failure (out->n is 0 then). Nothing to free. */
enum sym_status sym_llm_facts_parse(const char *message, const char *reply,
                                    struct sym_llm_facts *out);

#endif
