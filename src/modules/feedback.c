/*
 * feedback.c: the feedback module: what the user thinks of the last answer, and how they want to
 * be answered.
 *
 *   /good                 the last answer was good ("good answer", "хорошо", "отлично")
 *   /bad [REASON]         it was bad ("bad answer", "плохо", "плохо, слишком длинно")
 *   /correct TEXT         it was wrong, TEXT is right ("неверно, правильно: ...",
 *                         "wrong, the right answer is ...")
 *   /prefs                list the preferences; /prefs add TEXT; /prefs rm ID
 *   "answer shorter", "отвечай по-русски", "no emojis": set a preference
 *
 * Ratings are stored with the answer they rate (memory/feedback.h), so they can be exported for
 * fine-tuning (`symbiot feedback export`). A correction also becomes a fact (tags "correction"):
 * recall puts it into later prompts, so the same mistake is not repeated. Preferences are facts
 * with a "pref:" key (memory/facts.h), one per kind (length, language, emojis, tone), a newer one
 * replacing the older; every prompt carries them. A "bad" whose reason names a preference ("too
 * long", "слишком длинно", "in Russian please") sets that preference too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/module.h"
#include "memory/facts.h"
#include "memory/feedback.h"
#include "modules/feedback.h"
#include "nlp/text.h"

/* A preference the user can state: words that name it (normalised, between spaces: a word of
 * the message must start with one of them) and the fact kept, per language. */
struct pref_kind {
    const char *key;
    const char *words;
    const char *text[SYM_N_LANGS];
};

static const struct pref_kind pref_kinds[] = {
    {"pref:length",
     " short shorter brief briefer concise long корот кратк покороче длинно длинный ",
     {"Keep answers short.", "Отвечай коротко."}},
    {"pref:length",
     " longer detailed detail подробн длиннее развернут ",
     {"Give detailed answers.", "Отвечай подробно."}},
    {"pref:lang", " russian русск ", {"Answer in Russian.", "Отвечай по-русски."}},
    {"pref:lang", " english англ ", {"Answer in English.", "Отвечай по-английски."}},
    {"pref:emoji",
     " emoji emojis emoticons smileys эмодзи смайл ",
     {"Do not use emojis.", "Не используй эмодзи."}},
    {"pref:tone", " formal формальн официальн ", {"Be formal.", "Общайся официально."}},
    {"pref:tone", " informal casual неформальн ", {"Be informal.", "Общайся неформально."}},
};
#define N_PREF_KINDS (sizeof pref_kinds / sizeof pref_kinds[0])

/* Whether word starts with one of the space-separated stems in list (a stem of fewer than four
 * letters must be the whole word). */
static bool word_in(const char *word, const char *list)
{
    const char *p = list;

    while ((p = strchr(p, ' ')) && p[1]) {
        size_t len = strcspn(p + 1, " ");

        if (len >= 2 && !strncmp(word, p + 1, len) && (len >= 4 || strlen(word) == len))
            return true;
        p += 1 + len;
    }
    return false;
}

/* The preference text names, the first kind whose words it has; "too short" / "слишком
 * коротко" asks for the opposite of "short". NULL when none. */
static const struct pref_kind *pref_named(const char *text)
{
    struct sym_words w = {0};
    const struct pref_kind *found = NULL;
    char *norm = sym_normalize(text);
    size_t i, k;

    if (!norm || sym_words_split(norm, &w)) {
        free(norm);
        return NULL;
    }
    for (k = 0; k < N_PREF_KINDS && !found; k++)
        for (i = 0; i < w.n && !found; i++) {
            if (!word_in(w.word[i], pref_kinds[k].words))
                continue;
            found = &pref_kinds[k];
            if (k == 0 && i > 0 && word_in(w.word[i], " short корот кратк ") &&
                word_in(w.word[i - 1], " too слишком "))
                found = &pref_kinds[1];
        }
    sym_words_free(&w);
    free(norm);
    return found;
}

static enum sym_status no_store(struct sym_call *call)
{
    return sym_buf_puts(call->out,
                        SYM_TR(call->lang,
                               "Feedback needs the memory database, which could not be opened.",
                               "Для отзывов нужна база памяти, а её не удалось открыть."));
}

