/*
 * test_conversation.c: the live conversation and its context policy (core/conversation.h)
 * without a model: a fake formatter writes each message as "r:content\n" and counts one token per
 * byte, so every figure below can be worked out by hand. Checks that the oldest turns go first,
 * the system message and the newest turn stay, the drop goes down to half the context, a message
 * too long or a failing formatter leaves the conversation as it was, and the system block changes
 * only when its text does.
 */
#include <stdlib.h>
#include <string.h>

#include "core/conversation.h"
#include "test.h"

struct fake {
    int calls;
    int fail_at;          /* fail this call (1-based) with SYM_ERR_NOMEM; 0 = never */
    bool system_first;    /* every call so far saw the system message first */
    const char *want_sys; /* the system message's text, when there is one */
};

static enum sym_status fake_format(const struct sym_chat_msg *msgs, size_t n,
                                   struct sym_buf *prompt, int *n_tokens, void *data)
{
    struct fake *f = data;
    enum sym_status rc = SYM_OK;
    size_t i;

    if (++f->calls == f->fail_at)
        return SYM_ERR_NOMEM;
    if (f->want_sys &&
        (!n || strcmp(msgs[0].role, "system") || strcmp(msgs[0].content, f->want_sys)))
        f->system_first = false;
    sym_buf_reset(prompt);
    for (i = 0; i < n && !rc; i++)
        rc = sym_buf_printf(prompt, "%c:%s\n", msgs[i].role[0], msgs[i].content);
    *n_tokens = (int)prompt->len;
    return rc;
}

/* A message of exactly 10 bytes: "u1" padded with dots. Line: "u:" + 10 + "\n" = 13 tokens. */
static const char *ten(char *buf, char who, int i)
{
    snprintf(buf, 11, "%c%d........", who, i);
    return buf;
}

/* sys "SYS", then n_turns user/assistant pairs and a last user message. */
static struct sym_conv *make(const char *sys, int n_turns)
{
    struct sym_conv *c = NULL;
    char b[16];
    int i;

    CHECK(sym_conv_init(&c, sys) == SYM_OK);
    for (i = 1; c && i <= n_turns; i++) {
        CHECK(sym_conv_push(c, "user", ten(b, 'u', i)) == SYM_OK);
        CHECK(sym_conv_push(c, "assistant", ten(b, 'a', i)) == SYM_OK);
    }
    if (c)
        CHECK(sym_conv_push(c, "user", ten(b, 'u', n_turns + 1)) == SYM_OK);
    return c;
}

static void test_fits(void)
{
    struct sym_conv *c = make("SYS", 1);
    struct fake f = {0, 0, true, "SYS"};
    struct sym_buf prompt = {0};
    int n = 0, dropped = -1;
    size_t n_msgs;

    CHECK(sym_conv_fit(c, 1000, 100, fake_format, &f, &prompt, &n, &dropped) == SYM_OK);
    CHECK(dropped == 0);
    CHECK(f.calls == 1); /* formatted once */
    CHECK_STR(sym_buf_str(&prompt), "s:SYS\nu:u1........\na:a1........\nu:u2........\n");
    CHECK(n == (int)prompt.len);
    sym_conv_msgs(c, &n_msgs);
    CHECK(n_msgs == 4);
    CHECK(sym_conv_n_turns(c) == 2);
    sym_buf_free(&prompt);
    sym_conv_free(c);
}

static void test_evicts_oldest(void)
{
    /* 6 + 9 * 13 = 123 tokens; n_ctx 100, reserve 10: over 90, then down to half (50): 97, 71,
     * 45. Three turns go; the system message and u4, a4, u5 stay. */
    struct sym_conv *c = make("SYS", 4);
    struct fake f = {0, 0, true, "SYS"};
    struct sym_buf prompt = {0};
    const struct sym_chat_msg *m;
    int n = 0, dropped = 0;
    size_t n_msgs;

    CHECK(sym_conv_fit(c, 100, 10, fake_format, &f, &prompt, &n, &dropped) == SYM_OK);
    CHECK(dropped == 3);
    CHECK(n == 45);
    CHECK(f.system_first); /* every try had the system message first */
    CHECK_STR(sym_buf_str(&prompt), "s:SYS\nu:u4........\na:a4........\nu:u5........\n");
    m = sym_conv_msgs(c, &n_msgs);
    CHECK(n_msgs == 4);
    CHECK_STR(m[0].role, "system");
    CHECK_STR(m[0].content, "SYS");
    CHECK_STR(m[1].content, "u4........");
    CHECK_STR(m[3].content, "u5........");
    CHECK(sym_conv_n_turns(c) == 2);
    /* The next turn fits again without dropping: the cache can be reused. */
    CHECK(sym_conv_push(c, "assistant", "a5........") == SYM_OK);
    CHECK(sym_conv_push(c, "user", "u6........") == SYM_OK);
    CHECK(sym_conv_fit(c, 100, 10, fake_format, &f, &prompt, &n, &dropped) == SYM_OK);
    CHECK(dropped == 0 && n == 71);
    sym_buf_free(&prompt);
    sym_conv_free(c);
}

