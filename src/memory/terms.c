/*
 * terms.c: the words a fact is found by; see terms.h.
 *
 * A fact's `search` column holds its normalised words without stop words (first-person words
 * kept: see person_words), each stemmed by Snowball (Russian for a word with Cyrillic letters,
 * English for one with Latin letters, as-is otherwise), joined by spaces. A query goes through
 * the same steps, so "машину" finds "машина" and "running" finds "runs"; in a query each content
 * word brings its synonyms along (synonym_words), and first-person words are set apart because
 * they only weigh in the ranking (search.c). For the second, lighter ranking of a search
 * (search.c's feedback), sym_terms_related() gives the stems of the words WordNet relates to the
 * query's English words (nlp/thesaurus.h).
 *
 * Stemmers are made per call (a few small allocations): the store is one handle per thread, and
 * a stemmer kept in a static would be shared between threads. The synonym groups are stemmed once
 * per process (pthread_once) and then only read.
 */
#include "memory/terms.h"

#include <libstemmer.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "nlp/text.h"
#include "nlp/thesaurus.h"
#include "nlp/when.h"

/* Words too common to say anything about a fact, normalised (lower case, ё -> е), each between
 * spaces so that one strstr() finds a whole word. English, then Russian. */
static const char stop_words[] =
    " the a an is are was were of to in on at and or my me i you it that this for with be have "
    "has do "
    "и в во не что он на я с со как а то все она так его "
    "но да ты к у же вы за бы по только ее мне было вот "
    "от меня еще нет о из ему теперь когда даже ну ли "
    "если уже или ни быть был него до вас нибудь опять "
    "уж вам ведь там потом себя ничего ей может они "
    "тут где есть надо ней для мы тебя их чем была сам "
    "чтоб без будто чего раз тоже себе под будет ж "
    "тогда кто этот того потому этого какой совсем "
    "ним здесь этом один почти мой тем чтобы нее "
    "сейчас были куда зачем всех никогда можно при "
    "наконец два об другой хоть после над больше тот "
    "через эти нас про всего них какая много разве "
    "три эту моя впрочем хорошо свою этой перед "
    "иногда лучше чуть том нельзя такой им более "
    "всегда конечно всю между ";

/* The first person, which tells the user's own facts ("I live in Berlin") from other people's
 * ("My aunt lives in Lisbon"): indexed, and in a query weighed but never matched alone. */
static const char person_words[] =
    " i me my mine myself we us our ours "
    "я меня мне мной мой моя мое мои моего моей моему моим моих мою "
    "мы нас нам нами наш наша наше наши нашего нашей нашему нашим наших нашу ";

/* Words that ask rather than tell: interrogatives, auxiliaries and modals, and the words of
 * "what kind of", "how many". A stored text keeps them (an answer can say "we did"), but in a
 * query of the conversations' turns, half of which are questions, they only weigh in, as the
 * first person does: "what did she do in July?" would otherwise find every other question with
 * "what" and "did" before the turn that says what she did. Facts are statements: their queries
 * keep these words as they were. */
static const char question_words[] =
    " what when where who whom whose which why how did does doing done will would can could "
    "should shall may might must kind sort many much "
    "какое какие каким какую каких каком какого какому какой какая сколько почему откуда "
    "чей чья чье чьи чьего чьей ";

static bool in_list(const char *list, const char *w)
{
    char key[64];
    int n = snprintf(key, sizeof key, " %s ", w);

    return n > 0 && (size_t)n < sizeof key && strstr(list, key) != NULL;
}

static bool is_stop_word(const char *w)
{
    return in_list(stop_words, w);
}

static bool is_person_word(const char *w)
{
    return in_list(person_words, w);
}

bool sym_terms_function_word(const char *term, size_t len)
{
    char w[64];

    if (len >= sizeof w)
        return false;
    memcpy(w, term, len);
    w[len] = '\0';
    return is_person_word(w) || in_list(question_words, w);
}

