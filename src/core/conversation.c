/*
 * conversation.c: the live conversation and its context policy; see conversation.h.
 *
 * The messages are kept as the array of struct sym_chat_msg that the backends take, so a turn
 * hands them on without copying; the contents are owned here (strdup'd), the roles are static
 * strings. While fitting, a candidate that leaves out the oldest turns is formatted in place: the
 * system message is swapped to just before the first kept message for the callback and back
 * again, so no array is built per try.
 */
#include "core/conversation.h"

#include <stdlib.h>
#include <string.h>

struct sym_conv {
    struct sym_chat_msg *msgs; /* msgs[0] is the system message when has_system */
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
    while (c->n)
        free((char *)c->msgs[--c->n].content);
    free(c->msgs);
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
    char *copy;

    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        struct sym_chat_msg *p = realloc(c->msgs, sizeof *p * cap);

        if (!p)
            return SYM_ERR_NOMEM;
        c->msgs = p;
        c->cap = cap;
    }
    copy = strdup(content);
    if (!copy)
        return SYM_ERR_NOMEM;
    c->msgs[c->n].role = role;
    c->msgs[c->n].content = copy;
    c->n++;
    return SYM_OK;
}

void sym_conv_pop(struct sym_conv *c)
{
    if (c->n > sym_conv_first_turn(c))
        free((char *)c->msgs[--c->n].content);
}

enum sym_status sym_conv_set_last(struct sym_conv *c, const char *content)
{
    char *copy;

    if (c->n <= sym_conv_first_turn(c))
        return SYM_ERR_INVALID;
    copy = strdup(content);
    if (!copy)
        return SYM_ERR_NOMEM;
    free((char *)c->msgs[c->n - 1].content);
    c->msgs[c->n - 1].content = copy;
    return SYM_OK;
}

/* Remove n messages starting at index from. */
static void drop(struct sym_conv *c, size_t from, size_t n)
{
    size_t i;

    for (i = from; i < from + n; i++)
        free((char *)c->msgs[i].content);
    memmove(c->msgs + from, c->msgs + from + n, sizeof *c->msgs * (c->n - from - n));
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
    enum sym_status rc;

    if (!c->has_system)
        return format(c->msgs + from, c->n - from, prompt, n_tokens, data);
    if (from == 1)
        return format(c->msgs, c->n, prompt, n_tokens, data);
    t = c->msgs[from - 1];
    c->msgs[from - 1] = c->msgs[0];
    c->msgs[0] = t;
    rc = format(c->msgs + from - 1, c->n - from + 1, prompt, n_tokens, data);
    c->msgs[0] = c->msgs[from - 1];
    c->msgs[from - 1] = t;
    return rc;
}

enum sym_status sym_conv_fit(struct sym_conv *c, int n_ctx, int reserve, sym_conv_format_fn format,
                             void *data, struct sym_buf *prompt, int *n_tokens, int *n_dropped)
{
    const size_t first = sym_conv_first_turn(c), last = c->n - 1;
    int limit = n_ctx - reserve;
    size_t from = first;
    enum sym_status rc;

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
        /* Leave out the oldest turn: a user message and the answer after it. */
        from += last - from >= 2 ? 2 : 1;
        (*n_dropped)++;
        limit = n_ctx / 2 > reserve ? n_ctx / 2 : limit;
    }
    drop(c, first, from - first);
    return SYM_OK;
fail:
    *n_dropped = 0;
    return rc;
}
