/*
 * test_server.c: the server's parts that need no network: OpenAI request parsing and its errors,
 * the exact bytes of stream chunks, base64 embeddings, request times, the constant-time key
 * comparison, the worker's queue (order, capacity, cancelling), and the Prometheus text.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "server/json.h"
#include "server/metrics.h"
#include "server/openai.h"
#include "server/server.h"
#include "server/worker.h"
#include "test.h"
#include "version.h"

static struct sym_config cfg;

static bool parse(const char *body, struct sym_chat_request *req, struct sym_http_error *e)
{
    return sym_openai_parse_chat(body, strlen(body), &cfg, req, e);
}

static void expect_refused(const char *body, const char *code, const char *param)
{
    struct sym_chat_request req;
    struct sym_http_error e;

    memset(&e, 0, sizeof e);
    CHECK(!parse(body, &req, &e));
    CHECK(e.status == 400);
    CHECK_STR(e.code, code);
    if (param)
        CHECK_STR(e.param, param);
}

static void test_parse_chat(void)
{
    struct sym_chat_request req;
    struct sym_http_error e;

    CHECK(
        parse("{\"model\":\"x\",\"messages\":[{\"role\":\"developer\",\"content\":\"Be brief\"},"
              "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi \"},"
              "{\"type\":\"text\",\"text\":\"there\"}]},{\"role\":\"assistant\",\"content\":null}],"
              "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_tokens\":7,"
              "\"temperature\":0,\"top_p\":0.5,\"seed\":42,\"stop\":[\"END\",\"\"],"
              "\"frequency_penalty\":1}",
              &req, &e));
    CHECK(req.n_msgs == 3);
    CHECK_STR(req.msgs[0].role, "system");
    CHECK_STR(req.msgs[1].content, "Hi there");
    CHECK_STR(req.msgs[2].content, "");
    CHECK(req.stream && req.include_usage && req.max_tokens == 7);
    CHECK(req.sampling.temp == 0 && req.sampling.top_p == 0.5f && req.sampling.seed == 42);
    CHECK(req.sampling.top_k == cfg.top_k && req.sampling.repeat_penalty == cfg.repeat_penalty);
    CHECK(req.sampling.frequency_penalty == 1.0f && req.sampling.presence_penalty == 0.0f);
    CHECK_STR(req.stops[0], "END");
    CHECK(req.stops[1] == NULL); /* an empty stop string stops nothing */
    sym_chat_request_free(&req);

    CHECK(parse("{\"messages\":[{\"role\":\"user\",\"content\":\"a\\u00e9\xff\"}]}", &req, &e));
    CHECK_STR(req.msgs[0].content, "a\xc3\xa9\xef\xbf\xbd"); /* invalid UTF-8 becomes U+FFFD */
    CHECK(req.max_tokens == cfg.max_tokens && req.sampling.temp == cfg.temp && !req.stream);
    sym_chat_request_free(&req);
    CHECK(parse("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_completion_tokens\":"
                "3,\"max_tokens\":9,\"stop\":\"\\n\"}",
                &req, &e));
    CHECK(req.max_tokens == 3);
    CHECK_STR(req.stops[0], "\n");
    sym_chat_request_free(&req);

    expect_refused("", "invalid_json", NULL);
    expect_refused("{\"messages\":", "invalid_json", NULL);
    expect_refused("\"text\"", "invalid_json", NULL);
    /* One object and nothing after it but spaces: junk is not silently dropped. */
    expect_refused("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} x", "invalid_json",
                   NULL);
    expect_refused("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}{}", "invalid_json",
                   NULL);
    CHECK(parse("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} \r\n", &req, &e));
    sym_chat_request_free(&req);
    expect_refused("{}", "missing_field", "messages");
    expect_refused("{\"messages\":null}", "missing_field", "messages");
    expect_refused("{\"messages\":{}}", "invalid_type", "messages");
    expect_refused("{\"messages\":[]}", "invalid_value", "messages");
    expect_refused("{\"messages\":[1]}", "invalid_type", "messages");
    expect_refused("{\"messages\":[{\"content\":\"x\"}]}", "missing_field", "messages");
    expect_refused("{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}", "invalid_value",
                   "messages");
    expect_refused("{\"messages\":[{\"role\":\"user\",\"content\":5}]}", "invalid_type",
                   "messages");
    expect_refused("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}",
                   "invalid_value", "messages");
