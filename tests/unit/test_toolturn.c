/*
 * test_toolturn.c: the JSON that carries a chat turn's tool calls (core/toolturn.h): an OpenAI
 * "tool_calls" array read into records (ids made up where the model gave none, arguments as an
 * object taken too, garbage refused with nothing added), the records written for the database and
 * read back the same, and a conversation with tool parts written as an OpenAI messages array.
 */
#include <stdlib.h>
#include <string.h>

#include "core/conversation.h"
#include "core/toolturn.h"
#include "test.h"

static void test_add_calls(void)
{
    struct sym_tool_records r = {0};
    struct sym_buf out = {0};
    size_t n = 9;

    CHECK(sym_tool_records_add(&r,
                               "[{\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":"
                               "\"remind\",\"arguments\":\"{\\\"when\\\":\\\"08:00\\\"}\"}},"
                               "{\"type\":\"function\",\"function\":{\"name\":\"time\","
                               "\"arguments\":{\"place\":\"Tokyo\"}}}]",
                               2, &n) == SYM_OK);
    CHECK(n == 2 && r.n == 2);
    CHECK_STR(r.items[0].id, "call_a");
    CHECK_STR(r.items[0].name, "remind");
    CHECK_STR(r.items[0].arguments, "{\"when\":\"08:00\"}");
    CHECK(r.items[0].result == NULL);
    CHECK_STR(r.items[1].id, "call_2_1"); /* made up: the model gave none */
    CHECK_STR(r.items[1].arguments, "{\"place\":\"Tokyo\"}");
    /* Not an array, or a call without a name: refused, nothing added. */
    CHECK(sym_tool_records_add(&r, "{\"x\":1}", 3, &n) == SYM_ERR_INVALID && r.n == 2 && !n);
    CHECK(sym_tool_records_add(&r, "[{\"id\":\"z\",\"function\":{}}]", 3, &n) == SYM_ERR_INVALID);
    CHECK(sym_tool_records_add(&r, "not json", 3, &n) == SYM_ERR_INVALID && r.n == 2);
    /* Back to OpenAI's shape, the ids kept. */
    CHECK(sym_tool_records_calls(&r, 1, 1, &out) == SYM_OK);
    CHECK_STR(sym_buf_str(&out),
              "[{\"id\":\"call_2_1\",\"type\":\"function\",\"function\":{"
              "\"name\":\"time\",\"arguments\":\"{\\\"place\\\":\\\"Tokyo\\\"}\"}}]");
    sym_buf_free(&out);
    sym_tool_records_free(&r);
    CHECK(r.n == 0 && r.items == NULL);
}

static void test_round_trip(void)
{
    struct sym_tool_records r = {0}, back = {0};
    struct sym_buf out = {0}, again = {0};
    size_t n;

    CHECK(sym_tool_records_add(&r,
                               "[{\"id\":\"c1\",\"function\":{\"name\":\"forget\",\"arguments\":"
                               "\"{\\\"id\\\":3}\"}},{\"id\":\"c2\",\"function\":{\"name\":"
                               "\"remember\",\"arguments\":\"{}\"}}]",
                               0, &n) == SYM_OK);
    r.items[0].result = strdup("not run: the user did not allow this call");
    r.items[0].status = SYM_TOOL_DENIED;
    /* the second never ran: result null */
    r.items[1].status = SYM_TOOL_SKIPPED;
    CHECK(sym_tool_records_json(&r, &out) == SYM_OK);
    CHECK_CONTAINS(sym_buf_str(&out), "\"status\":\"denied\"");
    CHECK_CONTAINS(sym_buf_str(&out), "\"result\":null");
    CHECK(sym_tool_records_parse(&back, sym_buf_str(&out)) == SYM_OK);
    CHECK(back.n == 2);
    CHECK(back.items[0].status == SYM_TOOL_DENIED && back.items[1].status == SYM_TOOL_SKIPPED);
    CHECK(back.items[1].result == NULL);
    CHECK(sym_tool_records_json(&back, &again) == SYM_OK);
    CHECK_STR(sym_buf_str(&again), sym_buf_str(&out));
    CHECK(sym_tool_records_parse(&back, "[{\"id\":\"x\"}]") == SYM_ERR_INVALID && back.n == 2);
    CHECK(sym_tool_records_parse(&back, "{") == SYM_ERR_INVALID && back.n == 2);
    CHECK_STR(sym_tool_status_name(SYM_TOOL_OK), "ok");
    CHECK_STR(sym_tool_status_name(SYM_TOOL_ERROR), "error");
    sym_buf_free(&out);
    sym_buf_free(&again);
    sym_tool_records_free(&r);
    sym_tool_records_free(&back);
}

static void test_messages_json(void)
{
    struct sym_conv *c = NULL;
    struct sym_buf out = {0};
    const struct sym_chat_msg *m;
    size_t n;

    CHECK(sym_conv_init(&c, "Be brief.") == SYM_OK);
    CHECK(sym_conv_push(c, "user", "Wake me at 8") == SYM_OK);
    CHECK(sym_conv_push_tool(c, "assistant", "",
                             "[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":"
                             "\"remind\",\"arguments\":\"{}\"}}]",
                             NULL) == SYM_OK);
    CHECK(sym_conv_push_tool(c, "tool", "Reminder set for 08:00", NULL, "c1") == SYM_OK);
    m = sym_conv_msgs(c, &n);
    CHECK(sym_toolturn_messages_json(c, m, n, &out) == SYM_OK);
    CHECK_STR(sym_buf_str(&out),
              "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":"
              "\"Wake me at 8\"},{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":"
              "\"c1\",\"type\":\"function\",\"function\":{\"name\":\"remind\",\"arguments\":\"{}\"}"
              "}]},{\"role\":\"tool\",\"content\":\"Reminder set for 08:00\",\"tool_call_id\":"
              "\"c1\"}]");
    /* Without the conversation: the plain messages. */
    sym_buf_reset(&out);
    CHECK(sym_toolturn_messages_json(NULL, m, 2, &out) == SYM_OK);
    CHECK_STR(sym_buf_str(&out), "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":"
                                 "\"user\",\"content\":\"Wake me at 8\"}]");
    sym_buf_free(&out);
    sym_conv_free(c);
}

int main(void)
{
    test_add_calls();
    test_round_trip();
    test_messages_json();
    return test_report("test_toolturn");
}
