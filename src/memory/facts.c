/*
 * facts.c: the user's facts in the memory database, with full-text search; see facts.h.
 *
 * A fact row keeps the text as given, its normalised form (nlp/text.h; UNIQUE, which is what
 * makes adding the same fact twice a no-op) and `search`: the normalised words without stop
 * words (first-person words kept: see person_words), each stemmed by Snowball (Russian for a
 * word with Cyrillic letters, English for one with Latin letters, as-is otherwise), joined by
 * spaces. facts_fts is an FTS5 index over `search` with the facts table as its external content,
 * so a delete tells FTS5 exactly which terms to drop and the index can always be rebuilt from
 * the table. Every change of a fact and of its index happens in one transaction.
 *
 * A query goes through the same steps, each word bringing its synonyms (synonym_words), and
 * becomes `("stem1" OR "syn1") OR ("stem2") ...` (exact stems: prefix terms cost more and found
 * nothing more), less the common words: a word in more than 1/100 of the facts and more than 256
 * of them is dropped, its document count read from an fts5vocab table (temp.facts_vocab, made
 * per connection), and a word no fact has is dropped too. FTS5 computes BM25 for every fact that
 * matches, so a common stem in the OR made most of a search's time at 100,000 facts. When every
 * word is common they are AND-ed instead. First-person words only weigh in (search_match). A fact
 * that shares any remaining stem is a candidate, and BM25 ranks the ones that share more, and
 * rarer, words higher. The cost: a dropped stem no longer counts in the ranking, which on a large
 * store can put a fact with the rare word but not the common one
 * first (the quality benchmark, at 525 facts, drops nothing). The score is BM25's relevance (its
 * negation: SQLite's bm25() is lower for better) times a bonus: 1 + 0.1 * recency + 0.5 if pinned,
 * recency being 1 / (1 + age_days / 365) (1 today, 0.5 after a year). A multiplier rather than an
 * addend because BM25's scale varies with the number of facts: on a handful of facts it is tiny and
 * an added constant would swamp it. The bonus can reorder close matches, never a match with a
 * non-match. The ranking runs in SQL (plain arithmetic, no math functions needed), so LIMIT k
 * only reads the best k.
 *
 * Stemmers are made per call (a few small allocations): the store is one handle per thread, and
 * a stemmer kept in a static would be shared between threads.
 */
#include "memory/facts.h"

#include <libstemmer.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/utf8.h"
#include "llm/embed.h"
#include "memory/store_internal.h"
#include "nlp/text.h"

#define FACT_MAX_TEXT (1024 * 1024)
/* Semantic search: candidates taken from each ranking, and reciprocal rank fusion's constant. */
#define VECTOR_K 50
#define RRF_K 60

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

/* The groups' stems, each " stem stem ... " (NULL when that group could not be made). */
static char *synonym_stems[N_SYNONYMS];
static pthread_once_t synonyms_once = PTHREAD_ONCE_INIT;

static void synonyms_make(void)
{
    struct stemmers st = {NULL, NULL};
    size_t g;

    for (g = 0; g < N_SYNONYMS; g++) {
        struct sym_buf b = {0};
        const char *w = synonym_words[g], *end;
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
            synonym_stems[g] = sym_buf_steal(&b);
    }
    stemmers_free(&st);
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

/*
 * The search terms of valid UTF-8 text: normalised, stop words dropped, each word stemmed,
 * joined by spaces. First-person words go to *function when it is not NULL (a query: they only
 * weigh in the ranking, and each other word brings its synonyms along, "stem|synonym"), else
 * with the others (a fact's `search` column indexes every word). *content and *function (caller
 * frees) are "" when no such word is there. *norm_out, when not NULL, gets the normalised text
 * (caller frees).
 */
static enum sym_status search_terms(const char *text, char **content, char **function,
                                    char **norm_out)
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
        struct sym_buf *to = &b[function && person];

        if (!person && is_stop_word(term))
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
    if (search_terms(text, &terms, NULL, NULL)) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_text(ctx, terms, -1, free);
}

int sym_fact_register_sql(struct sqlite3 *db)
{
    return sqlite3_create_function(db, "symbiot_search", 1,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
                                   sql_search_terms, NULL, NULL);
}

/* Check a text a fact is made of: present, valid UTF-8, at most 1 MiB. */
static enum sym_status check_text(struct sym_store *s, const char *text, const char *what)
{
    size_t len;

    if (!text)
        return sym_store_invalid(s, what, "it has no text");
    len = strnlen(text, FACT_MAX_TEXT + 1);
    if (len > FACT_MAX_TEXT)
        return sym_store_invalid(s, what, "the text is longer than 1 MiB");
    if (!sym_utf8_valid(text, len))
        return sym_store_invalid(s, what, "the text is not valid UTF-8");
    return SYM_OK;
}

/* Check an optional string (source, tags): valid UTF-8 of reasonable length. */
static enum sym_status check_label(struct sym_store *s, const char *label, const char *what)
{
    size_t len;

    if (!label)
        return SYM_OK;
    len = strnlen(label, 4097);
    if (len > 4096 || !sym_utf8_valid(label, len))
        return sym_store_invalid(s, what, "its source or tags are too long or not valid UTF-8");
    return SYM_OK;
}

/* Index (insert true) or unindex fact id's search terms. */
static int fts_write(struct sym_store *s, long long id, const char *search, bool insert)
{
    sqlite3_stmt *st = NULL;
    int rc;

    rc = sym_store_prepare(
        s,
        insert ? "INSERT INTO facts_fts (rowid, search) VALUES (?, ?)"
               : "INSERT INTO facts_fts (facts_fts, rowid, search) VALUES ('delete', ?, ?)",
        &st);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, id);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 2, search, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The id of the fact whose normalised text is norm; *id 0 when none. */
