/*
 * module.c: lookups over a list of modules (module.h). The list itself is the front end's choice
 * (src/modules/registry.h for the program), handed to sym_assistant_init(), so the core never
 * names a concrete module.
 */
#include "core/module.h"

#include <stdio.h>
#include <string.h>

#include "nlp/text.h"

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

int sym_typo_limit(const char *word)
{
    return strlen(word) <= 4 ? 1 : 2;
}

/* Weigh one candidate (len bytes at word) against name; keep it in out when it is the nearest. */
static void weigh(const char *name, const char *word, size_t len, int *best, char *out, size_t size)
{
    char w[64];
    int d;

    if (len >= sizeof w)
        return;
    memcpy(w, word, len);
    w[len] = '\0';
    d = sym_edit_distance(name, w, *best - 1);
    if (d < *best) {
        *best = d;
        snprintf(out, size, "%s", w);
    }
}

bool sym_module_suggest(const struct sym_module *const *modules, const char *name, char *out,
                        size_t size)
{
    const struct sym_module *const *m;
    const struct sym_command *c;
    int best = sym_typo_limit(name) + 1;

    if (!size)
        return false;
    out[0] = '\0';
    for (m = modules; *m; m++)
        for (c = (*m)->commands; c && c->name; c++) {
            const char *list = c->aliases;

            weigh(name, c->name, strlen(c->name), &best, out, size);
            while (list && *list) {
                size_t len = strcspn(list, " ");

                weigh(name, list, len, &best, out, size);
                list += len;
                list += strspn(list, " ");
            }
        }
    return out[0] != '\0';
}

const char *sym_text(const char *const texts[SYM_N_LANGS], enum sym_lang lang)
{
    return texts[lang] ? texts[lang] : texts[SYM_LANG_EN];
}
