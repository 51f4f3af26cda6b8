/*
 * extract.c: personal facts by anchored rules; see extract.h.
 *
 * The message is normalised (nlp/text.h) and cut into clauses at sentence punctuation (. ! ; , :
 * in the original) and at "and"/"но"/"и"/"а" when a new "I"/"my"/"я"/"мне" clause follows. Each
 * clause, past greeting fillers ("hi", "btw", "кстати"), is tried against a table of rules: a
 * prefix pattern over normalised words (`a|b` alternatives, `word?` optional, `^` marks where
 * the fact's text starts being cut from the original, `{rel}` a family word), then a slot that
 * runs to the end of the clause and must pass its check (a name, a place, a date, an object...).
 * The fact's text is a template filled with the original words, so case, ё and spelling stay as
 * typed; only a few phrasings are rewritten ("I moved to Kazan" -> "I live in Kazan", "моя сестра
 * — Мария" -> "Мою сестру зовут Мария"). Trade-off: rules miss many phrasings, but what they
 * accept is nearly always a fact the user stated about themselves.
 */
#include "nlp/extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nlp/places.h"
#include "nlp/ru.h"
#include "nlp/text.h"

enum slot {
    SLOT_NAME,        /* 1-3 words, not a preposition or common adjective */
    SLOT_NAME_CAPS,   /* the same, each word capitalised */
    SLOT_NAME_STRICT, /* 1-2 capitalised words, not a nationality or state ("I'm Ann") */
    SLOT_PLACE,       /* a known place, or 1-4 words that start and end capitalised */
    SLOT_PLACE_MOVED, /* SLOT_PLACE; Russian: rewritten to "Я живу в <locative>" when known */
    SLOT_OBJECT,      /* 1-6 words, not "you", "it", "that"... */
    SLOT_ROLE,        /* 1-6 words: "a teacher" */
    SLOT_WORKPLACE,   /* 1-6 words, no time words ("at night") */
    SLOT_WORK_RU,     /* "учителем" (instrumental), "в школе", "на заводе" */
    SLOT_DATE,        /* a date with day and month */
    SLOT_PLAN,        /* 1+ words containing a time expression */
};

enum family { FAMILY_NONE, FAMILY_EN, FAMILY_RU_ACC, FAMILY_RU_NOM };

struct rule {
    enum sym_fact_kind kind;
    enum sym_lang lang;
    const char *pattern;
    enum slot slot;
    const char *tmpl; /* text put before the cut; NULL for family rules (built from the relation) */
    const char *key;  /* NULL: built ("likes:<object>", "plan:<words>", "family:<rel>") */
};

