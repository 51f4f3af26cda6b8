/*
 * registry.c: the list of modules (registry.h). Lookups over a list are the core's
 * (core/module.h), so the core never needs this file.
 *
 * To add a module: write src/modules/NAME.c defining `const struct sym_module sym_module_NAME`,
 * and add the line `X(NAME)` to the list below. Order matters only for /help, which lists modules
 * in this order.
 */
#include "modules/registry.h"

/* The modules, one line each. */
#define SYM_MODULE_LIST(X)                                                                         \
    X(help)                                                                                        \
    X(system)                                                                                      \
    X(time)                                                                                        \
    X(remind)                                                                                      \
    X(memory)                                                                                      \
    X(feedback)                                                                                    \
    X(cloud)                                                                                       \
    X(chat)

#define DECLARE_MODULE(name) extern const struct sym_module sym_module_##name;
#define MODULE_ENTRY(name) &sym_module_##name,

SYM_MODULE_LIST(DECLARE_MODULE)

const struct sym_module *const sym_modules[] = {SYM_MODULE_LIST(MODULE_ENTRY) NULL};
