/*
 * memory.c: the memory module: /remember TEXT (and "remember that my sister is Anna", "запомни,
 * что я люблю чай"), /forget ID or TEXT, /memories [QUERY] (and "what do you know about me"),
 * /pin ID and /unpin ID (a pinned fact ranks higher in search and is marked in /memories).
 * Facts live in the memory database through memory/facts.h; this file only talks to the user.
 * /memories QUERY also shows the turns of stored conversations that match (memory/episodes.h):
 * which conversation, who said it, when.
 *
 * Forgetting by text is the risky path: it deletes for good, so it acts only when the match is
 * certain (a hit whose normalised text equals the request) and otherwise lists the candidates,
 * even a single one, and asks for /forget ID. A fact is stored as said, with its first letter
 * capitalised; the person is not shifted ("my sister" stays "my sister").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/module.h"
#include "base/clock.h"
#include "memory/episodes.h"
#include "memory/facts.h"
#include "nlp/text.h"

#define LIST_LIMIT 20   /* /memories without a query shows this many, newest first */
#define SEARCH_LIMIT 10 /* /memories QUERY */
#define TURNS_LIMIT 5   /* /memories QUERY: the turns of conversations shown */
#define TURN_CHARS 200  /* a turn longer than this is cut, in characters */
#define FORGET_LIMIT 3  /* candidates considered by /forget TEXT */

static enum sym_status no_store(struct sym_call *call)
{
    return sym_buf_puts(call->out,
                        SYM_TR(call->lang,
                               "Memory is unavailable: the memory database could not be opened "
                               "(see the message when Symbiot started).",
                               "Память недоступна: не удалось открыть базу памяти (см. сообщение "
                               "при запуске Symbiot)."));
}

static enum sym_status store_error(struct sym_call *call, struct sym_store *store,
                                   enum sym_status rc)
{
    sym_assistant_set_error(call->assistant, "%s", sym_store_errmsg(store));
    return rc;
}

/* The text a command was given: the intent's slot, or the arguments as typed (a single quoted
 * argument unquoted). NULL when there is none. Borrowed from the parse. */
static const char *arg_text(const struct sym_call *call)
{
    const struct sym_parse *p = call->parse;

    if (p->natural)
        return p->slots.text && p->slots.text[0] ? p->slots.text : NULL;
    if (p->argc == 1)
        return p->argv[0];
    return p->args[0] ? p->args : NULL;
}

/* A copy of s trimmed of spaces and of a leading ", " left by "запомни, что", with the first
 * letter upper-cased (ASCII and Russian). NULL with *empty set when nothing is left. */
static char *fact_text(const char *s, bool *empty)
{
    size_t len;
    char *t;
    unsigned char *u;

    *empty = false;
    while (*s == ' ' || *s == '\t' || *s == ',' || *s == ':')
        s++;
    len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n'))
        len--;
    if (!len) {
        *empty = true;
        return NULL;
    }
    t = malloc(len + 1);
    if (!t)
        return NULL;
    memcpy(t, s, len);
    t[len] = '\0';
    u = (unsigned char *)t;
    if (u[0] >= 'a' && u[0] <= 'z') {
        u[0] = (unsigned char)(u[0] - 'a' + 'A');
    } else if (u[0] == 0xD0 && u[1] >= 0xB0 && u[1] <= 0xBF) { /* а..п -> А..П */
        u[1] = (unsigned char)(u[1] - 0x20);
    } else if (u[0] == 0xD1 && u[1] >= 0x80 && u[1] <= 0x8F) { /* р..я -> Р..Я */
        u[0] = 0xD0;
        u[1] = (unsigned char)(u[1] + 0x20);
    } else if (u[0] == 0xD1 && u[1] == 0x91) { /* ё -> Ё */
        u[0] = 0xD0;
        u[1] = 0x81;
    }
    return t;
}

/* "text" plus a full stop when it does not end in punctuation. */
static enum sym_status put_sentence(struct sym_buf *out, const char *text)
{
    size_t n = strlen(text);
    enum sym_status rc = sym_buf_puts(out, text);

    if (!rc && n && !strchr(".!?…", text[n - 1]))
        rc = sym_buf_puts(out, ".");
    return rc;
}

/* ---- /remember ---- */

static enum sym_status remember(struct sym_call *call)
{
    struct sym_store *store = sym_assistant_store(call->assistant);
    struct sym_fact_input in = {0};
    const char *arg = arg_text(call);
    enum sym_status rc;
    bool existed = false, empty = false;
    long long id = 0;
    char *text = NULL;

