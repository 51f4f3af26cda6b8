/*
 * llm_facts.c: which messages to ask a chat model about, what to ask, and which lines of its
 * reply to keep; see llm_facts.h.
 */
#include "nlp/llm_facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nlp/text.h"

/* Words, normalised (nlp/text.h: lower case, ё -> е, apostrophes dropped), between spaces. Not
 * "me" and "us": they are mostly in requests ("tell me a story"). */
static const char person_words[] =
    " i im ive id my mine myself we were weve our ours "
    "я мне меня мной мой моя мое мои моего моей моему моим моих мою "
    "мы нас нам нами наш наша наше наши нашего нашей нашему нашим наших нашу ";

/* Short words that say nothing about what a fact is about; the grounding check skips them. */
static const char function_words[] =
    " the and for with was are has have had been from that this his her its their they she him "
    "will would not but all any can who what when where which how now then than into about "
    "called named name "
    "это как для что все его она они было была были будет есть зовут или так там тут уже еще "
    "когда где кто чем при над под без ";

static const char instructions[] =
    "You pick out lasting facts about the user from one message they wrote. Write each fact on "
    "its own line as a short first-person sentence in the language of the message, in the "
    "user's own words (for example: I live in Kazan. / My sister is called Anna. / Я работаю "
    "врачом.). Only facts about the user and their life: name, family, friends, home, work, "
    "plans with dates, likes and dislikes, belongings, pets, health, habits. No facts about the "
    "world, no questions, no comments. If the message states no such fact, write NONE.";

const char *sym_llm_facts_instructions(void)
{
    return instructions;
}

static bool in_list(const char *list, const char *word)
{
    char key[64];
    int n = snprintf(key, sizeof key, " %s ", word);

    return n > 0 && (size_t)n < sizeof key && strstr(list, key) != NULL;
}

/* Bytes of the first n code points of s (all of s when shorter); *count gets how many there
 * were. */
static size_t prefix_bytes(const char *s, size_t n, size_t *count)
{
    size_t i = 0, cp = 0;

    while (s[i] && cp < n) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        cp++;
    }
    if (count)
        *count = cp;
    return i;
}

bool sym_llm_facts_worth_asking(const char *message)
{
    struct sym_words w = {0};
    bool person = false;
    char *norm;
    size_t i;

    if (strchr(message, '?'))
        return false;
    norm = sym_normalize(message);
    if (!norm || sym_words_split(norm, &w)) {
        free(norm);
        return false;
    }
    for (i = 0; i < w.n && !person; i++)
        person = in_list(person_words, w.word[i]);
    person = person && w.n >= 2 && w.n <= 100;
    sym_words_free(&w);
    free(norm);
    return person;
}

/* Whether a word of a fact is worth grounding: three letters or more, and not a function word. */
static bool content_word(const char *word)
{
    size_t cp;

    prefix_bytes(word, 3, &cp);
    return cp >= 3 && !in_list(function_words, word) && !in_list(person_words, word);
}

/* Whether a message word starts with the first five code points of word (all of a shorter
 * word). */
static bool said(const struct sym_words *msg, const char *word)
{
    size_t len = prefix_bytes(word, 5, NULL), i;

    for (i = 0; i < msg->n; i++)
        if (!strncmp(msg->word[i], word, len))
            return true;
    return false;
}

/* Whether at least half of line's content words (and one at least) were said in msg. */
static enum sym_status grounded(const struct sym_words *msg, const char *line, bool *ok)
{
    struct sym_words w = {0};
    size_t i, content = 0, found = 0;
    char *norm = sym_normalize(line);

    *ok = false;
    if (!norm || sym_words_split(norm, &w)) {
        free(norm);
        return SYM_ERR_NOMEM;
    }
    for (i = 0; i < w.n; i++) {
        if (!content_word(w.word[i]))
            continue;
        content++;
        found += said(msg, w.word[i]);
    }
    *ok = found > 0 && found * 2 >= content;
    sym_words_free(&w);
    free(norm);
    return SYM_OK;
}

/* Trim a reply line in place: list markers ("- ", "* ", "• ", "1. ", "2) "), quotes and spaces
 * around it. Returns the start; the end is cut with a NUL. */
