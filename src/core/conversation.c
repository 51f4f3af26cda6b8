/*
 * conversation.c: the live conversation and its context policy; see conversation.h.
 *
 * The messages are kept as the array of struct sym_chat_msg that the backends take, so a turn
 * hands them on without copying; the contents are owned here (strdup'd), the roles are static
 * strings. While fitting, a candidate that leaves out the oldest turns is formatted in place: the
 * system message is swapped to just before the first kept message for the callback and back
 * again, so no array is built per try. A message's tool parts (its tool calls, or the call a
 * tool's result answers) live in a parallel array with the same indices, swapped along with it.
 */
#include "core/conversation.h"

#include <stdlib.h>
#include <string.h>

struct sym_conv {
    struct sym_chat_msg *msgs;   /* msgs[0] is the system message when has_system */
    struct sym_conv_tool *tools; /* the tool parts of msgs[i], same index; owned */
    size_t n, cap;
    bool has_system;
    char *system; /* the configured system prompt, without any block */
};

enum sym_status sym_conv_init(struct sym_conv **out, const char *system)
{
    struct sym_conv *c = calloc(1, sizeof *c);

    *out = NULL;
    if (!c)
        return SYM_ERR_NOMEM;
    if (system && system[0]) {
        if (!(c->system = strdup(system)) || sym_conv_push(c, "system", system)) {
            sym_conv_free(c);
            return SYM_ERR_NOMEM;
        }
        c->has_system = true;
    }
    *out = c;
    return SYM_OK;
}

void sym_conv_free(struct sym_conv *c)
{
    if (!c)
        return;
    sym_conv_truncate(c, 0);
    free(c->msgs);
    free(c->tools);
    free(c->system);
    free(c);
}

const struct sym_chat_msg *sym_conv_msgs(const struct sym_conv *c, size_t *n)
{
    *n = c->n;
    return c->msgs;
}

size_t sym_conv_first_turn(const struct sym_conv *c)
{
    return c->has_system ? 1 : 0;
}

bool sym_conv_has_system(const struct sym_conv *c)
{
    return c->has_system;
}

int sym_conv_n_turns(const struct sym_conv *c)
{
    int n = 0;
    size_t i;

    for (i = sym_conv_first_turn(c); i < c->n; i++)
        n += !strcmp(c->msgs[i].role, "user");
    return n;
}

enum sym_status sym_conv_push(struct sym_conv *c, const char *role, const char *content)
{
    return sym_conv_push_tool(c, role, content, NULL, NULL);
}

enum sym_status sym_conv_push_tool(struct sym_conv *c, const char *role, const char *content,
                                   const char *tool_calls, const char *tool_call_id)
{
    char *copy, *calls = NULL, *id = NULL;

    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        struct sym_chat_msg *p = realloc(c->msgs, sizeof *p * cap);
        struct sym_conv_tool *t;

        if (!p)
            return SYM_ERR_NOMEM;
        c->msgs = p;
        t = realloc(c->tools, sizeof *t * cap);
        if (!t)
            return SYM_ERR_NOMEM;
        c->tools = t;
        c->cap = cap;
    }
    copy = strdup(content);
    if (tool_calls)
        calls = strdup(tool_calls);
    if (tool_call_id)
        id = strdup(tool_call_id);
    if (!copy || (tool_calls && !calls) || (tool_call_id && !id)) {
        free(copy);
        free(calls);
        free(id);
        return SYM_ERR_NOMEM;
    }
    c->msgs[c->n].role = role;
    c->msgs[c->n].content = copy;
    c->tools[c->n].tool_calls = calls;
    c->tools[c->n].tool_call_id = id;
    c->n++;
    return SYM_OK;
}

const struct sym_conv_tool *sym_conv_tool_part(const struct sym_conv *c,
                                               const struct sym_chat_msg *m)
{
    size_t i = (size_t)(m - c->msgs);

    return i < c->n ? &c->tools[i] : NULL;
}

bool sym_conv_has_tools(const struct sym_conv *c)
{
    size_t i;

    for (i = 0; i < c->n; i++)
        if (c->tools[i].tool_calls || c->tools[i].tool_call_id)
            return true;
    return false;
}

size_t sym_conv_count(const struct sym_conv *c)
{
    return c->n;
}

/* Free message i's texts. */
static void free_msg(struct sym_conv *c, size_t i)
{
    free((char *)c->msgs[i].content);
    free(c->tools[i].tool_calls);
    free(c->tools[i].tool_call_id);
}

void sym_conv_truncate(struct sym_conv *c, size_t n)
{
    while (c->n > n)
        free_msg(c, --c->n);
}