    if (!store)
        return no_store(call);
    if (arg)
        text = fact_text(arg, &empty);
    if (!arg || empty)
        return sym_buf_puts(
            call->out,
            SYM_TR(call->lang, "What should I remember? Say e.g. '/remember my sister is Anna'.",
                   "Что запомнить? Скажите, например: «/remember мою сестру зовут "
                   "Анна»."));
    if (!text)
        return SYM_ERR_NOMEM;
    in.text = text;
    in.source = "user";
    rc = sym_fact_add(store, &in, &id, &existed);
    if (rc == SYM_ERR_INVALID)
        rc = sym_buf_puts(call->out, SYM_TR(call->lang, "That is too long to remember.",
                                            "Это слишком длинно, чтобы запомнить."));
    else if (rc)
        rc = store_error(call, store, rc);
    else if (existed)
        rc = sym_buf_printf(
            call->out,
            SYM_TR(call->lang, "I already know that (#%lld).", "Я это уже знаю (#%lld)."), id);
    else {
        rc = sym_buf_printf(call->out,
                            SYM_TR(call->lang, "Remembered (#%lld): ", "Запомнил (#%lld): "), id);
        if (!rc)
            rc = put_sentence(call->out, text);
    }
    free(text);
    return rc;
}

/* ---- /forget ---- */

/* The id in "12" or "#12"; 0 when s is not one. */
static long long parse_id(const char *s)
{
    long long id;
    char *end;

    if (*s == '#')
        s++;
    if (*s < '0' || *s > '9')
        return 0;
    id = strtoll(s, &end, 10);
    return *end ? 0 : id;
}

static enum sym_status forget_id(struct sym_call *call, struct sym_store *store, long long id)
{
    struct sym_fact f = {0};
    enum sym_status rc;
    bool found = false;

    rc = sym_fact_get(store, id, &f, &found);
    if (!rc && found)
        rc = sym_fact_forget(store, id, &found);
    if (rc) {
        sym_fact_clear(&f);
        return store_error(call, store, rc);
    }
    if (!found)
        rc = sym_buf_printf(call->out,
                            SYM_TR(call->lang, "There is no memory #%lld (see /memories).",
                                   "Воспоминания #%lld нет (см. /memories)."),
                            id);
    else {
        rc = sym_buf_printf(call->out, SYM_TR(call->lang, "Forgot #%lld: ", "Забыл #%lld: "), id);
        if (!rc)
            rc = put_sentence(call->out, f.text);
    }
    sym_fact_clear(&f);
    return rc;
}

/* Whether a and b are the same once normalised (case, punctuation, spacing). */
static bool same_text(const char *a, const char *b)
{
    char *na = sym_normalize(a), *nb = sym_normalize(b);
    bool same = na && nb && !strcmp(na, nb);

    free(na);
    free(nb);
    return same;
}

static enum sym_status list_facts(struct sym_call *call, const struct sym_facts *list)
{
    enum sym_status rc = SYM_OK;
    size_t i;

    for (i = 0; i < list->n && !rc; i++) {
        rc = sym_buf_printf(call->out, "\n  #%lld  %s", list->items[i].id, list->items[i].text);
        if (!rc && list->items[i].pinned)
            rc = sym_buf_puts(call->out, SYM_TR(call->lang, " (pinned)", " (закреплено)"));
    }
    return rc;
}

/* The turns found, each as "  conversation N, SPEAKER, DATE: TEXT" (cut to TURN_CHARS). */
static enum sym_status list_turns(struct sym_call *call, const struct sym_turn_hits *list)
{
    enum sym_status rc = SYM_OK;
    size_t i;

    if (list->n)
        rc = sym_buf_puts(
            call->out, SYM_TR(call->lang, "\nFrom our conversations:", "\nИз наших разговоров:"));
    for (i = 0; i < list->n && !rc; i++) {
        const struct sym_turn_hit *h = &list->items[i];
        size_t len = strlen(h->text), chars = 0, cut = 0;
        struct tm tm;
        char date[40] = "";

        if (sym_clock_local(h->time, NULL, &tm))
            snprintf(date, sizeof date, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday);
        /* Cut at a character boundary (a UTF-8 lead byte). */
        while (cut < len && (chars < TURN_CHARS || ((unsigned char)h->text[cut] & 0xC0) == 0x80)) {
            if (((unsigned char)h->text[cut] & 0xC0) != 0x80)
                chars++;
            cut++;
        }
        rc = sym_buf_printf(call->out,
                            SYM_TR(call->lang, "\n  conversation %lld, %s, %s: %.*s%s",
                                   "\n  разговор %lld, %s, %s: %.*s%s"),
                            h->conversation_id, h->speaker, date, (int)cut, h->text,
                            cut < len ? "..." : "");
    }
    return rc;
}