static enum sym_status store_error(struct sym_call *call, enum sym_status rc)
{
    sym_assistant_set_error(call->assistant, "%s",
                            sym_store_errmsg(sym_assistant_store(call->assistant)));
    return rc;
}

/* The text given to a command: the intent's slot, or the arguments. NULL when none. */
static const char *arg_text(const struct sym_call *call)
{
    const struct sym_parse *p = call->parse;
    const char *t = p->natural ? p->slots.text : (p->argc == 1 ? p->argv[0] : p->args);

    while (t && (*t == ' ' || *t == ',' || *t == ':' || *t == '-'))
        t++;
    return t && *t ? t : NULL;
}

/* Say that preference text was kept (known: it was already). */
static enum sym_status say_pref(struct sym_call *call, const char *text, bool known)
{
    return sym_buf_printf(call->out,
                          known
                              ? SYM_TR(call->lang, "Already my preference: %s", "Уже учитываю: %s")
                              : SYM_TR(call->lang,
                                       "Preference kept: %s (every answer follows it; "
                                       "/prefs lists them)",
                                       "Запомнил пожелание: %s (учитываю в каждом ответе; "
                                       "список: /prefs)"),
                          text);
}

/* Remember a preference of kind k in the call's language; say so. */
static enum sym_status set_pref(struct sym_call *call, const struct pref_kind *k)
{
    struct sym_store *store = sym_assistant_store(call->assistant);
    const char *text = sym_text(k->text, call->lang);
    enum sym_fact_outcome outcome;
    long long id;
    enum sym_status rc = sym_fact_remember(store, text, k->key, "feedback", &id, &outcome);

    if (rc)
        return store_error(call, rc);
    return say_pref(call, text, outcome == SYM_FACT_KNOWN);
}

enum sym_status sym_feedback_give(struct sym_store *store, long long answer, int rating,
                                  const char *reason, const char *correction, enum sym_lang lang,
                                  struct sym_feedback_outcome *out)
{
    struct sym_fact_input in = {correction, "feedback", "correction", 0, false, 0};
    const struct pref_kind *k = rating < 0 && reason ? pref_named(reason) : NULL;
    enum sym_fact_outcome outcome;
    bool existed;
    enum sym_status rc;

    memset(out, 0, sizeof *out);
    if (!correction) {
        rc = sym_feedback_add(store, answer, rating, reason, NULL, 0, 0, &out->feedback_id);
    } else {
        rc = sym_store_begin(store);
        if (!rc)
            rc = sym_fact_add(store, &in, &out->fact_id, &existed);
        if (!rc)
            rc = sym_feedback_add(store, answer, rating, reason, correction, out->fact_id, 0,
                                  &out->feedback_id);
        if (!rc)
            rc = sym_store_commit(store);
        if (rc)
            sym_store_rollback(store);
    }
    if (rc)
        return rc;
    if (k) {
        out->preference = sym_text(k->text, lang);
        rc = sym_fact_remember(store, out->preference, k->key, "feedback", &out->preference_id,
                               &outcome);
        out->preference_known = outcome == SYM_FACT_KNOWN;
        if (rc)
            out->preference = NULL;
    }
    return rc;
}

/* /good and /bad: rate the last answer. */
static enum sym_status rate(struct sym_call *call, int rating)
{
    struct sym_store *store = sym_assistant_store(call->assistant);
    long long answer = sym_assistant_last_answer(call->assistant);
    const char *reason = rating < 0 ? arg_text(call) : NULL;
    struct sym_feedback_outcome o;
    enum sym_status rc;

    if (!answer)
        return sym_buf_puts(call->out, SYM_TR(call->lang, "There is no answer to rate yet.",
                                              "Пока нечего оценивать: ответа ещё не было."));
    rc = sym_feedback_give(store, answer, rating, reason, NULL, call->lang, &o);
    if (rc)
        return store_error(call, rc);
    rc = sym_buf_puts(call->out, rating > 0 ? SYM_TR(call->lang, "Thanks, noted: a good answer.",
                                                     "Спасибо, отметил: хороший ответ.")
                                            : SYM_TR(call->lang, "Thanks, noted: a bad answer.",
                                                     "Спасибо, отметил: плохой ответ."));
    if (!rc && o.preference) {
        rc = sym_buf_puts(call->out, "\n");
        if (!rc)
            rc = say_pref(call, o.preference, o.preference_known);
    }
    return rc;
}

