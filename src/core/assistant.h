/*
 * assistant.h: the assistant core: one input in, one answer out, for every front end.
 *
 * It owns the conversation (system prompt plus the turns that fit the context) and routes each
 * input through the parser (nlp/parse.h) to a module (core/module.h): a command is answered at
 * once; anything else goes to the chat module, i.e. the language model with the conversation. Front
 * ends (the CLI, later the server) feed input and render the output; they do no routing of their
 * own.
 *
 * When the conversation no longer fits the context, the oldest turns are dropped (the system
 * prompt always stays) and a notice says so: never a silent truncation. Dropping goes down to
 * half the context at once, so the KV cache can be reused again for many turns afterwards.
 */
#ifndef SYM_ASSISTANT_H
#define SYM_ASSISTANT_H

#include <stdbool.h>
#include <stddef.h>

#include <time.h>

#include "core/config.h"
#include "core/toolturn.h"
#include "base/status.h"
#include "llm/backend.h"
#include "llm/llm.h"
#include "nlp/parse.h"

struct sym_assistant;
struct sym_call;
struct sym_module;
struct sym_store;

enum sym_turn_kind {
    SYM_TURN_CHAT,    /* answered by the language model */
    SYM_TURN_COMMAND, /* answered by a command */
};

/* How a turn reports as it goes. Every callback may be NULL. */
struct sym_turn_io {
    /* A piece of the answer, valid UTF-8, as soon as it is known. Return non-zero to stop. */
    int (*on_text)(const char *text, size_t len, void *data);
    /* Something the user should know about this turn (dropped turns, a cut answer). */
    void (*on_notice)(const char *message, void *data);
    void *data;
    /* A piece of a reasoning model's thinking, before the answer (see llm/think.h), or NULL. */
    int (*on_reasoning)(const char *text, size_t len, void *data);
    /* A tool call the model made (see sym_assistant_set_toolbox): told once before it runs
     * (rec->result NULL) and once when it is over (rec->status, rec->result). */
    void (*on_tool)(const struct sym_tool_call_record *rec, void *data);
    /* Ask the user whether to run a tool that may remove something (the toolbox's asks()):
     * non-zero to run it. NULL: every such call is refused (denied). */
    int (*on_confirm)(const char *name, const char *args, void *data);
};

/* What one turn did. Filled by sym_assistant_turn(); release with sym_turn_clear(). */
struct sym_turn {
    enum sym_turn_kind kind;
    const char *backend;        /* chat turns: "local" or "remote" (static storage); else NULL */
    char *answer;               /* the whole answer text; owned */
    char *reasoning;            /* a reasoning model's thinking, NULL when none; owned */
    struct sym_gen_stats stats; /* chat turns only */
    int n_dropped;              /* turns dropped from the conversation to make room */
    long long recalled[16];     /* ids of the remembered facts put into this turn's prompt */
    int n_recalled;
    double recall_ms; /* choosing the remembered facts for the prompt */
    double learn_ms;  /* the model's fact extraction after the answer (core/learn.h); 0 = none */
    int n_learned;    /* facts it added */
    bool quit;        /* the input asked to end the session */
    struct sym_tool_records tools; /* the tool calls the model made in this turn, in order */
    int tool_rounds;               /* times the model answered with tool calls */
};

/* Figures for /stats. */
struct sym_assistant_stats {
    struct sym_gen_stats last;   /* the last chat turn */
    long long last_recalled[16]; /* facts recalled into the last chat turn's prompt */
    int n_last_recalled;
    bool have_last;
    int n_chat_turns;
    long long total_evaluated, total_generated;
    time_t started;
};

/*
 * Create an assistant over cfg (borrowed, must outlive it) and llm (owned from now on, even on
 * failure; may be NULL when no model is configured: commands still work, chat turns fail with
 * SYM_ERR_MODEL). Inputs are routed to modules (core/module.h): the NULL-terminated list given
 * (borrowed, must outlive it; the program's is sym_modules, modules/registry.h), which must hold
 * one chat module (the one without commands). Each module's init runs now, its free at
 * sym_assistant_free().
 */