static int find_norm(struct sym_store *s, const char *norm, long long *id)
{
    sqlite3_stmt *st = NULL;
    int rc = sym_store_prepare(s, "SELECT id FROM facts WHERE norm = ?", &st);

    *id = 0;
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 1, norm, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* ---- vectors (semantic search; see facts.h) ---- */

void sym_fact_set_embedder(struct sym_store *s, struct sym_embedder *e)
{
    sym_store_set_embedder(s, e);
}

/*
 * Write fact id's vector (vec, dim floats; NULL: the text could not be embedded, so any old vector
 * goes), only while the fact still has text: a sync embeds outside the write lock, and the fact
 * may have changed or gone meanwhile. SQLite's code.
 */
static int put_vector(struct sym_store *s, long long id, const char *text, const float *vec,
                      int dim)
{
    struct sym_embedder *e = sym_store_embedder(s);
    sqlite3_stmt *st = NULL;
    int rc;

    if (!vec) {
        rc = sym_store_prepare(s, "DELETE FROM fact_vectors WHERE fact_id = ?1", &st);
    } else {
        rc = sym_store_prepare(s,
                               "INSERT OR REPLACE INTO fact_vectors (fact_id, model, dim, vec) "
                               "SELECT ?1, ?2, ?3, ?4 WHERE EXISTS "
                               "(SELECT 1 FROM facts WHERE id = ?1 AND text = ?5)",
                               &st);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_text(st, 2, sym_embedder_id(e), -1, SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int(st, 3, dim);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_blob(st, 4, vec, (int)(sizeof *vec * (size_t)dim), SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Embed text; *vec (caller frees) stays NULL when it cannot be (said in the debug log). SQLite's
 * code: SQLITE_NOMEM for want of memory, else SQLITE_OK. */
static int embed_text(struct sym_store *s, long long id, const char *text, float **vec, int *dim)
{
    struct sym_embedder *e = sym_store_embedder(s);
    enum sym_status erc;

    *vec = NULL;
    *dim = 0;
    erc = sym_embed(e, text, vec, dim);
    if (erc == SYM_ERR_NOMEM)
        return SQLITE_NOMEM;
    if (erc) {
        sym_log(SYM_LOG_DEBUG, "fact %lld gets no vector: %s", id, sym_embedder_errmsg(e));
        free(*vec);
        *vec = NULL;
    }
    return SQLITE_OK;
}

/* Embed the text of fact id and store the vector (inside the caller's write). SQLite's code;
 * *stored, when not NULL, says whether a vector was stored. */
static int store_vector(struct sym_store *s, long long id, const char *text, bool *stored)
{
    float *vec = NULL;
    int dim = 0, rc;

    if (stored)
        *stored = false;
    if (!sym_store_embedder(s))
        return SQLITE_OK;
    rc = embed_text(s, id, text, &vec, &dim);
    if (rc == SQLITE_OK)
        rc = put_vector(s, id, text, vec, dim);
    if (rc == SQLITE_OK && stored)
        *stored = vec != NULL;
    free(vec);
    return rc;
}

/* The facts whose vector is missing or made by another model, into *todo (texts owned). */
static int vectors_missing(struct sym_store *s, struct sym_facts *todo)
{
    struct sym_embedder *e = sym_store_embedder(s);
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int src;

    src = sym_store_prepare(
        s,
        "SELECT f.id, f.text FROM facts f LEFT JOIN fact_vectors v ON v.fact_id = f.id "
        "WHERE v.fact_id IS NULL OR v.model != ?1 OR v.dim != ?2 ORDER BY f.id",
        &st);
    if (src == SQLITE_OK)
        src = sqlite3_bind_text(st, 1, sym_embedder_id(e), -1, SQLITE_STATIC);
    if (src == SQLITE_OK)
        src = sqlite3_bind_int(st, 2, sym_embedder_dim(e));
    while (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(st, 1);

        src = SQLITE_OK;
        if (todo->n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct sym_fact *p = realloc(todo->items, sizeof *p * ncap);

            if (!p) {
                src = SQLITE_NOMEM;
                break;
            }
            todo->items = p;
            cap = ncap;
        }
        memset(&todo->items[todo->n], 0, sizeof todo->items[todo->n]);
        todo->items[todo->n].id = sqlite3_column_int64(st, 0);
        todo->items[todo->n].text = strdup(text ? text : "");
        if (!todo->items[todo->n++].text)
            src = SQLITE_NOMEM;
    }
    sqlite3_finalize(st);
    return src == SQLITE_DONE ? SQLITE_OK : src;
}

/* Vectors a sync computes before it takes the write lock to store them. */
#define SYNC_BATCH 32

/* Embed facts [from, to) of todo without a lock, then store their vectors in one write.
 * *n_built grows by the vectors stored. */
static enum sym_status sync_batch(struct sym_store *s, const struct sym_facts *todo, size_t from,
                                  size_t to, size_t *n_built, const char *what)
{
    float *vecs[SYNC_BATCH] = {NULL};
    int dims[SYNC_BATCH] = {0}, src = SQLITE_OK;
    enum sym_status rc;
    bool owned = false;
    size_t i;

    for (i = from; src == SQLITE_OK && i < to; i++)
        src =
            embed_text(s, todo->items[i].id, todo->items[i].text, &vecs[i - from], &dims[i - from]);
    rc = src == SQLITE_OK ? sym_store_write_begin(s, &owned, what) : sym_store_fail(s, src, what);
    for (i = from; !rc && src == SQLITE_OK && i < to; i++)
        src = put_vector(s, todo->items[i].id, todo->items[i].text, vecs[i - from], dims[i - from]);
    if (!rc) {
        rc = src == SQLITE_OK ? SYM_OK : sym_store_fail(s, src, what);
        rc = sym_store_write_end(s, owned, rc, what);
    }
    for (i = from; i < to; i++) {
        if (!rc && vecs[i - from])
            (*n_built)++;
        free(vecs[i - from]);
    }
    return rc;
}

enum sym_status sym_fact_sync_vectors(struct sym_store *s, size_t *n_built)
{
    static const char what[] = "cannot update the facts' vectors";
    struct sym_facts todo = {NULL, 0};
    enum sym_status rc = SYM_OK;
    size_t i;
    int src;

    sym_store_clear_err(s);
    *n_built = 0;
    if (!sym_store_embedder(s))
        return SYM_OK;
    src = vectors_missing(s, &todo);
    if (src != SQLITE_OK)
        rc = sym_store_fail(s, src, what);
    for (i = 0; !rc && i < todo.n; i += SYNC_BATCH)
        rc = sync_batch(s, &todo, i, i + SYNC_BATCH < todo.n ? i + SYNC_BATCH : todo.n, n_built,
                        what);
    sym_facts_free(&todo);
    return rc;
}

/* The single integer a `SELECT count(*) ...` gives; what names the failure. */
static enum sym_status count_rows(struct sym_store *s, const char *sql, long long *n,
                                  const char *what)
{
    sqlite3_stmt *st = NULL;
    int src;

    sym_store_clear_err(s);
    *n = 0;
    src = sym_store_prepare(s, sql, &st);
    if (src == SQLITE_OK)
        src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return src == SQLITE_ROW ? SYM_OK : sym_store_fail(s, src, what);
}

enum sym_status sym_fact_count_vectors(struct sym_store *s, long long *n)
{
    return count_rows(s, "SELECT count(*) FROM fact_vectors", n, "cannot count the vectors");
}

enum sym_status sym_fact_add(struct sym_store *s, const struct sym_fact_input *in, long long *id,
                             bool *existed)
{
    static const char what[] = "cannot save the fact";
    char *search = NULL, *norm = NULL;
    sqlite3_stmt *st = NULL;
    enum sym_status rc;
    time_t now;
    long long found = 0;
    bool owned = false;
    int src;

    sym_store_clear_err(s);
    *id = 0;
    if (existed)
        *existed = false;
    rc = check_text(s, in->text, what);
    if (!rc)
        rc = check_label(s, in->source, what);
    if (!rc)
        rc = check_label(s, in->tags, what);
    if (rc)
        return rc;
    rc = search_terms(in->text, &search, NULL, &norm);
    if (rc) {
        rc = sym_store_fail(s, SQLITE_NOMEM, what);
        goto out;
    }
    if (!norm[0]) {
        rc = sym_store_invalid(s, what, "it has no words");
        goto out;
    }
    now = in->now ? in->now : sym_clock_now();
    rc = sym_store_write_begin(s, &owned, what);
    if (rc)
        goto out;
    src = find_norm(s, norm, &found);
    if (src == SQLITE_OK && found) {
        *id = found;
        if (existed)
            *existed = true;
    } else if (src == SQLITE_OK) {
        src = sym_store_prepare(
            s,
            "INSERT INTO facts (text, norm, search, source, tags, created, updated, "
            "event_time, pinned) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            &st);
        if (src == SQLITE_OK)
            src = sqlite3_bind_text(st, 1, in->text, -1, SQLITE_STATIC);
        if (src == SQLITE_OK)
            src = sqlite3_bind_text(st, 2, norm, -1, SQLITE_STATIC);
        if (src == SQLITE_OK)
            src = sqlite3_bind_text(st, 3, search, -1, SQLITE_STATIC);
        if (src == SQLITE_OK)
            src = sqlite3_bind_text(st, 4, in->source ? in->source : "user", -1, SQLITE_STATIC);
        if (src == SQLITE_OK)
            src = sqlite3_bind_text(st, 5, in->tags ? in->tags : "", -1, SQLITE_STATIC);
        if (src == SQLITE_OK)
            src = sqlite3_bind_int64(st, 6, (sqlite3_int64)now);
        if (src == SQLITE_OK)
            src = sqlite3_bind_int64(st, 7, (sqlite3_int64)now);
        if (src == SQLITE_OK)
            src = in->event_time ? sqlite3_bind_int64(st, 8, (sqlite3_int64)in->event_time)
                                 : sqlite3_bind_null(st, 8);
        if (src == SQLITE_OK)
            src = sqlite3_bind_int(st, 9, in->pinned ? 1 : 0);
        if (src == SQLITE_OK)
            src = sqlite3_step(st);
        if (src == SQLITE_DONE) {
            *id = sqlite3_last_insert_rowid(sym_store_db(s));
            src = fts_write(s, *id, search, true);
        }
        if (src == SQLITE_OK)
            src = store_vector(s, *id, in->text, NULL);
    }
    rc = src == SQLITE_OK ? SYM_OK : sym_store_fail(s, src, what);
    rc = sym_store_write_end(s, owned, rc, what);
    if (rc)
        *id = 0;
out:
    sqlite3_finalize(st);
    free(norm);
    free(search);
    return rc;
}

enum sym_status sym_fact_edit(struct sym_store *s, long long id, const char *text, time_t now,
                              bool *found)
{
    static const char what[] = "cannot change the fact";
    char *search = NULL, *norm = NULL, *old_text = NULL, *old_search = NULL;
    sqlite3_stmt *st = NULL;
    enum sym_status rc;
    long long other = 0;
    bool owned = false;
    int src;

    sym_store_clear_err(s);
    *found = false;
    rc = check_text(s, text, what);
    if (rc)
        return rc;
    rc = search_terms(text, &search, NULL, &norm);
    if (rc) {
        rc = sym_store_fail(s, SQLITE_NOMEM, what);
        goto out;
    }
    if (!norm[0]) {
        rc = sym_store_invalid(s, what, "the new text has no words");
        goto out;
    }
    if (!now)
        now = sym_clock_now();
    rc = sym_store_write_begin(s, &owned, what);
    if (rc)
        goto out;
    src = sym_store_prepare(s, "SELECT text, search FROM facts WHERE id = ?", &st);
    if (src == SQLITE_OK)
        src = sqlite3_bind_int64(st, 1, id);
    if (src == SQLITE_OK)
        src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *found = true;
        old_text = strdup((const char *)sqlite3_column_text(st, 0));
        old_search = strdup((const char *)sqlite3_column_text(st, 1));
        src = old_text && old_search ? SQLITE_OK : SQLITE_NOMEM;
    } else if (src == SQLITE_DONE) {
        src = SQLITE_OK; /* no such fact */
    }
    sqlite3_finalize(st);
    st = NULL;
    if (src == SQLITE_OK && *found)
        src = find_norm(s, norm, &other);
    if (src == SQLITE_OK && *found && other && other != id) {
        char why[128];

        snprintf(why, sizeof why, "the same text is already stored as fact %lld", other);
        rc = sym_store_invalid(s, what, why);
        goto end;
    }
    if (src == SQLITE_OK && *found && strcmp(old_text, text)) {
        src = sym_store_prepare(
            s, "INSERT INTO fact_history (fact_id, text, replaced) VALUES (?, ?, ?)", &st);
        if (src == SQLITE_OK)
            src = sqlite3_bind_int64(st, 1, id);
        if (src == SQLITE_OK)
            src = sqlite3_bind_text(st, 2, old_text, -1, SQLITE_STATIC);
        if (src == SQLITE_OK)
            src = sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
        if (src == SQLITE_OK)
            src = sqlite3_step(st);
        sqlite3_finalize(st);
        st = NULL;
        if (src == SQLITE_DONE)
            src = fts_write(s, id, old_search, false);
        if (src == SQLITE_OK)
            src = sym_store_prepare(s,
                                    "UPDATE facts SET text = ?, norm = ?, search = ?, updated = ? "
                                    "WHERE id = ?",
                                    &st);
        if (src == SQLITE_OK)
            src = sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
        if (src == SQLITE_OK)
            src = sqlite3_bind_text(st, 2, norm, -1, SQLITE_STATIC);
        if (src == SQLITE_OK)
            src = sqlite3_bind_text(st, 3, search, -1, SQLITE_STATIC);
        if (src == SQLITE_OK)
            src = sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
        if (src == SQLITE_OK)
            src = sqlite3_bind_int64(st, 5, id);
        if (src == SQLITE_OK)
            src = sqlite3_step(st);
        if (src == SQLITE_DONE)
            src = fts_write(s, id, search, true);
        if (src == SQLITE_OK)
            src = store_vector(s, id, text, NULL);
    }
    rc = src == SQLITE_OK ? SYM_OK : sym_store_fail(s, src, what);
end:
    rc = sym_store_write_end(s, owned, rc, what);
out:
    sqlite3_finalize(st);
    free(old_search);
    free(old_text);
    free(norm);
    free(search);
    return rc;
}

/* The id of the fact tagged "key:<key>"; *id 0 when none. */
static int find_key(struct sym_store *s, const char *tag, long long *id)
{
    sqlite3_stmt *st = NULL;
    int rc = sym_store_prepare(s,
                               "SELECT id FROM facts WHERE instr(',' || tags || ',', ?) > 0 "
                               "ORDER BY updated DESC, id DESC LIMIT 1",
                               &st);

    *id = 0;
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

enum sym_status sym_fact_remember(struct sym_store *s, const char *text, const char *key,
                                  const char *source, long long *id, enum sym_fact_outcome *outcome)
{
    static const char what[] = "cannot remember the fact";
    char *search = NULL, *norm = NULL, *tag = NULL, *tags = NULL;
    enum sym_status rc;
    long long known = 0, keyed = 0;
    size_t tag_size;
    bool owned = false, found = false;
    int src;

    sym_store_clear_err(s);
    *id = 0;
    *outcome = SYM_FACT_KNOWN;
    rc = check_text(s, text, what);
    if (!rc)
        rc = check_label(s, key, what);
    if (!rc && (!key || !key[0] || strchr(key, ',')))
        rc = sym_store_invalid(s, what, "its key is empty or has a comma");
    if (rc)
        return rc;
    tag_size = strlen(key) + sizeof ",key:,";
    if (search_terms(text, &search, NULL, &norm) || !(tag = malloc(tag_size))) {
        rc = sym_store_fail(s, SQLITE_NOMEM, what);
        goto out;
    }
    if (!norm[0]) {
        rc = sym_store_invalid(s, what, "it has no words");
        goto out;
    }
    snprintf(tag, tag_size, ",key:%s,", key);
    rc = sym_store_write_begin(s, &owned, what);
    if (rc)
        goto out;
    src = find_norm(s, norm, &known);
    if (src == SQLITE_OK && !known)
        src = find_key(s, tag, &keyed);
    if (src != SQLITE_OK) {
        rc = sym_store_fail(s, src, what);
    } else if (known) {
        *id = known;
    } else if (keyed) {
        rc = sym_fact_edit(s, keyed, text, 0, &found);
        if (!rc && found) {
            *id = keyed;
            *outcome = SYM_FACT_SUPERSEDED;
        }
    }
    if (!rc && !*id) {
        struct sym_fact_input in = {text, source, NULL, 0, false, 0};

        size_t tags_size = tag_size + sizeof "extracted";

        tags = malloc(tags_size);
        if (!tags) {
            rc = sym_store_fail(s, SQLITE_NOMEM, what);
        } else {
            snprintf(tags, tags_size, "extracted,key:%s", key);
            in.tags = tags;
            rc = sym_fact_add(s, &in, id, NULL);
            if (!rc)
                *outcome = SYM_FACT_ADDED;
        }
    }
    rc = sym_store_write_end(s, owned, rc, what);
    if (rc) {
        *id = 0;
        *outcome = SYM_FACT_KNOWN;
    }
out:
    free(tags);
    free(tag);
    free(norm);
    free(search);
    return rc;
}

/* Set one column of fact id (sql: "UPDATE facts SET col = ? WHERE id = ?") to value. */
static enum sym_status set_column(struct sym_store *s, const char *sql, long long id,
                                  long long value, bool *found, const char *what)
{
    sqlite3_stmt *st = NULL;
    enum sym_status rc;
    bool owned;
    int src;

    sym_store_clear_err(s);
    *found = false;
    rc = sym_store_write_begin(s, &owned, what);
    if (rc)
        return rc;
    src = sym_store_prepare(s, sql, &st);
    if (src == SQLITE_OK)
        src = sqlite3_bind_int64(st, 1, value);
    if (src == SQLITE_OK)
        src = sqlite3_bind_int64(st, 2, id);
    if (src == SQLITE_OK)
        src = sqlite3_step(st);
    sqlite3_finalize(st);
    if (src == SQLITE_DONE) {
        *found = sqlite3_changes(sym_store_db(s)) > 0;
        src = SQLITE_OK;
    }
    rc = src == SQLITE_OK ? SYM_OK : sym_store_fail(s, src, what);
    return sym_store_write_end(s, owned, rc, what);
}

enum sym_status sym_fact_pin(struct sym_store *s, long long id, bool pinned, bool *found)
{
    return set_column(s, "UPDATE facts SET pinned = ? WHERE id = ?", id, pinned ? 1 : 0, found,
                      "cannot pin the fact");
}

enum sym_status sym_fact_set_event_time(struct sym_store *s, long long id, time_t event_time,
                                        bool *found)
{
    return set_column(s, "UPDATE facts SET event_time = ? WHERE id = ?", id, (long long)event_time,
                      found, "cannot set the fact's event time");
}

enum sym_status sym_fact_forget(struct sym_store *s, long long id, bool *found)
{
    static const char what[] = "cannot forget the fact";
    sqlite3_stmt *st = NULL;
    char *search = NULL;
    enum sym_status rc;
    bool owned;
    int src;

    sym_store_clear_err(s);
    *found = false;
    rc = sym_store_write_begin(s, &owned, what);
    if (rc)
        return rc;
    src = sym_store_prepare(s, "SELECT search FROM facts WHERE id = ?", &st);
    if (src == SQLITE_OK)
        src = sqlite3_bind_int64(st, 1, id);
    if (src == SQLITE_OK)
        src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *found = true;
        search = strdup((const char *)sqlite3_column_text(st, 0));
        src = search ? SQLITE_OK : SQLITE_NOMEM;
    } else if (src == SQLITE_DONE) {
        src = SQLITE_OK;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (src == SQLITE_OK && *found)
        src = fts_write(s, id, search, false);
    /* The history goes with it: fact_history's foreign key cascades (foreign_keys is on). */
    if (src == SQLITE_OK && *found)
        src = sym_store_prepare(s, "DELETE FROM facts WHERE id = ?", &st);
    if (src == SQLITE_OK && *found)
        src = sqlite3_bind_int64(st, 1, id);
    if (src == SQLITE_OK && *found)
        src = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(sym_store_db(s));
    sqlite3_finalize(st);
    free(search);
    rc = src == SQLITE_OK ? SYM_OK : sym_store_fail(s, src, what);
    return sym_store_write_end(s, owned, rc, what);
}

void sym_fact_clear(struct sym_fact *fact)
{
    if (!fact)
        return;
    free(fact->text);
    free(fact->source);
    free(fact->tags);
    memset(fact, 0, sizeof *fact);
}

void sym_facts_free(struct sym_facts *list)
{
    size_t i;

    if (!list)
        return;
    for (i = 0; i < list->n; i++)
        sym_fact_clear(&list->items[i]);
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

#define FACT_COLUMNS "f.id, f.text, f.source, f.tags, f.created, f.updated, f.event_time, f.pinned"

/* Fill f from a row whose first columns are FACT_COLUMNS. False when out of memory. */
static bool read_fact(sqlite3_stmt *st, struct sym_fact *f)
{
    const char *text = (const char *)sqlite3_column_text(st, 1);
    const char *source = (const char *)sqlite3_column_text(st, 2);
    const char *tags = (const char *)sqlite3_column_text(st, 3);

    memset(f, 0, sizeof *f);
    f->id = sqlite3_column_int64(st, 0);
    f->text = strdup(text ? text : "");
    f->source = strdup(source ? source : "");
    f->tags = strdup(tags ? tags : "");
    f->created = (time_t)sqlite3_column_int64(st, 4);
    f->updated = (time_t)sqlite3_column_int64(st, 5);
    f->event_time = (time_t)sqlite3_column_int64(st, 6);
    f->pinned = sqlite3_column_int(st, 7) != 0;
    if (!f->text || !f->source || !f->tags) {
        sym_fact_clear(f);
        return false;
    }
    return true;
}

/* Step st to the end, appending each row (FACT_COLUMNS, then the score when scored) to out. */
static enum sym_status read_facts(struct sym_store *s, sqlite3_stmt *st, bool scored,
                                  struct sym_facts *out, const char *what)
{
    size_t cap = 0;
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct sym_fact *p = realloc(out->items, sizeof *p * ncap);

            if (!p)
                return sym_store_fail(s, SQLITE_NOMEM, what);
            out->items = p;
            cap = ncap;
        }
        if (!read_fact(st, &out->items[out->n]))
            return sym_store_fail(s, SQLITE_NOMEM, what);
        if (scored)
            out->items[out->n].score = sqlite3_column_double(st, 8);
        out->n++;
    }
    return rc == SQLITE_DONE ? SYM_OK : sym_store_fail(s, rc, what);
}

enum sym_status sym_fact_get(struct sym_store *s, long long id, struct sym_fact *out, bool *found)
{
    static const char what[] = "cannot read the fact";
    sqlite3_stmt *st = NULL;
    enum sym_status rc = SYM_OK;
    int src;

    sym_store_clear_err(s);
    memset(out, 0, sizeof *out);
    *found = false;
    src = sym_store_prepare(s, "SELECT " FACT_COLUMNS " FROM facts f WHERE f.id = ?", &st);
    if (src == SQLITE_OK)
        src = sqlite3_bind_int64(st, 1, id);
    if (src == SQLITE_OK)
        src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *found = true;
        if (!read_fact(st, out)) {
            *found = false;
            rc = sym_store_fail(s, SQLITE_NOMEM, what);
        }
    } else if (src != SQLITE_DONE) {
        rc = sym_store_fail(s, src, what);
    }
    sqlite3_finalize(st);
    return rc;
}

bool sym_fact_is_preference(const struct sym_fact *fact)
{
    const char *t = fact->tags ? strstr(fact->tags, "key:" SYM_PREF_KEY_PREFIX) : NULL;

    return t && (t == fact->tags || t[-1] == ',');
}

enum sym_status sym_fact_preferences(struct sym_store *s, struct sym_facts *out)
{
    static const char what[] = "cannot read the preferences";
    sqlite3_stmt *st = NULL;
    enum sym_status rc;
    int src;

    sym_store_clear_err(s);
    sym_facts_free(out);
    src = sym_store_prepare(s,
                            "SELECT " FACT_COLUMNS " FROM facts f "
                            "WHERE instr(',' || f.tags, ',key:" SYM_PREF_KEY_PREFIX "') > 0 "
                            "ORDER BY f.created, f.id",
                            &st);
    rc = src == SQLITE_OK ? read_facts(s, st, false, out, what) : sym_store_fail(s, src, what);
    sqlite3_finalize(st);
    if (rc)
        sym_facts_free(out);
    return rc;
}

enum sym_status sym_fact_list(struct sym_store *s, size_t offset, size_t limit,
                              struct sym_facts *out)
{
    static const char what[] = "cannot read the facts";
    sqlite3_stmt *st = NULL;
    enum sym_status rc;
    int src;

    sym_store_clear_err(s);
    sym_facts_free(out);
    src =
        sym_store_prepare(s,
                          "SELECT " FACT_COLUMNS " FROM facts f ORDER BY f.created DESC, f.id DESC "
                          "LIMIT ? OFFSET ?",
                          &st);
    if (src == SQLITE_OK)
        src = sqlite3_bind_int64(st, 1, limit ? (sqlite3_int64)limit : -1);
    if (src == SQLITE_OK)
        src = sqlite3_bind_int64(st, 2, (sqlite3_int64)offset);
    rc = src == SQLITE_OK ? read_facts(s, st, false, out, what) : sym_store_fail(s, src, what);
    sqlite3_finalize(st);
    if (rc)
        sym_facts_free(out);
    return rc;
}

/* A term in more than 1/COMMON_SHARE of the facts (and more than COMMON_MIN facts) is common: it
 * says little about which fact is meant, and scoring every fact that has it is most of a search's
 * time. */
#define COMMON_SHARE 100
#define COMMON_MIN 256

/* Append term as a quoted FTS5 string to b, " OR " before it when b has something. */
static enum sym_status put_term(struct sym_buf *b, const char *term, size_t len, const char *op)
{
    enum sym_status rc = b->len ? sym_buf_puts(b, op) : SYM_OK;
    const char *p;

    if (!rc)
        rc = sym_buf_puts(b, "\"");
    /* Normalised text has no quotes, but a query must never be able to break out of one. */
    for (p = term; !rc && p < term + len; p++)
        rc = *p == '"' ? sym_buf_puts(b, "\"\"") : sym_buf_append(b, p, 1);
    return rc ? rc : sym_buf_puts(b, "\"");
}

/* The number of facts that have term, from temp.facts_vocab's statement st (NULL: 0). */
static sqlite3_int64 term_docs(sqlite3_stmt *st, const char *term, size_t len)
{
    sqlite3_int64 doc = 0;

    if (!st)
        return 0;
    sqlite3_reset(st);
    if (sqlite3_bind_text(st, 1, term, (int)len, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        doc = sqlite3_column_int64(st, 0);
    return doc;
}

/* A word's alternatives counted at most (the synonym groups have far fewer). */
#define MAX_ALTS 16

/* Append "(alt OR alt ...)" to b, op before it when b has something: the alternatives of a
 * word (see search_terms) that some fact has (docs[i] != 0; -1 is unknown). */
static enum sym_status put_word(struct sym_buf *b, const char *word, size_t len,
                                const sqlite3_int64 *docs, const char *op)
{
    struct sym_buf alts = {0};
    enum sym_status rc = SYM_OK;
    const char *t, *end = word + len, *bar;
    size_t i;

    for (t = word, i = 0; !rc && t < end && i < MAX_ALTS; t = bar + 1, i++) {
        bar = memchr(t, '|', (size_t)(end - t));
        if (!bar)
            bar = end;
        if (docs[i] != 0)
            rc = put_term(&alts, t, (size_t)(bar - t), " OR ");
    }
    if (!rc && alts.len)
        rc = sym_buf_printf(b, "%s(%s)", b->len ? op : "", alts.data);
    sym_buf_free(&alts);
    return rc;
}

/*
 * Append each space-separated word of terms ("stem|synonym ...") to the lists: all of them to
 * *all (AND-ed, when not NULL), the ones in no more than limit facts to *rare (OR-ed). A word's
 * count is its alternatives' together; a word no fact has is left out (on a store where common
 * words are dropped, an unknown word must not be all that is looked for).
 */
static enum sym_status put_terms(const char *terms, sqlite3_stmt *st, sqlite3_int64 limit,
                                 struct sym_buf *all, struct sym_buf *rare)
{
    enum sym_status rc = SYM_OK;
    const char *t, *end, *a, *bar;

    for (t = terms; !rc && *t; t = *end ? end + 1 : end) {
        sqlite3_int64 docs[MAX_ALTS], sum = 0;
        size_t n;

        end = t + strcspn(t, " ");
        if (end == t)
            continue;
        for (a = t, n = 0; a < end && n < MAX_ALTS; a = bar + 1, n++) {
            bar = memchr(a, '|', (size_t)(end - a));
            if (!bar)
                bar = end;
            docs[n] = st ? term_docs(st, a, (size_t)(bar - a)) : -1;
            sum += docs[n] > 0 ? docs[n] : 0;
        }
        if (st && sum == 0)
            continue;
        if (all)
            rc = put_word(all, t, (size_t)(end - t), docs, " AND ");
        if (!rc && sum <= limit)
            rc = put_word(rare, t, (size_t)(end - t), docs, " OR ");
    }
    return rc;
}

/*
 * The FTS5 query for a search (see the top of the file): the query's rare content stems OR-ed
 * together, or all of them AND-ed when every one is common; then, when the query has rare
 * first-person words, "(that) AND (that OR those words)": the same facts match, and the
 * first-person words they share add to BM25 (at about half the weight: the content stems count
 * twice). On a large store they are common, hence left out, and cost nothing.
 * *match (caller frees) is "" when no content word is left.
 */
static enum sym_status search_match(struct sym_store *s, const char *query, char **match)
{
    sqlite3_stmt *st = NULL;
    struct sym_buf rare = {0}, all = {0}, weigh = {0}, out = {0};
    sqlite3_int64 n = 0, limit;
    char *content = NULL, *function = NULL;
    enum sym_status rc;
    int src;

    *match = NULL;
    rc = search_terms(query, &content, &function, NULL);
    if (rc)
        return rc;
    /* Document counts come from an fts5vocab table, made per connection; on any failure every
     * term counts as rare, which is the plain OR of all terms. */
    src = sqlite3_exec(sym_store_db(s),
                       "CREATE VIRTUAL TABLE IF NOT EXISTS temp.facts_vocab "
                       "USING fts5vocab(main, facts_fts, row)",
                       NULL, NULL, NULL);
    if (src == SQLITE_OK)
        src = sym_store_prepare(s, "SELECT max(id) FROM facts", &st);
    if (src == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0); /* about the number of facts: cheaper than count(*) */
    sqlite3_finalize(st);
    st = NULL;
    limit = n / COMMON_SHARE > COMMON_MIN ? n / COMMON_SHARE : COMMON_MIN;
    if (src == SQLITE_OK && n > limit)
        src = sym_store_prepare(s, "SELECT doc FROM temp.facts_vocab WHERE term = ?", &st);
    rc = put_terms(content, st, limit, &all, &rare);
    if (!rc)
        rc = put_terms(function, st, limit, NULL, &weigh);
    sqlite3_finalize(st);
    if (!rc) {
        const char *use = rare.len ? rare.data : all.data;

        if (use && weigh.len)
            rc = sym_buf_printf(&out, "(%s) AND (%s OR %s)", use, use, weigh.data);
        else if (use)
            rc = sym_buf_puts(&out, use);
    }
    if (!rc) {
        *match = out.data ? sym_buf_steal(&out) : strdup("");
        if (!*match)
            rc = SYM_ERR_NOMEM;
    }
    sym_buf_free(&rare);
    sym_buf_free(&all);
    sym_buf_free(&weigh);
    sym_buf_free(&out);
    free(content);
    free(function);
    return rc;
}

/* The full-text search: the k best facts by BM25 and the bonus (top of the file). */
static enum sym_status fts_search(struct sym_store *s, const char *query, size_t k,
                                  struct sym_facts *out, const char *what)
{
    sqlite3_stmt *st = NULL;
    char *match = NULL;
    enum sym_status rc;
    int src;

    if (search_match(s, query, &match))
        return sym_store_fail(s, SQLITE_NOMEM, what);
    if (!match[0]) {
        free(match);
        return SYM_OK; /* only stop words: nothing to look for */
    }
    /* See the top of the file for the formula; age in days, never negative. */
    src =
        sym_store_prepare(s,
                          "WITH hits AS (SELECT rowid AS id, -rank AS rel FROM facts_fts "
                          "              WHERE facts_fts MATCH ?1 ORDER BY rank LIMIT ?4) "
                          "SELECT " FACT_COLUMNS ", "
                          "  h.rel * (1.0 + 0.1 / (1.0 + max(?2 - f.updated, 0) / 86400.0 / 365.0) "
                          "           + 0.5 * f.pinned) AS score "
                          "FROM hits h JOIN facts f ON f.id = h.id "
                          "ORDER BY score DESC, f.id DESC LIMIT ?3",
                          &st);
    if (src == SQLITE_OK)
        src = sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    if (src == SQLITE_OK)
        src = sqlite3_bind_int64(st, 2, (sqlite3_int64)sym_clock_now());
    if (src == SQLITE_OK)
        src = sqlite3_bind_int64(st, 3,
                                 k > (size_t)1 << 30 ? (sqlite3_int64)1 << 30 : (sqlite3_int64)k);
    /* The bonus is at most x1.6, so a fact past BM25's top few dozen could only reach the top k
     * on a near-tie: scoring just the top max(4k, 64) keeps the join with facts small. */
    if (src == SQLITE_OK)
        src = sqlite3_bind_int64(st, 4,
                                 k > (size_t)1 << 28 ? (sqlite3_int64)1 << 30
                                 : k < 16            ? 64
                                                     : (sqlite3_int64)k * 4);
    rc = src == SQLITE_OK ? read_facts(s, st, true, out, what) : sym_store_fail(s, src, what);
    sqlite3_finalize(st);
    free(match);
    if (rc)
        sym_facts_free(out);
    return rc;
}

/* A fact id and its score in one ranking. */
struct ranked {
    long long id;
    double score;
};

static int by_score_desc(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;

    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

/* The VECTOR_K facts whose vectors are closest (cosine) to the query's, best first, in
 * best[0..*n). A query the model cannot embed, or a failing model, gives none: the full-text
 * ranking alone then answers. */
static int vector_ranking(struct sym_store *s, const char *query, struct ranked *best, size_t *n)
{
    struct sym_embedder *e = sym_store_embedder(s);
    sqlite3_stmt *st = NULL;
    enum sym_status erc;
    float *q = NULL;
    int dim = 0, src;

    *n = 0;
    erc = sym_embed(e, query, &q, &dim);
    if (erc == SYM_ERR_NOMEM)
        return SQLITE_NOMEM;
    if (erc) {
        sym_log(SYM_LOG_DEBUG, "search by meaning skipped: %s", sym_embedder_errmsg(e));
        return SQLITE_OK;
    }
    src = sym_store_prepare(s, "SELECT fact_id, vec FROM fact_vectors WHERE model = ? AND dim = ?",
                            &st);
    if (src == SQLITE_OK)
        src = sqlite3_bind_text(st, 1, sym_embedder_id(e), -1, SQLITE_STATIC);
    if (src == SQLITE_OK)
        src = sqlite3_bind_int(st, 2, dim);
    while (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        const float *v = sqlite3_column_blob(st, 1);
        struct ranked r;
        size_t i;
        int j;

        src = SQLITE_OK;
        if (!v || sqlite3_column_bytes(st, 1) != (int)(sizeof *v * (size_t)dim))
            continue; /* damaged: ignored, rebuilt by the next sync if the model changes */
        r.id = sqlite3_column_int64(st, 0);
        r.score = 0;
        for (j = 0; j < dim; j++)
            r.score += (double)q[j] * v[j];
        if (*n == VECTOR_K && by_score_desc(&r, &best[*n - 1]) >= 0)
            continue;
        i = *n < VECTOR_K ? (*n)++ : VECTOR_K - 1;
        for (; i > 0 && by_score_desc(&r, &best[i - 1]) < 0; i--)
            best[i] = best[i - 1];
        best[i] = r;
    }
    sqlite3_finalize(st);
    free(q);
    return src == SQLITE_DONE ? SQLITE_OK : src;
}

/* Add 1 / (RRF_K + rank) to id's fused score (rank from 1), appending id when new. */
static void fuse(struct ranked *fused, size_t *n, long long id, size_t rank)
{
    size_t i;

    for (i = 0; i < *n && fused[i].id != id; i++)
        ;
    if (i == *n) {
        fused[i].id = id;
        fused[i].score = 0;
        (*n)++;
    }
    fused[i].score += 1.0 / (RRF_K + (double)rank);
}

enum sym_status sym_fact_search(struct sym_store *s, const char *query, size_t k,
                                struct sym_facts *out)
{
    static const char what[] = "cannot search the facts";
    struct sym_facts fts = {NULL, 0};
    struct ranked vec[VECTOR_K], *fused = NULL;
    size_t n_vec = 0, n_fused = 0, i, j, cap;
    enum sym_status rc;
    int src;

    sym_store_clear_err(s);
    sym_facts_free(out);
    if (!query || !k)
        return SYM_OK;
    if (strlen(query) > FACT_MAX_TEXT || !sym_utf8_valid(query, strlen(query)))
        return sym_store_invalid(s, what, "the query is too long or not valid UTF-8");
    if (!sym_store_embedder(s))
        return fts_search(s, query, k, out, what);
    /* By meaning too: the top VECTOR_K of each ranking, fused by reciprocal rank. */
    rc = fts_search(s, query, k > VECTOR_K ? k : VECTOR_K, &fts, what);
    if (rc)
        return rc;
    src = vector_ranking(s, query, vec, &n_vec);
    if (src != SQLITE_OK) {
        rc = sym_store_fail(s, src, what);
        goto out;
    }
    cap = fts.n + n_vec;
    fused = malloc(sizeof *fused * (cap ? cap : 1));
    if (!fused) {
        rc = sym_store_fail(s, SQLITE_NOMEM, what);
        goto out;
    }
    for (i = 0; i < fts.n; i++)
        fuse(fused, &n_fused, fts.items[i].id, i + 1);
    for (i = 0; i < n_vec; i++)
        fuse(fused, &n_fused, vec[i].id, i + 1);
    qsort(fused, n_fused, sizeof *fused, by_score_desc);
    if (n_fused > k)
        n_fused = k;
    out->items = calloc(n_fused ? n_fused : 1, sizeof *out->items);
    if (!out->items) {
        rc = sym_store_fail(s, SQLITE_NOMEM, what);
        goto out;
    }
    for (i = 0; i < n_fused; i++) {
        struct sym_fact *f = &out->items[out->n];
        bool found = true;

        for (j = 0; j < fts.n && fts.items[j].id != fused[i].id; j++)
            ;
        if (j < fts.n) {
            *f = fts.items[j];
            memset(&fts.items[j], 0, sizeof fts.items[j]);
        } else {
            rc = sym_fact_get(s, fused[i].id, f, &found);
            if (rc)
                goto out;
        }
        if (found) {
            f->score = fused[i].score;
            out->n++;
        }
    }
out:
    free(fused);
    sym_facts_free(&fts);
    if (rc)
        sym_facts_free(out);
    return rc;
}

enum sym_status sym_fact_count(struct sym_store *s, long long *n)
{
    return count_rows(s, "SELECT count(*) FROM facts", n, "cannot count the facts");
}

enum sym_status sym_fact_history(struct sym_store *s, long long id, struct sym_facts *out)
{
    static const char what[] = "cannot read the fact's history";
    sqlite3_stmt *st = NULL;
    enum sym_status rc;
    int src;

    sym_store_clear_err(s);
    sym_facts_free(out);
    /* Shaped as FACT_COLUMNS: the fact's id, the earlier text, and when it was replaced. */
    src = sym_store_prepare(s,
                            "SELECT h.fact_id, h.text, '', '', h.replaced, h.replaced, NULL, 0 "
                            "FROM fact_history h WHERE h.fact_id = ? ORDER BY h.id",
                            &st);
    if (src == SQLITE_OK)
        src = sqlite3_bind_int64(st, 1, id);
    rc = src == SQLITE_OK ? read_facts(s, st, false, out, what) : sym_store_fail(s, src, what);
    sqlite3_finalize(st);
    if (rc)
        sym_facts_free(out);
    return rc;
}
