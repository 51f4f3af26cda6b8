/*
 * registry.h: the modules this program is built with (registry.c), in /help's order. Front ends
 * hand this list to sym_assistant_init() (core/assistant.h); the core never reads it by name.
 */
#ifndef SYM_REGISTRY_H
#define SYM_REGISTRY_H

#include "core/module.h"

/* Every module, NULL-terminated. The chat module is the one with no commands. */
extern const struct sym_module *const sym_modules[];

#endif