void sym_conv_pop(struct sym_conv *c)
{
    if (c->n > sym_conv_first_turn(c))
        free_msg(c, --c->n);
}

enum sym_status sym_conv_set_at(struct sym_conv *c, size_t i, const char *content)
{
    char *copy;

    if (i < sym_conv_first_turn(c) || i >= c->n)
        return SYM_ERR_INVALID;
    copy = strdup(content);
    if (!copy)
        return SYM_ERR_NOMEM;
    free((char *)c->msgs[i].content);
    c->msgs[i].content = copy;
    return SYM_OK;
}

enum sym_status sym_conv_set_last(struct sym_conv *c, const char *content)
{
    return c->n ? sym_conv_set_at(c, c->n - 1, content) : SYM_ERR_INVALID;
}

/* Remove n messages starting at index from. */
static void drop(struct sym_conv *c, size_t from, size_t n)
{
    size_t i;

    for (i = from; i < from + n; i++)
        free_msg(c, i);
    memmove(c->msgs + from, c->msgs + from + n, sizeof *c->msgs * (c->n - from - n));
    memmove(c->tools + from, c->tools + from + n, sizeof *c->tools * (c->n - from - n));
    c->n -= n;
}

void sym_conv_clear(struct sym_conv *c)
{
    size_t first = sym_conv_first_turn(c);

    drop(c, first, c->n - first);
}

enum sym_status sym_conv_set_block(struct sym_conv *c, const char *block)
{
    struct sym_buf content = {0};
    enum sym_status rc;

    if (!c->has_system)
        return SYM_OK;
    rc = sym_buf_puts(&content, c->system);
    if (!rc && block[0])
        rc = sym_buf_printf(&content, "\n\n%s", block);
    if (!rc && strcmp(c->msgs[0].content, sym_buf_str(&content))) {
        char *s = sym_buf_steal(&content);

        if (!s)
            return SYM_ERR_NOMEM;
        free((char *)c->msgs[0].content);
        c->msgs[0].content = s;
    }
    sym_buf_free(&content);
    return rc;
}

/* Format the system message (if any) and the messages from index `from` on. */
static enum sym_status format_from(struct sym_conv *c, size_t from, sym_conv_format_fn format,
                                   void *data, struct sym_buf *prompt, int *n_tokens)
{
    struct sym_chat_msg t;
    struct sym_conv_tool tt;
    enum sym_status rc;

    if (!c->has_system)
        return format(c->msgs + from, c->n - from, prompt, n_tokens, data);
    if (from == 1)
        return format(c->msgs, c->n, prompt, n_tokens, data);
    t = c->msgs[from - 1];
    tt = c->tools[from - 1];
    c->msgs[from - 1] = c->msgs[0];
    c->tools[from - 1] = c->tools[0];
    c->msgs[0] = t;
    c->tools[0] = tt;
    rc = format(c->msgs + from - 1, c->n - from + 1, prompt, n_tokens, data);
    c->msgs[0] = c->msgs[from - 1];
    c->tools[0] = c->tools[from - 1];
    c->msgs[from - 1] = t;
    c->tools[from - 1] = tt;
    return rc;
}

enum sym_status sym_conv_fit(struct sym_conv *c, int n_ctx, int reserve, sym_conv_format_fn format,
                             void *data, struct sym_buf *prompt, int *n_tokens, int *n_dropped)
{
    const size_t first = sym_conv_first_turn(c);
    int limit = n_ctx - reserve;
    size_t from = first, last = c->n - 1;
    enum sym_status rc;

    /* The newest turn starts at its user message: its tool calls and results stay with it. */
    while (last > first && strcmp(c->msgs[last].role, "user"))
        last--;
    *n_dropped = 0;
    for (;;) {
        rc = format_from(c, from, format, data, prompt, n_tokens);
        if (rc)
            goto fail;
        if (*n_tokens <= limit)
            break;
        if (from == last && *n_tokens <= n_ctx - reserve)
            break; /* the hysteresis target is not met, but the turn fits */
        if (from == last) {
            rc = SYM_ERR_CONTEXT;
            goto fail;
        }
        /* Leave out the oldest turn: a user message and what answered it (tool calls, their
         * results, the answer), up to the next user message. */
        from++;
        while (from < last && strcmp(c->msgs[from].role, "user"))
            from++;
        (*n_dropped)++;
        limit = n_ctx / 2 > reserve ? n_ctx / 2 : limit;
    }
    drop(c, first, from - first);
    return SYM_OK;
fail:
    *n_dropped = 0;
    return rc;
}
