/*
 * test_tools.c: the modules' commands as tools (tools/tools.h) over the real assistant and a
 * temporary database: the tool list comes from the module table (every command marked as a tool,
 * none other), the generated JSON schemas (properties, types, required, no extra properties),
 * argument checking that names the argument, a call giving the slash command's own answer
 * (quoting kept: a text with quotes and a newline), and the confirmation rules for a tool that
 * removes something (asked; no = nothing removed; no one to ask = refused; tools-allow = runs).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/assistant.h"
#include "core/module.h"
#include "memory/store.h"
#include "modules/registry.h"
#include "test.h"
#include "tools/tools.h"

static int asked;
static int answer_yes;

static int confirm(const struct sym_tool *tool, const char *args, void *data)
{
    (void)tool;
    (void)args;
    (void)data;
    asked++;
    return answer_yes;
}

/* Every command marked as a tool is one, with a schema that matches its argument table. */
static void test_list(struct sym_tools *t)
{
    const struct sym_module *const *m;
    const struct sym_command *c;
    size_t n = 0;

    for (m = sym_modules; *m; m++)
        for (c = (*m)->commands; c && c->name; c++) {
            const struct sym_tool *tool = sym_tools_find(t, c->name);
            const struct sym_arg *arg;
            cJSON *schema, *props, *req;
            int n_req = 0, n_props = 0;

            if (c->tool == SYM_TOOL_NO) {
                CHECK(!tool);
                continue;
            }
            n++;
            CHECK(tool != NULL);
            if (!tool)
                continue;
            CHECK_STR(tool->source, (*m)->name);
            CHECK_STR(tool->description, c->summary[0]);
            CHECK(tool->destructive == (c->tool == SYM_TOOL_DESTROYS));
            CHECK(tool->read_only == (c->tool == SYM_TOOL_READS));
            schema = cJSON_Parse(tool->schema);
            CHECK(schema != NULL);
            CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(schema, "type")), "object");
            CHECK(cJSON_IsFalse(cJSON_GetObjectItem(schema, "additionalProperties")));
            props = cJSON_GetObjectItem(schema, "properties");
            req = cJSON_GetObjectItem(schema, "required");
            for (arg = c->args; arg && arg->name; arg++) {
                cJSON *p = cJSON_GetObjectItem(props, arg->name), *r;
                int listed = 0;

                n_props++;
                CHECK(p != NULL);
                CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(p, "type")),
                          arg->type == SYM_ARG_INTEGER ? "integer" : "string");
                CHECK(cJSON_GetStringValue(cJSON_GetObjectItem(p, "description")) != NULL);
                cJSON_ArrayForEach(r, req) listed |= !strcmp(r->valuestring, arg->name);
                CHECK(listed == arg->required);
                n_req += arg->required;
            }
            CHECK(cJSON_GetArraySize(props) == n_props);
            CHECK(cJSON_GetArraySize(req) == n_req);
            cJSON_Delete(schema);
        }
    CHECK(sym_tools_count(t) == n);
    CHECK(n >= 10);
    CHECK(sym_tools_find(t, "quit") == NULL);
    CHECK(sym_tools_find(t, "forget")->destructive);
    CHECK(sym_tools_find(t, "cancel")->destructive);
    CHECK(sym_tools_find(t, "time")->read_only);

    {
        char *s = sym_tools_schema_summary(sym_tools_find(t, "remind")->schema);

        CHECK_STR(s, "when: string, text: string");
        free(s);
        s = sym_tools_schema_summary(sym_tools_find(t, "time")->schema);
        CHECK_STR(s, "place?: string");
        free(s);
    }
}