static void test_no_system(void)
{
    /* No system message: 9 * 13 = 117; down to 91, 65, 39 (limit 50). */
    struct sym_conv *c = make(NULL, 4);
    struct fake f = {0, 0, true, NULL};
    struct sym_buf prompt = {0};
    const struct sym_chat_msg *m;
    int n = 0, dropped = 0;
    size_t n_msgs;

    CHECK(!sym_conv_has_system(c) && sym_conv_first_turn(c) == 0);
    CHECK(sym_conv_set_block(c, "ignored") == SYM_OK);
    CHECK(sym_conv_fit(c, 100, 10, fake_format, &f, &prompt, &n, &dropped) == SYM_OK);
    CHECK(dropped == 3 && n == 39);
    m = sym_conv_msgs(c, &n_msgs);
    CHECK(n_msgs == 3);
    CHECK_STR(m[0].content, "u4........");
    sym_buf_free(&prompt);
    sym_conv_free(c);
}

/* Only the newest message is left and it misses the half-context target but fits: it goes. */
static void test_hysteresis_floor(void)
{
    struct sym_conv *c = make("SYS", 1);
    struct fake f = {0, 0, true, "SYS"};
    struct sym_buf prompt = {0};
    int n = 0, dropped = 0;

    /* 6 + 3 * 13 = 45 > 40 - 4 = 36; then 19 <= 20 (half of 40). */
    CHECK(sym_conv_fit(c, 40, 4, fake_format, &f, &prompt, &n, &dropped) == SYM_OK);
    CHECK(dropped == 1 && n == 19);
    sym_conv_free(c);
    /* Over 30 - 4 = 26: drop to the last message, 19, above half of 30 (15) but within 26. */
    c = make("SYS", 1);
    CHECK(sym_conv_fit(c, 30, 4, fake_format, &f, &prompt, &n, &dropped) == SYM_OK);
    CHECK(dropped == 1 && n == 19);
    sym_buf_free(&prompt);
    sym_conv_free(c);
}

/* Snapshot of the messages' texts, to compare after a failure. */
static char *snapshot(const struct sym_conv *c)
{
    struct sym_buf b = {0};
    const struct sym_chat_msg *m;
    size_t n, i;

    m = sym_conv_msgs(c, &n);
    for (i = 0; i < n; i++)
        sym_buf_printf(&b, "%s=%s;", m[i].role, m[i].content);
    return sym_buf_steal(&b);
}

static void test_failures_leave_nothing(void)
{
    struct sym_conv *c = make("SYS", 3);
    struct fake f = {0, 0, true, "SYS"};
    struct sym_buf prompt = {0};
    char *before = snapshot(c), *after;
    char big[201];
    int n = 0, dropped = 0;

    /* A message that cannot fit even alone: an error, nothing dropped. */
    memset(big, 'x', 200);
    big[200] = '\0';
    CHECK(sym_conv_push(c, "user", big) == SYM_OK);
    CHECK(sym_conv_fit(c, 100, 10, fake_format, &f, &prompt, &n, &dropped) == SYM_ERR_CONTEXT);
    CHECK(dropped == 0);
    CHECK(n == 6 + 203); /* what it needs without the reserve */
    sym_conv_pop(c);     /* the turn failed: as it was */
    after = snapshot(c);
    CHECK_STR(after, before);
    free(after);

    /* The formatter fails in the middle of dropping: nothing dropped. */
    f.calls = 0;
    f.fail_at = 2;
    CHECK(sym_conv_fit(c, 60, 10, fake_format, &f, &prompt, &n, &dropped) == SYM_ERR_NOMEM);
    CHECK(dropped == 0);
    after = snapshot(c);
    CHECK_STR(after, before);
    free(after);
    free(before);
    sym_buf_free(&prompt);
    sym_conv_free(c);
}

