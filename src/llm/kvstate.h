/*
 * kvstate.h: one sequence's KV state saved to a file and loaded back, so that a conversation
 * resumed after a restart (or a one-shot question with an unchanged system prompt) evaluates only
 * its new tokens.
 *
 * A state file is a cache, never a source of truth: it holds the sequence's tokens and
 * llama.cpp's state for them, under a header with a magic, a version, a key (the model file's
 * path, size and modification time, the chat template and the file's own name, hashed) and a
 * SHA-256 of the payload. All of it is checked before llama.cpp sees a byte: a file that is
 * damaged, of another model or template, or renamed is deleted and reported as missing, so the
 * caller simply evaluates the prompt in full. After a load, sym_llm_generate() still compares
 * the prompt with the loaded tokens and keeps only the common prefix.
 *
 * Files live in one directory (sym_kvstate_dir: $XDG_CACHE_HOME/symbiot/kv, 0700), each 0600,
 * written to a temporary file, fsynced and renamed, so a crash mid-save leaves either the old
 * file or none. A size cap evicts the least recently used files (a load counts as a use).
 *
 * Sequences: today's context has one (0), whose token mirror llm.c keeps; the seq parameter is
 * there for the server's slots. Not thread-safe, like llm.h.
 */
#ifndef SYM_KVSTATE_H
#define SYM_KVSTATE_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "llm/llm.h"

/* The directory of state files, created 0700 when missing. SYM_ERR_NOT_FOUND without HOME and
 * XDG_CACHE_HOME; SYM_ERR_IO when it cannot be created. */
enum sym_status sym_kvstate_dir(char *out, size_t size);

/*
 * Save sequence seq's state to dir/name (name: letters, digits, '-', '_' and '.'; the caller's
 * key: "conv-12", "ask-<hash>"). n_keep >= 0 first cuts the sequence to its first n_keep tokens
 * (the rest of the KV cache is lost); -1 keeps all. An empty sequence saves nothing. Then files
 * are evicted, oldest use first, until the directory holds at most cap bytes. Returns SYM_OK,
 * SYM_ERR_INVALID (bad name), SYM_ERR_NOMEM or SYM_ERR_IO (disk full: no file is left behind).
 */
enum sym_status sym_kvstate_save(struct sym_llm *llm, int seq, const char *dir, const char *name,
                                 int n_keep, uint64_t cap);

/*
 * Load dir/name into sequence seq, replacing what it held. SYM_OK: loaded, and the file's use
 * time renewed. SYM_ERR_NOT_FOUND: no such file. SYM_ERR_INVALID: the file was refused (damaged,
 * truncated, another model or template, more tokens than the context holds, or llama.cpp
 * refused it) and deleted; the sequence is then empty. Other codes: it could not be read.
 */
enum sym_status sym_kvstate_load(struct sym_llm *llm, int seq, const char *dir, const char *name);

/* Delete dir/name if it exists (a conversation deleted: its state holds its text). SYM_ERR_IO
 * when it exists and cannot be deleted. */
enum sym_status sym_kvstate_remove(const char *dir, const char *name);

/* A fingerprint of the tokens now in sequence 0's KV cache: equal fingerprints mean (almost
 * surely) the same tokens, so a caller can tell whether someone else used the cache since. */
uint64_t sym_kvstate_fingerprint(const struct sym_llm *llm);

#endif