enum sym_status sym_assistant_init(struct sym_assistant **out, const struct sym_config *cfg,
                                   struct sym_llm *llm, const struct sym_module *const *modules);
void sym_assistant_free(struct sym_assistant *a);

/* The language to answer in when an input has no letters to tell (e.g. "/help"). */
void sym_assistant_set_lang(struct sym_assistant *a, enum sym_lang lang);
/* How /model loads another model (context size, threads, progress, interrupt flag). Copied. */
void sym_assistant_set_llm_params(struct sym_assistant *a, const struct sym_llm_params *params);

/* Give the assistant the memory database (memory/store.h): owned from now on, closed by
 * sym_assistant_free() or by the next call. NULL (the default) means none: the commands that need
 * it say so. */
void sym_assistant_set_store(struct sym_assistant *a, struct sym_store *store);
/* The memory database, or NULL. Borrowed, valid while the assistant has it. */
struct sym_store *sym_assistant_store(const struct sym_assistant *a);

/*
 * The stored conversation (memory/conversations.h) and the number of its last stored turn, for a
 * fact's source ("conversation 12 turn 3"). *id is 0 before the first chat turn of the session
 * (or after /reset) and without a memory database; *turn is 0 before a turn is stored. With a
 * store, each successful chat turn stores the user's message and the answer (a partial one too);
 * a store failure does not fail the turn: a notice says so, once per session.
 */
void sym_assistant_conversation(const struct sym_assistant *a, long long *id, int *turn);
/*
 * Replace the conversation (the system prompt stays) by the stored conversation_id's turns and
 * go on storing into it. Turns that do not fit the context are dropped by the next chat turn, as
 * usual. SYM_ERR_NOT_FOUND: no store, or no such conversation; else the store's codes, and the
 * conversation is as it was (except after SYM_ERR_NOMEM, which leaves it empty).
 */
enum sym_status sym_assistant_resume(struct sym_assistant *a, long long conversation_id);

/*
 * Delete the saved KV state of a conversation (llm/kvstate.h; it holds the conversation's text),
 * for a front end that deletes the conversation. SYM_OK also when there was none; SYM_ERR_IO when
 * it cannot be deleted.
 */
enum sym_status sym_assistant_forget_state(long long conversation_id);

/*
 * One-shot mode (`symbiot ask`): the KV state after the system message (prompt and memory block)
 * is saved after the answer and loaded before the next one-shot turn with the same system
 * message, so that part is not evaluated again; the conversation's own state is not saved.
 * Conversations' states (kv-cache-size > 0) are saved when they leave the context (resume of
 * another, reset, another model or store, free) and loaded by sym_assistant_resume().
 */
void sym_assistant_set_one_shot(struct sym_assistant *a, bool one_shot);

/* The id of the last answer stored in the memory database (a turns row), for feedback; 0 when
 * none (no database, no chat turn yet, /reset, or storing failed). */
long long sym_assistant_last_answer(const struct sym_assistant *a);

/*
 * Let chat turns offer tools to the model (core/toolturn.h): box is copied (its data is borrowed
 * and must outlive the assistant, or until the next call); NULL: none. A chat turn offers them
 * when cfg->tools is on, cfg->tool_rounds > 0, the box lists some, and the model can call tools
 * (a local model whose chat template renders tools, or the remote backend). When the model
 * answers with tool calls, each is told to io->on_tool, confirmed through io->on_confirm when the
 * box's asks() says so, run, and its result goes back to the model, which is asked again; up to
 * cfg->tool_rounds rounds and cfg->tool_calls calls, then once more with tool choice "none" so
 * the turn ends in text. The first round uses cfg->tool_choice. The calls and results stay in the
 * conversation, are stored with the answer, and are in turn->tools. Raising the interrupt flag
 * (sym_assistant_set_llm_params) during a call cancels the turn: SYM_ERR_INTERRUPTED, and the
 * conversation is as it was (what the tools did stays done).
 */
void sym_assistant_set_toolbox(struct sym_assistant *a, const struct sym_toolbox *box);

