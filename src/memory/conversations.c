/*
 * conversations.c: the chat conversations in the memory database; see conversations.h.
 *
 * Two tables (migration 3): `conversations` and `turns`, one row per message, with an index on
 * (conversation_id, id) so loading one conversation in order reads only its rows. Each turn is
 * stored with its search terms (migration 7, terms.h): its own words, the words of the turn
 * before it (the question an answer answers, so that its words find the answer) and its date's,
 * which triggers copy into the full-text index that episodes.c searches. The title is
 * stored rather than derived on every listing: it is set once, from the first user message, with
 * SQLite's substr() (which counts characters, not bytes, so a title never ends inside a UTF-8
 * sequence). Appending a turn and touching the conversation's updated time are one transaction.
 * A search reads each conversation's title and messages as one text and matches the normalised
 * query (nlp/text.h: case folded, punctuation as spaces) inside its normalised form: a scan, fine
 * for one person's conversations, with no index to keep in step.
 */
#include "memory/conversations.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/utf8.h"
#include "memory/store_internal.h"
#include "memory/terms.h"
#include "nlp/text.h"

void sym_conversations_free(struct sym_conversations *list)
{
    size_t i;

    if (!list)
        return;
    for (i = 0; i < list->n; i++)
        free(list->items[i].title);
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

void sym_conversation_turns_free(struct sym_conversation_turns *list)
{
    size_t i;

    if (!list)
        return;
    for (i = 0; i < list->n; i++) {
        free(list->items[i].text);
        free(list->items[i].speaker);
        free(list->items[i].session);
        free(list->items[i].tools);
    }
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

enum sym_status sym_conversation_start(struct sym_store *s, time_t now, long long *id)
{
    static const char what[] = "cannot save the conversation";
    enum sym_status rc;
    bool owned;
    int src;

    sym_store_clear_err(s);
    if (!now)
        now = sym_clock_now();
    rc = sym_store_write_begin(s, &owned, what);
    if (rc)
        return rc;
    src = sym_store_run(s, "INSERT INTO conversations (started, updated) VALUES (?, ?)", "ll",
                        (long long)now, (long long)now);
    rc = src == SQLITE_OK ? SYM_OK : sym_store_fail(s, src, what);
    if (!rc)
        *id = sqlite3_last_insert_rowid(sym_store_db(s));
    return sym_store_write_end(s, owned, rc, what);
}

/* Whether text is fit to be a turn; the reason on s when not. */
static enum sym_status check_turn(struct sym_store *s, const char *role, const char *text,
                                  const char *what)
{
    if (!role || (strcmp(role, "user") && strcmp(role, "assistant")))
        return sym_store_invalid(s, what, "a turn is the user's or the assistant's");
    if (!text)
        return sym_store_invalid(s, what, "the turn has no text");
    if (!sym_utf8_valid(text, strlen(text)))
        return sym_store_invalid(s, what, "the text is not valid UTF-8");
    return SYM_OK;
}

/* Store turn t of conversation id inside the caller's write, with its search terms: its own, the
 * turn before it (context) and its time's (see store.c, migration 7). Two statements, kept
 * prepared, since an import runs them for every turn. SQLite's code; SQLITE_NOTFOUND for an
 * unknown conversation. */
static int insert_turn(struct sym_store *s, long long id, const struct sym_turn_input *t)
{
    /* The first user message names the conversation. */
    static const char touch[] =
        "UPDATE conversations SET updated = max(updated, ?1), "
        "  title = CASE WHEN title IS NULL AND ?2 = 'user' THEN substr(?3, 1, ?4) ELSE title END "
        "WHERE id = ?5";
    static const char insert[] =
        "INSERT INTO turns (conversation_id, role, text, created, speaker, session, search, "
        "  context, dates) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, coalesce((SELECT p.search FROM turns p "
        "  WHERE p.conversation_id = ?1 ORDER BY p.id DESC LIMIT 1), ''), ?8)";
    char *search = NULL, *dates = NULL;
    int src;

    if (sym_terms_extract(t->text, &search, NULL, NULL) ||
        sym_terms_dates(t->time, t->text, &dates)) {
        free(search);
        return SQLITE_NOMEM;
    }
    src = sym_store_run_cached(s, touch, "lttil", (long long)t->time, t->role, t->text,
                               SYM_CONVERSATION_TITLE_CHARS, id);
    if (src == SQLITE_OK && !sqlite3_changes(sym_store_db(s)))
        src = SQLITE_NOTFOUND;
    if (src == SQLITE_OK)
        src = sym_store_run_cached(s, insert, "lttltttt", id, t->role, t->text, (long long)t->time,
                                   t->speaker, t->session, search, dates);
    free(search);
    free(dates);
    return src;
}

enum sym_status sym_conversation_append(struct sym_store *s, long long id, const char *role,
                                        const char *text, time_t now)
{
    static const char what[] = "cannot save the conversation";
    struct sym_turn_input t = {0};
    enum sym_status rc;
    int src;
    bool owned;

    sym_store_clear_err(s);
    rc = check_turn(s, role, text, what);
    if (rc)
        return rc;
    t.role = role;
    t.text = text;
    t.time = now ? now : sym_clock_now();
    rc = sym_store_write_begin(s, &owned, what);
    if (rc)
        return rc;
    src = insert_turn(s, id, &t);
    rc = src == SQLITE_NOTFOUND ? sym_store_invalid(s, what, "there is no such conversation")
         : src == SQLITE_OK     ? SYM_OK
                                : sym_store_fail(s, src, what);
    return sym_store_write_end(s, owned, rc, what);
}

enum sym_status sym_conversation_import_start(struct sym_store *s, const char *origin,
                                              const char *title, time_t started, long long *id,
                                              bool *existed)
{
    static const char what[] = "cannot import the conversation";
    sqlite3_stmt *st = NULL;
    enum sym_status rc;
    bool owned;
    int src;

    sym_store_clear_err(s);
    *existed = false;
    *id = 0;
    if (!origin || !*origin || !sym_utf8_valid(origin, strlen(origin)))
        return sym_store_invalid(s, what, "a conversation needs an id (valid UTF-8)");
    if (title && !sym_utf8_valid(title, strlen(title)))
        return sym_store_invalid(s, what, "the title is not valid UTF-8");
    if (!started)
        started = sym_clock_now();
    rc = sym_store_write_begin(s, &owned, what);
    if (rc)
        return rc;
    src = sym_store_query(s, &st, "SELECT id FROM conversations WHERE origin = ?", "t", origin);
    if (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *existed = true;
    }
    sqlite3_finalize(st);
    if (src == SQLITE_DONE) {
        src = sym_store_run(s,
                            "INSERT INTO conversations (started, updated, title, origin) "
                            "VALUES (?, ?, CASE WHEN ?3 <> '' THEN substr(?3, 1, ?4) END, ?5)",
                            "lltit", (long long)started, (long long)started, title,
                            SYM_CONVERSATION_TITLE_CHARS, origin);
        if (src == SQLITE_OK)
            *id = sqlite3_last_insert_rowid(sym_store_db(s));
    } else if (src == SQLITE_ROW) {
        src = SQLITE_OK;
    }
    rc = src == SQLITE_OK ? SYM_OK : sym_store_fail(s, src, what);
    return sym_store_write_end(s, owned, rc, what);
}

enum sym_status sym_conversation_import_turn(struct sym_store *s, long long id,
                                             const struct sym_turn_input *t)
{
    static const char what[] = "cannot import the turn";
    struct sym_turn_input in = *t;
    enum sym_status rc;
    bool owned;
    int src;

    sym_store_clear_err(s);
    rc = check_turn(s, t->role, t->text, what);
    if (!rc && ((t->speaker && !sym_utf8_valid(t->speaker, strlen(t->speaker))) ||
                (t->session && !sym_utf8_valid(t->session, strlen(t->session)))))
        rc = sym_store_invalid(s, what, "the speaker or session is not valid UTF-8");
    if (rc)
        return rc;
    if (!in.time)
        in.time = sym_clock_now();
    rc = sym_store_write_begin(s, &owned, what);
    if (rc)
        return rc;
    src = insert_turn(s, id, &in);
    rc = src == SQLITE_NOTFOUND ? sym_store_invalid(s, what, "there is no such conversation")
         : src == SQLITE_OK     ? SYM_OK
                                : sym_store_fail(s, src, what);
    return sym_store_write_end(s, owned, rc, what);
}

enum sym_status sym_conversation_last_turn(struct sym_store *s, long long id, long long *turn_id)
{
    sqlite3_stmt *st = NULL;
    int src;

    sym_store_clear_err(s);
    *turn_id = 0;
    src = sym_store_query(
        s, &st, "SELECT coalesce(max(id), 0) FROM turns WHERE conversation_id = ?1", "l", id);
    if (src == SQLITE_OK)
        src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *turn_id = sqlite3_column_int64(st, 0);
        src = SQLITE_DONE;
    }
    sqlite3_finalize(st);
    return src == SQLITE_DONE ? SYM_OK : sym_store_fail(s, src, "cannot read the conversation");
}

enum sym_status sym_conversation_latest(struct sym_store *s, long long *id, bool *found)
{
    sqlite3_stmt *st = NULL;
    int src;

    sym_store_clear_err(s);
    *found = false;
    src = sym_store_query(
        s, &st, "SELECT id FROM conversations ORDER BY started DESC, id DESC LIMIT 1", "");
    if (src == SQLITE_OK)
        src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *found = true;
        src = SQLITE_DONE;
    }
    sqlite3_finalize(st);
    return src == SQLITE_DONE ? SYM_OK : sym_store_fail(s, src, "cannot read the conversations");
}

