/*
 * facts.c: storing, editing, forgetting and reading the user's facts; see facts.h. The words a
 * fact is found by come from terms.c, its vector from vectors.c, and search.c finds it again.
 *
 * A fact row keeps the text as given, its normalised form (nlp/text.h; UNIQUE, which is what
 * makes adding the same fact twice a no-op) and `search`: its search terms (terms.h). facts_fts
 * is an FTS5 index over `search` with the facts table as its external content, so a delete tells
 * FTS5 exactly which terms to drop and the index can always be rebuilt from the table. Every
 * change of a fact, of its index and of its vector happens in one transaction.
 */
#include "memory/facts.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/utf8.h"
#include "memory/facts_internal.h"
#include "memory/store_internal.h"
#include "memory/terms.h"

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
    return sym_store_run(
        s,
        insert ? "INSERT INTO facts_fts (rowid, search) VALUES (?, ?)"
               : "INSERT INTO facts_fts (facts_fts, rowid, search) VALUES ('delete', ?, ?)",
        "lt", id, search);
}

/* The id in the first row of sql (one text parameter, arg); *id 0 when there is no row. */
static int find_id(struct sym_store *s, const char *sql, const char *arg, long long *id)
{
    sqlite3_stmt *st = NULL;
    int rc = sym_store_query(s, &st, sql, "t", arg);

    *id = 0;
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The id of the fact whose normalised text is norm; *id 0 when none. */
static int find_norm(struct sym_store *s, const char *norm, long long *id)
{
    return find_id(s, "SELECT id FROM facts WHERE norm = ?", norm, id);
}

enum sym_status sym_fact_add(struct sym_store *s, const struct sym_fact_input *in, long long *id,
                             bool *existed)
{
    static const char what[] = "cannot save the fact";
    char *search = NULL, *norm = NULL;
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
    rc = sym_terms_extract(in->text, &search, NULL, &norm);
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
        /* An event time of 0 is none: NULL. */
        src =
            sym_store_run(s,
                          "INSERT INTO facts (text, norm, search, source, tags, created, updated, "
                          "event_time, pinned) VALUES (?, ?, ?, ?, ?, ?, ?, nullif(?, 0), ?)",
                          "tttttllli", in->text, norm, search, in->source ? in->source : "user",
                          in->tags ? in->tags : "", (long long)now, (long long)now,
                          (long long)in->event_time, in->pinned ? 1 : 0);
        if (src == SQLITE_OK) {
            *id = sqlite3_last_insert_rowid(sym_store_db(s));
            src = fts_write(s, *id, search, true);
        }
        if (src == SQLITE_OK)
            src = sym_vectors_store(s, *id, in->text, NULL);
    }
    rc = src == SQLITE_OK ? SYM_OK : sym_store_fail(s, src, what);
    rc = sym_store_write_end(s, owned, rc, what);
    if (rc)
        *id = 0;
out:
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
    rc = sym_terms_extract(text, &search, NULL, &norm);
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
    src = sym_store_query(s, &st, "SELECT text, search FROM facts WHERE id = ?", "l", id);
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
        src =
            sym_store_run(s, "INSERT INTO fact_history (fact_id, text, replaced) VALUES (?, ?, ?)",
                          "ltl", id, old_text, (long long)now);
        if (src == SQLITE_OK)
            src = fts_write(s, id, old_search, false);
        if (src == SQLITE_OK)
            src = sym_store_run(s,
                                "UPDATE facts SET text = ?, norm = ?, search = ?, updated = ? "
                                "WHERE id = ?",
                                "tttll", text, norm, search, (long long)now, id);
        if (src == SQLITE_OK)
            src = fts_write(s, id, search, true);
        if (src == SQLITE_OK)
            src = sym_vectors_store(s, id, text, NULL);
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

/* The id of the fact tagged tag (",key:<key>,"), the latest updated; *id 0 when none. */
static int find_key(struct sym_store *s, const char *tag, long long *id)
{
    return find_id(s,
                   "SELECT id FROM facts WHERE instr(',' || tags || ',', ?) > 0 "
                   "ORDER BY updated DESC, id DESC LIMIT 1",
                   tag, id);
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
    if (sym_terms_extract(text, &search, NULL, &norm) || !(tag = malloc(tag_size))) {
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
    enum sym_status rc;
    bool owned;
    int src;

    sym_store_clear_err(s);
    *found = false;
    rc = sym_store_write_begin(s, &owned, what);
    if (rc)
        return rc;
    src = sym_store_run(s, sql, "ll", value, id);
    if (src == SQLITE_OK)
        *found = sqlite3_changes(sym_store_db(s)) > 0;
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
    src = sym_store_query(s, &st, "SELECT search FROM facts WHERE id = ?", "l", id);
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
    if (src == SQLITE_OK && *found)
        src = fts_write(s, id, search, false);
    /* The history goes with it: fact_history's foreign key cascades (foreign_keys is on). */
    if (src == SQLITE_OK && *found)
        src = sym_store_run(s, "DELETE FROM facts WHERE id = ?", "l", id);
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

enum sym_status sym_facts_read(struct sym_store *s, sqlite3_stmt *st, bool scored,
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
    src = sym_store_query(s, &st, "SELECT " FACT_COLUMNS " FROM facts f WHERE f.id = ?", "l", id);
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
    src = sym_store_query(s, &st,
                          "SELECT " FACT_COLUMNS " FROM facts f "
                          "WHERE instr(',' || f.tags, ',key:" SYM_PREF_KEY_PREFIX "') > 0 "
                          "ORDER BY f.created, f.id",
                          "");
    rc = src == SQLITE_OK ? sym_facts_read(s, st, false, out, what) : sym_store_fail(s, src, what);
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
    src = sym_store_query(s, &st,
                          "SELECT " FACT_COLUMNS " FROM facts f ORDER BY f.created DESC, f.id DESC "
                          "LIMIT ? OFFSET ?",
                          "ll", limit ? (long long)limit : -1LL, (long long)offset);
    rc = src == SQLITE_OK ? sym_facts_read(s, st, false, out, what) : sym_store_fail(s, src, what);
    sqlite3_finalize(st);
    if (rc)
        sym_facts_free(out);
    return rc;
}

enum sym_status sym_fact_count(struct sym_store *s, long long *n)
{
    sym_store_clear_err(s);
    *n = 0;
    return sym_store_query_int(s, "SELECT count(*) FROM facts", n, "cannot count the facts");
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
    src = sym_store_query(s, &st,
                          "SELECT h.fact_id, h.text, '', '', h.replaced, h.replaced, NULL, 0 "
                          "FROM fact_history h WHERE h.fact_id = ? ORDER BY h.id",
                          "l", id);
    rc = src == SQLITE_OK ? sym_facts_read(s, st, false, out, what) : sym_store_fail(s, src, what);
    sqlite3_finalize(st);
    if (rc)
        sym_facts_free(out);
    return rc;
}