static enum sym_status forget_text(struct sym_call *call, struct sym_store *store, const char *text)
{
    struct sym_facts hits = {0};
    enum sym_status rc;
    size_t i, pick = (size_t)-1;

    rc = sym_fact_search_words(store, text, FORGET_LIMIT, &hits); /* only what the words say */
    if (rc)
        return store_error(call, store, rc);
    for (i = 0; i < hits.n; i++)
        if (same_text(hits.items[i].text, text)) {
            pick = i;
            break;
        }
    /* Only the fact's own words delete at once; a near match, even a single one, is asked
     * about first, as several are. */
    if (pick != (size_t)-1) {
        rc = forget_id(call, store, hits.items[pick].id);
    } else if (!hits.n) {
        rc = sym_buf_printf(call->out,
                            SYM_TR(call->lang, "I don't remember anything like \"%s\".",
                                   "Я не помню ничего похожего на «%s»."),
                            text);
    } else {
        rc = sym_buf_puts(
            call->out,
            hits.n == 1 ? SYM_TR(call->lang, "Is this the one to forget?", "Забыть вот это?")
                        : SYM_TR(call->lang, "Which one should I forget?", "Что из этого забыть?"));
        if (!rc)
            rc = list_facts(call, &hits);
        if (!rc)
            rc = sym_buf_puts(call->out,
                              SYM_TR(call->lang, "\nSay /forget ID.", "\nСкажите /forget НОМЕР."));
    }
    sym_facts_free(&hits);
    return rc;
}

static enum sym_status forget(struct sym_call *call)
{
    struct sym_store *store = sym_assistant_store(call->assistant);
    const char *arg = arg_text(call);
    long long id;

    if (!store)
        return no_store(call);
    if (!arg)
        return sym_buf_puts(
            call->out,
            SYM_TR(call->lang, "Usage: /forget ID or /forget TEXT (the numbers /memories shows)",
                   "Использование: /forget НОМЕР или /forget ТЕКСТ (номера из "
                   "/memories)"));
    id = parse_id(arg);
    if (id > 0)
        return forget_id(call, store, id);
    return forget_text(call, store, arg);
}

/* ---- /pin, /unpin ---- */

static enum sym_status pin(struct sym_call *call, bool pinned)
{
    struct sym_store *store = sym_assistant_store(call->assistant);
    const char *arg = arg_text(call);
    enum sym_status rc;
    bool found = false;
    long long id = arg ? parse_id(arg) : 0;

    if (!store)
        return no_store(call);
    if (id <= 0)
        return sym_buf_puts(call->out, pinned ? SYM_TR(call->lang,
                                                       "Usage: /pin ID (the numbers /memories "
                                                       "shows)",
                                                       "Использование: /pin НОМЕР (номера из "
                                                       "/memories)")
                                              : SYM_TR(call->lang,
                                                       "Usage: /unpin ID (the numbers /memories "
                                                       "shows)",
                                                       "Использование: /unpin НОМЕР (номера из "
                                                       "/memories)"));
    rc = sym_fact_pin(store, id, pinned, &found);
    if (rc)
        return store_error(call, store, rc);
    if (!found)
        return sym_buf_printf(call->out,
                              SYM_TR(call->lang, "There is no memory #%lld (see /memories).",
                                     "Воспоминания #%lld нет (см. /memories)."),
                              id);
    return sym_buf_printf(call->out,
                          pinned ? SYM_TR(call->lang, "Pinned #%lld.", "Закрепил #%lld.")
                                 : SYM_TR(call->lang, "Unpinned #%lld.", "Открепил #%lld."),
                          id);
}

/* ---- /memories ---- */

static enum sym_status memories(struct sym_call *call)
{
    struct sym_store *store = sym_assistant_store(call->assistant);
    const char *query = arg_text(call);
    struct sym_facts list = {0};
    struct sym_turn_hits turns = {0};
    enum sym_status rc;
    long long total = 0;

