/*
 * backend.h: where an answer comes from. A backend takes a conversation (messages with roles)
 * and streams an answer; two implementations exist:
 *
 *   local   the model on this machine (llm.h): the messages are formatted with the model's chat
 *           template (or the caller hands the prompt it already formatted for its own counting)
 *           and generated with KV-cache reuse. It borrows the struct sym_llm.
 *   remote  an OpenAI-compatible endpoint (POST BASE/chat/completions with "stream": true) over
 *           HTTPS through the HTTP layer net/http.h (remote.c): Server-Sent Events parsed by
 *           sse.h, a connect timeout and an idle timeout, retries with backoff on 429 and 5xx
 *           before any text arrived, and one-line errors for DNS, refused connections, TLS,
 *           401/403 and the rest.
 *
 * What a remote backend is sent is decided by its caller (the assistant): this layer sends
 * exactly the messages it is given. The API key is held in memory only, wiped when the backend is
 * freed, and appears in no message, log line or description.
 *
 * Lifetimes: *_init() gives a backend the caller frees with sym_backend_free(). Not thread-safe:
 * one call at a time.
 */
#ifndef SYM_BACKEND_H
#define SYM_BACKEND_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/status.h"
#include "llm/llm.h"

struct sym_backend;

enum sym_backend_kind {
    SYM_BACKEND_LOCAL,
    SYM_BACKEND_REMOTE,
};

/* The local model as a backend; llm is borrowed and must outlive the backend. */
enum sym_status sym_backend_local_init(struct sym_backend **out, struct sym_llm *llm);

struct sym_remote_params {
    const char *endpoint;     /* base URL: "https://api.openai.com/v1" (…/chat/completions too) */
    const char *api_key;      /* sent as "Authorization: Bearer KEY"; NULL or "" = none. Copied */
    const char *api_key_from; /* where the key came from, for messages ("$OPENAI_API_KEY") */
    const char *model;        /* "model" in the request; NULL = left out */
    int timeout_s;            /* idle timeout: give up after this long without a byte; 0 = 60 */
    int connect_timeout_s;    /* 0 = 10 */
    int retries;              /* extra tries on 429/5xx before any text; -1 = 3 */
    int backoff_ms;           /* the first retry's wait, doubled each time; 0 = 500 */
    bool allow_http;          /* plain http to a host other than loopback */
    /* When set and non-zero, the request stops (Ctrl-C, a client gone). Borrowed. */
    volatile sig_atomic_t *interrupt;
};

struct sym_remote_params sym_remote_default_params(void);

/*
 * Check the parameters and make a remote backend; nothing is sent yet. SYM_ERR_INVALID with a
 * one-line reason in err: no endpoint, not a URL, not http(s), plain http to another machine
 * without allow_http. SYM_ERR_NOMEM.
 */
enum sym_status sym_backend_remote_init(struct sym_backend **out,
                                        const struct sym_remote_params *params, char *err,
                                        size_t errlen);

void sym_backend_free(struct sym_backend *b);

/* One chat request: everything but where the answer goes. Every pointer is borrowed. */
struct sym_backend_request {
    const struct sym_chat_msg *msgs; /* the conversation, oldest first */
    size_t n;
    const struct sym_sampling *sampling; /* NULL: the backend's defaults */
    int max_tokens;                      /* -1: no limit */
    const char *const *stops; /* the caller's stop strings, NULL-terminated; NULL = none */
    /* msgs already formatted with the local model's template (sym_llm_format_chat on the same
     * model), when the caller had to format them anyway: the local backend then generates from it
     * as is, so a turn is formatted once. NULL: the backend formats. Remote backends ignore it. */
    const char *prompt;
    /* Where the model's thinking goes (a reasoning model's "<think>...</think>", or a remote
     * endpoint's reasoning_content), with the same data as on_text; NULL: dropped. The answer
     * given to on_text never contains it. */
    sym_llm_text_fn on_reasoning;
    /* Tools and structured output (issue 14). All borrowed; zero/NULL: a plain chat. */
    const char
        *messages_json;      /* an OpenAI "messages" array (assistant "tool_calls", role "tool"
                              * with "tool_call_id"); when set it is the conversation, msgs unused */
    const char *tools_json;  /* an OpenAI "tools" array; NULL: none */
    const char *tool_choice; /* NULL or "auto", "none", "required", or one function's name */
    bool parallel_tool_calls;
    const char *json_schema; /* the answer must follow it ("{}": any JSON object); NULL: free */
    /* Each piece of a tool call as it streams: the call's index, its id and name (in the first
     * piece of a call, NULL after), a piece of its JSON arguments. Non-zero stops. NULL: none. */
    int (*on_tool_call)(int index, const char *id, const char *name, const char *args_delta,
                        void *data);
    struct sym_buf *tool_calls_out; /* the finished OpenAI "tool_calls" array, appended ("" when
                                     * the model called none); NULL: not wanted */
};

/*
 * Answer the request: stream the answer through on_text (valid UTF-8; return non-zero to stop),
 * fill *stats (tokens as the backend reports them; times measured here). The local backend adds
 * its template's stop strings to the request's; a remote one sends the request's as "stop". The
 * stop reasons and return codes are those of sym_llm_generate(); a remote failure is SYM_ERR_IO
 * (network, TLS, HTTP status, a malformed stream) with the reason in sym_backend_errmsg(). A
 * failure after some text arrived keeps that text streamed; the call still fails.
 *
 * With tools, messages_json or json_schema, the local backend renders the request with the
 * model's template through llama.cpp's chat library (llm/chat.h) and constrains the generation
 * with its grammar: lazy for tool_choice "auto" (free text until the model starts a call),
 * forced for "required" and a named function (the tools cut to that one, as llama-server does),
 * and a JSON schema's grammar. The output is parsed as it streams: on_text gets only the
 * answer, on_reasoning only the thinking, on_tool_call the calls (never their markup). An answer
 * that ends in tool calls stops with SYM_STOP_TOOL_CALLS. SYM_ERR_INVALID, with the reason in
 * sym_backend_errmsg(), for a model without a chat template, tools given to a template without
 * tool support, malformed messages, tools or schema, or a tool_choice naming no given tool. A
 * remote backend sends them as given (tools, tool_choice, parallel_tool_calls, response_format)
 * and reads streamed "delta.tool_calls" into the same callbacks.
 */
enum sym_status sym_backend_chat(struct sym_backend *b, const struct sym_backend_request *req,
                                 sym_llm_text_fn on_text, void *data, struct sym_gen_stats *stats);

enum sym_backend_kind sym_backend_kind(const struct sym_backend *b);
/* "local" or "remote". Static storage. */
const char *sym_backend_name(const struct sym_backend *b);
/* One line: the local model's description, or "MODEL at https://host/v1" (the URL without any
 * user name, password or query). Borrowed, valid while b lives. */
const char *sym_backend_describe(const struct sym_backend *b);
/* The detail of the last failure. Borrowed, valid until the next call. */
const char *sym_backend_errmsg(const struct sym_backend *b);

/*
 * For /privacy: exactly what sym_backend_chat() would send to a remote backend for this request:
 * the method and URL, the headers (the key shown as "Bearer <hidden: $VAR>") and the JSON body,
 * appended to out. SYM_ERR_INVALID for a local backend.
 */
enum sym_status sym_backend_describe_request(struct sym_backend *b,
                                             const struct sym_backend_request *req,
                                             struct sym_buf *out);

#endif
