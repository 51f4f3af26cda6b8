/*
 * intent.c: natural-language intents by anchored patterns over normalised words.
 *
 * Each rule is an intent, a language and a pattern that must cover the whole sentence (after
 * politeness fillers are removed): so "what time is it" routes to the time module while "tell me
 * a story about time travel" matches nothing and goes to the model. Pattern items:
 *
 *   word        that word              a|b|c     one of them
 *   word?       optional word          a|b?      optional, one of them
 *   {text}      one or more words, kept as a slot (cut from the original line, case intact)
 *   {fact}      {text} that does not start with a question word or "it"/"это": "remember when
 *               we met?" and "forget it" are chat, "remember my sister is Anna" is not
 *   {task}      {text} that starts with a Russian infinitive ("купить молоко"), so "напомни
 *               купить молоко" is a reminder and "напомни, как работает фотосинтез" is chat
 *   {place}     a known place (nlp/places.h), or one or two capitalised words
 *   {when}      a time expression (nlp/when.h); {when?} may be absent
 *   {event}     a date expression, or one to four words naming a day ("New Year")
 *
 * A literal word of five letters or more also matches a word one typo away, at a cost in
 * confidence; an unknown but capitalised place costs too. The matcher backtracks, so slots may
 * sit anywhere; sentences are short and the rule table small, so that stays cheap. The best
 * match above SYM_INTENT_THRESHOLD wins; ties go to the rule listed first.
 */
#include "nlp/intent.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "nlp/places.h"
#include "nlp/text.h"
#include "nlp/when.h"

struct rule {
    const char *intent;
    const char *pattern;
};