static char *trim_line(char *s)
{
    char *end;

    while (*s == ' ' || *s == '\t')
        s++;
    if ((*s == '-' || *s == '*') && s[1] == ' ')
        s += 2;
    else if (!strncmp(s, "\xe2\x80\xa2", 3)) /* • */
        s += 3;
    else if (*s >= '0' && *s <= '9') {
        char *p = s;

        while (*p >= '0' && *p <= '9')
            p++;
        if ((*p == '.' || *p == ')') && p[1] == ' ')
            s = p + 2;
    }
    while (*s == ' ' || *s == '"')
        s++;
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '"'))
        end--;
    *end = '\0';
    return s;
}

/* What a trimmed line is, short of the grounding check: a statement that may be a fact, the
 * "nothing" answer, or something else (empty, a question, a heading "Facts:", over-long). */
static enum sym_llm_line line_shape(const char *s)
{
    size_t len = strlen(s);

    if (!strncmp(s, "NONE", 4) || !strncmp(s, "None", 4) || !strncmp(s, "none", 4))
        return SYM_LLM_LINE_NONE;
    if (len < 4 || len > 255 || strchr(s, '?') || s[len - 1] == ':')
        return SYM_LLM_LINE_OTHER;
    return SYM_LLM_LINE_FACT;
}

/* Classify one trimmed line against the message's words. */
static enum sym_status classify(const struct sym_words *msg, const char *s, enum sym_llm_line *kind)
{
    enum sym_status rc = SYM_OK;
    bool ok = false;

    *kind = line_shape(s);
    if (*kind == SYM_LLM_LINE_FACT) {
        rc = grounded(msg, s, &ok);
        if (!rc && !ok)
            *kind = SYM_LLM_LINE_UNGROUNDED;
    }
    return rc;
}

enum sym_status sym_llm_facts_line(const char *message, const char *line, enum sym_llm_line *kind)
{
    struct sym_words msg = {0};
    char *norm = sym_normalize(message), *copy = strdup(line);
    enum sym_status rc = SYM_ERR_NOMEM;

    *kind = SYM_LLM_LINE_OTHER;
    if (norm && copy && !sym_words_split(norm, &msg))
        rc = classify(&msg, trim_line(copy), kind);
    sym_words_free(&msg);
    free(norm);
    free(copy);
    return rc;
}

/* Whether out already holds text (the same words, any case or punctuation). */
static enum sym_status known(const struct sym_llm_facts *out, const char *text, bool *dup)
{
    char *a = sym_normalize(text);
    size_t i;

    *dup = false;
    if (!a)
        return SYM_ERR_NOMEM;
    for (i = 0; i < out->n && !*dup; i++) {
        char *b = sym_normalize(out->text[i]);

        if (!b) {
            free(a);
            return SYM_ERR_NOMEM;
        }
        *dup = !strcmp(a, b);
        free(b);
    }
    free(a);
    return SYM_OK;
}

enum sym_status sym_llm_facts_parse(const char *message, const char *reply,
                                    struct sym_llm_facts *out)
{
    struct sym_words msg = {0};
    enum sym_status rc = SYM_OK;
    char *norm = sym_normalize(message), *copy = strdup(reply), *line, *next;

    out->n = 0;
    if (!norm || !copy || sym_words_split(norm, &msg)) {
        rc = SYM_ERR_NOMEM;
        goto out;
    }
    for (line = copy; line && !rc && out->n < SYM_LLM_FACTS_MAX; line = next) {
        enum sym_llm_line kind;
        bool dup = false;
        char *s;

        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        s = trim_line(line);
        rc = classify(&msg, s, &kind);
        if (!rc && kind == SYM_LLM_LINE_FACT)
            rc = known(out, s, &dup);
        if (!rc && kind == SYM_LLM_LINE_FACT && !dup)
            snprintf(out->text[out->n++], sizeof out->text[0], "%s", s);
    }
out:
    if (rc)
        out->n = 0;
    sym_words_free(&msg);
    free(norm);
    free(copy);
    return rc;
}
