/*
 * chat.c: the chat module: everything that is not a command goes to the language model, with
 * the conversation so far. The conversation and the context policy live in the assistant core
 * (sym_assistant_chat); this module is the registry's name for that path.
 */
#include "core/module.h"

static enum sym_status chat_handle(struct sym_call *call)
{
    return sym_assistant_chat(call);
}

const struct sym_module sym_module_chat = {
    "chat",
    {"anything else: an answer from the language model", "всё остальное: ответ языковой модели"},
    NULL,
    chat_handle,
    NULL,
    NULL,
};