/* The two stemmers, made when first needed. */
struct stemmers {
    struct sb_stemmer *en, *ru;
};

static void stemmers_free(struct stemmers *st)
{
    sb_stemmer_delete(st->en);
    sb_stemmer_delete(st->ru);
}

/* The stemmer for word w: Russian when it has a Cyrillic letter (U+0400..U+04FF: lead bytes
 * 0xD0..0xD3), English when it has a Latin one, NULL (keep as is) otherwise. *nomem on failure. */
static struct sb_stemmer *stemmer_for(struct stemmers *st, const char *w, bool *nomem)
{
    const unsigned char *p;
    bool latin = false;

    for (p = (const unsigned char *)w; *p; p++) {
        if (*p >= 0xD0 && *p <= 0xD3) {
            if (!st->ru && !(st->ru = sb_stemmer_new("russian", NULL)))
                *nomem = true;
            return st->ru;
        }
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
            latin = true;
    }
    if (!latin)
        return NULL;
    if (!st->en && !(st->en = sb_stemmer_new("english", NULL)))
        *nomem = true;
    return st->en;
}

/*
 * Words a user says for the same thing, one group a line: a query word whose stem is in a group
 * also looks for the group's other stems. Kept to everyday words about a person's life (family,
 * work, home, pets, health) and British/American spellings, where one word rarely means
 * something else; anything broader is the embedding model's job (--embed-model). Normalised
 * forms (lower case, ё -> е); stemmed once per process, in the language of each word, so a
 * Russian form whose stem differs from the others' ("отца" -> "отц", "пса") is listed too.
 */
static const char *const synonym_words[] = {
    "mother mom mum mommy mummy mama",
    "father dad daddy papa",
    "grandmother grandma granny nan",
    "grandfather grandpa granddad",
    "child children kid kids",
    "husband hubby",
    "wife missus",
    "boss manager supervisor",
    "doctor physician gp",
    "job occupation profession",
    "colleague coworker",
    "apartment flat",
    "holiday vacation",
    "movie film",
    "cellphone mobile",
    "birthday born birth",
    "favourite favorite",
    "colour color",
    "neighbour neighbor",
    "theatre theater",
    "centre center",
    "travelling traveling",
    "дочь дочка доченька дочку дочке дочкой дочки",
    "сын сынок сыночек сынишка",
    "кот котик котенок",
    "собака собачка",
    "стоматолог зубной дантист",
    "просыпаться просыпаюсь проснулся проснулась проснуться встаю вставать встал встала",
    "работать работаю трудиться тружусь",
    "бабушка бабуля бабушку",
    "квартира квартирка",
    "дом домик",
    "мама мать матери мамочка",
    "папа отец отца",
    "бабушка бабуля",
    "дедушка дед",
    "дети ребенок ребенка детский",
    "муж супруг",
    "жена супруга",
    "собака пес пса псу псом псы",
    "кошка кот",
    "врач доктор",
    "работа должность профессия",
    "начальник руководитель босс",
    "машина автомобиль",
    "квартира жилье",
    "отпуск каникулы",
    "рождения родился родилась",
    "страховка страховая",
};
#define N_SYNONYMS (sizeof synonym_words / sizeof synonym_words[0])

/*
 * Everyday categories, for queries of the conversations' turns only (a question names the kind,
 * "does she have pets?", the answer the thing, "we adopted a beagle"): the first word of a line
 * is the category, and a query word whose stem is the category's also looks for the members'.
 * Not the other way round: "dog" does not look for every pet. Several lines may share a
 * category word.
 */
