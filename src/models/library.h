/*
 * library.h: the user's model library, the GGUF files in $XDG_DATA_HOME/symbiot/models/.
 *
 * A model's library name is its file name without ".gguf" (what `symbiot pull` saved it as).
 * `-m NAME`, `model = NAME` and SYMBIOT_MODEL=NAME all go through sym_models_resolve(): an
 * existing path wins, then a file in the library, then a catalogue name (catalog.h) whose file is
 * in the library. The default model, used when none is configured, is the name stored in the
 * library's `default` file (`symbiot models default NAME`), or else the only model installed.
 * Nothing here touches the network.
 */
#ifndef SYM_LIBRARY_H
#define SYM_LIBRARY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/status.h"

#define SYM_MODELS_PATH_MAX 4096

struct sym_model_file {
    char *name;    /* file name without ".gguf"; owned */
    char *path;    /* full path; owned */
    uint64_t size; /* bytes */
    time_t mtime;  /* when it was written */
};

/* The library's directory ($XDG_DATA_HOME/symbiot/models) into out; SYM_ERR_NOT_FOUND when
 * neither XDG_DATA_HOME nor HOME is set. Creates nothing. */
enum sym_status sym_models_dir(char *out, size_t size);

/* Every *.gguf regular file in the library, sorted by name. A missing directory is an empty
 * library. The caller frees with sym_models_list_free(). */
enum sym_status sym_models_list(struct sym_model_file **out, size_t *n);
void sym_models_list_free(struct sym_model_file *list, size_t n);

/*
 * What `-m what` means: an existing path (as given), else a library file named what or
 * what.gguf, else the library file of the catalogue entry what names, else what itself when it
 * looks like a path (a '/' or ".gguf": the model loader then says what is wrong with it).
 * Otherwise SYM_ERR_NOT_FOUND with a one-line message in err (naming `symbiot pull` when what is
 * a catalogue name not pulled yet).
 */
enum sym_status sym_models_resolve(const char *what, char *out, size_t size, char *err,
                                   size_t errlen);

/*
 * The default model's path: the library's `default` file when it names a model that is there,
 * else the only model when exactly one is installed. SYM_ERR_NOT_FOUND for an empty library,
 * SYM_ERR_INVALID for several models and no default, or a default that was removed; err says so.
 */
enum sym_status sym_models_default(char *out, size_t size, char *err, size_t errlen);

/* The name stored as the default ("" when none) into out. */
enum sym_status sym_models_default_name(char *out, size_t size);

/* Make the library model that name resolves to the default. SYM_ERR_NOT_FOUND when it is not in
 * the library (a path outside it is refused too: the library is what `models` manages). */
enum sym_status sym_models_set_default(const char *name, char *err, size_t errlen);

/* Delete the library model name (and its default mark). The file's path goes into removed.
 * SYM_ERR_NOT_FOUND when no library model has that name; only files inside the library are ever
 * deleted. */
enum sym_status sym_models_remove(const char *name, char *removed, size_t size, char *err,
                                  size_t errlen);

/* The library name of path when path is a file in the library directory, else NULL. out gets the
 * name. */
const char *sym_models_name_of(const char *path, char *out, size_t size);

#endif