/* English and Russian rules in one table: a sentence's words decide which can match. */
static const struct rule rules[] = {
    /* time */
    {"time", "what time is it now?"},
    {"time", "what|whats is? the time now?"},
    {"time", "tell|give me the time"},
    {"time", "the time now?"},
    {"time", "what time it is now?"},
    {"time", "what time it is in {place}"},
    {"time", "what|whats is? the current time"},
    {"time", "current|local time"},
    {"time", "time now?"},
    {"time", "do you know what time it is"},
    {"time", "what time is it now? in {place} right? now?"},
    {"time", "what|whats is? the time now? in {place} right? now?"},
    {"time", "what|whats is? the current|local time in {place} right? now?"},
    {"time", "current|local? time in {place} right? now?"},
    {"time", "what time is it in {place} now?"},
    {"time", "который сейчас? час"},
    {"time", "который час сейчас"},
    {"time", "сколько сейчас? времени|время"},
    {"time", "сколько времени|время сейчас"},
    {"time", "текущее|точное? время"},
    {"time", "время"},
    {"time", "какое сейчас? время"},
    {"time", "который сейчас? час сейчас? в|во {place} сейчас?"},
    {"time", "сколько сейчас? времени|время сейчас? в|во {place} сейчас?"},
    {"time", "какое сейчас? время в|во {place}"},
    {"time", "текущее|местное? время в|во {place}"},
    {"time", "время в|во {place} сейчас?"},
    /* date */
    {"date", "what|whats is? the date today?"},
    {"date", "what|whats is? todays date"},
    {"date", "what date is it today?"},
    {"date", "todays date"},
    {"date", "what|whats is? the date of today"},
    {"date", "what day of the month is it today?"},
    {"date", "какое сегодня число"},
    {"date", "какое число сегодня?"},
    {"date", "какая сегодня дата"},
    {"date", "какая дата сегодня?"},
    {"date", "какое сегодня число и месяц"},
    {"date", "сегодняшняя|сегодняшнюю дата|дату"},
    {"date", "сегодня какое число"},
    /* weekday */
    {"weekday", "what|which day of the week is it today?"},
    {"weekday", "what day is it today?"},
    {"weekday", "what weekday is it today?"},
    {"weekday", "what|which day of the week is|was|will {when}"},
    {"weekday", "what|which day of the week will it be {when}"},
    {"weekday", "what|which day of the week was it {when}"},
    {"weekday", "what|which day of the week is it {when}"},
    {"weekday", "what|which day of the week falls on {when}"},
    {"weekday", "what|which weekday is|was|will be? {when}"},
    {"weekday", "what|which day is|was|will be? {when}"},
    {"weekday", "what|which day will it be {when}"},
    {"weekday", "what|which day of the week {when}"},
    {"weekday", "какой сегодня день недели?"},
    {"weekday", "какой день сегодня"},
    {"weekday", "какой день недели сегодня?"},
    {"weekday", "какой день недели будет|был {when}"},
    {"weekday", "какой день недели {when} будет|был?"},
    {"weekday", "какой {when} день недели"},
    {"weekday", "какой день будет|был {when}"},
    {"weekday", "на какой день недели выпадает|приходится {when}"},
    {"weekday", "в какой день недели {when}"},
    /* until */
    {"until", "how many days are|is? it? left? until|till|to|before {event}"},
    {"until", "how long until|till|to {event}"},
    {"until", "days until|till|to|before {event}"},
    {"until", "count the? days until|till|to {event}"},
    {"until", "how many days remain until|till {event}"},
    {"until", "сколько дней осталось? до {event}"},
    {"until", "сколько осталось дней? до {event}"},
    {"until", "сколько еще дней? до {event}"},
    {"until", "через сколько дней {event}"},
    {"until", "когда {event} через сколько дней"},
    /* remind */
    {"remind", "remind me {when} to|that|about? {text}"},
    {"remind", "remind me to|about {text} {when}"},
    {"remind", "remind me to|about {text}"},
    {"remind", "{when} remind me to|that|about {text}"},
    {"remind", "set|create|make|add a? reminder for|at|on? {when} to|that|about|for? {text}"},
    {"remind", "set|create|make|add a? reminder to|that|about|for {text} {when}"},
    {"remind", "set|create|make|add a? reminder to|about|for {text}"},
    {"remind", "reminder {when} {text}"},
    {"remind", "напомни|напомните мне? {when} что|про|о|об? {text}"},
    {"remind", "напомни|напомните мне? {task} {when}"},
    {"remind", "напомни|напомните мне? {task}"},
    {"remind", "{when} напомни|напомните мне? {text}"},
    {"remind", "поставь|создай|добавь|сделай|установи напоминание на? {when} {text}"},
    {"remind", "поставь|создай|добавь|сделай|установи напоминание {text} на? {when}"},
    {"remind", "напоминание на? {when} {text}"},
    /* help */
    {"help", "help"},
    {"help", "help me? please?"},
    {"help", "show help"},
    {"help", "what else? can you do"},
    {"help", "show me? the? commands|help"},
    {"help", "what are you able to do"},
    {"help", "what do you do"},
    {"help", "what can i ask you"},
    {"help", "what commands do you know|have|support"},
    {"help", "what are your commands|skills|features"},
    {"help", "list commands"},
    {"help", "how do i use you"},
    {"help", "помощь"},
    {"help", "справка"},
    {"help", "что еще? ты умеешь|можешь делать?"},
    {"help", "что еще? умеешь"},
    {"help", "какие команды ты знаешь|понимаешь"},
    {"help", "какие у тебя есть? команды"},
    {"help", "чем ты можешь помочь"},
    {"help", "покажи? список команд"},
    {"help", "как тобой пользоваться"},
    /* remember */
    {"remember", "remember that {text}"},
    {"remember", "remember {fact}"},
    {"remember", "note|memorize|memorise that {text}"},
    {"remember", "keep in mind that {text}"},
    {"remember", "запомни что|это {text}"},
    {"remember", "запомни {fact}"},
    {"remember", "запиши|учти что {text}"},
    {"remember", "имей в виду что {text}"},
    /* forget */
    {"forget", "forget that|about {fact}"},
    {"forget", "forget {fact}"},
    {"forget", "забудь о|об|про том что {text}"},
    {"forget", "забудь что|про|о|об {fact}"},
    {"forget", "забудь {fact}"},
    {"forget", "удали|сотри из памяти что? {text}"},
    /* memories */
    {"memories", "what do you know about me so? far?"},
    {"memories", "what you know|remember about me"},
    {"memories", "show me? what you know|remember about? me?"},
    {"memories", "what have you remembered|memorized|memorised about? me?"},
    {"memories", "what do you remember about me"},
    {"memories", "what do you remember"},
    {"memories", "what have you remembered|memorized"},
    {"memories", "show|list my? memories"},
    {"memories", "что ты обо мне знаешь|помнишь"},
    {"memories", "покажи? все? что ты знаешь|помнишь обо|про мне|меня"},
    {"memories", "покажи? все? что ты обо|про мне|меня знаешь|помнишь"},
    {"memories", "что ты помнишь"},
    {"memories", "покажи? что ты запомнил|запомнила"},
    {"memories", "покажи мои? воспоминания|факты"},
    /* feedback: a correction before "bad", which its first words would also match */
    {"correct", "неверно|неправильно|нет правильно {text}"},
    {"correct", "неверно|неправильно правильный ответ {text}"},
    {"correct", "wrong|no|incorrect the right|correct answer is {text}"},
    {"correct", "the right|correct answer is {text}"},
    {"correct", "wrong|incorrect it should be {text}"},
    {"good", "good|great|nice|perfect|excellent|helpful answer|reply|job"},
    {"good", "thats right|correct|helpful"},
    {"good", "хорошо|отлично|правильно|верно"},
    {"good", "хороший|отличный|правильный|полезный ответ"},
    {"bad", "bad|wrong|poor|terrible|unhelpful answer|reply"},
    {"bad", "bad|wrong|poor|terrible|unhelpful answer|reply {text}"},
    {"bad", "плохо|неправильно|неверно"},
    {"bad", "плохо|неправильно {text}"},
    {"bad", "плохой|неправильный|неверный ответ"},
    {"bad", "плохой|неправильный|неверный ответ {text}"},
    /* preferences */
    {"prefer", "answer|reply|respond|write|be shorter|briefer|longer|concise"},
    {"prefer", "answer|reply|respond|write in more detail"},
    {"prefer", "answer|reply|respond|write|talk|speak in russian|english"},
    {"prefer", "shorter|briefer|longer|short answers|replies"},
    {"prefer", "keep it|answers|replies short|brief"},
    {"prefer", "no|without emojis|emoji|smileys"},
    {"prefer", "dont|do not use emojis|emoji|smileys"},
    {"prefer", "отвечай|пиши|говори по русски|английски"},
    {"prefer", "отвечай|пиши короче|кратко|коротко|покороче|подробнее|подробно"},
    {"prefer", "отвечай|пиши без эмодзи|смайликов"},
    {"prefer", "без эмодзи|смайликов"},
    {"prefer", "не используй|ставь эмодзи|смайлики"},
};