    if (!store)
        return no_store(call);
    if (query) {
        rc = sym_fact_search(store, query, SEARCH_LIMIT, &list);
        if (!rc)
            rc = sym_turn_search(store, query, TURNS_LIMIT, NULL, &turns);
        if (rc) {
            sym_facts_free(&list);
            return store_error(call, store, rc);
        }
        if (!list.n && !turns.n)
            rc = sym_buf_printf(call->out,
                                SYM_TR(call->lang, "I don't remember anything about \"%s\".",
                                       "Я ничего не помню про «%s»."),
                                query);
        else
            rc = sym_buf_printf(
                call->out,
                SYM_TR(call->lang, "What I remember about \"%s\":", "Что я помню про «%s»:"),
                query);
    } else {
        rc = sym_fact_count(store, &total);
        if (!rc)
            rc = sym_fact_list(store, 0, LIST_LIMIT, &list);
        if (rc)
            return store_error(call, store, rc);
        if (!total)
            rc = sym_buf_puts(call->out,
                              SYM_TR(call->lang,
                                     "I don't know anything about you yet. Tell me with e.g. "
                                     "/remember my sister is Anna.",
                                     "Я пока ничего о вас не знаю. Расскажите, например: "
                                     "/remember мою сестру зовут Анна."));
        else if ((size_t)total > list.n)
            rc = sym_buf_printf(call->out,
                                SYM_TR(call->lang, "I remember %lld things; the newest %zu:",
                                       "Я помню %lld фактов; последние %zu:"),
                                total, list.n);
        else
            rc = sym_buf_printf(
                call->out, SYM_TR(call->lang, "What I remember (%lld):", "Что я помню (%lld):"),
                total);
    }
    if (!rc)
        rc = list_facts(call, &list);
    if (!rc && list.n)
        rc = sym_buf_puts(call->out, SYM_TR(call->lang, "\n/forget ID removes one.",
                                            "\n/forget НОМЕР удаляет запись."));
    if (!rc)
        rc = list_turns(call, &turns);
    sym_facts_free(&list);
    sym_turn_hits_free(&turns);
    return rc;
}

static enum sym_status memory_handle(struct sym_call *call)
{
    const char *name = call->command->name;

    if (!strcmp(name, "forget"))
        return forget(call);
    if (!strcmp(name, "memories"))
        return memories(call);
    if (!strcmp(name, "pin"))
        return pin(call, true);
    if (!strcmp(name, "unpin"))
        return pin(call, false);
    return remember(call);
}

/* The commands' arguments as tools (core/module.h). */
static const struct sym_arg remember_args[] = {
    {"text", SYM_ARG_STRING, 1, "the fact about the user, as a sentence: \"my sister is Anna\""},
    {0},
};
static const struct sym_arg forget_args[] = {
    {"fact", SYM_ARG_STRING, 1,
     "the fact's number (as the memories tool lists it) or words of its text"},
    {0},
};
static const struct sym_arg memories_args[] = {
    {"query", SYM_ARG_STRING, 0, "words to search the remembered facts for; omit to list them all"},
    {0},
};
static const struct sym_arg id_args[] = {
    {"id", SYM_ARG_INTEGER, 1, "the fact's number, as the memories tool lists it"},
    {0},
};

static const struct sym_command memory_commands[] = {
    {"remember",
     "запомни запомнить",
     "/remember TEXT",
     {"remember a fact about you", "запомнить факт о вас"},
     "/remember my sister is Anna\nremember that I prefer tea\nзапомни, что я живу в Казани",
     SYM_TOOL_WRITES,
     remember_args},
    {"forget",
     "забудь забыть",
     "/forget ID | TEXT",
     {"forget a fact, by its number or its text", "забыть факт по номеру или по тексту"},
     "/forget 3\n/forget my sister is Anna",
     SYM_TOOL_DESTROYS,
     forget_args},
    {"memories",
     "память воспоминания",
     "/memories [QUERY]",
     {"what I remember about you, or about QUERY", "что я помню о вас или о QUERY"},
     "/memories\n/memories sister\nwhat do you know about me",
     SYM_TOOL_READS,
     memories_args},
    {"pin",
     "закрепить закрепи",
     "/pin ID",
     {"pin a fact: it ranks higher and is marked", "закрепить факт: он выше в поиске и отмечен"},
     "/pin 3",
     SYM_TOOL_WRITES,
     id_args},
    {"unpin",
     "открепить открепи",
     "/unpin ID",
     {"unpin a fact", "открепить факт"},
     "/unpin 3",
     SYM_TOOL_WRITES,
     id_args},
    {NULL, NULL, NULL, {NULL, NULL}, NULL, SYM_TOOL_NO, NULL},
};

const struct sym_module sym_module_memory = {
    "memory",
    {"facts you asked me to remember", "факты, которые вы просили запомнить"},
    memory_commands,
    memory_handle,
    NULL,
    NULL,
};