static void test_system_block(void)
{
    struct sym_conv *c = make("SYS", 1);
    const struct sym_chat_msg *m;
    const char *was;
    size_t n;

    CHECK(sym_conv_set_block(c, "[Facts]") == SYM_OK);
    m = sym_conv_msgs(c, &n);
    CHECK_STR(m[0].content, "SYS\n\n[Facts]");
    was = m[0].content;
    CHECK(sym_conv_set_block(c, "[Facts]") == SYM_OK);
    CHECK(sym_conv_msgs(c, &n)[0].content == was); /* unchanged: not even reallocated */
    CHECK(sym_conv_set_block(c, "") == SYM_OK);
    CHECK_STR(sym_conv_msgs(c, &n)[0].content, "SYS");
    /* The newest message can be replaced (the plain text after a decorated one). */
    CHECK(sym_conv_set_last(c, "plain") == SYM_OK);
    m = sym_conv_msgs(c, &n);
    CHECK_STR(m[n - 1].content, "plain");
    sym_conv_clear(c);
    m = sym_conv_msgs(c, &n);
    CHECK(n == 1 && !strcmp(m[0].role, "system"));
    CHECK(sym_conv_n_turns(c) == 0);
    sym_conv_pop(c); /* nothing to pop: the system message stays */
    CHECK(sym_conv_msgs(c, &n) && n == 1);
    sym_conv_free(c);
    sym_conv_free(NULL);
}

/* Tool calls and results belong to the turn they were made in: an old turn goes with them, the
 * newest turn keeps them all, truncate undoes a turn, and their parts follow their messages. */
static void test_tool_messages(void)
{
    struct sym_conv *c = NULL;
    struct fake f = {0, 0, true, "SYS"};
    struct sym_buf prompt = {0};
    const struct sym_chat_msg *m;
    const struct sym_conv_tool *t;
    int n = 0, dropped = 0;
    size_t n_msgs;

    CHECK(sym_conv_init(&c, "SYS") == SYM_OK);
    CHECK(!sym_conv_has_tools(c));
    /* An old turn with a call: u1, a(call), tool, a1. */
    CHECK(sym_conv_push(c, "user", "u1........") == SYM_OK);
    CHECK(sym_conv_push_tool(c, "assistant", "", "[{\"id\":\"c1\"}]", NULL) == SYM_OK);
    CHECK(sym_conv_push_tool(c, "tool", "r1........", NULL, "c1") == SYM_OK);
    CHECK(sym_conv_push(c, "assistant", "a1........") == SYM_OK);
    CHECK(sym_conv_has_tools(c));
    /* The newest turn, in the middle of its calls: u2, a(call), tool. */
    CHECK(sym_conv_push(c, "user", "u2........") == SYM_OK);
    CHECK(sym_conv_push_tool(c, "assistant", "", "[{\"id\":\"c2\"}]", NULL) == SYM_OK);
    CHECK(sym_conv_push_tool(c, "tool", "r2........", NULL, "c2") == SYM_OK);
    CHECK(sym_conv_n_turns(c) == 2);
    /* 6 + 3 + 13 + 13 + 13 + 3 + 13 = 77 > 70 - 5: the whole first turn goes (one turn). */
    CHECK(sym_conv_fit(c, 70, 5, fake_format, &f, &prompt, &n, &dropped) == SYM_OK);
    CHECK(dropped == 1);
    CHECK_STR(sym_buf_str(&prompt), "s:SYS\nu:u2........\na:\nt:r2........\n");
    m = sym_conv_msgs(c, &n_msgs);
    CHECK(n_msgs == 4);
    t = sym_conv_tool_part(c, &m[2]);
    CHECK(t && t->tool_calls && !t->tool_call_id);
    CHECK_STR(t->tool_calls, "[{\"id\":\"c2\"}]");
    t = sym_conv_tool_part(c, &m[3]);
    CHECK(t && !t->tool_calls && t->tool_call_id);
    CHECK_STR(t->tool_call_id, "c2");
    CHECK(sym_conv_tool_part(c, &m[1])->tool_calls == NULL);
    /* The newest turn never loses its calls, even when it does not fit. */
    CHECK(sym_conv_fit(c, 30, 5, fake_format, &f, &prompt, &n, &dropped) == SYM_ERR_CONTEXT);
    CHECK(sym_conv_count(c) == 4);
    /* Undo the turn: back to the system message alone. */
    sym_conv_truncate(c, 1);
    CHECK(sym_conv_count(c) == 1 && !sym_conv_has_tools(c));
    CHECK(sym_conv_set_at(c, 0, "x") == SYM_ERR_INVALID); /* not the system message */
    sym_buf_free(&prompt);
    sym_conv_free(c);
}

int main(void)
{
    test_tool_messages();
    test_fits();
    test_evicts_oldest();
    test_no_system();
    test_hysteresis_floor();
    test_failures_leave_nothing();
    test_system_block();
    return test_report("test_conversation");
}
