/*
 * learn.c: the language model's pass of fact extraction; see learn.h.
 */
#include "core/learn.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/log.h"
#include "memory/facts.h"
#include "memory/store.h"
#include "nlp/llm_facts.h"

/* The side context's size: the instructions (~150 tokens), a message of up to 100 words and the
 * reply fit with room to spare. */
#define LEARN_CTX 1024
/* The longest reply read: four short facts. The reply is also cut at its first line that is not
 * to be trusted (collect). */
#define LEARN_MAX_TOKENS 80

bool sym_learn_applies(struct sym_llm *llm, const char *message)
{
    return llm && sym_llm_has_template(llm) && sym_llm_facts_worth_asking(message);
}

/* The reply as it streams: stop the model as soon as the rest cannot matter. */
struct reply {
    const char *message;
    struct sym_buf text;
    size_t line_start; /* where the line being written starts in text */
    int kept;          /* complete lines that are facts */
};

/* Whether the line just completed ends the reply: the "nothing" answer, an invented statement
 * (the rest is not to be trusted either), or the last fact that would be kept. */
static bool line_ends_reply(struct reply *r, const char *line)
{
    enum sym_llm_line kind;

    if (sym_llm_facts_line(r->message, line, &kind))
        return true;
    if (kind == SYM_LLM_LINE_FACT)
        r->kept++;
    return kind == SYM_LLM_LINE_NONE || kind == SYM_LLM_LINE_UNGROUNDED ||
           r->kept >= SYM_LLM_FACTS_MAX;
}

static int collect(const char *text, size_t len, void *data)
{
    struct reply *r = data;
    char *nl;

    if (sym_buf_append(&r->text, text, len))
        return 1;
    while ((nl = memchr(r->text.data + r->line_start, '\n', r->text.len - r->line_start))) {
        size_t start = r->line_start, end = (size_t)(nl - r->text.data);
        char line[300];

        r->line_start = end + 1;
        if (end == start)
            continue;
        snprintf(line, sizeof line, "%.*s", (int)(end - start), r->text.data + start);
        if (line_ends_reply(r, line))
            return 1;
    }
    return r->text.len - r->line_start > 255; /* a line too long to be kept: a rambling model */
}

/* Ask the model; r->text gets its answer. */
static enum sym_status ask(struct sym_llm *llm, struct reply *r, struct sym_gen_stats *stats)
{
    const struct sym_chat_msg msgs[] = {{"system", sym_llm_facts_instructions()},
                                        {"user", r->message}};
    const struct sym_sampling greedy = {0.0f, 0, 1.0f, 0.0f, 1.0f, 0, 0, NULL, 0, 0};
    struct sym_buf prompt = {0};
    enum sym_status rc = sym_llm_side_begin(llm, LEARN_CTX);

    if (rc)
        return rc;
    rc = sym_llm_format_chat(llm, msgs, 2, &prompt);
    if (!rc)
        rc = sym_llm_generate(llm, sym_buf_str(&prompt), &greedy, LEARN_MAX_TOKENS,
                              sym_llm_template_stops(llm), collect, r, stats);
    sym_llm_side_end(llm);
    sym_buf_free(&prompt);
    if (!rc && stats->stop == SYM_STOP_INTERRUPT)
        rc = SYM_ERR_INTERRUPTED;
    return rc;
}

/* Store each fact; the new ones go to out->added. */
static void keep(struct sym_store *store, const struct sym_llm_facts *facts, struct sym_learn *out)
{
    size_t i;

    for (i = 0; i < facts->n; i++) {
        struct sym_fact_input in = {facts->text[i], "conversation", "extracted,llm", 0, false, 0};
        bool existed = false;
        long long id;

        if (sym_fact_add(store, &in, &id, &existed)) {
            sym_log(SYM_LOG_DEBUG, "model's fact not kept: %s", sym_store_errmsg(store));
            continue;
        }
        if (!existed && out->n_added < 4)
            snprintf(out->added[out->n_added++], sizeof out->added[0], "%s", facts->text[i]);
    }
}

enum sym_status sym_learn_run(struct sym_llm *llm, struct sym_store *store, const char *message,
                              struct sym_learn *out)
{
    struct reply r = {message, {0}, 0, 0};
    struct sym_llm_facts facts;
    enum sym_status rc;

    memset(out, 0, sizeof *out);
    if (!store || !sym_learn_applies(llm, message))
        return SYM_OK;
    out->ran = true;
    rc = ask(llm, &r, &out->stats);
    if (rc == SYM_ERR_INTERRUPTED) {
        sym_buf_free(&r.text);
        return rc;
    }
    if (rc) {
        sym_log(SYM_LOG_DEBUG, "fact extraction by the model failed: %s", sym_llm_errmsg(llm));
    } else if (sym_llm_facts_parse(message, sym_buf_str(&r.text), &facts) == SYM_OK) {
        sym_log(SYM_LOG_DEBUG, "fact extraction by the model: %zu of its lines kept:\n%s", facts.n,
                sym_buf_str(&r.text));
        keep(store, &facts, out);
    }
    sym_buf_free(&r.text);
    return SYM_OK;
}
