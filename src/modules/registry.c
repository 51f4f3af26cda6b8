/*
 * registry.c: the list of modules, and lookups over it.
 *
 * To add a module: write src/modules/NAME.c defining `const struct sym_module sym_module_NAME`,
 * and add the line `X(NAME)` to the list below. Order matters only for /help, which lists modules
 * in this order.
 */
#include <string.h>

#include "core/module.h"

/* The modules, one line each. */
#define SYM_MODULE_LIST(X)                                                                         \
    X(help)                                                                                        \
    X(system)                                                                                      \
    X(time)                                                                                        \
    X(remind)                                                                                      \
    X(memory)                                                                                      \
    X(feedback)                                                                                    \
    X(chat)

#define DECLARE_MODULE(name) extern const struct sym_module sym_module_##name;
#define MODULE_ENTRY(name) &sym_module_##name,

SYM_MODULE_LIST(DECLARE_MODULE)

const struct sym_module *const sym_modules[] = {SYM_MODULE_LIST(MODULE_ENTRY) NULL};

/* True when `name` is one of the space-separated words in `list`. */
static int in_list(const char *list, const char *name)
{
    size_t n = strlen(name);

    while (list && *list) {
        size_t len = strcspn(list, " ");

        if (len == n && !strncmp(list, name, n))
            return 1;
        list += len;
        list += strspn(list, " ");
    }
    return 0;
}

const struct sym_command *sym_module_find_command(const char *name,
                                                  const struct sym_module **module)
{
    const struct sym_module *const *m;
    const struct sym_command *c;

    for (m = sym_modules; *m; m++)
        for (c = (*m)->commands; c && c->name; c++)
            if (!strcmp(c->name, name) || in_list(c->aliases, name)) {
                if (module)
                    *module = *m;
                return c;
            }
    return NULL;
}

const char *sym_text(const char *const texts[SYM_N_LANGS], enum sym_lang lang)
{
    return texts[lang] ? texts[lang] : texts[SYM_LANG_EN];
}
