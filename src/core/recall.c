/*
 * recall.c: choosing and formatting the facts for a prompt; see recall.h.
 *
 * The block is plain text that any chat template carries:
 *
 *     [Memory: facts the user told you earlier]
 *     - My sister is Anna
 *     - Я живу в Казани
 *     [End of memory]
 *
 * Facts are added one by one while the block stays within the budget, so a long fact never
 * pushes the prompt over it. The turns of earlier conversations follow in a second block,
 *
 *     [Memory: from earlier conversations]
 *     - (2025-03-08, Maya, conversation 4) A beagle. We named him Biscuit.
 *     [End of memory]
 *
 * added the same way while both blocks together stay within the budget; a turn longer than
 * TURN_MAX bytes is cut (at a character), so one long answer cannot take the whole budget.
 */
#include "core/recall.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "memory/episodes.h"
#include "memory/facts.h"

#define ALL_FACTS_MAX 64 /* above this, do not even try to fit the whole store */
#define SEARCH_K 8

#define TURNS_K 8
#define TURN_MAX 400 /* bytes of a turn's text in the block, at most */

static const char block_head[] = "[Memory: facts the user told you earlier]\n";
static const char turns_head[] = "[Memory: from earlier conversations]\n";
static const char block_tail[] = "[End of memory]";

/* Tokens of text: llm's count, or about 4 bytes a token without a local model. */
static int count_tokens(struct sym_llm *llm, const char *text, size_t len)
{
    return llm ? sym_llm_count_tokens(llm, text) : (int)(len + 3) / 4;
}

/* Append the turns to out->turns while the facts' block and it together fit the budget. */
static enum sym_status fill_turns(struct sym_llm *llm, const struct sym_turn_hits *hits, int budget,
                                  struct sym_recall *out)
{
    struct sym_buf trial = {0};
    enum sym_status rc = SYM_OK;
    int used = out->n ? count_tokens(llm, sym_buf_str(&out->block), out->block.len) : 0;
    size_t i;

    for (i = 0; i < hits->n && out->n_turns < SYM_RECALL_MAX && !rc; i++) {
        const struct sym_turn_hit *h = &hits->items[i];
        size_t len = strlen(h->text);
        struct tm tm;
        char date[40] = "";
        int tokens;

        if (len > TURN_MAX)
            for (len = TURN_MAX; len && ((unsigned char)h->text[len] & 0xC0) == 0x80; len--)
                ;
        if (sym_clock_local(h->time, NULL, &tm))
            snprintf(date, sizeof date, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday);
        sym_buf_reset(&trial);
        rc = sym_buf_puts(&trial, out->n_turns ? sym_buf_str(&out->turns) : turns_head);
        if (!rc)
            rc = sym_buf_printf(&trial, "- (%s, %s, conversation %lld) %.*s%s\n", date, h->speaker,
                                h->conversation_id, (int)len, h->text,
                                len < strlen(h->text) ? "..." : "");
        if (!rc)
            rc = sym_buf_puts(&trial, block_tail);
        if (rc)
            break;
        tokens = count_tokens(llm, sym_buf_str(&trial), trial.len);
        if (tokens < 0 || used + tokens > budget)
            continue;
        trial.len -= sizeof block_tail - 1;
        trial.data[trial.len] = '\0';
        sym_buf_reset(&out->turns);
        rc = sym_buf_append(&out->turns, trial.data, trial.len);
        out->turn_ids[out->n_turns++] = h->id;
    }
    if (!rc && out->n_turns)
        rc = sym_buf_puts(&out->turns, block_tail);
    sym_buf_free(&trial);
    return rc;
}

/* The turns of other conversations that match message, into what the facts left of budget. */
static enum sym_status recall_turns(struct sym_store *store, struct sym_llm *llm,
                                    const char *message, int budget, long long conversation,
                                    struct sym_recall *out)
{
    struct sym_turn_filter f = {0, conversation, 0};
    struct sym_turn_hits hits = {0};
    enum sym_status rc = sym_turn_search(store, message, TURNS_K, &f, &hits);