static const struct rule rules[] = {
    {SYM_FACT_NAME, SYM_LANG_EN, "my first? name is|s", SLOT_NAME, "My name is ", "name"},
    {SYM_FACT_NAME, SYM_LANG_EN, "call me", SLOT_NAME_CAPS, "My name is ", "name"},
    {SYM_FACT_NAME, SYM_LANG_EN, "my names", SLOT_NAME, "My name is ", "name"},
    {SYM_FACT_NAME, SYM_LANG_EN, "im", SLOT_NAME_STRICT, "My name is ", "name"},
    {SYM_FACT_NAME, SYM_LANG_EN, "i am", SLOT_NAME_STRICT, "My name is ", "name"},
    {SYM_FACT_NAME, SYM_LANG_RU, "меня зовут", SLOT_NAME, "Меня зовут ", "name"},
    {SYM_FACT_NAME, SYM_LANG_RU, "мое имя", SLOT_NAME, "Меня зовут ", "name"},
    {SYM_FACT_HOME, SYM_LANG_EN, "i ^live|reside in", SLOT_PLACE, "I ", "home"},
    {SYM_FACT_HOME, SYM_LANG_EN, "i have? just? moved|relocated to", SLOT_PLACE, "I live in ",
     "home"},
    {SYM_FACT_HOME, SYM_LANG_EN, "ive just? moved|relocated to", SLOT_PLACE, "I live in ", "home"},
    {SYM_FACT_HOME, SYM_LANG_EN, "i am from", SLOT_PLACE, "I'm from ", "home:from"},
    {SYM_FACT_HOME, SYM_LANG_EN, "im from", SLOT_PLACE, "I'm from ", "home:from"},
    {SYM_FACT_HOME, SYM_LANG_RU, "я ^живу в|во", SLOT_PLACE, "Я ", "home"},
    {SYM_FACT_HOME, SYM_LANG_RU, "я ^переехал|переехала|перебрался|перебралась в|во",
     SLOT_PLACE_MOVED, "Я ", "home"},
    {SYM_FACT_HOME, SYM_LANG_RU, "я из", SLOT_PLACE, "Я из ", "home:from"},
    {SYM_FACT_WORK, SYM_LANG_EN, "i ^work as", SLOT_ROLE, "I ", "work"},
    {SYM_FACT_WORK, SYM_LANG_EN, "i ^work at|for|in", SLOT_WORKPLACE, "I ", "work"},
    {SYM_FACT_WORK, SYM_LANG_RU, "я ^работаю", SLOT_WORK_RU, "Я ", "work"},
    {SYM_FACT_FAMILY, SYM_LANG_EN, "my {rel} is called|named?", SLOT_NAME_CAPS, NULL, NULL},
    {SYM_FACT_FAMILY, SYM_LANG_EN, "my {rel} name is|s", SLOT_NAME, NULL, NULL},
    {SYM_FACT_FAMILY, SYM_LANG_EN, "my {rel}", SLOT_NAME_CAPS, NULL, NULL}, /* "sister's Ann" */
    {SYM_FACT_FAMILY, SYM_LANG_RU, "мою|моего {racc} зовут", SLOT_NAME, NULL, NULL},
    {SYM_FACT_FAMILY, SYM_LANG_RU, "моя|мой {rnom} зовут?", SLOT_NAME_CAPS, NULL, NULL},
    {SYM_FACT_DISLIKES, SYM_LANG_EN, "i ^dont like|enjoy|love", SLOT_OBJECT, "I ", NULL},
    {SYM_FACT_DISLIKES, SYM_LANG_EN, "i ^do not like|enjoy|love", SLOT_OBJECT, "I ", NULL},
    {SYM_FACT_DISLIKES, SYM_LANG_EN, "i ^really? hate|dislike|detest|loathe", SLOT_OBJECT, "I ",
     NULL},
    {SYM_FACT_DISLIKES, SYM_LANG_EN, "i ^cant|cannot stand", SLOT_OBJECT, "I ", NULL},
    {SYM_FACT_LIKES, SYM_LANG_EN, "i ^really? like|love|enjoy|adore", SLOT_OBJECT, "I ", NULL},
    {SYM_FACT_DISLIKES, SYM_LANG_RU, "я ^не люблю|переношу|терплю", SLOT_OBJECT, "Я ", NULL},
    {SYM_FACT_DISLIKES, SYM_LANG_RU, "я ^ненавижу", SLOT_OBJECT, "Я ", NULL},
    {SYM_FACT_DISLIKES, SYM_LANG_RU, "^мне не нравится|нравятся", SLOT_OBJECT, "", NULL},
    {SYM_FACT_LIKES, SYM_LANG_RU, "я ^очень? люблю|обожаю", SLOT_OBJECT, "Я ", NULL},
    {SYM_FACT_LIKES, SYM_LANG_RU, "^мне очень? нравится|нравятся", SLOT_OBJECT, "", NULL},
    {SYM_FACT_BIRTHDAY, SYM_LANG_EN, "my birthday is on?", SLOT_DATE, "My birthday is ",
     "birthday"},
    {SYM_FACT_BIRTHDAY, SYM_LANG_EN, "i was born on?", SLOT_DATE, "My birthday is ", "birthday"},
    {SYM_FACT_BIRTHDAY, SYM_LANG_RU, "мой день рождения", SLOT_DATE, "Мой день рождения ",
     "birthday"},
    {SYM_FACT_BIRTHDAY, SYM_LANG_RU, "у меня день рождения", SLOT_DATE, "Мой день рождения ",
     "birthday"},
    {SYM_FACT_BIRTHDAY, SYM_LANG_RU, "я родился|родилась", SLOT_DATE, "Мой день рождения ",
     "birthday"},
    {SYM_FACT_PLAN, SYM_LANG_EN, "^i am going|planning|flying|leaving|travelling|traveling",
     SLOT_PLAN, "", NULL},
    {SYM_FACT_PLAN, SYM_LANG_EN, "^im going|gonna|planning|flying|leaving|travelling|traveling",
     SLOT_PLAN, "", NULL},
    {SYM_FACT_PLAN, SYM_LANG_EN, "^i will|plan|intend", SLOT_PLAN, "", NULL},
    {SYM_FACT_PLAN, SYM_LANG_EN, "^ill", SLOT_PLAN, "", NULL},
    {SYM_FACT_PLAN, SYM_LANG_RU,
     "^я собираюсь|поеду|пойду|еду|иду|полечу|лечу|планирую|буду|уезжаю|улетаю|уеду|улечу",
     SLOT_PLAN, "", NULL},
};