#define MSG "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]"
    expect_refused("{" MSG ",\"model\":5}", "invalid_type", "model");
    expect_refused("{" MSG ",\"stream\":1}", "invalid_type", "stream");
    expect_refused("{" MSG ",\"stream_options\":[]}", "invalid_type", "stream_options");
    expect_refused("{" MSG ",\"max_tokens\":1.5}", "invalid_type", "max_tokens");
    expect_refused("{" MSG ",\"max_tokens\":-1}", "invalid_value", "max_tokens");
    expect_refused("{" MSG ",\"temperature\":3}", "invalid_value", "temperature");
    expect_refused("{" MSG ",\"top_p\":\"1\"}", "invalid_type", "top_p");
    expect_refused("{" MSG ",\"seed\":-1}", "invalid_value", "seed");
    expect_refused("{" MSG ",\"seed\":4294967296}", "invalid_value", "seed");
    expect_refused("{" MSG ",\"n\":2}", "invalid_value", "n");
    expect_refused("{" MSG ",\"stop\":7}", "invalid_type", "stop");
    expect_refused("{" MSG ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", "invalid_value", "stop");
    expect_refused("{" MSG ",\"stop\":[\"a\",1]}", "invalid_type", "stop");
#undef MSG
}

/* Tools, tool calls in the history, tool_choice, response_format, and the fields refused. */
static void test_parse_tools(void)
{
    struct sym_chat_request req;
    struct sym_http_error e;
    cJSON *j;

#define TOOLS                                                                                      \
    "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":"    \
    "\"Weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":"          \
    "\"string\"}}},\"extra\":1}}]"
#define MSG "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]"
    /* a plain conversation with tools: no messages_json, the tools rebuilt from what was read */
    CHECK(parse("{" MSG "," TOOLS ",\"tool_choice\":{\"type\":\"function\",\"function\":"
                "{\"name\":\"get_weather\"}},\"parallel_tool_calls\":false}",
                &req, &e));
    CHECK(req.messages_json == NULL);
    CHECK_STR(req.tool_choice, "get_weather");
    CHECK(!req.parallel_tool_calls);
    CHECK_CONTAINS(req.tools_json, "\"name\":\"get_weather\"");
    CHECK_CONTAINS(req.tools_json, "\"parameters\":{\"type\":\"object\"");
    CHECK(strstr(req.tools_json, "extra") == NULL);
    sym_chat_request_free(&req);
    /* the history of a tool round trip: kept whole as JSON */
    CHECK(
        parse("{\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"},"
              "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\","
              "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":"
              "\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"call_1\","
              "\"content\":\"Rain\"}]," TOOLS "}",
              &req, &e));
    CHECK(req.n_msgs == 3);
    CHECK(req.tool_choice == NULL);
    CHECK(req.parallel_tool_calls); /* OpenAI's default */
    j = cJSON_Parse(req.messages_json ? req.messages_json : "");
    CHECK(cJSON_GetArraySize(j) == 3);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(j, 1), "content")));
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(j, 2), "tool_call_id")),
              "call_1");
    CHECK_CONTAINS(req.messages_json, "\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"");
    cJSON_Delete(j);
    sym_chat_request_free(&req);
    /* response_format */
    CHECK(parse("{" MSG ",\"response_format\":{\"type\":\"json_object\"}}", &req, &e));
    CHECK_STR(req.json_schema, "{}");
    sym_chat_request_free(&req);
    CHECK(parse("{" MSG ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{"
                "\"name\":\"n\",\"strict\":true,\"schema\":{\"type\":\"object\"}}}}",
                &req, &e));
    CHECK_STR(req.json_schema, "{\"type\":\"object\"}");
    sym_chat_request_free(&req);
    CHECK(parse("{" MSG ",\"response_format\":{\"type\":\"text\"},\"logprobs\":false,"
                "\"logit_bias\":{},\"modalities\":[\"text\"],\"tools\":[]}",
                &req, &e));
    CHECK(req.json_schema == NULL && req.tools_json == NULL);
    sym_chat_request_free(&req);

    /* malformed tools, choices and schemas: 400 naming the field */
    expect_refused("{" MSG ",\"tools\":{}}", "invalid_type", "tools");
    expect_refused("{" MSG ",\"tools\":[{\"type\":\"retrieval\"}]}", "invalid_value", "tools");
    expect_refused("{" MSG ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":"
                   "\"bad name\"}}]}",
                   "invalid_value", "tools");
    expect_refused("{" MSG ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\","
                   "\"parameters\":[]}}]}",
                   "invalid_type", "tools");
    expect_refused("{" MSG ",\"tool_choice\":\"required\"}", "invalid_value", "tool_choice");
    expect_refused("{" MSG "," TOOLS ",\"tool_choice\":\"always\"}", "invalid_value",
                   "tool_choice");
    expect_refused("{" MSG "," TOOLS ",\"tool_choice\":{\"type\":\"function\",\"function\":"
                   "{\"name\":\"get_time\"}}}",
                   "invalid_value", "tool_choice");
    expect_refused("{" MSG ",\"parallel_tool_calls\":1}", "invalid_type", "parallel_tool_calls");
    expect_refused("{" MSG ",\"response_format\":{\"type\":\"xml\"}}", "invalid_value",
                   "response_format");
    expect_refused("{" MSG ",\"response_format\":{\"type\":\"json_schema\"}}", "invalid_value",
                   "response_format");
    expect_refused("{" MSG ",\"response_format\":\"json\"}", "invalid_type", "response_format");
    expect_refused("{\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\","
                   "\"function\":{\"name\":\"f\",\"arguments\":\"{not json\"}}]}]}",
                   "invalid_value", "messages");
    expect_refused("{\"messages\":[{\"role\":\"user\",\"tool_calls\":[]}]}", "invalid_value",
                   "messages");
    expect_refused("{\"messages\":[{\"role\":\"tool\",\"content\":\"x\",\"tool_call_id\":5}]}",
                   "invalid_value", "messages");
    /* what this server does not do is refused by name, never ignored */
    expect_refused("{" MSG ",\"logprobs\":true}", "unsupported_parameter", "logprobs");
    expect_refused("{" MSG ",\"top_logprobs\":2}", "unsupported_parameter", "top_logprobs");
    expect_refused("{" MSG ",\"logit_bias\":{\"50256\":-100}}", "unsupported_parameter",
                   "logit_bias");
    expect_refused("{" MSG ",\"audio\":{\"voice\":\"alloy\"}}", "unsupported_parameter", "audio");
    expect_refused("{" MSG ",\"modalities\":[\"text\",\"audio\"]}", "unsupported_parameter",
                   "modalities");
    expect_refused("{" MSG ",\"prediction\":{\"type\":\"content\"}}", "unsupported_parameter",
                   "prediction");
    expect_refused("{" MSG ",\"functions\":[]}", "unsupported_parameter", "functions");
    expect_refused("{" MSG ",\"function_call\":\"auto\"}", "unsupported_parameter",
                   "function_call");
#undef MSG
#undef TOOLS
}

static void test_chunks(void)
{
    struct sym_openai_ids ids = {"chatcmpl-9", 1781254800, "m.gguf"};
    struct sym_gen_stats st;
    char *s;

    memset(&st, 0, sizeof st);
    st.n_prompt = 5;
    st.n_generated = 3;
    st.stop = SYM_STOP_LIMIT;
    s = sym_openai_chunk(&ids, "assistant", "", NULL, NULL);
    CHECK_STR(s, "data: {\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":"
                 "1781254800,\"model\":\"m.gguf\",\"system_fingerprint\":\"symbiot-" SYM_VERSION
                 "\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                 "\"logprobs\":null,\"finish_reason\":null}]}\n\n");
    free(s);
    s = sym_openai_chunk(&ids, NULL, "say \"hi\"\n", NULL, NULL);
    CHECK_CONTAINS(s, "\"delta\":{\"content\":\"say \\\"hi\\\"\\n\"}");
    free(s);
    s = sym_openai_chunk(&ids, NULL, NULL, "length", NULL);
    CHECK_CONTAINS(s, "\"delta\":{},\"logprobs\":null,\"finish_reason\":\"length\"}]}\n\n");
    free(s);
    s = sym_openai_chunk(&ids, NULL, NULL, NULL, &st);
    CHECK_CONTAINS(s, "\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,"
                      "\"total_tokens\":8}}\n\n");
    free(s);
    s = sym_openai_completion(&ids, "Hello", NULL, NULL, &st);
    CHECK_CONTAINS(s, "\"object\":\"chat.completion\"");
    CHECK_CONTAINS(s, "\"message\":{\"role\":\"assistant\",\"content\":\"Hello\"}");
    CHECK_CONTAINS(s, "\"finish_reason\":\"length\"");
    free(s);
    /* A reasoning model's thinking: "reasoning_content" in the message and in a delta. */
    s = sym_openai_completion(&ids, "4", "Two and two.", NULL, &st);
    CHECK_CONTAINS(s, "\"message\":{\"role\":\"assistant\",\"content\":\"4\","
                      "\"reasoning_content\":\"Two and two.\"}");
    free(s);
    s = sym_openai_reasoning_chunk(&ids, "Hmm");
    CHECK_CONTAINS(s, "\"delta\":{\"reasoning_content\":\"Hmm\"},\"logprobs\":null,"
                      "\"finish_reason\":null}");
    free(s);
    /* Tool calls: the message's tool_calls with a null content, and the stream's deltas. */
    st.stop = SYM_STOP_TOOL_CALLS;
    s = sym_openai_completion(&ids, "", NULL,
                              "[{\"id\":\"call_x\",\"type\":\"function\",\"function\":{"
                              "\"name\":\"f\",\"arguments\":\"{}\"}}]",
                              &st);
    CHECK_CONTAINS(s, "\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":["
                      "{\"id\":\"call_x\",\"type\":\"function\",\"function\":{\"name\":\"f\","
                      "\"arguments\":\"{}\"}}]}");
    CHECK_CONTAINS(s, "\"finish_reason\":\"tool_calls\"");
    free(s);
    s = sym_openai_tool_call_chunk(&ids, 0, "call_x", "f", "");
    CHECK_CONTAINS(s, "\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_x\",\"type\":"
                      "\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]},"
                      "\"logprobs\":null,\"finish_reason\":null}");
    free(s);
    s = sym_openai_tool_call_chunk(&ids, 1, NULL, NULL, "{\"a\":");
    CHECK_CONTAINS(s, "\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":"
                      "\"{\\\"a\\\":\"}}]}");
    free(s);
    CHECK_STR(sym_openai_finish_reason(SYM_STOP_TOOL_CALLS), "tool_calls");
    CHECK_STR(sym_openai_finish_reason(SYM_STOP_EOG), "stop");
    CHECK_STR(sym_openai_finish_reason(SYM_STOP_STRING), "stop");
    CHECK_STR(sym_openai_finish_reason(SYM_STOP_CONTEXT), "length");
}

static bool parse_embed(const char *body, struct sym_embed_request *req, struct sym_http_error *e)
{
    return sym_openai_parse_embed(body, strlen(body), req, e);
}

static void test_embed_request(void)
{
    struct sym_embed_request req;
    struct sym_http_error e;
    const float v[2] = {1.0f, -2.0f};
    char *s;

    CHECK(parse_embed("{\"input\":[\"a\",\"b\"],\"encoding_format\":\"base64\"}", &req, &e));
    CHECK(req.n == 2 && req.base64);
    CHECK_STR(req.inputs[1], "b");
    sym_embed_request_free(&req);
    CHECK(!parse_embed("{\"input\":[]}", &req, &e) && e.status == 400);
    CHECK(!parse_embed("{\"input\":\"\"}", &req, &e) && e.status == 400);
    CHECK(!parse_embed("{\"input\":[\"a\",2]}", &req, &e) && e.status == 400);
    CHECK(!parse_embed("{\"input\":\"a\",\"encoding_format\":\"hex\"}", &req, &e));
    CHECK_STR(e.param, "encoding_format");
    s = sym_openai_base64_floats(v, 2); /* 00 00 80 3f 00 00 00 c0 */
    CHECK_STR(s, "AACAPwAAAMA=");
    free(s);
}

static void test_json_helpers(void)
{
    struct sym_http_error e;
    cJSON *v;
    time_t t = 0;
    char buf[64], *s;

    v = cJSON_CreateString("2027-06-12T12:30:00+03:00");
    CHECK(sym_json_parse_time(v, &t) && t == 1812792600);
    cJSON_Delete(v);
    v = cJSON_CreateString("2027-06-12T09:30Z");
    CHECK(sym_json_parse_time(v, &t) && t == 1812792600);
    cJSON_Delete(v);
    v = cJSON_CreateString("2027-06-12T09:30:00-0130");
    CHECK(sym_json_parse_time(v, &t) && t == 1812792600 + 5400);
    cJSON_Delete(v);
    v = cJSON_CreateString("2027-06-12T09:30:00"); /* no offset: which zone? refused */
    CHECK(!sym_json_parse_time(v, &t));
    cJSON_Delete(v);
    v = cJSON_CreateString("tomorrow");
    CHECK(!sym_json_parse_time(v, &t));
    cJSON_Delete(v);
    v = cJSON_CreateNumber(1812792600);
    CHECK(sym_json_parse_time(v, &t) && t == 1812792600);
    cJSON_Delete(v);
    sym_json_iso_utc(1812792600, buf, sizeof buf);
    CHECK_STR(buf, "2027-06-12T09:30:00Z");
    sym_http_error_set(&e, 503, "queue_full", NULL, "busy %d", 3);
    s = sym_http_error_json(&e);
    CHECK_STR(s, "{\"error\":{\"message\":\"busy 3\",\"type\":\"server_error\",\"param\":null,"
                 "\"code\":\"queue_full\"}}");
    free(s);
}

static void test_key(void)
{
    CHECK(sym_server_key_equal("s3cret", "s3cret"));
    CHECK(!sym_server_key_equal("s3cre", "s3cret"));
    CHECK(!sym_server_key_equal("s3crett", "s3cret"));
    CHECK(!sym_server_key_equal("", "s3cret"));
    CHECK(!sym_server_key_equal("S3cret", "s3cret"));
    CHECK(!sym_server_key_equal("s3crets3cret", "s3cret"));
}

/* ---- the worker ---- */

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

static volatile sig_atomic_t interrupt_flag;
static char order[16];
static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int n_order; /* the main thread polls it while workers run jobs */

/* A job that records its letter; 'w' waits until interrupted or cancelled. */
static void job_fn(struct sym_job *job, void *arg, void *data)
{
    const char *letter = arg;
    int i;

    (void)data;
    pthread_mutex_lock(&order_lock); /* several worker threads run jobs at once */
    order[n_order++] = letter[0];
    pthread_mutex_unlock(&order_lock);
    for (i = 0; letter[0] == 'w' && i < 500 && !interrupt_flag && !sym_job_cancelled(job); i++)
        sleep_ms(2);
    sym_job_emit(job, letter, 1);
    sym_job_finish(job, interrupt_flag ? 499 : 200, strdup(letter));
}

static void dropped(struct sym_job *job, void *arg, bool stopping)
{
    (void)arg;
    sym_job_finish(job, stopping ? 503 : 410, NULL);
}

static void test_worker(void)
{
    struct sym_worker_params p = {
        .capacity = 1, .interrupt = &interrupt_flag, .on_dropped = dropped, .threads = 1};
    struct sym_worker *w;
    struct sym_job *a, *b, *c, *d;
    const char *body;
    int status, waiting, i;
    bool busy, finished;
    char buf[4];

    CHECK(sym_worker_start(&w, &p) == SYM_OK);
    a = sym_job_new(job_fn, "w", NULL);
    b = sym_job_new(job_fn, "b", NULL);
    c = sym_job_new(job_fn, "c", NULL);
    d = sym_job_new(job_fn, "d", NULL);
    CHECK(sym_worker_submit(w, a) == SYM_OK);
    for (i = 0; i < 500 && n_order == 0; i++)
        sleep_ms(1);
    CHECK(sym_worker_submit(w, b) == SYM_OK);           /* waits: the queue holds one */
    CHECK(sym_worker_submit(w, c) == SYM_ERR_TOO_LONG); /* full */
    sym_worker_load(w, &waiting, &busy);
    CHECK(waiting == 1 && busy);
    sym_job_cancel(w, a); /* the running one: the interrupt flag goes up */
    CHECK(sym_job_wait(a, 0, 2000));
    CHECK(sym_job_read(a, 0, buf, sizeof buf, &finished) == 1 && buf[0] == 'w');
    CHECK(sym_job_wait(b, 1, 2000) && sym_job_result(b, &status, &body));
    CHECK(status == 200 && body && !strcmp(body, "b"));
    CHECK(n_order == 2 && !memcmp(order, "wb", 2));
    CHECK(!interrupt_flag); /* cleared for the next job */

    /* A job cancelled while it waits never runs. */
    interrupt_flag = 0;
    CHECK(sym_worker_submit(w, c) == SYM_OK); /* may start at once: make it wait behind 'w' */
    sym_job_release(a);
    a = sym_job_new(job_fn, "w", NULL);
    for (i = 0; i < 500 && n_order < 3; i++)
        sleep_ms(1);
    CHECK(sym_worker_submit(w, a) == SYM_OK);
    for (i = 0; i < 500 && n_order < 4; i++)
        sleep_ms(1);
    CHECK(sym_worker_submit(w, d) == SYM_OK);
    sym_job_cancel(w, d);
    CHECK(sym_job_result(d, &status, &body) && status == 410);
    sym_worker_shutdown(w); /* stops 'w' */
    CHECK(sym_worker_submit(w, b) == SYM_ERR_INVALID);
    CHECK(n_order == 4 && !memcmp(order, "wbcw", 4));
    sym_worker_free(w);
    sym_job_release(a);
    sym_job_release(b);
    sym_job_release(c);
    sym_job_release(d);
}

/* Wait up to 2 s for job's end (its output may come a moment before it: sym_job_wait() returns
 * at the first of the two). */
static bool job_done(struct sym_job *job, int *status, const char **body)
{
    int i;

    for (i = 0; i < 2000; i++) {
        if (sym_job_result(job, status, body))
            return true;
        sleep_ms(1);
    }
    return false;
}

/* Two threads: two jobs run at once; cancelling one stops it alone and leaves the model's
 * interrupt flag down (it would stop every generation); the queue holds capacity more. */
static void test_worker_threads(void)
{
    struct sym_worker_params p = {
        .capacity = 1, .interrupt = &interrupt_flag, .on_dropped = dropped, .threads = 2};
    struct sym_worker *w;
    struct sym_job *a, *b, *c, *d;
    const char *body;
    int status, waiting, i;
    bool busy;

    interrupt_flag = 0;
    n_order = 0;
    CHECK(sym_worker_start(&w, &p) == SYM_OK);
    CHECK(sym_worker_threads(w) == 2);
    a = sym_job_new(job_fn, "w", NULL);
    b = sym_job_new(job_fn, "w", NULL);
    c = sym_job_new(job_fn, "c", NULL);
    d = sym_job_new(job_fn, "d", NULL);
    CHECK(sym_worker_submit(w, a) == SYM_OK);
    CHECK(sym_worker_submit(w, b) == SYM_OK);
    for (i = 0; i < 1000 && sym_worker_running(w) < 2; i++)
        sleep_ms(1);
    CHECK(sym_worker_running(w) == 2);                  /* both run at once */
    CHECK(sym_worker_submit(w, c) == SYM_OK);           /* waits */
    CHECK(sym_worker_submit(w, d) == SYM_ERR_TOO_LONG); /* two run, one waits: full */
    sym_worker_load(w, &waiting, &busy);
    CHECK(waiting == 1 && busy);
    sym_job_cancel(w, a);
    CHECK(job_done(a, &status, &body) && status == 200);
    CHECK(!interrupt_flag);
    CHECK(!sym_job_cancelled(b));
    CHECK(job_done(c, &status, &body) && status == 200);
    CHECK(!sym_job_result(b, &status, &body)); /* still running: 'w' waits for its cancel */
    sym_worker_shutdown(w);                    /* stops b */
    CHECK(sym_job_result(b, &status, &body) && status == 200);
    sym_worker_free(w);
    sym_job_release(a);
    sym_job_release(b);
    sym_job_release(c);
    sym_job_release(d);
}

static void test_metrics(void)
{
    struct sym_metrics_gauges g = {3, 0, 8, false, 10, 4096, 2, 4, 1};
    struct sym_metrics *m;
    struct sym_gen_stats st;
    struct sym_buf out = {0};

    CHECK(sym_metrics_init(&m) == SYM_OK);
    memset(&st, 0, sizeof st);
    st.n_prompt = 10;
    st.n_evaluated = 4;
    st.n_generated = 11;
    st.ttft_ms = 30;
    st.gen_ms = 100; /* 100 tokens per second */
    st.stop = SYM_STOP_EOG;
    sym_metrics_request(m, "/health", 200);
    sym_metrics_request(m, "/health", 200);
    sym_metrics_request(m, "/api/chat", 503);
    sym_metrics_generation(m, "/api/chat", &st, false);
    st.stop = SYM_STOP_CALLER;
    sym_metrics_generation(m, "/api/chat", &st, true);
    CHECK(sym_metrics_render(m, &g, &out) == SYM_OK);
    CHECK_CONTAINS(out.data, "# TYPE symbiot_http_requests_total counter\n");
    CHECK_CONTAINS(out.data, "symbiot_http_requests_total{route=\"/health\",status=\"200\"} 2\n");
    CHECK_CONTAINS(out.data, "symbiot_http_requests_total{route=\"/api/chat\",status=\"503\"} 1\n");
    CHECK_CONTAINS(out.data, "symbiot_tokens_evaluated_total 8\n");
    CHECK_CONTAINS(out.data, "symbiot_http_slow_clients_closed_total 2\n");
    CHECK_CONTAINS(out.data, "symbiot_slots 4\n");
    CHECK_CONTAINS(out.data, "symbiot_slots_busy 1\n");
    CHECK_CONTAINS(out.data, "symbiot_generations_total{stop=\"end\"} 1\n");
    CHECK_CONTAINS(out.data, "symbiot_generations_total{stop=\"cancelled\"} 1\n");
    CHECK_CONTAINS(out.data, "symbiot_time_to_first_token_seconds_bucket{le=\"0.025\"} 0\n");
    CHECK_CONTAINS(out.data, "symbiot_time_to_first_token_seconds_bucket{le=\"0.05\"} 2\n");
    CHECK_CONTAINS(out.data, "symbiot_time_to_first_token_seconds_bucket{le=\"+Inf\"} 2\n");
    CHECK_CONTAINS(out.data, "symbiot_generation_tokens_per_second_bucket{le=\"50\"} 0\n");
    CHECK_CONTAINS(out.data, "symbiot_generation_tokens_per_second_bucket{le=\"100\"} 2\n");
    CHECK_CONTAINS(out.data, "symbiot_facts 3\n");
    CHECK_CONTAINS(out.data, "symbiot_kv_cache_size_tokens 4096\n");
    CHECK(sym_metrics_cancelled(m) == 1);
    sym_buf_free(&out);
    sym_metrics_free(m);
}

int main(void)
{
    if (sym_config_init(&cfg))
        return 1;
    test_parse_chat();
    test_parse_tools();
    test_chunks();
    test_embed_request();
    test_json_helpers();
    test_key();
    test_worker();
    test_worker_threads();
    test_metrics();
    sym_config_free(&cfg);
    return test_report("test_server");
}
