/*
 * conversations.c: the CLI's side of the stored conversations: `symbiot conversations` (text, or
 * a JSON array with --json), `conversations rm ID | --all` (alias `delete`), and --resume, which
 * puts the most recent conversation back into the assistant before the first input.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "memory/conversations.h"
#include "memory/store.h"

static int print_json(const struct sym_conversations *list)
{
    cJSON *arr = cJSON_CreateArray();
    char *text = NULL, started[64], updated[64];
    int code = CLI_EXIT_FAIL;
    size_t i;

    for (i = 0; arr && i < list->n; i++) {
        const struct sym_conversation *c = &list->items[i];
        cJSON *o = cJSON_CreateObject();

        if (!o || !cJSON_AddItemToArray(arr, o))
            goto out;
        cli_iso_local(c->started, started, sizeof started);
        cli_iso_local(c->updated, updated, sizeof updated);
        if (!cJSON_AddNumberToObject(o, "id", (double)c->id) ||
            !cJSON_AddStringToObject(o, "started", started) ||
            !cJSON_AddStringToObject(o, "updated", updated) ||
            !cJSON_AddNumberToObject(o, "turns", (double)c->n_turns) ||
            !cJSON_AddStringToObject(o, "title", c->title))
            goto out;
    }
    text = arr ? cJSON_PrintUnformatted(arr) : NULL;
    if (text) {
        puts(text);
        code = CLI_EXIT_OK;
    }
out:
    if (code)
        cli_error("out of memory");
    free(text);
    cJSON_Delete(arr);
    return code;
}

/* --json after a delete: {"id": ID, "deleted": 1}, or {"deleted": N} for --all (id 0). */
static int deleted_json(long long id, size_t n)
{
    cJSON *o = cJSON_CreateObject();

    if (o && ((id && !cJSON_AddNumberToObject(o, "id", (double)id)) ||
              !cJSON_AddNumberToObject(o, "deleted", (double)n))) {
        cJSON_Delete(o);
        o = NULL;
    }
    return cli_json_out(o);
}

/* A deleted conversation's saved KV state could not be deleted: say where it is. */
static void cli_warn_state(long long id)
{
    fprintf(stderr,
            "symbiot: warning: the saved model state of conversation #%lld could not be "
            "deleted: remove conv-%lld.kv in ~/.cache/symbiot/kv ($XDG_CACHE_HOME/symbiot/kv)\n",
            id, id);
}

/* Delete one conversation (cli->delete_id) or, with --all, every one in one transaction. */
static int delete_conversations(struct cli *cli, struct sym_store *store)
{
    struct sym_conversations list = {0};
    bool found = false;
    size_t i;

    if (!cli->all) {
        if (sym_conversation_delete(store, cli->delete_id, &found))
            goto fail;
        if (!found) {
            cli_error_as(CLI_ERR_NOT_FOUND, "no conversation #%lld", cli->delete_id);
            return CLI_EXIT_FAIL;
        }
        if (sym_assistant_forget_state(cli->delete_id))
            cli_warn_state(cli->delete_id);
        if (cli->json)
            return deleted_json(cli->delete_id, 1);
        printf("#%lld deleted\n", cli->delete_id);
        return CLI_EXIT_OK;
    }
    if (sym_conversation_list(store, &list) || sym_store_begin(store))
        goto fail;
    for (i = 0; i < list.n; i++)
        if (sym_conversation_delete(store, list.items[i].id, &found)) {
            sym_store_rollback(store);
            goto fail;
        }
    if (sym_store_commit(store)) {
        sym_store_rollback(store);
        goto fail;
    }
    for (size_t k = 0; k < list.n; k++)
        if (sym_assistant_forget_state(list.items[k].id))
            cli_warn_state(list.items[k].id);
    sym_conversations_free(&list);
    if (cli->json)
        return deleted_json(0, i);
    printf("deleted %zu conversation%s\n", i, i == 1 ? "" : "s");
    return CLI_EXIT_OK;
fail:
    cli_error("%s", sym_store_errmsg(store));
    sym_conversations_free(&list);
    return CLI_EXIT_FAIL;
}

int cli_conversations(struct cli *cli, struct sym_store *store)
{
    struct sym_conversations list = {0};
    char started[64];
    int code = CLI_EXIT_OK;
    size_t i;

    if (cli->all || cli->delete_id)
        return delete_conversations(cli, store);
    if (sym_conversation_list(store, &list)) {
        cli_error("%s", sym_store_errmsg(store));
        return CLI_EXIT_FAIL;
    }
    if (cli->json) {
        code = print_json(&list);
    } else if (!list.n) {
        puts("No conversations yet.");
    } else {
        for (i = 0; i < list.n; i++) {
            const struct sym_conversation *c = &list.items[i];

            cli_iso_local(c->started, started, sizeof started);
            cli_printf(stdout, "#%lld  %s  %lld turn%s  %s\n", c->id, started, c->n_turns,
                       c->n_turns == 1 ? "" : "s", c->title);
        }
    }
    sym_conversations_free(&list);
    return code;
}

void cli_resume(struct sym_assistant *a)
{
    struct sym_store *store = sym_assistant_store(a);
    long long id = 0;
    bool found = false;
    char msg[128];

    if (!store) {
        cli_error("cannot resume: there is no memory database; starting a new conversation");
        return;
    }
    if (sym_conversation_latest(store, &id, &found)) {
        cli_error("cannot resume: %s; starting a new conversation", sym_store_errmsg(store));
        return;
    }
    if (!found) {
        cli_notice("no previous conversation to resume; starting a new one", NULL);
        return;
    }
    if (sym_assistant_resume(a, id)) {
        cli_error("cannot resume conversation %lld: %s; starting a new one", id,
                  sym_assistant_errmsg(a));
        return;
    }
    snprintf(msg, sizeof msg, "resumed conversation %lld (%d earlier turn%s)", id,
             sym_assistant_n_turns(a), sym_assistant_n_turns(a) == 1 ? "" : "s");
    cli_notice(msg, NULL);
}