/* Family words. English: the word, its key. Russian: nominative, accusative, "my" in the
 * accusative, key. */
static const char *const rel_en[][2] = {
    {"wife", "wife"},
    {"husband", "husband"},
    {"son", "son"},
    {"daughter", "daughter"},
    {"sister", "sister"},
    {"brother", "brother"},
    {"mother", "mother"},
    {"mom", "mother"},
    {"mum", "mother"},
    {"father", "father"},
    {"dad", "father"},
    {"boyfriend", "boyfriend"},
    {"girlfriend", "girlfriend"},
    {"grandmother", "grandmother"},
    {"grandma", "grandmother"},
    {"grandfather", "grandfather"},
    {"grandpa", "grandfather"},
    {"partner", "partner"},
};
static const char *const rel_ru[][4] = {
    {"жена", "жену", "Мою", "wife"},
    {"муж", "мужа", "Моего", "husband"},
    {"сын", "сына", "Моего", "son"},
    {"дочь", "дочь", "Мою", "daughter"},
    {"дочка", "дочку", "Мою", "daughter"},
    {"сестра", "сестру", "Мою", "sister"},
    {"брат", "брата", "Моего", "brother"},
    {"мама", "маму", "Мою", "mother"},
    {"мать", "мать", "Мою", "mother"},
    {"папа", "папу", "Моего", "father"},
    {"отец", "отца", "Моего", "father"},
    {"бабушка", "бабушку", "Мою", "grandmother"},
    {"дедушка", "дедушку", "Моего", "grandfather"},
    {"девушка", "девушку", "Мою", "girlfriend"},
    {"парень", "парня", "Моего", "boyfriend"},
};
#define N_REL_EN (sizeof rel_en / sizeof rel_en[0])
#define N_REL_RU (sizeof rel_ru / sizeof rel_ru[0])

static const char *const fillers[] = {"hi",     "hello",  "hey",     "well",   "so",       "oh",
                                      "also",   "btw",    "and",     "but",    "actually", "ok",
                                      "okay",   "anyway", "symbiot", "привет", "кстати",   "ну",
                                      "вообще", "а",      "и",       "но",     "также",    "еще",
                                      "вот",    "слушай", "симбиот", "короче", NULL};
static const char *const question_words[] = {
    "what",     "whats",   "who",    "whos",    "where",   "when",   "why",   "how",
    "which",    "whose",   "do",     "does",    "did",     "is",     "are",   "can",
    "could",    "would",   "should", "am",      "was",     "were",   "will",  "shall",
    "have",     "has",     "if",     "suppose", "imagine", "что",    "кто",   "где",
    "когда",    "почему",  "зачем",  "как",     "какой",   "какая",  "какое", "какие",
    "сколько",  "ли",      "разве",  "неужели", "чей",     "чья",    "если",  "представь",
    "допустим", "помнишь", "знаешь", "скажи",   "куда",    "откуда", NULL};
/* Words that end a clause when a new statement about the user follows them. */
static const char *const conjunctions[] = {"and", "but", "и", "а", "но", NULL};
static const char *const clause_starts[] = {"i",   "im",  "my",    "ive",  "ill", "я", "мой",
                                            "моя", "мою", "моего", "меня", "мне", NULL};
