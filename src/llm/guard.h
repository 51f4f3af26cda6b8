/*
 * guard.h: llama.cpp calls that can throw, wrapped so that C never sees a C++ exception.
 *
 * llama.cpp's tokenizer throws std::out_of_range when a SentencePiece vocabulary without byte
 * tokens meets a character it cannot represent (an emoji given to a small story model); an
 * exception reaching C code aborts the process. These wrappers catch everything and report
 * failure instead. Part of the LLM module: only src/llm includes llama.h.
 */
#ifndef SYM_GUARD_H
#define SYM_GUARD_H

#include <stdbool.h>
#include <stdint.h>

#include "llama.h"

#ifdef __cplusplus
extern "C" {
#endif

/* llama_tokenize(); *failed is set when it threw (the result is then 0). */
int32_t sym_guard_tokenize(const struct llama_vocab *vocab, const char *text, int32_t len,
                           llama_token *tokens, int32_t n_max, bool add_special, bool parse_special,
                           bool *failed);

#ifdef __cplusplus
}
#endif

#endif
