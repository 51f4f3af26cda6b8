/*
 * cloud.c: the cloud module: /cloud QUESTION sends one question to the remote backend (in auto
 * mode the only way a question leaves the machine while a local model is loaded), and /privacy
 * shows where answers come from and exactly what a remote request would carry.
 *
 * Both lean on the assistant (core/assistant.h), which owns the routing and builds the outgoing
 * messages in one place, so /privacy shows the very request /cloud would send.
 */
#include <stdio.h>
#include <string.h>

#include "core/module.h"

/* The words after the command, as typed (quotes and all). */
static const char *rest_of_line(const struct sym_call *call)
{
    const char *p = call->input;

    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '/')
        p += strcspn(p, " \t");
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

static enum sym_status cloud(struct sym_call *call)
{
    const char *q = rest_of_line(call);

    if (!q[0])
        return sym_buf_puts(call->out, SYM_TR(call->lang, "Usage: /cloud QUESTION",
                                              "Использование: /cloud ВОПРОС"));
    call->turn->kind = SYM_TURN_CHAT; /* streamed like any answer, not collected */
    return sym_assistant_chat_remote(call, q);
}

static enum sym_status privacy(struct sym_call *call)
{
    struct sym_assistant *a = call->assistant;
    struct sym_backend *remote = sym_assistant_remote(a);
    const char *q = rest_of_line(call);
    enum sym_lang l = call->lang;
    const struct sym_config *cfg;
    enum sym_status rc;

    if (!remote)
        return sym_buf_puts(call->out,
                            SYM_TR(l,
                                   "Backend: local. Nothing you type is sent anywhere: no remote "
                                   "backend is configured.",
                                   "Режим: локальный. Ничего из того, что вы пишете, никуда не "
                                   "отправляется: удалённый сервер не настроен."));
    cfg = sym_assistant_config(a);
    rc = sym_buf_printf(
        call->out, "%s %s\n%s %s\n", SYM_TR(l, "Backend:", "Режим:"),
        sym_assistant_routes_remote(a)
            ? SYM_TR(l, "remote: every chat message goes to the remote backend",
                     "удалённый: каждое сообщение уходит на удалённый сервер")
            : SYM_TR(l, "auto: answers are local; only /cloud QUESTION goes to the remote backend",
                     "авто: отвечает локальная модель; на удалённый сервер уходит только "
                     "/cloud ВОПРОС"),
        SYM_TR(l, "Remote:", "Сервер:"), sym_backend_describe(remote));
    if (!rc)
        rc = sym_buf_puts(
            call->out,
            cfg->share_memory
                ? SYM_TR(l,
                         "Memories and conversation history: SENT with each remote message "
                         "(share_memory is on).\n",
                         "Память и история разговора: ОТПРАВЛЯЮТСЯ с каждым сообщением на сервер "
                         "(share_memory включён).\n")
                : SYM_TR(l,
                         "Memories and conversation history: not sent (share_memory is off; turn "
                         "it on with --share-memory).\n",
                         "Память и история разговора: не отправляются (share_memory выключен; "
                         "включается --share-memory).\n"));
    if (!rc)
        rc = sym_buf_printf(call->out,
                            SYM_TR(l, "A remote message \"%s\" would be sent exactly as:\n\n",
                                   "Сообщение «%s» было бы отправлено ровно так:\n\n"),
                            q[0] ? q : SYM_TR(l, "QUESTION", "ВОПРОС"));
    if (!rc)
        rc = sym_assistant_remote_request(a, q[0] ? q : SYM_TR(l, "QUESTION", "ВОПРОС"), call->out);
    return rc;
}

static enum sym_status cloud_handle(struct sym_call *call)
{
    return !strcmp(call->command->name, "cloud") ? cloud(call) : privacy(call);
}

static const struct sym_command cloud_commands[] = {
    {"cloud",
     "облако",
     "/cloud QUESTION",
     {"ask the remote backend this one question (backend auto or remote)",
      "задать этот вопрос удалённому серверу (режим auto или remote)"},
     "/cloud Summarise the theory of relativity in three sentences",
     SYM_TOOL_NO,
     NULL},
    {"privacy",
     "приватность",
     "/privacy [QUESTION]",
     {"where answers come from, and exactly what a remote request would send",
      "откуда берутся ответы и что именно ушло бы на удалённый сервер"},
     "/privacy What is my sister's name?",
     SYM_TOOL_NO,
     NULL},
    {NULL, NULL, NULL, {NULL, NULL}, NULL, SYM_TOOL_NO, NULL},
};

const struct sym_module sym_module_cloud = {
    "cloud",
    {"the remote backend: /cloud, and what leaves this computer",
     "удалённый сервер: /cloud и что уходит с компьютера"},
    cloud_commands,
    cloud_handle,
    NULL,
    NULL,
};