/* Raw mode: each input is a plain completion prompt (no template, no system prompt, no history). */
void sym_assistant_set_raw(struct sym_assistant *a, bool raw);

/*
 * Run one turn. On SYM_OK *turn holds the result (a partial answer too, when stopped early). On
 * failure sym_assistant_errmsg() explains, and the conversation is as it was before the turn. A
 * chat turn with no model to answer it (none loaded, none remote) is SYM_ERR_MODEL with
 * turn->kind SYM_TURN_CHAT: front ends tell the user how to get one.
 */
enum sym_status sym_assistant_turn(struct sym_assistant *a, const char *input,
                                   const struct sym_turn_io *io, struct sym_turn *turn);
void sym_turn_clear(struct sym_turn *turn);

/* Forget the conversation (keeps the system prompt); the next chat turn starts a new stored one. */
void sym_assistant_reset(struct sym_assistant *a);
/* For modules: the chat path (conversation, context policy, the model). */
enum sym_status sym_assistant_chat(struct sym_call *call);
/* For modules: load the model file at path in place of the current one, which stays on failure
 * (sym_llm_init's codes, the reason in sym_assistant_errmsg()). */
enum sym_status sym_assistant_switch_model(struct sym_assistant *a, const char *path);
/* For modules: the reason a handler failed, shown to the user. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void sym_assistant_set_error(struct sym_assistant *a, const char *fmt, ...);
const struct sym_assistant_stats *sym_assistant_get_stats(const struct sym_assistant *a);

/* The prompt text of the last chat turn, as the model saw it ("" before any). For tests and
 * --verbose. Borrowed, valid until the next turn. */
const char *sym_assistant_last_prompt(const struct sym_assistant *a);

/*
 * Give the assistant a remote backend (llm/backend.h; owned from now on, freed by
 * sym_assistant_free(); NULL = none). Which chat turns go there follows cfg->backend: every one
 * (remote), or in auto mode those sent with /cloud and all of them when there is no local model.
 * What is sent: the system prompt as configured and the message; with cfg->share_memory also the
 * preferences, the recalled facts and the conversation (the newest 64 KiB of it).
 */
void sym_assistant_set_remote(struct sym_assistant *a, struct sym_backend *remote);
/* The settings the assistant was made with. Borrowed. */
const struct sym_config *sym_assistant_config(const struct sym_assistant *a);
/* The remote backend, or NULL. Borrowed. */
struct sym_backend *sym_assistant_remote(const struct sym_assistant *a);
/* True when an ordinary chat turn goes to the remote backend now. */
bool sym_assistant_routes_remote(const struct sym_assistant *a);
/*
 * The backend an ordinary chat turn goes to now: the remote one when sym_assistant_routes_remote(),
 * else the local model's; NULL when there is neither. For a front end that answers a stateless
 * conversation of its own (the server's /v1/chat/completions) with the same choice the
 * assistant makes. Borrowed, valid until the next turn (/model replaces the local one).
 */
struct sym_backend *sym_assistant_backend(const struct sym_assistant *a);
/* For modules (/cloud): answer text with the remote backend, as a chat turn. SYM_ERR_INVALID
 * when there is none. */
enum sym_status sym_assistant_chat_remote(struct sym_call *call, const char *text);
/* For modules (/privacy): exactly what a remote turn for text would send (method, URL, headers
 * with the key hidden, JSON body), appended to out. Changes nothing. SYM_ERR_INVALID when there
 * is no remote backend. */
enum sym_status sym_assistant_remote_request(struct sym_assistant *a, const char *text,
                                             struct sym_buf *out);

/* The model the assistant talks to, or NULL. Borrowed. */
struct sym_llm *sym_assistant_llm(const struct sym_assistant *a);
/* Number of user turns in the conversation now. */
int sym_assistant_n_turns(const struct sym_assistant *a);
/* The modules the assistant routes to (for /help). Borrowed, as given to sym_assistant_init(). */
const struct sym_module *const *sym_assistant_modules(const struct sym_assistant *a);
/* Detail of the last failure. Borrowed, valid until the next call. */
const char *sym_assistant_errmsg(const struct sym_assistant *a);

#endif
