/*
 * gguf_info.h: what a GGUF model file says about itself, read without loading its weights.
 *
 * `symbiot models` shows each model's architecture, size in parameters, quantisation, context
 * length and whether it carries a chat template. All of that is in the file's header (its
 * key-value metadata and the tensor table), so reading it costs a few milliseconds and no memory
 * for the weights, even for a model of several gigabytes.
 */
#ifndef SYM_GGUF_INFO_H
#define SYM_GGUF_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

struct sym_gguf_info {
    char arch[64];      /* general.architecture, e.g. "qwen2", "llama" */
    char name[128];     /* general.name, or "" */
    char quant[32];     /* "Q4_K_M", "Q8_0", "F32" ... from general.file_type (or the tensors) */
    uint64_t n_params;  /* elements of all the tensors together */
    uint32_t ctx_len;   /* ARCH.context_length: the training context; 0 when not given */
    bool has_template;  /* tokenizer.chat_template present and not empty */
    uint64_t n_tensors; /* tensors in the file */
    uint64_t file_size; /* bytes on disk */
};

/*
 * Read path's metadata into info. SYM_ERR_NOT_FOUND (no such file), SYM_ERR_IO (unreadable) or
 * SYM_ERR_INVALID (not a GGUF file, or a damaged one) with a one-line message in err.
 */
enum sym_status sym_gguf_read_info(const char *path, struct sym_gguf_info *info, char *err,
                                   size_t errlen);

/* A parameter count for people: "494M", "1.5B", "260K". Returns out. */
const char *sym_gguf_params_str(uint64_t n_params, char *out, size_t size);

#endif