static const char *const category_words[] = {
    "pet dog puppy cat kitten tortoise turtle hamster parrot rabbit fish guinea",
    "pets dog puppy cat kitten tortoise turtle hamster parrot rabbit fish guinea",
    "animal dog puppy cat kitten tortoise turtle hamster parrot rabbit horse",
    "family sister brother mother mom father dad son daughter wife husband grandmother "
    "grandfather parents aunt uncle cousin",
    "relatives sister brother mother father son daughter grandmother grandfather aunt uncle "
    "cousin",
    "children son daughter kid baby twins",
    "kids son daughter baby twins",
    "sibling sister brother",
    "siblings sister brother",
    "job work teacher engineer nurse programmer driver doctor manager designer developer "
    "promoted office",
    "career work teacher engineer nurse programmer driver manager promoted",
    "profession teacher engineer nurse programmer driver doctor lawyer",
    "hobby class lessons pottery guitar drums piano baking cycling painting knitting",
    "hobbies class lessons pottery guitar drums piano baking cycling painting knitting",
    "fun class lessons guitar drums piano games cycling",
    "sport running cycling marathon football tennis swimming gym yoga",
    "sporty running cycling marathon football tennis swimming gym yoga",
    "food eat ate cake pizza pasta soup salad breakfast dinner lunch cooked baked",
    "diet vegetarian vegan eat",
    "health sick ill flu doctor pain hurt injury allergy",
    "illness sick ill flu pain hurt injury",
    "country city town village moved moving abroad",
    "travel trip flew flight vacation",
    "instrument guitar drums piano violin",
    "music band song guitar drums piano concert",
    "питомцы кот кошка котенок собака щенок пес черепаха попугай хомяк рыбки",
    "питомец кот кошка котенок собака щенок пес черепаха попугай хомяк",
    "животные кот кошка котенок собака щенок пес черепаха попугай хомяк",
    "дети сын дочь дочка сынок ребенок малыш",
    "ребенок сын дочь дочка сынок малыш",
    "семья сестра брат мама мать папа отец сын дочь жена муж бабушка дедушка теща свекровь",
    "родственники сестра брат мама папа сын дочь бабушка дедушка теща свекровь",
    "работа работаю работает программист водитель медсестра учитель врач инженер",
    "профессия программист водитель медсестра учитель врач инженер",
    "хобби увлекается огород рисование гитара вязание рыбалка",
    "увлекается огород рисование гитара вязание рыбалка",
    "спорт бег бегать футбол плавание теннис марафон полумарафон",
    "спортом бег бегать футбол плавание теннис марафон полумарафон",
    "здоровье болит болел травма врач простуда",
    "дочь дочка доченька",
    "сын сынок сыночек",
    "стоматолог зубной",
    "врач ортопед стоматолог доктор терапевт",
};
#define N_CATEGORIES (sizeof category_words / sizeof category_words[0])

/* The groups' stems, each " stem stem ... " (NULL when that group could not be made). */
static char *synonym_stems[N_SYNONYMS];
static char *category_stems[N_CATEGORIES];
static pthread_once_t synonyms_once = PTHREAD_ONCE_INIT;

/* Stem each of the n lines of words into stems[]. */
static void groups_make(const char *const *words, char **stems, size_t n)
{
    struct stemmers st = {NULL, NULL};
    size_t g;

    for (g = 0; g < n; g++) {
        struct sym_buf b = {0};
        const char *w = words[g], *end;
        enum sym_status rc = sym_buf_puts(&b, " ");

        for (; !rc && *w; w = *end ? end + 1 : end) {
            bool nomem = false;
            struct sb_stemmer *stem;
            char word[64];
            const sb_symbol *out;

            end = strchr(w, ' ');
            if (!end)
                end = w + strlen(w);
            snprintf(word, sizeof word, "%.*s", (int)(end - w), w);
            stem = stemmer_for(&st, word, &nomem);
            out = stem ? sb_stemmer_stem(stem, (const sb_symbol *)word, (int)strlen(word)) : NULL;
            rc = out ? sym_buf_append(&b, (const char *)out, (size_t)sb_stemmer_length(stem))
                     : sym_buf_puts(&b, word);
            if (!rc)
                rc = sym_buf_puts(&b, " ");
        }
        if (rc)
            sym_buf_free(&b);
        else
            stems[g] = sym_buf_steal(&b);
    }
    stemmers_free(&st);
}

