/*
 * guard.cpp: the one C++ file of Symbiot: catch the exceptions llama.cpp's C API can throw, so
 * bad input gives an error instead of an abort. See guard.h.
 */
#include "llm/guard.h"

extern "C" int32_t sym_guard_tokenize(const struct llama_vocab *vocab, const char *text,
                                      int32_t len, llama_token *tokens, int32_t n_max,
                                      bool add_special, bool parse_special, bool *failed)
{
    *failed = false;
    try {
        return llama_tokenize(vocab, text, len, tokens, n_max, add_special, parse_special);
    } catch (...) {
        *failed = true;
        return 0;
    }
}