/* Never a name, whatever the case. */
static const char *const not_names[] = {
    "not",       "a",        "an",     "the",    "in",      "on",       "at",      "to",
    "from",      "here",     "there",  "back",   "home",    "fine",     "ok",      "okay",
    "sorry",     "tired",    "ready",  "sure",   "so",      "very",     "really",  "also",
    "just",      "going",    "gonna",  "afraid", "happy",   "sad",      "busy",    "good",
    "great",     "hungry",   "late",   "new",    "single",  "married",  "english", "russian",
    "american",  "british",  "german", "french", "italian", "spanish",  "chinese", "japanese",
    "ukrainian", "canadian", "indian", "polish", "working", "done",     "bored",   "sick",
    "ill",       "well",     "alone",  "free",   "lost",    "confused", "cold",    "hot",
    "and",       "or",       "but",    "too",    "still",   "always",   "never",   "you",
    "me",        "him",      "her",    "it",     "that",    "this",     "what",    "later",
    "tomorrow",  "today",    "now",    "maybe",  "again",   "anytime",  "в",       "во",
    "на",        "к",        "ко",     "с",      "со",      "за",       "по",      "домой",
    "гулять",    "гости",    "кушать", "есть",   "обедать", "ужинать",  "играть",  "работать",
    "не",        "тоже",     "так",    "никак",  "как",     "просто",   "все",     "тебя",
    "вас",       "его",      "ее",     "их",     "это",     "меня",     "обедать", "сюда",
    "туда",      "назад",    "уже",    "опять",  "снова",   "всегда",   "иногда",  "часто",
    NULL};
/* Not an object of liking. */
static const char *const not_objects[] = {
    "you", "u",    "it",   "that", "this", "these", "those", "them", "him", "her",   "when",
    "how", "what", "your", "тебя", "вас",  "это",   "его",   "ее",   "их",  "когда", "как",
    "что", "тебе", "вам",  "то",   "ваш",  "твой",  "твою",  "твое", NULL};
/* Time words that make "I work at night" a schedule, not a workplace. */
static const char *const time_words[] = {
    "night",     "nights",     "weekend", "weekends", "morning", "mornings", "evening", "evenings",
    "afternoon", "afternoons", "moment",  "times",    "hard",    "late",     "home",    "remotely",
    "потом",     "днем",       "вечером", "утром",    "ночью",   "летом",    "зимой",   "весной",
    "осенью",    "том",        "этом",    "целом",    "одном",   "сегодня",  "завтра",  "вчера",
    "много",     "допоздна",   "дома",    "удаленно", "над",     "выходные", "сейчас",  "тоже",
    "уже",       "еще",        "не",      "с",        "до",      "по",       NULL};

static bool in_list(const char *word, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(word, *list))
            return true;
    return false;
}

/* One clause: words [b, e) of w, over the normalised n of the original orig. */
struct clause {
    const char *orig;
    const struct sym_norm *n;
    const struct sym_words *w;
    size_t b, e;
};

static size_t orig_start(const struct clause *c, size_t i)
{
    return c->n->map[c->w->start[i]];
}

/* The original byte just past word i. */
static size_t orig_end(const struct clause *c, size_t i)
{
    size_t last = c->w->start[i] + strlen(c->w->word[i]) - 1, at = c->n->map[last];
    unsigned char ch = (unsigned char)c->orig[at];

    at++;
    if (ch >= 0xC0)
        while ((c->orig[at] & 0xC0) == 0x80)
            at++;
    return at;
}

/* Whether word i starts with a capital letter in the original (Latin or Cyrillic). */
static bool capitalised(const struct clause *c, size_t i)
{
    const unsigned char *p = (const unsigned char *)c->orig + orig_start(c, i);

    if (p[0] >= 'A' && p[0] <= 'Z')
        return true;
    return (p[0] == 0xD0 && ((p[1] >= 0x90 && p[1] <= 0xAF) || p[1] == 0x81));
}

static bool has_digit(const char *s)
{
    return strpbrk(s, "0123456789") != NULL;
}

/* Match pattern at word pos; *end gets the first word after it, *cut the word the fact's text
 * starts at (the slot's first word when the pattern has no '^'), *rel the family row. */
