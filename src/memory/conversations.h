/*
 * conversations.h: every chat turn of every conversation, both sides, kept in the memory database
 * (store.h), so a session can be resumed and the user can see what was said.
 *
 * A conversation has an id, when it started, when its last turn was stored and a title: its first
 * user message cut to 60 characters. A turn is one message: the user's ("user") or the answer
 * ("assistant"), in the order stored. Deleting a conversation deletes its turns.
 *
 * Errors: SYM_ERR_INVALID for a bad role, a missing text or an unknown conversation on append,
 * with the reason on sym_store_errmsg(); the store's other codes (SYM_ERR_IO, SYM_ERR_NOMEM) as in
 * store.h. Each write is one transaction, or joins the one sym_store_begin() opened.
 */
#ifndef SYM_CONVERSATIONS_H
#define SYM_CONVERSATIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/status.h"
#include "memory/store.h"

/* Longest title, in characters (Unicode code points). */
#define SYM_CONVERSATION_TITLE_CHARS 60

struct sym_conversation {
    long long id;
    time_t started;
    time_t updated;    /* when its last turn was stored (started when none) */
    long long n_turns; /* messages stored, both sides */
    char *title;       /* owned by the list; "" before the first user message; never NULL */
};

/* A list of conversations. Zero-initialise; free with sym_conversations_free(). */
struct sym_conversations {
    struct sym_conversation *items;
    size_t n;
};
void sym_conversations_free(struct sym_conversations *list);

struct sym_conversation_turn {
    long long id;
    char role[16]; /* "user" or "assistant" */
    char *text;    /* owned by the list; never NULL */
    time_t created;
    char *speaker; /* who said it, from an imported history; NULL = the role; owned by the list */
    char *session; /* the imported session's name; NULL = none; owned by the list */
    char *tools;   /* an answer's tool calls, JSON text (core/toolturn.h); NULL = none; owned */
};

/* A conversation's turns. Zero-initialise; free with sym_conversation_turns_free(). */
struct sym_conversation_turns {
    struct sym_conversation_turn *items;
    size_t n;
};
void sym_conversation_turns_free(struct sym_conversation_turns *list);

/* Start a conversation at now (0 = sym_clock_now()); *id gets its id. */
enum sym_status sym_conversation_start(struct sym_store *s, time_t now, long long *id);
/* Append a turn to conversation id: role "user" or "assistant", text valid UTF-8 ("" is allowed:
 * an answer stopped before its first word). The conversation's updated time becomes now (0 =
 * sym_clock_now()); its first user message gives it its title. */
enum sym_status sym_conversation_append(struct sym_store *s, long long id, const char *role,
                                        const char *text, time_t now);
/* Keep the tool calls made before the answer turn_id (JSON text, core/toolturn.h's
 * sym_tool_records_json()) on its row. SYM_ERR_NOT_FOUND when turn_id is not an answer. */
enum sym_status sym_conversation_set_tools(struct sym_store *s, long long turn_id,
                                           const char *tools);
/* One turn of an imported history. Strings borrowed; all valid UTF-8. */
struct sym_turn_input {
    const char *role;    /* "user" or "assistant" */
    const char *speaker; /* who said it; NULL = the role */
    const char *session; /* the session it belongs to; NULL = none */
    const char *text;    /* required ("" allowed) */
    time_t time;         /* when it was said; 0 = sym_clock_now() */
};

/* Start importing a conversation whose own id is origin (unique: "ID" of a JSON Lines history,
 * "chatgpt:ID" of a ChatGPT export), titled title (NULL or "": its first user message), started
 * at started (0 = now). When a conversation with that origin is stored already, *existed is true,
 * *id is that one and nothing changes (importing a file twice adds nothing). */
enum sym_status sym_conversation_import_start(struct sym_store *s, const char *origin,
                                              const char *title, time_t started, long long *id,
                                              bool *existed);
/* Append imported turn t to conversation id: stored and indexed like any turn, with its speaker,
 * session and time; the conversation's updated time becomes the latest turn's. */
enum sym_status sym_conversation_import_turn(struct sym_store *s, long long id,
                                             const struct sym_turn_input *t);
/* The id of the last turn stored in conversation id (0 when it has none). */
enum sym_status sym_conversation_last_turn(struct sym_store *s, long long id, long long *turn_id);
/* The most recent conversation (the last started); *found false when there is none. */
enum sym_status sym_conversation_latest(struct sym_store *s, long long *id, bool *found);
/* The turns of conversation id in the order stored, into *out (emptied first). *found false when
 * there is no such conversation. */
enum sym_status sym_conversation_load(struct sym_store *s, long long id,
                                      struct sym_conversation_turns *out, bool *found);
/* All conversations, most recent first, into *out (emptied first). */
enum sym_status sym_conversation_list(struct sym_store *s, struct sym_conversations *out);
/* Keep only the first keep turns of conversation id (in the order stored) and delete the rest,
 * with the ratings given to them (feedback rows go with their turn): what editing a message or
 * regenerating an answer replaces. With keep 0 the title goes too (the next user message gives
 * it again). A conversation with keep turns or fewer is left as it is. */
enum sym_status sym_conversation_truncate(struct sym_store *s, long long id, size_t keep);
/* The conversations whose title or messages hold query (valid UTF-8), compared normalised (case
 * folded, ё as е, punctuation as spaces: nlp/text.h), most recent first, into *out (emptied
 * first). A query with no letters or digits lists them all. */
enum sym_status sym_conversation_search(struct sym_store *s, const char *query,
                                        struct sym_conversations *out);
/* Delete conversation id and its turns. *found false when there is no such conversation. */
enum sym_status sym_conversation_delete(struct sym_store *s, long long id, bool *found);

#endif