static void synonyms_make(void)
{
    groups_make(synonym_words, synonym_stems, N_SYNONYMS);
    groups_make(category_words, category_stems, N_CATEGORIES);
}

/* Append to b the stems of the members of the categories stem (len bytes) names, each after a
 * '|' (one already there from a synonym costs nothing but a repeat in the query). */
static enum sym_status put_members(struct sym_buf *b, const char *stem, size_t len)
{
    char key[128];
    size_t g;

    if (len + 3 > sizeof key)
        return SYM_OK;
    pthread_once(&synonyms_once, synonyms_make);
    snprintf(key, sizeof key, " %.*s ", (int)len, stem);
    for (g = 0; g < N_CATEGORIES; g++) {
        const char *t, *end;
        enum sym_status rc = SYM_OK;

        if (!category_stems[g] || strncmp(category_stems[g], key, len + 2))
            continue;
        for (t = category_stems[g] + len + 2; !rc && *t; t = end + 1) {
            end = strchr(t, ' ');
            if ((size_t)(end - t) == len && !memcmp(t, stem, len))
                continue;
            rc = sym_buf_puts(b, "|");
            if (!rc)
                rc = sym_buf_append(b, t, (size_t)(end - t));
        }
        if (rc)
            return rc;
    }
    return SYM_OK;
}

/* Append to b the stems that mean what stem (len bytes) means, each after a '|'. */
static enum sym_status put_synonyms(struct sym_buf *b, const char *stem, size_t len)
{
    char key[128];
    size_t g;

    if (len + 3 > sizeof key)
        return SYM_OK;
    pthread_once(&synonyms_once, synonyms_make);
    snprintf(key, sizeof key, " %.*s ", (int)len, stem);
    for (g = 0; g < N_SYNONYMS; g++) {
        const char *t, *end;
        enum sym_status rc = SYM_OK;

        if (!synonym_stems[g] || !strstr(synonym_stems[g], key))
            continue;
        for (t = synonym_stems[g] + 1; !rc && *t; t = end + 1) {
            end = strchr(t, ' ');
            if ((size_t)(end - t) != len || memcmp(t, stem, len)) {
                rc = sym_buf_puts(b, "|");
                if (!rc)
                    rc = sym_buf_append(b, t, (size_t)(end - t));
            }
        }
        if (rc)
            return rc;
    }
    return SYM_OK;
}

/* sym_terms_extract(), and with asks, a query of the turns: question words weigh only. */
static enum sym_status extract(const char *text, char **content, char **function, char **norm_out,
                               bool questions)
{
    struct stemmers st = {NULL, NULL};
    struct sym_words w = {0};
    struct sym_buf b[2] = {{0}, {0}};
    enum sym_status rc;
    char *norm;
    size_t i;

    *content = NULL;
    if (function)
        *function = NULL;
    norm = sym_normalize(text);
    if (!norm)
        return SYM_ERR_NOMEM;
    rc = sym_words_split(norm, &w);
    for (i = 0; !rc && i < w.n; i++) {
        bool nomem = false;
        struct sb_stemmer *stem;
        const char *term = w.word[i];
        size_t len = strlen(term);
        bool person = is_person_word(term);
        bool asks = questions && function && !person && in_list(question_words, term);
        struct sym_buf *to = &b[function && (person || asks)];

        if (!person && !asks && is_stop_word(term))
            continue;

        stem = stemmer_for(&st, term, &nomem);
        if (nomem) {
            rc = SYM_ERR_NOMEM;
            break;
        }
        if (stem) {
            const sb_symbol *s = sb_stemmer_stem(stem, (const sb_symbol *)term, (int)len);

            if (!s) {
                rc = SYM_ERR_NOMEM;
                break;
            }
            term = (const char *)s;
            len = (size_t)sb_stemmer_length(stem);
        }
        if (to->len)
            rc = sym_buf_puts(to, " ");
        if (!rc)
            rc = sym_buf_append(to, term, len);
        if (!rc && function && to == &b[0])
            rc = put_synonyms(to, term, len);
        if (!rc && function && to == &b[0] && questions)
            rc = put_members(to, term, len);
    }
    for (i = 0; !rc && i < 2; i++) {
        char **out = i ? function : content;

        if (!out)
            continue;
        *out = b[i].data ? sym_buf_steal(&b[i]) : strdup("");
        if (!*out)
            rc = SYM_ERR_NOMEM;
    }
    if (!rc && norm_out) {
        *norm_out = norm;
        norm = NULL;
    }
    if (rc) {
        free(*content);
        *content = NULL;
        if (function) {
            free(*function);
            *function = NULL;
        }
    }
    sym_buf_free(&b[0]);
    sym_buf_free(&b[1]);
    sym_words_free(&w);
    stemmers_free(&st);
    free(norm);
    return rc;
}

