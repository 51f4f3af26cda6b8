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
 * pushes the prompt over it.
 */
#include "core/recall.h"

#include <string.h>

#include "memory/facts.h"

#define ALL_FACTS_MAX 64 /* above this, do not even try to fit the whole store */
#define SEARCH_K 8

static const char block_head[] = "[Memory: facts the user told you earlier]\n";
static const char block_tail[] = "[End of memory]";

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
        tokens = sym_llm_count_tokens(llm, sym_buf_str(&trial));
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
                                 int budget, struct sym_recall *out)
{
    struct sym_facts facts = {0};
    enum sym_status rc;
    long long count = 0;
    size_t skipped = 0;

    memset(out, 0, sizeof *out);
    if (!store || !llm)
        return SYM_OK;
    rc = sym_fact_count(store, &count);
    if (rc || count == 0)
        return rc;
    if (count <= ALL_FACTS_MAX) {
        rc = sym_fact_list(store, 0, 0, &facts);
        if (!rc)
            rc = fill(llm, &facts, budget, out, &skipped);
        sym_facts_free(&facts);
        if (rc || out->n + skipped == (size_t)count) {
            out->all = !rc;
            return rc;
        }
        sym_recall_free(out);
        memset(out, 0, sizeof *out);
    }
    rc = sym_fact_search(store, message, SEARCH_K, &facts);
    if (!rc)
        rc = fill(llm, &facts, budget, out, &skipped);
    sym_facts_free(&facts);
    return rc;
}

void sym_recall_free(struct sym_recall *r)
{
    if (!r)
        return;
    sym_buf_free(&r->block);
    r->n = 0;
}
