/*
 * help.c: the help module: /help lists every module and command the assistant routes to (the
 * registry it was given), grouped by module, in the user's language; /help COMMAND shows one
 * command's usage and examples. Because it reads that list, help cannot fall out of date.
 */
#include <string.h>

#include "core/module.h"

static enum sym_status list_all(struct sym_call *call)
{
    const struct sym_module *const *m;
    const struct sym_command *c;
    enum sym_status rc = SYM_OK;

    rc = sym_buf_puts(call->out, SYM_TR(call->lang, "What I can do:\n", "Что я умею:\n"));
    for (m = sym_assistant_modules(call->assistant); *m && !rc; m++) {
        rc = sym_buf_printf(call->out, "\n%s: %s\n", (*m)->name,
                            sym_text((*m)->summary, call->lang));
        for (c = (*m)->commands; c && c->name && !rc; c++)
            rc = sym_buf_printf(call->out, "  %-22s %s\n", c->usage,
                                sym_text(c->summary, call->lang));
    }
    if (!rc)
        rc = sym_buf_puts(call->out, SYM_TR(call->lang,
                                            "\nAnything else is a message to the assistant. "
                                            "/help COMMAND shows details.",
                                            "\nВсё остальное — сообщение ассистенту. "
                                            "/help КОМАНДА — подробности."));
    return rc;
}

static enum sym_status show_one(struct sym_call *call, const char *name)
{
    const struct sym_module *module = NULL;
    const struct sym_command *c;
    enum sym_status rc;

    if (name[0] == '/')
        name++;
    c = sym_module_find_command(sym_assistant_modules(call->assistant), name, &module);
    if (!c) {
        const struct sym_module *const *m;

        for (m = sym_assistant_modules(call->assistant); *m; m++)
            if (!strcmp((*m)->name, name))
                break;
        if (!*m)
            return sym_buf_printf(call->out,
                                  SYM_TR(call->lang,
                                         "There is no command /%s. Type /help for the list.",
                                         "Команды /%s нет. Список: /help."),
                                  name);
        /* A module's name: list its commands. */
        rc = sym_buf_printf(call->out, "%s: %s\n", (*m)->name, sym_text((*m)->summary, call->lang));
        for (c = (*m)->commands; c && c->name && !rc; c++)
            rc = sym_buf_printf(call->out, "  %-22s %s\n", c->usage,
                                sym_text(c->summary, call->lang));
        return rc;
    }
    rc = sym_buf_printf(call->out, "%s\n  %s\n", c->usage, sym_text(c->summary, call->lang));
    if (!rc && c->aliases)
        rc =
            sym_buf_printf(call->out, "%s %s\n", SYM_TR(call->lang, "Also:", "Также:"), c->aliases);
    if (!rc && c->examples) {
        const char *line = c->examples;

        rc = sym_buf_puts(call->out, SYM_TR(call->lang, "Examples:", "Примеры:"));
        while (!rc && *line) {
            size_t n = strcspn(line, "\n");

            rc = sym_buf_printf(call->out, "\n  %.*s", (int)n, line);
            line += n + (line[n] == '\n');
        }
    }
    return rc;
}

static enum sym_status help_handle(struct sym_call *call)
{
    if (call->parse->argc > 0)
        return show_one(call, call->parse->argv[0]);
    return list_all(call);
}

static const struct sym_command help_commands[] = {
    {"help",
     "? h помощь справка",
     "/help [COMMAND]",
     {"list the commands, or show one command's usage", "список команд или справка по одной"},
     "/help\n/help stats\n/help system",
     SYM_TOOL_NO,
     NULL},
    {NULL, NULL, NULL, {NULL, NULL}, NULL, SYM_TOOL_NO, NULL},
};

const struct sym_module sym_module_help = {
    "help", {"what Symbiot can do", "что умеет Symbiot"}, help_commands, help_handle, NULL, NULL,
};