static bool match_prefix(const struct clause *c, const char *pattern, size_t *end, size_t *cut,
                         int *rel, bool *cut_set)
{
    size_t pos = c->b;
    const char *p = pattern;
    bool pending = false; /* a '^' item was optional and absent: cut at the next word */

    *cut_set = false;
    while (*p) {
        size_t n = strcspn(p, " ");
        bool optional = p[n - 1] == '?', ok = false, mark = *p == '^';
        const char *alts = p + mark, *word = pos < c->e ? c->w->word[pos] : NULL;
        size_t alen = n - mark - optional, i;

        if (word && !strncmp(alts, "{rel}", alen)) {
            for (i = 0; i < N_REL_EN && !ok; i++) {
                size_t l = strlen(rel_en[i][0]);

                if (!strncmp(word, rel_en[i][0], l) &&
                    (!word[l] || (word[l] == 's' && !word[l + 1]))) {
                    ok = true;
                    *rel = (int)i;
                }
            }
        } else if (word && (!strncmp(alts, "{racc}", alen) || !strncmp(alts, "{rnom}", alen))) {
            int form = alts[2] == 'a' ? 1 : 0;

            for (i = 0; i < N_REL_RU && !ok; i++)
                if (!strcmp(word, rel_ru[i][form])) {
                    ok = true;
                    *rel = (int)i;
                }
        } else if (word) {
            const char *a = alts, *stop = alts + alen;

            while (a < stop && !ok) {
                size_t l = strcspn(a, "| ?");

                if (a + l > stop)
                    l = (size_t)(stop - a);
                ok = strlen(word) == l && !strncmp(word, a, l);
                a += l + 1;
            }
        }
        if (ok) {
            if (mark || pending) {
                pending = false;
                *cut = pos;
                *cut_set = true;
            }
            pos++;
        } else if (!optional) {
            return false;
        } else if (mark) {
            pending = true;
        }
        p += n;
        while (*p == ' ')
            p++;
    }
    *end = pos;
    return true;
}

static bool check_name(const struct clause *c, size_t s, enum slot slot)
{
    size_t i, max = slot == SLOT_NAME_STRICT ? 2 : 3;

    if (c->e <= s || c->e - s > max)
        return false;
    for (i = s; i < c->e; i++) {
        if (in_list(c->w->word[i], not_names) || has_digit(c->w->word[i]))
            return false;
        if (slot != SLOT_NAME && !capitalised(c, i))
            return false;
    }
    if (slot == SLOT_NAME_STRICT) {
        const char *last = c->w->word[c->e - 1];
        size_t l = strlen(last);

        /* "I'm Russian", "I'm Japanese", "I'm Polish": nationalities, not names */
        if (l > 4 && (!strcmp(last + l - 3, "ian") || !strcmp(last + l - 3, "ese") ||
                      !strcmp(last + l - 3, "ish")))
            return false;
    }
    return true;
}

/* The normalised words [s, e) joined, as the place table wants them. */
static void join_words(const struct clause *c, size_t s, size_t e, char *buf, size_t size)
{
    size_t i, len = 0;

    buf[0] = '\0';
    for (i = s; i < e && len < size; i++) {
        int k = snprintf(buf + len, size - len, "%s%s", i > s ? " " : "", c->w->word[i]);

        if (k < 0 || (size_t)k >= size - len) {
            buf[0] = '\0';
            return;
        }
        len += (size_t)k;
    }
}

static bool check_place(const struct clause *c, size_t s, const struct sym_place **known)
{
    char name[128];

    *known = NULL;
    if (c->e <= s || c->e - s > 4)
        return false;
    join_words(c, s, c->e, name, sizeof name);
    *known = sym_place_find(name);
    if (*known)
        return true;
    return capitalised(c, s) && capitalised(c, c->e - 1) && !has_digit(name);
}

static bool check_object(const struct clause *c, size_t s)
{
    if (c->e <= s || c->e - s > 6)
        return false;
    return !in_list(c->w->word[s], not_objects);
}

static bool check_workplace(const struct clause *c, size_t s)
{
    size_t i;
    struct sym_when when;

    if (c->e <= s || c->e - s > 6)
        return false;
    for (i = s; i < c->e; i++)
        if (in_list(c->w->word[i], time_words) || (sym_when_parse(c->w, i, 0, &when) && when.found))
            return false;
    return true;
}

/* "a teacher", "an engineer", "nurse": not "as hard as I can". */
static bool check_role(const struct clause *c, size_t s)
{
    static const char *const not_roles[] = {"as",   "i",     "you",      "can",    "hard", "much",
                                            "well", "usual", "possible", "always", "long", NULL};
    size_t i;

    if (c->e <= s || c->e - s > 6)
        return false;
    for (i = s; i < c->e; i++)
        if (in_list(c->w->word[i], not_roles))
            return false;
    return true;
}

