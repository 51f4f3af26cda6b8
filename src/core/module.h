/*
 * module.h: what a module is. A module is a table: a name, a one-line summary in each language,
 * its commands and one handler; optionally init/free for state it keeps per assistant.
 *
 * Adding a module is one new file in src/modules/ defining a `const struct sym_module` and one line
 * in src/modules/registry.c. The front end hands that list to sym_assistant_init(); help, command
 * lookup and routing all read the list the assistant was given, so a module never needs to be
 * mentioned anywhere else and /help is never out of date. The core sees only this header.
 */
#ifndef SYM_MODULE_H
#define SYM_MODULE_H

#include "core/assistant.h"
#include "base/buf.h"
#include "nlp/parse.h"

/* What a command does when a model (or an MCP client) calls it as a tool (src/tools/). */
enum sym_tool_use {
    SYM_TOOL_NO = 0,   /* not a tool: it makes no sense for a model (/quit, /model, /help) */
    SYM_TOOL_READS,    /* only looks: the time, a search, the list of reminders */
    SYM_TOOL_WRITES,   /* adds or changes something that can be undone: remember, remind, pin */
    SYM_TOOL_DESTROYS, /* removes something: forget, cancel; asks the user first */
};

/* The type of a tool argument, for its JSON schema. */
enum sym_arg_type {
    SYM_ARG_STRING,
    SYM_ARG_INTEGER,
};

/* One argument of a command offered as a tool. A tool call's arguments become the command's
 * words in this order (argv), as if typed after the slash name. */
struct sym_arg {
    const char *name;        /* the JSON property: "place"; NULL ends the list */
    enum sym_arg_type type;  /* its JSON type */
    int required;            /* 1: the call must give it */
    const char *description; /* one line for the model, in English */
};

struct sym_command {
    const char *name;                 /* slash name without '/': "help" is /help */
    const char *aliases;              /* other slash names, space-separated; may be NULL */
    const char *usage;                /* "/help [COMMAND]" */
    const char *summary[SYM_N_LANGS]; /* one line, per language */
    const char *examples;             /* example inputs, one per line; may be NULL */
    enum sym_tool_use tool;           /* whether and how it is offered as a tool */
    const struct sym_arg *args;       /* its arguments as a tool; NULL: none */
};

/* One call of a module's handler: what was asked, and where the answer goes. */
struct sym_call {
    struct sym_assistant *assistant;
    const struct sym_module *module;
    const struct sym_command *command; /* the command invoked; NULL on the chat path */
    const struct sym_parse *parse;     /* the parsed input (arguments, language) */
    const char *input;                 /* the whole input line, valid UTF-8 */
    enum sym_lang lang;                /* answer in this language */
    const struct sym_turn_io *io;      /* streaming callbacks (the chat path uses them) */
    struct sym_turn *turn;             /* what the turn did (quit flag, stats, ...) */
    struct sym_buf *out;               /* a command's answer text */
    void *state;                       /* the module's state from init, or NULL */
};

struct sym_module {
    const char *name;
    const char *summary[SYM_N_LANGS];
    const struct sym_command *commands; /* ends with an entry whose name is NULL */
    /* Answer a call. SYM_OK with the answer in call->out (or streamed, for chat); an error status
     * with the reason set by sym_assistant_set_error(). */
    enum sym_status (*handle)(struct sym_call *call);
    enum sym_status (*init)(void **state); /* optional */
    void (*free)(void *state);             /* optional */
};

/* Find the command called `name` (or one of its aliases) in modules (NULL-terminated); *module
 * (when module is not NULL) gets the module that has it. NULL when there is none. */
const struct sym_command *sym_module_find_command(const struct sym_module *const *modules,
                                                  const char *name,
                                                  const struct sym_module **module);

/* "Did you mean": the command name or alias in modules nearest to name (a mistyped command),
 * within sym_typo_limit(name) edits, into out. False (out empty) when none is that near. */
bool sym_module_suggest(const struct sym_module *const *modules, const char *name, char *out,
                        size_t size);
/* How many edits (Damerau-Levenshtein) still count as a typo of word: 1 for up to 4 bytes, else
 * 2. The CLI uses it for its own command names too. */
int sym_typo_limit(const char *word);

/* Pick the text for lang from a per-language array, falling back to English. */
const char *sym_text(const char *const texts[SYM_N_LANGS], enum sym_lang lang);
/* Pick one of two literals: SYM_TR(lang, "English", "Русский"). A macro, so that printf-style
 * format strings stay checkable by the compiler. */
#define SYM_TR(lang, en, ru) ((lang) == SYM_LANG_RU ? (ru) : (en))

#endif