enum sym_status sym_terms_related(const char *text, char **out)
{
    struct stemmers st = {NULL, NULL};
    struct sym_words w = {0};
    struct sym_buf b = {0};
    enum sym_status rc;
    char *norm;
    size_t i;

    *out = NULL;
    norm = sym_normalize(text);
    if (!norm)
        return SYM_ERR_NOMEM;
    rc = sym_words_split(norm, &w);
    for (i = 0; !rc && i < w.n; i++) {
        const char *term = w.word[i], *r, *end;
        char *related = NULL, own[64];
        bool nomem = false;
        struct sb_stemmer *stem;
        const sb_symbol *s;

        if (is_stop_word(term) || is_person_word(term) || in_list(question_words, term))
            continue;
        stem = stemmer_for(&st, term, &nomem);
        if (nomem) {
            rc = SYM_ERR_NOMEM;
            break;
        }
        /* English words only: WordNet is English. */
        if (!stem || stem != st.en || strlen(term) >= sizeof own)
            continue;
        s = sb_stemmer_stem(stem, (const sb_symbol *)term, (int)strlen(term));
        if (!s) {
            rc = SYM_ERR_NOMEM;
            break;
        }
        snprintf(own, sizeof own, "%.*s", sb_stemmer_length(stem), (const char *)s);
        rc = sym_thesaurus_related(term, &related);
        for (r = related; !rc && r && *r; r = *end ? end + 1 : end) {
            char one[64], key[68];
            int len;

            end = r + strcspn(r, " ");
            if ((size_t)(end - r) >= sizeof one)
                continue;
            snprintf(one, sizeof one, "%.*s", (int)(end - r), r);
            s = sb_stemmer_stem(stem, (const sb_symbol *)one, (int)strlen(one));
            if (!s) {
                rc = SYM_ERR_NOMEM;
                break;
            }
            len = sb_stemmer_length(stem);
            snprintf(key, sizeof key, " %.*s ", len, (const char *)s);
            if ((strlen(own) == (size_t)len && !memcmp(own, s, (size_t)len)) ||
                (b.data && strstr(b.data, key)))
                continue;
            rc = sym_buf_puts(&b, b.len ? "" : " ");
            if (!rc)
                rc = sym_buf_printf(&b, "%.*s ", len, (const char *)s);
        }
        free(related);
    }
    if (!rc) {
        const char *from = b.data ? b.data + 1 : "";
        size_t n = strlen(from);

        *out = strndup(from, n ? n - 1 : 0);
        if (!*out)
            rc = SYM_ERR_NOMEM;
    }
    sym_buf_free(&b);
    sym_words_free(&w);
    stemmers_free(&st);
    free(norm);
    return rc;
}

/* Whether the normalised words of a text tell a time: a date, a weekday, a time of day, an
 * offset ("next month"), a month or a season (nlp/when.h). Only whether: the local zone (no
 * switch of TZ per turn) and any "now" do. */