/* Calls: the command's answer, and clear refusals. */
static void test_calls(struct sym_tools *t)
{
    struct sym_tool_result res;

    /* "UTC" is a zone: the answer says so, as /time UTC does. */
    CHECK(sym_tools_call(t, "time", "{\"place\": \"UTC\"}", NULL, NULL, &res) == SYM_OK);
    CHECK_CONTAINS(res.text, "UTC");
    CHECK(!res.is_error);
    sym_tool_result_clear(&res);
    CHECK(sym_tools_call(t, "time", "{\"place\": \"New York\"}", NULL, NULL, &res) == SYM_OK);
    CHECK_CONTAINS(res.text, "New York");
    sym_tool_result_clear(&res);

    CHECK(sym_tools_call(t, "nonesuch", "{}", NULL, NULL, &res) == SYM_ERR_NOT_FOUND);
    CHECK_CONTAINS(sym_tools_errmsg(t), "nonesuch");
    CHECK(sym_tools_call(t, "time", "[1]", NULL, NULL, &res) == SYM_ERR_INVALID);
    CHECK_CONTAINS(sym_tools_errmsg(t), "not a JSON object");
    CHECK(sym_tools_call(t, "time", "{\"place\": ", NULL, NULL, &res) == SYM_ERR_INVALID);
    CHECK(sym_tools_call(t, "time", "{\"city\": \"Oslo\"}", NULL, NULL, &res) == SYM_ERR_INVALID);
    CHECK_CONTAINS(sym_tools_errmsg(t), "\"city\"");
    CHECK(sym_tools_call(t, "time", "{\"place\": 3}", NULL, NULL, &res) == SYM_ERR_INVALID);
    CHECK_CONTAINS(sym_tools_errmsg(t), "\"place\" must be a string");
    CHECK(sym_tools_call(t, "remind", "{\"text\": \"tea\"}", NULL, NULL, &res) == SYM_ERR_INVALID);
    CHECK_CONTAINS(sym_tools_errmsg(t), "\"when\"");
    CHECK(sym_tools_call(t, "pin", "{\"id\": 1.5}", NULL, NULL, &res) == SYM_ERR_INVALID);
    CHECK_CONTAINS(sym_tools_errmsg(t), "\"id\" must be an integer");

    /* A text with quotes, a backslash and a newline arrives whole. */
    CHECK(sym_tools_call(t, "remember", "{\"text\": \"my dog \\\"Rex\\\" is\\nbrown \\\\o/\"}",
                         NULL, NULL, &res) == SYM_OK);
    CHECK_CONTAINS(res.text, "My dog \"Rex\" is brown \\o/");
    sym_tool_result_clear(&res);
    CHECK(sym_tools_call(t, "memories", "{\"query\": \"Rex\"}", NULL, NULL, &res) == SYM_OK);
    CHECK_CONTAINS(res.text, "My dog \"Rex\" is brown");
    sym_tool_result_clear(&res);
    /* Two words, the first with spaces: /remind "in 10 minutes" call Mum. */
    CHECK(sym_tools_call(t, "remind", "{\"when\": \"in 10 minutes\", \"text\": \"call Mum\"}", NULL,
                         NULL, &res) == SYM_OK);
    CHECK_CONTAINS(res.text, "call Mum");
    sym_tool_result_clear(&res);
}

/* forget asks; no keeps the fact; no one to ask refuses; tools-allow lets it run. */
static void test_confirm(struct sym_tools *t, struct sym_config *cfg)
{
    struct sym_tool_result res;

    asked = 0;
    answer_yes = 0;
    CHECK(sym_tools_asks(t, sym_tools_find(t, "forget")));
    CHECK(!sym_tools_asks(t, sym_tools_find(t, "remember")));
    CHECK(sym_tools_call(t, "forget", "{\"fact\": \"1\"}", confirm, NULL, &res) == SYM_ERR_DENIED);
    CHECK(asked == 1);
    CHECK_CONTAINS(sym_tools_errmsg(t), "you said no");
    CHECK(sym_tools_call(t, "memories", NULL, NULL, NULL, &res) == SYM_OK);
    CHECK_CONTAINS(res.text, "Rex");
    sym_tool_result_clear(&res);

    CHECK(sym_tools_call(t, "forget", "{\"fact\": \"1\"}", NULL, NULL, &res) == SYM_ERR_DENIED);
    CHECK_CONTAINS(sym_tools_errmsg(t), "tools-allow = forget");
    /* Arguments are checked before asking: a bad call is never put to the user. */
    CHECK(sym_tools_call(t, "forget", "{}", confirm, NULL, &res) == SYM_ERR_INVALID);
    CHECK(asked == 1);

    answer_yes = 1;
    CHECK(sym_tools_call(t, "forget", "{\"fact\": \"1\"}", confirm, NULL, &res) == SYM_OK);
    CHECK(asked == 2);
    CHECK_CONTAINS(res.text, "Rex");
    sym_tool_result_clear(&res);

    cfg->tools_allow = strdup(" pin , cancel ");
    CHECK(!sym_tools_asks(t, sym_tools_find(t, "cancel")));
    CHECK(sym_tools_asks(t, sym_tools_find(t, "forget")));
    CHECK(sym_tools_call(t, "cancel", "{\"id\": 1}", NULL, NULL, &res) == SYM_OK);
    CHECK_CONTAINS(res.text, "call Mum");
    sym_tool_result_clear(&res);
    free(cfg->tools_allow);
    cfg->tools_allow = strdup("*");
    CHECK(!sym_tools_asks(t, sym_tools_find(t, "forget")));
}

int main(void)
{
    char dir[] = "/tmp/symbiot-tools-XXXXXX", db[128], err[256];
    struct sym_assistant *a = NULL;
    struct sym_store *store = NULL;
    struct sym_tools *t = NULL;
    struct sym_config cfg;

    if (!mkdtemp(dir))
        return 1;
    snprintf(db, sizeof db, "%s/memory.db", dir);
    sym_config_init(&cfg);
    if (sym_assistant_init(&a, &cfg, NULL, sym_modules) ||
        sym_store_open(&store, db, err, sizeof err) || sym_tools_init(&t, a, sym_modules, &cfg)) {
        fprintf(stderr, "setup failed\n");
        return 1;
    }
    sym_assistant_set_lang(a, SYM_LANG_EN);
    sym_assistant_set_store(a, store);
    test_list(t);
    test_calls(t);
    test_confirm(t, &cfg);
    sym_tools_free(t);
    sym_assistant_free(a);
    sym_config_free(&cfg);
    unlink(db);
    rmdir(dir);
    return test_report("test_tools");
}
