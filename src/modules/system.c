/*
 * system.c: the system module: the session itself. /reset starts a new conversation, /stats shows
 * the model, the context and the speed of the last answer, /model switches the model (a file, or
 * a library name resolved here with models/library.h, so the core only ever sees a path), /quit
 * leaves.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/module.h"
#include "memory/facts.h"
#include "memory/store.h"
#include "models/library.h"

static double per_second(int n, double ms)
{
    return ms > 0 && n > 0 ? n * 1000.0 / ms : 0;
}

/* "memory: PATH, N pending reminder(s)", or why there is no database. */
static enum sym_status memory_line(struct sym_call *call)
{
    struct sym_store *store = sym_assistant_store(call->assistant);
    struct sym_reminders pending = {0};
    long long facts = 0;
    enum sym_status rc;

    if (!store)
        return sym_buf_puts(call->out, SYM_TR(call->lang, "memory: no database open\n",
                                              "память: база данных не открыта\n"));
    if (sym_store_pending_reminders(store, &pending) || sym_fact_count(store, &facts))
        return sym_buf_printf(call->out, "memory: %s\n", sym_store_errmsg(store));
    rc = sym_buf_printf(call->out,
                        SYM_TR(call->lang, "memory: %s, %lld fact(s), %zu pending reminder(s)\n",
                               "память: %s, фактов: %lld, ожидающих напоминаний: %zu\n"),
                        sym_store_path(store), facts, pending.n);
    sym_reminders_free(&pending);
    return rc;
}

/* "recalled facts: #3 #7" for the last chat turn. */
static enum sym_status recalled_line(struct sym_call *call, const struct sym_assistant_stats *st)
{
    enum sym_status rc;
    int i;

    rc = sym_buf_puts(call->out, SYM_TR(call->lang, "recalled facts:", "вспомненные факты:"));
    for (i = 0; !rc && i < st->n_last_recalled; i++)
        rc = sym_buf_printf(call->out, " #%lld", st->last_recalled[i]);
    if (!rc && !st->n_last_recalled)
        rc = sym_buf_puts(call->out, SYM_TR(call->lang, " none", " нет"));
    return rc ? rc : sym_buf_puts(call->out, "\n");
}

static enum sym_status stats(struct sym_call *call)
{
    const struct sym_assistant_stats *st = sym_assistant_get_stats(call->assistant);
    const struct sym_llm *llm = sym_assistant_llm(call->assistant);
    const struct sym_gen_stats *s = &st->last;
    enum sym_lang l = call->lang;
    long up = (long)difftime(time(NULL), st->started);
    enum sym_status rc;

    rc = sym_buf_printf(call->out, "%s %ldh %02ldm %02lds\n", SYM_TR(l, "uptime:", "время работы:"),
                        up / 3600, up / 60 % 60, up % 60);
    if (!rc)
        rc = memory_line(call);
    if (!rc && !llm)
        return sym_buf_puts(call->out, SYM_TR(l, "model: none loaded", "модель: не загружена"));
    if (!rc)
        rc = sym_buf_printf(call->out, "%s %s\n", SYM_TR(l, "model:", "модель:"),
                            sym_llm_describe(llm));
    if (!rc)
        rc = sym_buf_printf(call->out,
                            SYM_TR(l, "context: %d of %d tokens in use, %d threads\n",
                                   "контекст: занято %d из %d токенов, потоков: %d\n"),
                            sym_llm_n_cached(llm), sym_llm_n_ctx(llm), sym_llm_n_threads(llm));
    if (!rc)
        rc = sym_buf_printf(call->out,
                            SYM_TR(l, "conversation: %d turn(s) kept, %d answered this session\n",
                                   "разговор: хранится реплик: %d, ответов за сеанс: %d\n"),
                            sym_assistant_n_turns(call->assistant), st->n_chat_turns);
    if (!rc && st->have_last)
        rc = sym_buf_printf(
            call->out,
            SYM_TR(
                l,
                "last answer: prompt %d tokens (%d evaluated, %d from cache), %d generated\n"
                "  time to first token %.1f ms, prompt %.1f tokens/s, generation %.1f tokens/s\n",
                "последний ответ: запрос %d токенов (вычислено %d, из кэша %d), "
                "сгенерировано %d\n"
                "  до первого токена %.1f мс, запрос %.1f ток/с, генерация %.1f ток/с\n"),
            s->n_prompt, s->n_evaluated, s->n_prompt - s->n_evaluated, s->n_generated, s->ttft_ms,
            per_second(s->n_evaluated, s->prompt_ms), per_second(s->n_generated - 1, s->gen_ms));
    if (!rc && st->have_last)
        rc = recalled_line(call, st);
    if (!rc)
        rc = sym_buf_printf(call->out,
                            SYM_TR(l, "session: %lld tokens evaluated, %lld generated",
                                   "сеанс: вычислено %lld токенов, сгенерировано %lld"),
                            st->total_evaluated, st->total_generated);
    return rc;
}