/* "учителем", "программистом", "в школе", "на заводе". */
static bool check_work_ru(const struct clause *c, size_t s)
{
    const char *w0;
    size_t l;

    if (c->e <= s || c->e - s > 6)
        return false;
    w0 = c->w->word[s];
    if (!strcmp(w0, "в") || !strcmp(w0, "во") || !strcmp(w0, "на"))
        return c->e - s >= 2 && check_workplace(c, s + 1);
    l = strlen(w0);
    if (l < 6 || in_list(w0, time_words))
        return false;
    /* Cyrillic endings of the instrumental: -ом -ем -ой -ей (two bytes a letter) */
    return (!strcmp(w0 + l - 4, "ом") || !strcmp(w0 + l - 4, "ем") || !strcmp(w0 + l - 4, "ой") ||
            !strcmp(w0 + l - 4, "ей")) &&
           check_workplace(c, s);
}

static bool check_date(const struct clause *c, size_t s)
{
    struct sym_when when;

    return c->e > s && sym_when_parse(c->w, s, c->e - s, &when) && when.found && when.day > 0 &&
           when.month > 0;
}

/* A plan names a day: "on Friday", "tomorrow", "12 June", "в пятницу", "через неделю". */
static bool find_plan_when(const struct clause *c, size_t s, struct sym_when *out)
{
    size_t i;

    if (c->e <= s)
        return false;
    for (i = s; i < c->e; i++) {
        struct sym_when when;

        if (sym_when_parse(c->w, i, 0, &when) && when.found && when.first + when.count <= c->e &&
            (when.dated || when.weekday >= 0 || when.month > 0 || when.days || when.months ||
             when.years)) {
            *out = when;
            return true;
        }
    }
    return false;
}

/* Copy the original bytes [from, to) into dst, then capitalise the first letter. */
static bool cut(const struct clause *c, size_t from_word, size_t to_word, char *dst, size_t size)
{
    size_t from = orig_start(c, from_word), to = orig_end(c, to_word - 1);

    if (to - from >= size)
        return false;
    memcpy(dst, c->orig + from, to - from);
    dst[to - from] = '\0';
    return true;
}

static void capitalise_first(char *s)
{
    unsigned char *p = (unsigned char *)s;

    if (p[0] >= 'a' && p[0] <= 'z')
        p[0] = (unsigned char)(p[0] - 'a' + 'A');
    else if (p[0] == 0xD0 && p[1] >= 0xB0 && p[1] <= 0xBF)
        p[1] = (unsigned char)(p[1] - 0x20);
    else if (p[0] == 0xD1 && p[1] >= 0x80 && p[1] <= 0x8F) {
        p[0] = 0xD0;
        p[1] = (unsigned char)(p[1] + 0x20);
    } else if (p[0] == 0xD1 && p[1] == 0x91) {
        p[0] = 0xD0;
        p[1] = 0x81;
    }
}

static bool slot_ok(const struct rule *r, const struct clause *c, size_t s,
                    const struct sym_place **place, struct sym_extracted_fact *f)
{
    switch (r->slot) {
    case SLOT_NAME:
    case SLOT_NAME_CAPS:
    case SLOT_NAME_STRICT:
        return check_name(c, s, r->slot);
    case SLOT_PLACE:
    case SLOT_PLACE_MOVED:
        return check_place(c, s, place);
    case SLOT_OBJECT:
        return check_object(c, s);
    case SLOT_ROLE:
        return check_role(c, s);
    case SLOT_WORKPLACE:
        return check_workplace(c, s);
    case SLOT_WORK_RU:
        return check_work_ru(c, s);
    case SLOT_DATE:
        return check_date(c, s);
    case SLOT_PLAN:
        f->has_when = find_plan_when(c, s, &f->when);
        return f->has_when;
    }
    return false;
}