/* Politeness and address words that carry no intent. Removed anywhere ("please"), or only at
 * the start of the sentence ("скажи", "hey"). */
static const char *const fillers_anywhere[] = {"please", "pls", "пожалуйста", "плиз", NULL};
static const char *const fillers_start[] = {
    "hey",     "hi",       "ok",         "okay",    "so",     "symbiot", "could",  "can",
    "would",   "you",      "tell",       "me",      "а",      "ну",      "слушай", "скажи",
    "скажите", "подскажи", "подскажите", "симбиот", "привет", "эй",      NULL};

static bool known_literal(const char *word);

#define MAX_ITEMS 16
#define FUZZY_PENALTY 0.1f
#define UNKNOWN_PLACE_PENALTY 0.15f

enum item_kind { ITEM_WORDS, ITEM_TEXT, ITEM_FACT, ITEM_TASK, ITEM_PLACE, ITEM_WHEN, ITEM_EVENT };

struct item {
    enum item_kind kind;
    const char *alts; /* ITEM_WORDS: "a|b|c" (not NUL-terminated: len) */
    size_t len;
    bool optional;
};

/* What a successful match records. */
struct match {
    float penalty;
    size_t text[2], place[2], event[2]; /* word spans [from, to); from == to: none */
    struct sym_when when;
    bool has_when;
};

struct matcher {
    const struct sym_words *w;
    const char *original;
    const struct sym_norm *norm;
    struct item items[MAX_ITEMS];
    size_t n_items;
};

static bool in_list(const char *word, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(word, *list))
            return true;
    return false;
}

