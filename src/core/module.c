/*
 * module.c: lookups over a list of modules (module.h). The list itself is the front end's choice
 * (src/modules/registry.h for the program), handed to sym_assistant_init(), so the core never
 * names a concrete module.
 */
#include "core/module.h"

#include <string.h>

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

const struct sym_command *sym_module_find_command(const struct sym_module *const *modules,
                                                  const char *name,
                                                  const struct sym_module **module)
{
    const struct sym_module *const *m;
    const struct sym_command *c;

    for (m = modules; *m; m++)
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