/* Whether conversation id exists. */
static int exists(struct sym_store *s, long long id, bool *found)
{
    sqlite3_stmt *st = NULL;
    int src;

    *found = false;
    src = sym_store_query(s, &st, "SELECT 1 FROM conversations WHERE id = ?", "l", id);
    if (src == SQLITE_OK)
        src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *found = true;
    sqlite3_finalize(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? SQLITE_OK : src;
}

enum sym_status sym_conversation_set_tools(struct sym_store *s, long long turn_id,
                                           const char *tools)
{
    int src;

    sym_store_clear_err(s);
    src = sym_store_run(s, "UPDATE turns SET tools = ? WHERE id = ? AND role = 'assistant'", "tl",
                        tools, turn_id);
    if (src == SQLITE_OK && !sqlite3_changes(sym_store_db(s)))
        return SYM_ERR_NOT_FOUND;
    return src == SQLITE_OK ? SYM_OK : sym_store_fail(s, src, "cannot save the tool calls");
}

enum sym_status sym_conversation_load(struct sym_store *s, long long id,
                                      struct sym_conversation_turns *out, bool *found)
{
    static const char what[] = "cannot read the conversation";
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int src;

    sym_store_clear_err(s);
    sym_conversation_turns_free(out);
    src = exists(s, id, found);
    if (src == SQLITE_OK && *found)
        src = sym_store_query(s, &st,
                              "SELECT id, role, text, created, speaker, session, tools FROM turns "
                              "WHERE conversation_id = ? ORDER BY id",
                              "l", id);
    while (src == SQLITE_OK && st && (src = sqlite3_step(st)) == SQLITE_ROW) {
        struct sym_conversation_turn *t;
        const char *role = (const char *)sqlite3_column_text(st, 1);
        const char *text = (const char *)sqlite3_column_text(st, 2);

        if (out->n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct sym_conversation_turn *p = realloc(out->items, sizeof *p * ncap);

            if (!p) {
                src = SQLITE_NOMEM;
                break;
            }
            out->items = p;
            cap = ncap;
        }
        t = &out->items[out->n];
        memset(t, 0, sizeof *t);
        t->text = strdup(text ? text : "");
        if (!t->text) {
            src = SQLITE_NOMEM;
            break;
        }
        out->n++;
        t->id = sqlite3_column_int64(st, 0);
        snprintf(t->role, sizeof t->role, "%s", role ? role : "");
        t->created = (time_t)sqlite3_column_int64(st, 3);
        if (sqlite3_column_type(st, 4) != SQLITE_NULL)
            t->speaker = strdup((const char *)sqlite3_column_text(st, 4));
        if (sqlite3_column_type(st, 5) != SQLITE_NULL)
            t->session = strdup((const char *)sqlite3_column_text(st, 5));
        if (sqlite3_column_type(st, 6) != SQLITE_NULL)
            t->tools = strdup((const char *)sqlite3_column_text(st, 6));
        if ((sqlite3_column_type(st, 4) != SQLITE_NULL && !t->speaker) ||
            (sqlite3_column_type(st, 5) != SQLITE_NULL && !t->session) ||
            (sqlite3_column_type(st, 6) != SQLITE_NULL && !t->tools)) {
            src = SQLITE_NOMEM;
            break;
        }
        src = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (src == SQLITE_DONE)
        src = SQLITE_OK;
    if (src != SQLITE_OK) {
        sym_conversation_turns_free(out);
        return sym_store_fail(s, src, what);
    }
    return SYM_OK;
}

/* The conversations, most recent first; with q (normalised, non-empty) only those whose title or
 * messages hold it. */
static enum sym_status list_conversations(struct sym_store *s, const char *q,
                                          struct sym_conversations *out)
{
    static const char what[] = "cannot read the conversations";
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int src;

    sym_store_clear_err(s);
    sym_conversations_free(out);
    src = sym_store_query(s, &st,
                          "SELECT c.id, c.started, c.updated, coalesce(c.title, ''),"
                          "  (SELECT count(*) FROM turns t WHERE t.conversation_id = c.id),"
                          "  CASE WHEN ?1 THEN coalesce(c.title, '') || char(10) || coalesce("
                          "    (SELECT group_concat(t.text, char(10)) FROM turns t"
                          "     WHERE t.conversation_id = c.id), '') END "
                          "FROM conversations c ORDER BY c.started DESC, c.id DESC",
                          "i", q != NULL);
    while (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        struct sym_conversation *c;
        const char *title = (const char *)sqlite3_column_text(st, 3);

        if (q) {
            const char *all = (const char *)sqlite3_column_text(st, 5);
            char *norm = sym_normalize(all && sym_utf8_valid(all, strlen(all)) ? all : "");
            bool hit = norm && strstr(norm, q);

            if (!norm) {
                src = SQLITE_NOMEM;
                break;
            }
            free(norm);
            if (!hit) {
                src = SQLITE_OK;
                continue;
            }
        }

        if (out->n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct sym_conversation *p = realloc(out->items, sizeof *p * ncap);

            if (!p) {
                src = SQLITE_NOMEM;
                break;
            }
            out->items = p;
            cap = ncap;
        }
        c = &out->items[out->n];
        memset(c, 0, sizeof *c);
        c->title = strdup(title ? title : "");
        if (!c->title) {
            src = SQLITE_NOMEM;
            break;
        }
        out->n++;
        c->id = sqlite3_column_int64(st, 0);
        c->started = (time_t)sqlite3_column_int64(st, 1);
        c->updated = (time_t)sqlite3_column_int64(st, 2);
        c->n_turns = sqlite3_column_int64(st, 4);
        src = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (src == SQLITE_DONE)
        src = SQLITE_OK;
    if (src != SQLITE_OK) {
        sym_conversations_free(out);
        return sym_store_fail(s, src, what);
    }
    return SYM_OK;
}

enum sym_status sym_conversation_list(struct sym_store *s, struct sym_conversations *out)
{
    return list_conversations(s, NULL, out);
}

enum sym_status sym_conversation_search(struct sym_store *s, const char *query,
                                        struct sym_conversations *out)
{
    char *q = sym_normalize(query);
    enum sym_status rc;

    if (!q)
        return SYM_ERR_NOMEM;
    rc = q[0] ? list_conversations(s, q, out) : list_conversations(s, NULL, out);
    free(q);
    return rc;
}

enum sym_status sym_conversation_truncate(struct sym_store *s, long long id, size_t keep)
{
    static const char what[] = "cannot cut the conversation";
    enum sym_status rc;
    bool owned;
    int src;

    sym_store_clear_err(s);
    rc = sym_store_write_begin(s, &owned, what);
    if (rc)
        return rc;
    src = sym_store_run(s,
                        "DELETE FROM turns WHERE conversation_id = ?1 AND id NOT IN "
                        "(SELECT id FROM turns WHERE conversation_id = ?1 ORDER BY id LIMIT ?2)",
                        "ll", id, (long long)keep);
    if (src == SQLITE_OK && keep == 0)
        src = sym_store_run(s, "UPDATE conversations SET title = NULL WHERE id = ?", "l", id);
    rc = src == SQLITE_OK ? SYM_OK : sym_store_fail(s, src, what);
    return sym_store_write_end(s, owned, rc, what);
}

enum sym_status sym_conversation_delete(struct sym_store *s, long long id, bool *found)
{
    static const char what[] = "cannot delete the conversation";
    enum sym_status rc;
    bool owned;
    int src;

    sym_store_clear_err(s);
    *found = false;
    rc = sym_store_write_begin(s, &owned, what);
    if (rc)
        return rc;
    /* Turns go by ON DELETE CASCADE (the store turns foreign keys on). */
    src = sym_store_run(s, "DELETE FROM conversations WHERE id = ?", "l", id);
    rc = src == SQLITE_OK ? SYM_OK : sym_store_fail(s, src, what);
    *found = !rc && sqlite3_changes(sym_store_db(s)) > 0;
    return sym_store_write_end(s, owned, rc, what);
}
