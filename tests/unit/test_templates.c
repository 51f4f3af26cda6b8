/*
 * test_templates.c: every chat template of the pinned llama.cpp tree (each .jinja file of its
 * models/templates/) through the chat library (llm/chat.h): each one the library supports renders a
 * short conversation with its family's role markers; the ones it does not support are listed, not
 * hidden. Then a model carrying Gemma 4's template gets that template, not the fallback, and the
 * library's parser separates a reasoning model's thinking from its answer and reads tool calls
 * from recorded outputs written in the formats the templates document.
 *
 * usage: test_templates TEMPLATES_DIR GEMMA4_MODEL.gguf R1_MODEL.gguf CHATML_MODEL.gguf
 */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/log.h"
#include "llm/chat.h"
#include "llm/llm.h"
#include "llm/think.h"
#include "test.h"

/* A family's role marker, by a part of the template's file name. First match wins (Hermes on
 * Llama 3 speaks ChatML; DeepSeek-R1 distilled on Qwen speaks DeepSeek's format). */
static const struct family {
    const char *name_part;
    const char *marker;
} families[] = {
    {"Hermes", "<|im_start|>"},
    {"DeepSeek", "<\xEF\xBD\x9C"
                 "User\xEF\xBD\x9C>"},
    {"deepseek", "<\xEF\xBD\x9C"
                 "User\xEF\xBD\x9C>"},
    {"gemma-2", "<start_of_turn>"},
    {"gemma-4", "<|turn>"},
    {"Llama-3", "<|start_header_id|>"},
    {"firefunction", "<|start_header_id|>"},
    {"functionary", "<|start_header_id|>"},
    {"Qwen", "<|im_start|>"},
    {"SmolLM3", "<|im_start|>"},
    {"MiMo-VL", "<|im_start|>"},
    {"Bielik", "<|im_start|>"},
    {"LFM2", "<|im_start|>"},
    {"Nemotron-3", "<|im_start|>"},
    {"MiniCPM5", "<|im_start|>"},
    {"StepFun", "<|im_start|>"},
    {"Kimi-K2", "<|im_user|>"},
    {"Mistral", "[INST]"},
    {"Ministral", "[INST]"},
    {"Devstral", "[INST]"},
    {"Cohere", "<|START_OF_TURN_TOKEN|>"},
    {"granite", "<|start_of_role|>"},
    {"Phi-3", "<|user|>"},
    {"gpt-oss", "<|start|>"},
    {"muse-glimmer", "<|start|>"},
    {"GLM", "<|user|>"},
    {"GigaChat", "<|message_sep|>"},
    {"Apertus", "<|user_start|>"},
    {"Seed-OSS", "<seed:bos>"},
    {"Spark", "<|User|>"},
    {"Kimi-K3", "<|open|>message role="},
    {"MiniMax-M1", "<beginning_of_sentence>user"},
    {"MiniMax", "]~b]user"},
    {"Nemotron-Nano-v2", "<SPECIAL_11>User"},
    {"Reka", "<sep>human:"},
    {"ling-3", "<role>HUMAN</role>"},
    {"rwkv", "User: "},
    {"Laguna", "<user>"},
    {"Hy3", "<\xEF\xBD\x9Chy_User"},
    {"Solar", "<|begin|>user"},
    {"Apriel-1.6", "<|begin_user|>"},
    {"Apriel", "<|user|>"},
};

static const struct sym_chat_msg convo[] = {
    {"system", "You answer in one line."},
    {"user", "What is the capital of France?"},
    {"assistant", "Paris."},
    {"user", "And of Italy?"},
};

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct sym_buf b = {0};
    char chunk[8192];
    size_t n;

    if (!f)
        return NULL;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (sym_buf_append(&b, chunk, n))
            break;
    fclose(f);
    return sym_buf_steal(&b);
}