/* /correct TEXT: rate the last answer with its correction, and remember the correction. */
static enum sym_status correct(struct sym_call *call)
{
    struct sym_store *store = sym_assistant_store(call->assistant);
    long long answer = sym_assistant_last_answer(call->assistant);
    const char *text = arg_text(call);
    struct sym_feedback_outcome o;
    enum sym_status rc;

    if (!text)
        return sym_buf_puts(call->out, SYM_TR(call->lang, "Usage: /correct TEXT (what is right)",
                                              "Использование: /correct ТЕКСТ (как правильно)"));
    if (!answer)
        return sym_buf_puts(call->out, SYM_TR(call->lang, "There is no answer to correct yet.",
                                              "Пока нечего исправлять: ответа ещё не было."));
    rc = sym_feedback_give(store, answer, 0, NULL, text, call->lang, &o);
    if (rc)
        return store_error(call, rc);
    return sym_buf_printf(call->out,
                          SYM_TR(call->lang, "Thanks, corrected. I will remember: %s (fact #%lld)",
                                 "Спасибо, исправил. Запомню: %s (факт #%lld)"),
                          text, o.fact_id);
}

static enum sym_status list_prefs(struct sym_call *call, struct sym_store *store)
{
    struct sym_facts prefs = {0};
    enum sym_status rc = sym_fact_preferences(store, &prefs);
    size_t i;

    if (rc)
        return store_error(call, rc);
    if (!prefs.n)
        rc = sym_buf_puts(call->out,
                          SYM_TR(call->lang,
                                 "No preferences yet. Say \"answer shorter\", \"no emojis\", "
                                 "\"answer in Russian\", or /prefs add TEXT.",
                                 "Пожеланий пока нет. Скажите «отвечай короче», «без эмодзи», "
                                 "«отвечай по-английски» или /prefs add ТЕКСТ."));
    else
        rc = sym_buf_puts(call->out, SYM_TR(call->lang, "Preferences (every answer follows them):",
                                            "Пожелания (учитываю в каждом ответе):"));
    for (i = 0; i < prefs.n && !rc; i++)
        rc = sym_buf_printf(call->out, "\n  #%lld %s", prefs.items[i].id, prefs.items[i].text);
    sym_facts_free(&prefs);
    return rc;
}

/* /prefs rm ID: only a preference can be removed here (other facts: /forget). */
static enum sym_status remove_pref(struct sym_call *call, struct sym_store *store, const char *arg)
{
    struct sym_fact f;
    bool found = false;
    char *end;
    long long id = strtoll(arg ? arg : "", &end, 10);
    enum sym_status rc;

    if (!arg || end == arg || *end || id <= 0)
        return sym_buf_puts(
            call->out, SYM_TR(call->lang, "Usage: /prefs rm ID", "Использование: /prefs rm НОМЕР"));
    rc = sym_fact_get(store, id, &f, &found);
    if (rc)
        return store_error(call, rc);
    if (!found || !sym_fact_is_preference(&f)) {
        if (found)
            sym_fact_clear(&f);
        return sym_buf_printf(call->out,
                              SYM_TR(call->lang, "There is no preference #%lld (see /prefs).",
                                     "Пожелания #%lld нет (см. /prefs)."),
                              id);
    }
    sym_fact_clear(&f);
    rc = sym_fact_forget(store, id, &found);
    if (rc)
        return store_error(call, rc);
    return sym_buf_printf(
        call->out, SYM_TR(call->lang, "Preference #%lld removed.", "Пожелание #%lld удалено."), id);
}

/* /prefs add TEXT: a preference in the user's words; a known kind replaces its older one. */
static enum sym_status add_pref(struct sym_call *call, struct sym_store *store, const char *text)
{
    const struct pref_kind *k;
    enum sym_fact_outcome outcome;
    char key[96];
    char *norm;
    long long id;
    enum sym_status rc;