/* Fill f from rule r matched on c with the slot at s; false when it does not fit. */
static bool build(const struct rule *r, const struct clause *c, size_t s, size_t cut_at, int rel,
                  const struct sym_place *place, struct sym_extracted_fact *f)
{
    char slot[200], norm[120];
    int k;

    if (!cut(c, cut_at, c->e, slot, sizeof slot))
        return false;
    join_words(c, s, c->e, norm, sizeof norm);
    if (!norm[0])
        return false;
    if (r->kind == SYM_FACT_FAMILY && r->lang == SYM_LANG_EN) {
        char word[32];

        snprintf(word, sizeof word, "%s", c->w->word[c->b + 1]);
        if (strcmp(word, rel_en[rel][0]))
            word[strlen(word) - 1] = '\0'; /* "sisters name" -> "sister" */
        k = snprintf(f->text, sizeof f->text, "My %s is %s", word, slot);
        snprintf(f->key, sizeof f->key, "family:%s", rel_en[rel][1]);
    } else if (r->kind == SYM_FACT_FAMILY) {
        k = snprintf(f->text, sizeof f->text, "%s %s зовут %s", rel_ru[rel][2], rel_ru[rel][1],
                     slot);
        snprintf(f->key, sizeof f->key, "family:%s", rel_ru[rel][3]);
    } else if (r->slot == SLOT_PLACE_MOVED && place && place->name_in_ru) {
        k = snprintf(f->text, sizeof f->text, "Я живу %s %s", sym_ru_in(place->name_in_ru),
                     place->name_in_ru);
    } else {
        k = snprintf(f->text, sizeof f->text, "%s%s", r->tmpl, slot);
    }
    if (k < 0 || (size_t)k >= sizeof f->text)
        return false;
    capitalise_first(f->text);
    if (r->key)
        k = snprintf(f->key, sizeof f->key, "%s", r->key);
    else if (r->kind == SYM_FACT_LIKES || r->kind == SYM_FACT_DISLIKES)
        k = snprintf(f->key, sizeof f->key, "likes:%s", norm);
    else if (r->kind == SYM_FACT_PLAN)
        k = snprintf(f->key, sizeof f->key, "plan:%s", norm);
    if (k < 0 || (size_t)k >= sizeof f->key)
        return false;
    f->kind = r->kind;
    f->lang = r->lang;
    return true;
}

/* Try every rule on one clause; the first that fits gives the fact. */
static void clause_facts(struct clause *c, struct sym_extracted *out)
{
    size_t i;

    while (c->b < c->e && in_list(c->w->word[c->b], fillers))
        c->b++;
    if (c->b + 2 < c->e && !strcmp(c->w->word[c->b], "by") &&
        !strcmp(c->w->word[c->b + 1], "the") && !strcmp(c->w->word[c->b + 2], "way"))
        c->b += 3;
    if (c->b >= c->e || in_list(c->w->word[c->b], question_words))
        return;
    for (i = 0; i < sizeof rules / sizeof rules[0] && out->n < SYM_EXTRACT_MAX; i++) {
        const struct rule *r = &rules[i];
        struct sym_extracted_fact *f = &out->fact[out->n];
        const struct sym_place *place = NULL;
        size_t s, cut_at = 0;
        bool cut_set;
        int rel = -1;

        memset(f, 0, sizeof *f);
        if (!match_prefix(c, r->pattern, &s, &cut_at, &rel, &cut_set))
            continue;
        if ((r->kind == SYM_FACT_FAMILY) != (rel >= 0))
            continue;
        if (!slot_ok(r, c, s, &place, f))
            continue;
        if (build(r, c, s, cut_set ? cut_at : s, rel, place, f)) {
            out->n++;
            return;
        }
    }
}

/* Whether the original between words i - 1 and i holds sentence punctuation. */
static bool boundary(const struct clause *c, size_t i)
{
    size_t from = orig_end(c, i - 1), to = orig_start(c, i);

    for (; from < to; from++)
        if (strchr(".!;,:()\n", c->orig[from]))
            return true;
    return false;
}

enum sym_status sym_extract(const char *line, struct sym_extracted *out)
{
    struct sym_norm n = {0};
    struct sym_words w = {0};
    struct clause c;
    enum sym_status rc;
    size_t i;

    out->n = 0;
    if (strchr(line, '?'))
        return SYM_OK; /* a question states nothing */
    rc = sym_norm_init(&n, line);
    if (!rc)
        rc = sym_words_split(n.text, &w);
    if (rc)
        goto out;
    c.orig = line;
    c.n = &n;
    c.w = &w;
    c.b = 0;
    for (i = 1; i <= w.n; i++) {
        bool conj = i < w.n && i + 1 < w.n && in_list(w.word[i], conjunctions) &&
                    in_list(w.word[i + 1], clause_starts);

        if (i < w.n && !conj && !boundary(&c, i))
            continue;
        c.e = i;
        clause_facts(&c, out);
        c.b = conj ? i + 1 : i;
        if (conj)
            i++;
    }
out:
    sym_words_free(&w);
    sym_norm_free(&n);
    return rc;
}

const char *sym_fact_kind_name(enum sym_fact_kind kind)
{
    static const char *const names[] = {"name",  "home",     "work",     "family",
                                        "likes", "dislikes", "birthday", "plan"};

    return (size_t)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}