/* Split a pattern into items. False for a malformed pattern (a programming error). */
static bool compile(const char *pattern, struct matcher *m)
{
    const char *p = pattern;

    m->n_items = 0;
    while (*p) {
        struct item *it;
        size_t n = strcspn(p, " ");

        if (m->n_items == MAX_ITEMS)
            return false;
        it = &m->items[m->n_items++];
        it->optional = n && p[n - 1] == '?';
        if (it->optional)
            n--;
        it->alts = p;
        it->len = n;
        it->kind = ITEM_WORDS;
        if (n >= 2 && p[0] == '{') {
            const char *name = p + 1;

            it->kind = !strncmp(name, "text", 4)    ? ITEM_TEXT
                       : !strncmp(name, "fact", 4)  ? ITEM_FACT
                       : !strncmp(name, "task", 4)  ? ITEM_TASK
                       : !strncmp(name, "place", 5) ? ITEM_PLACE
                       : !strncmp(name, "when", 4)  ? ITEM_WHEN
                                                    : ITEM_EVENT;
        }
        p += n + it->optional;
        p += strspn(p, " ");
    }
    return true;
}

/* Number of code points in a UTF-8 word. */
static size_t utf8_len(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Does word match one of alts? *fuzzy is set when only a one-typo match was found. */
static bool word_matches(const char *word, const char *alts, size_t len, bool *fuzzy)
{
    const char *end = alts + len, *a = alts;
    size_t wlen = strlen(word);

    *fuzzy = false;
    while (a < end) {
        const char *bar = memchr(a, '|', (size_t)(end - a));
        size_t n = (size_t)((bar ? bar : end) - a);

        if (n == wlen && !strncmp(a, word, n))
            return true;
        a += n + 1;
    }
    if (utf8_len(word) < 4 || known_literal(word))
        return false;
    for (a = alts; a < end;) {
        const char *bar = memchr(a, '|', (size_t)(end - a));
        size_t n = (size_t)((bar ? bar : end) - a);
        char alt[64];

        if (n < sizeof alt) {
            memcpy(alt, a, n);
            alt[n] = '\0';
            if (utf8_len(alt) >= 5 && sym_edit_distance(word, alt, 1) <= 1) {
                *fuzzy = true;
                return true;
            }
        }
        a += n + 1;
    }
    return false;
}

/* Join words [from, to) with spaces into buf. */
static void join(const struct sym_words *w, size_t from, size_t to, char *buf, size_t size)
{
    size_t len = 0, i;

    buf[0] = '\0';
    for (i = from; i < to; i++) {
        size_t n = strlen(w->word[i]);

        if (len + n + 2 > size)
            return;
        if (i > from)
            buf[len++] = ' ';
        memcpy(buf + len, w->word[i], n + 1);
        len += n;
    }
}

/* Is the original text at word i capitalised (a proper noun)? */
static bool capitalised(const struct matcher *m, size_t i)
{
    size_t at = m->norm->map[m->w->start[i]];
    unsigned char c = (unsigned char)m->original[at];

    if (c < 0x80)
        return isupper(c);
    /* Cyrillic capitals: U+0401, U+0410..U+042F (D0 81, D0 90..D0 AF). */
    return c == 0xD0 && ((unsigned char)m->original[at + 1] == 0x81 ||
                         ((unsigned char)m->original[at + 1] >= 0x90 &&
                          (unsigned char)m->original[at + 1] <= 0xAF));
}

/* First words that make a sentence a question or a dismissal rather than a fact. */
static const char *const not_facts[] = {
    "when",  "what",   "how",   "who",     "why",   "where", "if",    "whether", "remember",
    "it",    "this",   "это",   "этом",    "этого", "как",   "кто",   "что",     "где",
    "когда", "почему", "зачем", "сколько", "какой", "какая", "какое", "какие",   "каком",
    "каких", "о",      "об",    "про",     "that",  "about", NULL};

/* A Russian infinitive: "купить", "позвонить", "забрать", "прийти", "беречь", "умыться". */
static bool russian_infinitive(const char *w)
{
    static const char *const endings[] = {"ть", "ти", "чь", "ться", "тись", NULL};
    size_t n = strlen(w), i;

    for (i = 0; endings[i]; i++) {
        size_t e = strlen(endings[i]);

        if (n > e + 2 && !strcmp(w + n - e, endings[i]))
            return true;
    }
    return false;
}

/* Words that name days people count down to. */
static const char *const day_words[] = {
    "new",       "year",      "christmas", "halloween", "valentines", "easter",
    "birthday",  "holiday",   "holidays",  "vacation",  "summer",     "winter",
    "spring",    "autumn",    "новый",     "нового",    "года",       "год",
    "рождество", "рождества", "пасха",     "пасхи",     "день",       "дня",
    "марта",     "мая",       "отпуск",    "отпуска",   "лета",       "зимы",
    "весны",     "осени",     "праздника", "каникул",   "хэллоуина",  NULL};

/* Does words [from, to) name a day: a known day word, or a capitalised name ("Thanksgiving")? */
static bool names_a_day(const struct matcher *m, size_t from, size_t to)
{
    size_t i;

    for (i = from; i < to; i++)
        if (in_list(m->w->word[i], day_words))
            return true;
    return capitalised(m, from);
}

/* Is word a literal of some rule? Such a word is never taken as a typo of another literal:
 * "напомни" (remind) must not match "запомни" (remember). */
static bool known_literal(const char *word)
{
    size_t r, n = strlen(word);

    for (r = 0; r < sizeof rules / sizeof rules[0]; r++) {
        const char *p = rules[r].pattern;

        while ((p = strstr(p, word))) {
            bool left = p == rules[r].pattern || p[-1] == ' ' || p[-1] == '|';
            bool right = !p[n] || p[n] == ' ' || p[n] == '|' || p[n] == '?';

            if (left && right)
                return true;
            p += n;
        }
    }
    return false;
}

static bool match_from(struct matcher *m, size_t pi, size_t wi, struct match *out);

/* Try a slot covering words [wi, wi + k), then the rest of the pattern. */
static bool try_slot(struct matcher *m, size_t pi, size_t wi, size_t k, struct match *out)
{
    const struct item *it = &m->items[pi];
    struct match save = *out;
    char buf[256];

    switch (it->kind) {
    case ITEM_FACT:
        if (in_list(m->w->word[wi], not_facts))
            return false;
        out->text[0] = wi;
        out->text[1] = wi + k;
        break;
    case ITEM_TASK:
        if (!russian_infinitive(m->w->word[wi]))
            return false;
        out->text[0] = wi;
        out->text[1] = wi + k;
        break;
    case ITEM_TEXT:
        out->text[0] = wi;
        out->text[1] = wi + k;
        break;
    case ITEM_PLACE:
        join(m->w, wi, wi + k, buf, sizeof buf);
        if (!sym_place_find(buf)) {
            if (k > 2 || !capitalised(m, wi) || (k == 2 && !capitalised(m, wi + 1)))
                return false;
            out->penalty += UNKNOWN_PLACE_PENALTY;
        }
        out->place[0] = wi;
        out->place[1] = wi + k;
        break;
    case ITEM_WHEN:
        if (!sym_when_parse(m->w, wi, k, &out->when))
            return false;
        out->has_when = true;
        break;
    case ITEM_EVENT:
        if (sym_when_parse(m->w, wi, k, &out->when) &&
            (out->when.day || out->when.weekday >= 0 || out->when.days || out->when.seconds)) {
            out->has_when = true;
        } else {
            if (k > 4 || !names_a_day(m, wi, wi + k))
                return false;
            out->event[0] = wi;
            out->event[1] = wi + k;
        }
        break;
    case ITEM_WORDS:
        return false;
    }
    if (match_from(m, pi + 1, wi + k, out))
        return true;
    *out = save;
    return false;
}

/* Match items[pi..] against words[wi..], to the end of both. */
static bool match_from(struct matcher *m, size_t pi, size_t wi, struct match *out)
{
    const size_t n = m->w->n;
    const struct item *it;
    size_t k;

    if (pi == m->n_items)
        return wi == n;
    it = &m->items[pi];
    if (it->kind == ITEM_WORDS) {
        bool fuzzy;

        if (wi < n && word_matches(m->w->word[wi], it->alts, it->len, &fuzzy)) {
            float before = out->penalty;

            out->penalty += fuzzy ? FUZZY_PENALTY : 0.0f;
            if (match_from(m, pi + 1, wi + 1, out))
                return true;
            out->penalty = before;
        }
        return it->optional && match_from(m, pi + 1, wi, out);
    }
    /* Slots: a free-text slot before other items is tried shortest first, so the time
     * expression after it gets every word it can ("call mum | tomorrow at 9"); any other slot
     * is tried longest first. */
    if ((it->kind == ITEM_TEXT || it->kind == ITEM_FACT || it->kind == ITEM_TASK) &&
        pi + 1 < m->n_items) {
        for (k = 1; wi + k <= n; k++)
            if (try_slot(m, pi, wi, k, out))
                return true;
    } else {
        for (k = n - wi; k >= 1; k--)
            if (try_slot(m, pi, wi, k, out))
                return true;
    }
    return it->optional && match_from(m, pi + 1, wi, out);
}

/* Copy the original text of words [from, to) into a new string, trimmed of punctuation. */
static char *cut(const struct matcher *m, const size_t span[2])
{
    const struct sym_words *w = m->w;
    size_t a, b, last;
    char *s;

    if (span[0] >= span[1])
        return NULL;
    last = span[1] - 1;
    a = m->norm->map[w->start[span[0]]];
    b = m->norm->map[w->start[last] + strlen(w->word[last])];
    while (b > a && strchr(" \t.,!?;:…", m->original[b - 1]))
        b--;
    s = malloc(b - a + 1);
    if (s) {
        memcpy(s, m->original + a, b - a);
        s[b - a] = '\0';
    }
    return s;
}

/* A filler that may appear anywhere, also with one typo ("пожалуста"). */
static bool is_filler(const char *word)
{
    const char *const *f;

    if (in_list(word, fillers_anywhere))
        return true;
    if (utf8_len(word) < 5)
        return false;
    for (f = fillers_anywhere; *f; f++)
        if (utf8_len(*f) >= 5 && sym_edit_distance(word, *f, 1) <= 1)
            return true;
    return false;
}

/* Remove filler words: anywhere, and at the start. */
static void drop_fillers(struct sym_words *w)
{
    size_t i, j = 0;
    bool at_start = true;

    for (i = 0; i < w->n; i++) {
        if (is_filler(w->word[i]))
            continue;
        if (at_start && in_list(w->word[i], fillers_start) && i + 1 < w->n)
            continue;
        at_start = false;
        w->word[j] = w->word[i];
        w->start[j++] = w->start[i];
    }
    w->n = j;
}

static enum sym_status fill(struct matcher *m, const struct rule *r, const struct match *best,
                            float confidence, struct sym_parse *out)
{
    out->confidence = confidence;
    if (confidence < SYM_INTENT_THRESHOLD)
        return SYM_OK;
    out->command = strdup(r->intent);
    out->natural = true;
    out->slots.text = cut(m, best->text);
    out->slots.place = cut(m, best->place);
    out->slots.event = cut(m, best->event);
    if (best->has_when)
        out->slots.when = best->when;
    if (!out->command || (best->text[1] > best->text[0] && !out->slots.text) ||
        (best->place[1] > best->place[0] && !out->slots.place) ||
        (best->event[1] > best->event[0] && !out->slots.event))
        return SYM_ERR_NOMEM;
    return SYM_OK;
}

enum sym_status sym_intent_match(const char *line, struct sym_parse *out)
{
    struct sym_norm norm = {0};
    struct sym_words words = {0};
    struct matcher m;
    struct match best, cur;
    const struct rule *best_rule = NULL;
    float best_conf = 0.0f;
    enum sym_status rc;
    size_t r;

    rc = sym_norm_init(&norm, line);
    if (!rc)
        rc = sym_words_split(norm.text, &words);
    if (rc || words.n == 0 || words.n > 40)
        goto out;
    drop_fillers(&words);
    m.w = &words;
    m.original = line;
    m.norm = &norm;
    memset(&best, 0, sizeof best);
    for (r = 0; r < sizeof rules / sizeof rules[0]; r++) {
        float conf;

        if (!compile(rules[r].pattern, &m))
            continue;
        memset(&cur, 0, sizeof cur);
        cur.when.weekday = -1;
        if (!match_from(&m, 0, 0, &cur))
            continue;
        conf = 1.0f - cur.penalty;
        if (conf > best_conf) {
            best_conf = conf;
            best = cur;
            best_rule = &rules[r];
        }
    }
    if (best_rule)
        rc = fill(&m, best_rule, &best, best_conf, out);
out:
    sym_words_free(&words);
    sym_norm_free(&norm);
    return rc;
}
