/*
 * load.h: model loading shared inside the LLM module (llm.c, embed.c): the file checks that give
 * the common mistakes a precise message, and llama.cpp's load error put into words. Includes
 * llama.h, so only src/llm includes this header.
 */
#ifndef SYM_LOAD_H
#define SYM_LOAD_H

#include <stddef.h>

#include "llama.h"

#include "base/status.h"

/*
 * Check path (exists, a file, GGUF magic) and load it with n_gpu_layers offloaded (-1 = all).
 * SYM_ERR_NOT_FOUND, SYM_ERR_IO or SYM_ERR_MODEL with a one-line message in err, *out NULL; on
 * success the caller frees *out with llama_model_free().
 */
enum sym_status sym_llm_load_model(const char *path, int n_gpu_layers, struct llama_model **out,
                                   char *err, size_t errlen);

#endif