static bool tells_time(const char *text)
{
    struct sym_words w = {0};
    struct sym_when when;
    char *norm = sym_normalize(text);
    time_t from, to, now = 86400 * 365 * 50;
    size_t k, first, count;
    bool yes = false;

    if (norm && !sym_words_split(norm, &w)) {
        for (k = 0; k < w.n && !yes; k++)
            yes = sym_when_parse(&w, k, 0, &when) && (when.dated || when.month || when.hour >= 0);
        if (!yes)
            yes = sym_when_period(&w, now, NULL, &from, &to, &first, &count);
    }
    sym_words_free(&w);
    free(norm);
    return yes;
}

enum sym_status sym_terms_dates(time_t t, const char *text, char **out)
{
    static const char *const months[12] = {
        "january январь",  "february февраль", "march март",
        "april апрель",    "may май",          "june июнь",
        "july июль",       "august август",    "september сентябрь",
        "october октябрь", "november ноябрь",  "december декабрь",
    };
    static const char *const seasons[4] = {"winter зима", "spring весна", "summer лето",
                                           "autumn осень"};
    /* The stems of the last words made, per thread: an import's turns come in order, so most
     * share their month and year with the one before, and stemming them again was a tenth of an
     * import's time. */
    static _Thread_local char last_words[128], last_stems[256];
    char words[128];
    struct tm tm;
    enum sym_status rc;

    *out = NULL;
    if (!t || !sym_clock_local(t, NULL, &tm) || tm.tm_mon < 0 || tm.tm_mon > 11) {
        *out = strdup("");
        return *out ? SYM_OK : SYM_ERR_NOMEM;
    }
    snprintf(words, sizeof words, "%s %s %d%s", months[tm.tm_mon],
             seasons[(tm.tm_mon + 1) % 12 / 3], tm.tm_year + 1900,
             text && tells_time(text) ? " " SYM_TERMS_TELLS_TIME : "");
    if (last_words[0] && !strcmp(words, last_words)) {
        *out = strdup(last_stems);
        return *out ? SYM_OK : SYM_ERR_NOMEM;
    }
    rc = sym_terms_extract(words, out, NULL, NULL);
    if (!rc && strlen(*out) < sizeof last_stems) {
        memcpy(last_stems, *out, strlen(*out) + 1);
        memcpy(last_words, words, sizeof words);
    }
    return rc;
}

enum sym_status sym_terms_extract(const char *text, char **content, char **function,
                                  char **norm_out)
{
    return extract(text, content, function, norm_out, false);
}

enum sym_status sym_terms_extract_turn_query(const char *text, char **content, char **function)
{
    return extract(text, content, function, NULL, true);
}

/* SQL function symbiot_dates(time, text): a turn's `dates` column, for the migration that indexes
 * the stored turns. */
static void sql_dates_terms(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    char *terms = NULL;

    (void)argc;
    if (sym_terms_dates((time_t)sqlite3_value_int64(argv[0]),
                        (const char *)sqlite3_value_text(argv[1]), &terms)) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_text(ctx, terms, -1, free);
}

/* SQL function symbiot_search(text): a fact's `search` column, for the migration that re-indexes
 * every fact when what is indexed changes (store.c registers it on each connection). */
static void sql_search_terms(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *text = (const char *)sqlite3_value_text(argv[0]);
    char *terms = NULL;

    (void)argc;
    if (!text) {
        sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
        return;
    }
    if (sym_terms_extract(text, &terms, NULL, NULL)) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_text(ctx, terms, -1, free);
}

int sym_terms_register_sql(struct sqlite3 *db)
{
    int src = sqlite3_create_function(db, "symbiot_search", 1,
                                      SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
                                      sql_search_terms, NULL, NULL);

    /* Not deterministic: the local zone may change between calls. */
    return src != SQLITE_OK
               ? src
               : sqlite3_create_function(db, "symbiot_dates", 2, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                         NULL, sql_dates_terms, NULL, NULL);
}