static const char *marker_for(const char *file)
{
    size_t i;

    for (i = 0; i < sizeof families / sizeof families[0]; i++)
        if (strstr(file, families[i].name_part))
            return families[i].marker;
    return NULL;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Render the conversation with every template; check the markers and the last question. */
static void test_every_template(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char *names[256];
    size_t n = 0, i, n_ok = 0, n_marked = 0;
    struct sym_buf unsupported = {0};

    CHECK(d != NULL);
    if (!d)
        return;
    while ((e = readdir(d)) && n < sizeof names / sizeof names[0]) {
        size_t len = strlen(e->d_name);

        if (len > 6 && !strcmp(e->d_name + len - 6, ".jinja"))
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_names);
    CHECK(n >= 50); /* the pinned tree has about 70 */
    for (i = 0; i < n; i++) {
        char path[4096], err[512];
        char *src;
        struct sym_chat_tmpl *t = NULL;
        struct sym_chat_prompt *p = NULL;
        struct sym_chat_in in = sym_chat_in_default();
        const char *marker = marker_for(names[i]);
        enum sym_status rc;

        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        src = read_file(path);
        CHECK(src != NULL);
        if (!src)
            continue;
        in.msgs = convo;
        in.n_msgs = sizeof convo / sizeof convo[0];
        rc = sym_chat_tmpl_init(&t, NULL, src, err, sizeof err);
        if (!rc)
            rc = sym_chat_apply(t, &in, &p, err, sizeof err);
        if (rc) {
            /* A template of a family we know must render; the others are listed. */
            if (marker) {
                fprintf(stderr, "%s: %s\n", names[i], err);
                CHECK(!"a template of a known family fails");
            }
            sym_buf_printf(&unsupported, "  %s: %s\n", names[i], err);
        } else {
            const char *text = sym_chat_prompt_text(p);

            n_ok++;
            CHECK_CONTAINS(text, "And of Italy?");
            CHECK_CONTAINS(text, "What is the capital of France?");
            if (marker) {
                n_marked++;
                if (!strstr(text, marker))
                    fprintf(stderr, "%s: no %s in:\n%s\n", names[i], marker, text);
                CHECK_CONTAINS(text, marker);
            } else {
                printf("template %s renders; no family marker known to this test:\n%.300s\n",
                       names[i], text);
            }
        }
        sym_chat_prompt_free(p);
        sym_chat_tmpl_free(t);
        free(src);
        free(names[i]);
    }
    printf("templates: %zu of %zu render, %zu with their family's marker checked\n", n_ok, n,
           n_marked);
    if (unsupported.len)
        printf("templates the chat library does not support:\n%s", sym_buf_str(&unsupported));
    else
        printf("templates the chat library does not support: none\n");
    CHECK(n_ok * 10 >= n * 9);
    sym_buf_free(&unsupported);
}

/* A model with Gemma 4's template gets it (no fallback): Gemma 4's turn markers in the prompt. */
static void test_gemma4_model(const char *path)
{
    struct sym_llm_params p = sym_llm_default_params();
    struct sym_llm *llm = NULL;
    struct sym_buf out = {0};
    char err[512];
    const struct sym_chat_msg chat[] = {{"user", "hi"}};

    p.model_path = path;
    p.n_ctx = 256;
    CHECK(sym_llm_init(&llm, &p, err, sizeof err) == SYM_OK);
    if (!llm)
        return;
    CHECK(sym_llm_has_template(llm));
    CHECK(sym_llm_template_stops(llm)[0] == NULL);
    CHECK(sym_llm_format_chat(llm, chat, 1, &out) == SYM_OK);
    CHECK_CONTAINS(sym_buf_str(&out), "<|turn>user\nhi");
    CHECK(strstr(sym_buf_str(&out), "User: hi") == NULL);
    sym_buf_free(&out);
    sym_llm_free(llm);
}

static struct sym_chat_prompt *apply_file(const char *dir, const char *file,
                                          const struct sym_chat_in *in)
{
    char path[4096], err[512];
    char *src;
    struct sym_chat_tmpl *t = NULL;
    struct sym_chat_prompt *p = NULL;

    snprintf(path, sizeof path, "%s/%s", dir, file);
    src = read_file(path);
    CHECK(src != NULL);
    if (src && !sym_chat_tmpl_init(&t, NULL, src, err, sizeof err))
        CHECK(sym_chat_apply(t, in, &p, err, sizeof err) == SYM_OK);
    sym_chat_tmpl_free(t);
    free(src);
    return p;
}

/*
 * Reasoning: a DeepSeek-R1 and a Qwen3 answer, as those models write them (the template opens
 * "<think>\n" in the generation prompt for R1; Qwen3 writes it itself), split into thinking and
 * answer; a partial output mid-thought is all thinking so far.
 */
static void test_reasoning(const char *dir)
{
    static const struct sym_chat_msg q[] = {{"user", "What is 2+2?"}};
    struct sym_chat_in in = sym_chat_in_default();
    struct sym_chat_parsed r;
    struct sym_chat_prompt *p;
    char err[512];

    in.msgs = q;
    in.n_msgs = 1;
    p = apply_file(dir, "deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja", &in);
    if (p) {
        CHECK(sym_chat_prompt_supports_thinking(p));
        CHECK(sym_chat_parse(p, "The user adds two and two.\n</think>\n\nIt is 4.", false, &r, err,
                             sizeof err) == SYM_OK);
        CHECK_STR(r.reasoning, "The user adds two and two.");
        CHECK_STR(r.content, "It is 4.");
        sym_chat_parsed_free(&r);
        CHECK(sym_chat_parse(p, "The user adds", true, &r, err, sizeof err) == SYM_OK);
        CHECK_STR(r.reasoning, "The user adds");
        CHECK_STR(r.content, "");
        sym_chat_parsed_free(&r);
    }
    sym_chat_prompt_free(p);
    p = apply_file(dir, "Qwen-Qwen3-0.6B.jinja", &in);
    if (p) {
        CHECK(sym_chat_prompt_supports_thinking(p));
        CHECK(sym_chat_parse(p, "<think>\nTwo plus two.\n</think>\n\n4", false, &r, err,
                             sizeof err) == SYM_OK);
        CHECK_STR(r.reasoning, "Two plus two.");
        CHECK_STR(r.content, "4");
        sym_chat_parsed_free(&r);
    }
    sym_chat_prompt_free(p);
    /* enable_thinking off: Qwen3's template closes an empty thinking block itself. */
    in.enable_thinking = false;
    p = apply_file(dir, "Qwen-Qwen3-0.6B.jinja", &in);
    if (p)
        CHECK_CONTAINS(sym_chat_prompt_text(p), "<think>\n\n</think>");
    sym_chat_prompt_free(p);
}

static const char weather_tool[] =
    "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"The "
    "weather in a city\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":"
    "\"string\"}},\"required\":[\"city\"]}}}]";

/* Tool calls: Qwen 2.5's <tool_call> JSON and Llama 3.x's bare JSON, as those models write them. */
static void test_tool_calls(const char *dir)
{
    static const struct sym_chat_msg q[] = {{"user", "Weather in Paris?"}};
    struct sym_chat_in in = sym_chat_in_default();
    struct sym_chat_parsed r;
    struct sym_chat_prompt *p;
    char err[512];

    in.msgs = q;
    in.n_msgs = 1;
    in.tools_json = weather_tool;
    p = apply_file(dir, "Qwen-Qwen2.5-7B-Instruct.jinja", &in);
    if (p) {
        CHECK_CONTAINS(sym_chat_prompt_text(p), "get_weather");
        CHECK(sym_chat_parse(p,
                             "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": "
                             "\"Paris\"}}\n</tool_call>",
                             false, &r, err, sizeof err) == SYM_OK);
        CHECK(r.n_tool_calls == 1);
        CHECK_CONTAINS(r.tool_calls_json, "\"name\":\"get_weather\"");
        CHECK_CONTAINS(r.tool_calls_json, "Paris");
        sym_chat_parsed_free(&r);
        /* An ordinary answer stays content. */
        CHECK(sym_chat_parse(p, "It is sunny.", false, &r, err, sizeof err) == SYM_OK);
        CHECK(r.n_tool_calls == 0);
        CHECK_STR(r.content, "It is sunny.");
        sym_chat_parsed_free(&r);
    }
    sym_chat_prompt_free(p);
    /* required: the generation is constrained to a call */
    in.tool_choice = "required";
    p = apply_file(dir, "Qwen-Qwen2.5-7B-Instruct.jinja", &in);
    if (p)
        CHECK(sym_chat_prompt_has_grammar(p));
    sym_chat_prompt_free(p);
    in.tool_choice = NULL;
    p = apply_file(dir, "meta-llama-Llama-3.2-3B-Instruct.jinja", &in);
    if (p) {
        CHECK(sym_chat_parse(p, "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Rome\"}}",
                             false, &r, err, sizeof err) == SYM_OK);
        CHECK(r.n_tool_calls == 1);
        CHECK_CONTAINS(r.tool_calls_json, "Rome");
        sym_chat_parsed_free(&r);
    }
    sym_chat_prompt_free(p);
}

struct halves {
    struct sym_buf content, reasoning;
    int pieces;
};

static int take_content(const char *text, size_t len, void *data)
{
    struct halves *h = data;

    h->pieces++;
    return sym_buf_append(&h->content, text, len) != SYM_OK;
}

static int take_reasoning(const char *text, size_t len, void *data)
{
    struct halves *h = data;

    h->pieces++;
    return sym_buf_append(&h->reasoning, text, len) != SYM_OK;
}

/*
 * The streamed split (llm/think.h) on a model with DeepSeek-R1's template: a recorded R1 answer
 * replayed token by token through the real streaming path comes out as thinking, then answer,
 * and no piece of the "</think>" marker reaches either side.
 */
static void test_think_stream(const char *path)
{
    struct sym_llm_params p = sym_llm_default_params();
    struct sym_llm *llm = NULL;
    struct sym_think *t = NULL;
    struct halves h = {{0}, {0}, 0};
    char err[512];

    p.model_path = path;
    p.n_ctx = 256;
    CHECK(sym_llm_init(&llm, &p, err, sizeof err) == SYM_OK);
    if (!llm)
        return;
    CHECK(sym_llm_has_template(llm));
    CHECK(sym_llm_thinking(llm) != NULL);
    if (sym_llm_thinking(llm) &&
        !sym_think_init(&t, sym_llm_thinking(llm), take_content, take_reasoning, &h)) {
        CHECK(sym_llm_replay(
                  llm, "Okay, the user asks for 2+2. That is 4.\n</think>\n\nThe answer is 4.",
                  NULL, sym_think_push, t) == SYM_OK);
        CHECK(sym_think_finish(t) == SYM_OK);
        CHECK_STR(sym_buf_str(&h.reasoning), "Okay, the user asks for 2+2. That is 4.");
        CHECK_STR(sym_buf_str(&h.content), "The answer is 4.");
        CHECK(strstr(sym_buf_str(&h.content), "think") == NULL);
        CHECK(h.pieces > 4); /* streamed, not one block at the end */
    }
    sym_think_free(t);
    sym_buf_free(&h.content);
    sym_buf_free(&h.reasoning);
    sym_llm_free(llm);
}

static int collect(const char *text, size_t len, void *data)
{
    return sym_buf_append(data, text, len) != SYM_OK;
}

/*
 * Structured output: a JSON schema through the chat library's grammar makes even a random-weight
 * model (the ChatML test model) answer with JSON that parses and follows the schema.
 */
static void test_schema_generation(const char *path)
{
    static const struct sym_chat_msg q[] = {{"user", "Give me a number."}};
    struct sym_llm_params lp = sym_llm_default_params();
    struct sym_sampling greedy = {0.0f, 0, 1.0f, 0.0f, 1.0f, 0, 1, NULL, 0, 0};
    struct sym_chat_in in = sym_chat_in_default();
    struct sym_llm *llm = NULL;
    struct sym_chat_tmpl *t = NULL;
    struct sym_chat_prompt *p = NULL;
    struct sym_gen_stats st;
    struct sym_buf out = {0};
    char err[512];
    char *src = read_file(SYM_SOURCE_DIR "/tests/data/chatml.jinja"); /* the model's own */
    cJSON *json, *n;
    enum sym_status rc;

    lp.model_path = path;
    lp.n_ctx = 512;
    CHECK(sym_llm_init(&llm, &lp, err, sizeof err) == SYM_OK);
    CHECK(src != NULL);
    in.msgs = q;
    in.n_msgs = 1;
    in.json_schema = "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},"
                     "\"required\":[\"n\"],\"additionalProperties\":false}";
    if (llm && src && !sym_chat_tmpl_init(&t, NULL, src, err, sizeof err) &&
        !sym_chat_apply(t, &in, &p, err, sizeof err)) {
        CHECK(sym_chat_prompt_has_grammar(p));
        greedy.constraint = p;
        rc = sym_llm_generate(llm, sym_chat_prompt_text(p), &greedy, 256, NULL, collect, &out, &st);
        if (rc)
            fprintf(stderr, "generate: %s\n", sym_llm_errmsg(llm));
        CHECK(rc == SYM_OK);
        CHECK(st.stop == SYM_STOP_EOG);
        json = cJSON_Parse(sym_buf_str(&out));
        if (!json)
            fprintf(stderr, "not JSON: %s\n", sym_buf_str(&out));
        n = cJSON_GetObjectItemCaseSensitive(json, "n");
        CHECK(cJSON_IsObject(json) && cJSON_IsNumber(n) &&
              n->valuedouble == (double)(long long)n->valuedouble);
        CHECK(cJSON_GetArraySize(json) == 1);
        cJSON_Delete(json);
        /* Without the constraint the same model writes no such thing. */
        greedy.constraint = NULL;
        sym_buf_reset(&out);
        CHECK(sym_llm_generate(llm, sym_chat_prompt_text(p), &greedy, 16, NULL, collect, &out,
                               &st) == SYM_OK);
        json = cJSON_Parse(sym_buf_str(&out));
        CHECK(!cJSON_IsObject(json));
        cJSON_Delete(json);
    }
    CHECK(p != NULL);
    sym_chat_prompt_free(p);
    sym_chat_tmpl_free(t);
    sym_buf_free(&out);
    free(src);
    sym_llm_free(llm);
}

/* Bad input is an error with a message, never an exception reaching C. */
static void test_bad_input(const char *dir)
{
    struct sym_chat_in in = sym_chat_in_default();
    struct sym_chat_tmpl *t = NULL;
    struct sym_chat_prompt *p = NULL;
    char err[512];

    CHECK(sym_chat_tmpl_init(&t, NULL, "{% for %}", err, sizeof err) == SYM_ERR_MODEL);
    CHECK(t == NULL && err[0]);
    CHECK(sym_chat_tmpl_init(&t, NULL, NULL, err, sizeof err) == SYM_ERR_NOT_FOUND);
    {
        char path[4096];
        char *src;

        snprintf(path, sizeof path, "%s/%s", dir, "Qwen-Qwen2.5-7B-Instruct.jinja");
        src = read_file(path);
        if (src && !sym_chat_tmpl_init(&t, NULL, src, err, sizeof err)) {
            in.messages_json = "[{\"role\": \"user\"";
            CHECK(sym_chat_apply(t, &in, &p, err, sizeof err) == SYM_ERR_INVALID && !p);
            CHECK(err[0] != '\0');
            in.messages_json = "[{\"role\": \"user\", \"content\": \"hi\"}]";
            in.tools_json = "{\"not\": \"an array\"}";
            CHECK(sym_chat_apply(t, &in, &p, err, sizeof err) == SYM_ERR_INVALID && !p);
            in.tools_json = NULL;
            in.json_schema = "[1]";
            CHECK(sym_chat_apply(t, &in, &p, err, sizeof err) == SYM_ERR_INVALID && !p);
        }
        free(src);
        sym_chat_tmpl_free(t);
    }
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: test_templates TEMPLATES_DIR GEMMA4_MODEL.gguf R1_MODEL.gguf "
                        "CHATML_MODEL.gguf\n");
        return 2;
    }
    sym_llm_route_log();
    test_every_template(argv[1]);
    test_gemma4_model(argv[2]);
    test_reasoning(argv[1]);
    test_tool_calls(argv[1]);
    test_think_stream(argv[3]);
    test_schema_generation(argv[4]);
    test_bad_input(argv[1]);
    return test_report("test_templates");
}
