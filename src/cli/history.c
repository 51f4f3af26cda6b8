/*
 * history.c: `symbiot memory import --conversations FILE`: a conversation history becomes
 * episodic memory (memory/conversations.h), from JSON Lines (one turn a line, see import.h) or
 * from the conversations.json of ChatGPT's data export. The format is told by the first byte:
 * '[' is an export, '{' a JSON Lines file.
 *
 * All or nothing, as the import of facts, in one pass: each line (or exported conversation) is
 * checked and written at once inside one open transaction; a bad one is reported as FILE:LINE,
 * nothing more is written, the rest is still checked (every bad line is reported), and at the
 * end the transaction is rolled back, so a file with a bad line leaves the memory as it was.
 * Memory stays bounded: no more than one line (or one exported conversation) is held at a time,
 * and SQLite spills a large transaction to its journal. Standard input ("-") is first copied to
 * an unnamed temporary file, so that its format can be told from its first byte. A conversation
 * already imported (the same id) is skipped whole. With --extract, what the user said goes
 * through the rule-based fact extraction (nlp/extract.h), as a chat message does: the turns of a
 * ChatGPT export's user, or of the speaker named "user" in JSON Lines.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/import.h"
#include "base/clock.h"
#include "memory/conversations.h"
#include "memory/facts.h"
#include "nlp/extract.h"
#include "nlp/when.h"

/* Bad lines reported before the rest are only counted. */
#define MAX_REPORTED 20

struct import {
    struct sym_store *store;
    const char *path;
    bool extract;
    size_t bad, turns, conversations, skipped, facts;
    /* the conversation being written: its origin, id, and whether it was stored before */
    char *origin;
    long long id;
    bool skip;
    /* ids of the conversations this import made, in increasing order */
    long long *made;
    size_t n_made, cap_made;
};

static void bad_line(struct import *im, size_t line, const char *why)
{
    if (++im->bad <= MAX_REPORTED)
        fprintf(stderr, "%s:%zu: %s\n", im->path, line, why);
}

/* Remember the facts the user states in text (said at time), as a chat message would. */
static enum sym_status extract_facts(struct import *im, const char *text, time_t time)
{
    struct sym_extracted ex;
    enum sym_status rc = sym_extract(text, &ex);
    size_t i;

    for (i = 0; !rc && i < ex.n; i++) {
        const struct sym_extracted_fact *f = &ex.fact[i];
        enum sym_fact_outcome outcome;
        long long id;
        bool found;
        time_t at = 0;

        rc = sym_fact_remember(im->store, f->text, f->key, "import", &id, &outcome);
        if (rc)
            break;
        if (outcome != SYM_FACT_KNOWN)
            im->facts++;
        if (f->kind != SYM_FACT_PLAN)
            continue;
        if (f->has_when) {
            enum sym_when_result res = sym_when_resolve(&f->when, time, NULL, &at);

            if (res != SYM_WHEN_OK && res != SYM_WHEN_AMBIGUOUS)
                at = 0;
        }
        rc = sym_fact_set_event_time(im->store, id, at, &found);
    }
    return rc;
}

/* Make origin the conversation being written (started at started, titled title). */
static enum sym_status open_conversation(struct import *im, const char *origin, const char *title,
                                         time_t started)
{
    bool existed = false, ours = false;
    enum sym_status rc;
    size_t lo = 0, hi;

    if (im->origin && !strcmp(im->origin, origin))
        return SYM_OK;
    free(im->origin);
    im->origin = strdup(origin);
    if (!im->origin)
        return SYM_ERR_NOMEM;
    rc = sym_conversation_import_start(im->store, origin, title, started, &im->id, &existed);
    if (rc)
        return rc;
    if (existed) { /* made by this import (its turns come in more than one run) or before? */
        for (hi = im->n_made; lo < hi;) {
            size_t mid = (lo + hi) / 2;

            if (im->made[mid] < im->id)
                lo = mid + 1;
            else
                hi = mid;
        }
        ours = lo < im->n_made && im->made[lo] == im->id;
        im->skip = !ours;
        if (!ours)
            im->skipped++;
        return SYM_OK;
    }
    im->skip = false;
    im->conversations++;
    if (im->n_made == im->cap_made) {
        size_t cap = im->cap_made ? im->cap_made * 2 : 64;
        long long *p = realloc(im->made, cap * sizeof *p);

        if (!p)
            return SYM_ERR_NOMEM;
        im->made = p;
        im->cap_made = cap;
    }
    im->made[im->n_made++] = im->id;
    return SYM_OK;
}

/* Write one turn into the conversation being written. */
static enum sym_status write_turn(struct import *im, const struct sym_turn_input *t, bool users)
{
    enum sym_status rc;

    if (im->skip)
        return SYM_OK;
    rc = sym_conversation_import_turn(im->store, im->id, t);
    if (!rc)
        im->turns++;
    if (!rc && im->extract && users)
        rc = extract_facts(im, t->text, t->time ? t->time : sym_clock_now());
    return rc;
}

/* ---- JSON Lines ---- */