    if (!text)
        return sym_buf_puts(call->out, SYM_TR(call->lang, "Usage: /prefs add TEXT",
                                              "Использование: /prefs add ТЕКСТ"));
    k = pref_named(text);
    norm = sym_normalize(text);
    if (!norm)
        return SYM_ERR_NOMEM;
    snprintf(key, sizeof key, "%s", k ? k->key : "");
    if (!k) { /* a preference of its own: keyed by its words */
        size_t n;

        snprintf(key, sizeof key, SYM_PREF_KEY_PREFIX "own:%.60s", norm);
        for (n = 0; key[n]; n++)
            if (key[n] == ',')
                key[n] = ' ';
    }
    free(norm);
    rc = sym_fact_remember(store, text, key, "user", &id, &outcome);
    if (rc)
        return store_error(call, rc);
    return sym_buf_printf(
        call->out, SYM_TR(call->lang, "Preference kept: #%lld %s", "Запомнил пожелание: #%lld %s"),
        id, text);
}

static enum sym_status prefs(struct sym_call *call)
{
    struct sym_store *store = sym_assistant_store(call->assistant);
    const struct sym_parse *p = call->parse;
    const char *sub = p->argc ? p->argv[0] : NULL;

    if (!sub || !strcmp(sub, "list"))
        return list_prefs(call, store);
    if (!strcmp(sub, "rm") || !strcmp(sub, "remove") || !strcmp(sub, "delete"))
        return remove_pref(call, store, p->argc == 2 ? p->argv[1] : NULL);
    if (!strcmp(sub, "add")) {
        const char *t = p->args + strspn(p->args, " ");

        t += strcspn(t, " ");
        t += strspn(t, " ");
        return add_pref(call, store, *t ? t : NULL);
    }
    return sym_buf_puts(call->out, SYM_TR(call->lang, "Usage: /prefs [add TEXT | rm ID]",
                                          "Использование: /prefs [add ТЕКСТ | rm НОМЕР]"));
}

/* A stated preference ("answer shorter", "отвечай по-русски"). */
static enum sym_status prefer(struct sym_call *call)
{
    const struct pref_kind *k = pref_named(call->input);

    if (!k)
        return add_pref(call, sym_assistant_store(call->assistant), arg_text(call));
    return set_pref(call, k);
}

static enum sym_status feedback_handle(struct sym_call *call)
{
    const char *name = call->command->name;

    if (!sym_assistant_store(call->assistant))
        return no_store(call);
    if (!strcmp(name, "good"))
        return rate(call, 1);
    if (!strcmp(name, "bad"))
        return rate(call, -1);
    if (!strcmp(name, "correct"))
        return correct(call);
    if (!strcmp(name, "prefer"))
        return prefer(call);
    return prefs(call);
}

static const struct sym_command feedback_commands[] = {
    {"good",
     "хорошо",
     "/good",
     {"the last answer was good", "последний ответ хороший"},
     "/good\ngood answer\nхорошо",
     SYM_TOOL_NO,
     NULL},
    {"bad",
     "плохо",
     "/bad [REASON]",
     {"the last answer was bad (why, if you like)",
      "последний ответ плохой (можно сказать почему)"},
     "/bad too long\nbad answer\nплохо",
     SYM_TOOL_NO,
     NULL},
    {"correct",
     "исправь неверно",
     "/correct TEXT",
     {"the last answer was wrong: TEXT is right (remembered)",
      "последний ответ неверный: правильно ТЕКСТ (запомню)"},
     "/correct The capital of Australia is Canberra\nневерно, правильно: столица Австралии "
     "Канберра",
     SYM_TOOL_NO,
     NULL},
    {"prefs",
     "пожелания",
     "/prefs [add TEXT | rm ID]",
     {"how you want me to answer: list, add, remove",
      "как мне отвечать: список, добавить, удалить"},
     "/prefs\n/prefs add Call me Sasha\n/prefs rm 3",
     SYM_TOOL_NO,
     NULL},
    {"prefer",
     "предпочитаю",
     "/prefer TEXT",
     {"keep a preference: shorter answers, a language, no emojis",
      "запомнить пожелание: короче, язык, без эмодзи"},
     "answer shorter\nотвечай по-русски\nno emojis",
     SYM_TOOL_NO,
     NULL},
    {NULL, NULL, NULL, {NULL, NULL}, NULL, SYM_TOOL_NO, NULL},
};

const struct sym_module sym_module_feedback = {
    "feedback",
    {"your opinion of my answers, and how you want them", "ваши оценки ответов и пожелания к ним"},
    feedback_commands,
    feedback_handle,
    NULL,
    NULL,
};
