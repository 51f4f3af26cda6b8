/*
 * inject.h: forced in front of every C file of the fault-injection build of the core
 * (tests/CMakeLists.txt: symbiot_core_faults, `-include`), so that each allocation Symbiot's own
 * code makes goes through fault.c, where a test can make the Nth one fail. llama.cpp, SQLite and
 * the other libraries are not rebuilt: their allocations stay real (SQLite's are routed through
 * fault.c at run time by the test, with sqlite3_config).
 */
#ifndef SYM_FAULT_INJECT_H
#define SYM_FAULT_INJECT_H

#include <stdlib.h>
#include <string.h>

#include "fault.h"

#define malloc(n) sym_fault_malloc(n)
#define calloc(n, size) sym_fault_calloc(n, size)
#define realloc(p, n) sym_fault_realloc(p, n)
#define strdup(s) sym_fault_strdup(s)
#define strndup(s, n) sym_fault_strndup(s, n)

#endif