    if (!rc)
        rc = fill_turns(llm, &hits, budget, out);
    sym_turn_hits_free(&hits);
    return rc;
}

/* Append facts to the block while it fits the budget. */
static enum sym_status fill(struct sym_llm *llm, const struct sym_facts *facts, int budget,
                            struct sym_recall *out, size_t *skipped)
{
    struct sym_buf trial = {0};
    enum sym_status rc = SYM_OK;
    size_t i;

    *skipped = 0;
    for (i = 0; i < facts->n && out->n < SYM_RECALL_MAX && !rc; i++) {
        int tokens;

        if (sym_fact_is_preference(&facts->items[i])) {
            (*skipped)++; /* in the preferences block of every prompt already */
            continue;
        }

        sym_buf_reset(&trial);
        rc = sym_buf_puts(&trial, out->n ? sym_buf_str(&out->block) : block_head);
        if (!rc)
            rc = sym_buf_printf(&trial, "- %s\n", facts->items[i].text);
        if (!rc)
            rc = sym_buf_puts(&trial, block_tail);
        if (rc)
            break;
        /* Without a local model (a remote backend's recall), about 4 bytes a token. */
        tokens = llm ? sym_llm_count_tokens(llm, sym_buf_str(&trial)) : (int)(trial.len + 3) / 4;
        if (tokens < 0 || tokens > budget)
            continue;
        /* Keep the block without its tail, so the next fact can follow. */
        trial.len -= sizeof block_tail - 1;
        trial.data[trial.len] = '\0';
        sym_buf_reset(&out->block);
        rc = sym_buf_append(&out->block, trial.data, trial.len);
        out->ids[out->n++] = facts->items[i].id;
    }
    if (!rc && out->n)
        rc = sym_buf_puts(&out->block, block_tail);
    sym_buf_free(&trial);
    return rc;
}

enum sym_status sym_recall_build(struct sym_store *store, struct sym_llm *llm, const char *message,
                                 int budget, bool turns, long long conversation,
                                 struct sym_recall *out)
{
    struct sym_facts facts = {0};
    enum sym_status rc;
    long long count = 0;
    size_t skipped = 0;

    memset(out, 0, sizeof *out);
    if (!store)
        return SYM_OK;
    rc = sym_fact_count(store, &count);
    if (rc)
        return rc;
    if (count && count <= ALL_FACTS_MAX) {
        rc = sym_fact_list(store, 0, 0, &facts);
        if (!rc)
            rc = fill(llm, &facts, budget, out, &skipped);
        sym_facts_free(&facts);
        if (rc)
            return rc;
        if (out->n + skipped == (size_t)count) {
            out->all = true;
            return turns ? recall_turns(store, llm, message, budget, conversation, out) : SYM_OK;
        }
        sym_recall_free(out);
        memset(out, 0, sizeof *out);
    }
    if (count)
        rc = sym_fact_search(store, message, SEARCH_K, &facts);
    if (!rc)
        rc = fill(llm, &facts, budget, out, &skipped);
    sym_facts_free(&facts);
    if (!rc && turns)
        rc = recall_turns(store, llm, message, budget, conversation, out);
    return rc;
}

enum sym_status sym_recall_message(const struct sym_recall *r, const char *input,
                                   struct sym_buf *out)
{
    enum sym_status rc = SYM_OK;

    sym_buf_reset(out);
    if (!r->all && r->n)
        rc = sym_buf_printf(out, "%s\n\n", sym_buf_str(&r->block));
    if (!rc && r->n_turns)
        rc = sym_buf_printf(out, "%s\n\n", sym_buf_str(&r->turns));
    return rc ? rc : sym_buf_puts(out, input);
}

void sym_recall_free(struct sym_recall *r)
{
    if (!r)
        return;
    sym_buf_free(&r->block);
    sym_buf_free(&r->turns);
    r->n = 0;
    r->n_turns = 0;
}
