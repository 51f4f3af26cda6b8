/*
 * paths.h: where Symbiot keeps its files (XDG base directories).
 *
 * Config: $XDG_CONFIG_HOME/symbiot (default ~/.config/symbiot). Data (history, later the memory
 * database): $XDG_DATA_HOME/symbiot (default ~/.local/share/symbiot). State that is neither
 * (the REPL's history): $XDG_STATE_HOME/symbiot (default ~/.local/state/symbiot). Files that can
 * be rebuilt (saved KV states): $XDG_CACHE_HOME/symbiot (default ~/.cache/symbiot). Directories
 * are created
 * with owner-only permissions (0700): what the user says to their assistant is private.
 */
#ifndef SYM_PATHS_H
#define SYM_PATHS_H

#include <stddef.h>

#include "base/status.h"

/* Write "<config dir>/<name>" into out. SYM_ERR_TOO_LONG if it does not fit, SYM_ERR_NOT_FOUND
 * when neither XDG_CONFIG_HOME nor HOME is set. Does not create anything. */
enum sym_status sym_path_config(char *out, size_t size, const char *name);
/* The same under the data directory. */
enum sym_status sym_path_data(char *out, size_t size, const char *name);
/* The same under the state directory. */
enum sym_status sym_path_state(char *out, size_t size, const char *name);
/* The same under the cache directory ($XDG_CACHE_HOME/symbiot, default ~/.cache/symbiot): files
 * that can be rebuilt, such as saved KV states. */
enum sym_status sym_path_cache(char *out, size_t size, const char *name);
/* Create the directory that holds `file` (and its parents) with mode 0700. */
enum sym_status sym_path_make_parent(const char *file);

#endif