static int jsonl_pass(struct import *im, FILE *f)
{
    char *line = NULL;
    size_t cap = 0, n = 0;
    ssize_t len;
    int code = CLI_EXIT_OK;

    while ((len = getline(&line, &cap, f)) >= 0) {
        struct cli_turn_record r;
        struct sym_turn_input t = {0};
        const char *why = NULL;
        cJSON *o = NULL;
        bool ok;

        n++;
        ok = cli_import_turn_line(line, (size_t)len, &o, &r, &why);
        if (!ok)
            bad_line(im, n, why);
        if (ok && o && !im->bad) {
            bool assistant = !strcasecmp(r.speaker, "assistant");

            t.role = assistant ? "assistant" : "user";
            t.speaker = r.speaker;
            t.session = r.session;
            t.text = r.text;
            t.time = r.time;
            if (open_conversation(im, r.conversation, NULL, r.time) ||
                write_turn(im, &t, !strcasecmp(r.speaker, "user"))) {
                cli_error("%s:%zu: %s; nothing imported", im->path, n, sym_store_errmsg(im->store));
                code = CLI_EXIT_FAIL;
            }
        }
        cJSON_Delete(o);
        if (code)
            break;
    }
    if (!code && ferror(f)) {
        cli_error("%s: %s", im->path, strerror(errno));
        code = CLI_EXIT_FAIL;
    }
    free(line);
    return code;
}

/* ---- ChatGPT's conversations.json ---- */

static int on_chatgpt(void *ctx, const cJSON *c, size_t line)
{
    struct import *im = ctx;
    struct cli_chatgpt_conversation conv;
    const char *why = NULL;
    char origin[512];
    int code = 0;
    size_t i;

    if (!cli_chatgpt_conversation(c, &conv, &why)) {
        bad_line(im, line, why);
        cli_chatgpt_conversation_free(&conv);
        return 0;
    }
    if (im->bad || !conv.n) {
        cli_chatgpt_conversation_free(&conv);
        return 0;
    }
    snprintf(origin, sizeof origin, "chatgpt:%s", conv.id);
    if (open_conversation(im, origin, conv.title, conv.started ? conv.started : conv.turns[0].time))
        code = 1;
    for (i = 0; !code && i < conv.n; i++) {
        struct sym_turn_input t = {0};

        t.role = conv.turns[i].role;
        t.text = conv.turns[i].text;
        /* A message without a time is said when the one before it was. */
        t.time = conv.turns[i].time ? conv.turns[i].time
                 : i                ? conv.turns[i - 1].time
                                    : conv.started;
        conv.turns[i].time = t.time;
        if (write_turn(im, &t, !strcmp(t.role, "user")))
            code = 1;
    }
    if (code)
        cli_error("%s:%zu: %s; nothing imported", im->path, line, sym_store_errmsg(im->store));
    cli_chatgpt_conversation_free(&conv);
    return code;
}

static int chatgpt_pass(struct import *im, FILE *f)
{
    const char *why = NULL;
    size_t line = 0;
    int rc = cli_chatgpt_read(f, on_chatgpt, im, &line, &why);

    if (rc < 0)
        bad_line(im, line, why);
    return rc > 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* ---- the command ---- */

/* Standard input copied into an unnamed temporary file, rewound (NULL on failure, errno set). */
static FILE *spool_stdin(void)
{
    FILE *t = tmpfile();
    char buf[65536];
    size_t n;

    if (!t)
        return NULL;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
        if (fwrite(buf, 1, n, t) != n)
            break;
    if (ferror(stdin) || ferror(t) || fflush(t) || fseek(t, 0, SEEK_SET)) {
        fclose(t);
        return NULL;
    }
    return t;
}

int cli_memory_import_conversations(struct sym_store *store, const char *path, bool extract)
{
    struct import im = {0};
    int code = CLI_EXIT_FAIL, c;
    bool chatgpt;
    FILE *f;

    im.path = path;
    im.extract = extract;
    f = strcmp(path, "-") ? fopen(path, "r") : spool_stdin();
    if (!f) {
        cli_error("%s: %s", path, strerror(errno));
        return CLI_EXIT_FAIL;
    }
    /* The format, from the first byte that is not a space (or a byte order mark). */
    while ((c = getc(f)) != EOF && strchr(" \t\r\n\xEF\xBB\xBF", c))
        ;
    chatgpt = c == '[';
    if (c != '[' && c != '{') {
        cli_error("%s: %s", path,
                  c == EOF ? "the file is empty"
                           : "neither JSON Lines (one {\"conversation\", \"speaker\", \"text\"} a "
                             "line) nor ChatGPT's conversations.json");
        goto out;
    }
    /* One pass: check and write each line in one transaction; roll it all back on a bad one. */
    rewind(f);
    im.store = store;
    if (sym_store_begin(store)) {
        cli_error("%s", sym_store_errmsg(store));
        goto out;
    }
    if ((chatgpt ? chatgpt_pass(&im, f) : jsonl_pass(&im, f)) != CLI_EXIT_OK) {
        sym_store_rollback(store);
        goto out;
    }
    if (im.bad) {
        sym_store_rollback(store);
        if (im.bad > MAX_REPORTED)
            fprintf(stderr, "%s: ... and %zu more\n", path, im.bad - MAX_REPORTED);
        cli_error("%s: %zu bad %s; nothing imported", path, im.bad,
                  chatgpt ? "conversation(s)" : "line(s)");
        goto out;
    }
    if (sym_store_commit(store)) {
        cli_error("%s", sym_store_errmsg(store));
        sym_store_rollback(store);
        goto out;
    }
    printf("imported %zu turn(s) in %zu conversation(s)", im.turns, im.conversations);
    if (im.skipped)
        printf(", %zu conversation(s) already imported", im.skipped);
    if (extract)
        printf(", %zu fact(s) extracted", im.facts);
    putchar('\n');
    code = CLI_EXIT_OK;
out:
    fclose(f);
    free(im.origin);
    free(im.made);
    return code;
}