static enum sym_status switch_model(struct sym_call *call)
{
    char path[SYM_MODELS_PATH_MAX], err[1024];
    enum sym_status rc;

    if (call->parse->argc != 1)
        return sym_buf_puts(call->out, SYM_TR(call->lang, "Usage: /model PATH|NAME",
                                              "Использование: /model ПУТЬ|ИМЯ"));
    rc = sym_models_resolve(call->parse->argv[0], path, sizeof path, err, sizeof err);
    if (rc) { /* a name that is neither a file nor in the library */
        sym_assistant_set_error(call->assistant, "%s", err);
        return rc;
    }
    rc = sym_assistant_switch_model(call->assistant, path);
    if (rc)
        return rc;
    return sym_buf_printf(call->out, SYM_TR(call->lang, "Now using %s.", "Теперь модель: %s."),
                          sym_llm_describe(sym_assistant_llm(call->assistant)));
}

static enum sym_status system_handle(struct sym_call *call)
{
    const char *name = call->command->name;

    if (!strcmp(name, "reset")) {
        sym_assistant_reset(call->assistant);
        return sym_buf_puts(call->out,
                            SYM_TR(call->lang, "Conversation cleared.", "Разговор начат заново."));
    }
    if (!strcmp(name, "stats"))
        return stats(call);
    if (!strcmp(name, "model"))
        return switch_model(call);
    call->turn->quit = true; /* quit */
    return SYM_OK;
}

static const struct sym_command system_commands[] = {
    {"reset",
     "new сброс",
     "/reset",
     {"forget this conversation and start a new one", "забыть этот разговор и начать новый"},
     NULL,
     SYM_TOOL_NO,
     NULL},
    {"stats",
     "статистика",
     "/stats",
     {"model, context use and speed of the last answer",
      "модель, заполнение контекста и скорость последнего ответа"},
     NULL,
     SYM_TOOL_READS,
     NULL},
    {"model",
     "модель",
     "/model PATH|NAME",
     {"switch to another GGUF model (a file, or a name from `symbiot models`)",
      "переключиться на другую модель GGUF (файл или имя из `symbiot models`)"},
     "/model ~/models/qwen2.5-1.5b-instruct-q4_k_m.gguf",
     SYM_TOOL_NO,
     NULL},
    {"quit",
     "exit q выход",
     "/quit",
     {"leave (also Ctrl-D)", "выйти (или Ctrl-D)"},
     NULL,
     SYM_TOOL_NO,
     NULL},
    {NULL, NULL, NULL, {NULL, NULL}, NULL, SYM_TOOL_NO, NULL},
};

const struct sym_module sym_module_system = {
    "system",
    {"the session: conversation, model, statistics", "сеанс: разговор, модель, статистика"},
    system_commands,
    system_handle,
    NULL,
    NULL,
};
