/*
 * gguf_info.c: a model file's metadata through ggml's gguf reader (no_alloc: the tensor table is
 * read, the tensor data is not); see gguf_info.h.
 *
 * The quantisation comes from general.file_type, llama.cpp's own label for the file; an older
 * file without it is named after the type that holds most of its bytes ("f32", "q8_0").
 */
#include "llm/gguf_info.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "gguf.h"
#include "llama.h"

static const struct {
    int ftype;
    const char *name;
} ftypes[] = {
    {LLAMA_FTYPE_ALL_F32, "F32"},
    {LLAMA_FTYPE_MOSTLY_F16, "F16"},
    {LLAMA_FTYPE_MOSTLY_BF16, "BF16"},
    {LLAMA_FTYPE_MOSTLY_Q4_0, "Q4_0"},
    {LLAMA_FTYPE_MOSTLY_Q4_1, "Q4_1"},
    {LLAMA_FTYPE_MOSTLY_Q5_0, "Q5_0"},
    {LLAMA_FTYPE_MOSTLY_Q5_1, "Q5_1"},
    {LLAMA_FTYPE_MOSTLY_Q8_0, "Q8_0"},
    {LLAMA_FTYPE_MOSTLY_Q2_K, "Q2_K"},
    {LLAMA_FTYPE_MOSTLY_Q2_K_S, "Q2_K_S"},
    {LLAMA_FTYPE_MOSTLY_Q3_K_S, "Q3_K_S"},
    {LLAMA_FTYPE_MOSTLY_Q3_K_M, "Q3_K_M"},
    {LLAMA_FTYPE_MOSTLY_Q3_K_L, "Q3_K_L"},
    {LLAMA_FTYPE_MOSTLY_Q4_K_S, "Q4_K_S"},
    {LLAMA_FTYPE_MOSTLY_Q4_K_M, "Q4_K_M"},
    {LLAMA_FTYPE_MOSTLY_Q5_K_S, "Q5_K_S"},
    {LLAMA_FTYPE_MOSTLY_Q5_K_M, "Q5_K_M"},
    {LLAMA_FTYPE_MOSTLY_Q6_K, "Q6_K"},
    {LLAMA_FTYPE_MOSTLY_IQ1_S, "IQ1_S"},
    {LLAMA_FTYPE_MOSTLY_IQ1_M, "IQ1_M"},
    {LLAMA_FTYPE_MOSTLY_IQ2_XXS, "IQ2_XXS"},
    {LLAMA_FTYPE_MOSTLY_IQ2_XS, "IQ2_XS"},
    {LLAMA_FTYPE_MOSTLY_IQ2_S, "IQ2_S"},
    {LLAMA_FTYPE_MOSTLY_IQ2_M, "IQ2_M"},
    {LLAMA_FTYPE_MOSTLY_IQ3_XXS, "IQ3_XXS"},
    {LLAMA_FTYPE_MOSTLY_IQ3_XS, "IQ3_XS"},
    {LLAMA_FTYPE_MOSTLY_IQ3_S, "IQ3_S"},
    {LLAMA_FTYPE_MOSTLY_IQ3_M, "IQ3_M"},
    {LLAMA_FTYPE_MOSTLY_IQ4_NL, "IQ4_NL"},
    {LLAMA_FTYPE_MOSTLY_IQ4_XS, "IQ4_XS"},
    {LLAMA_FTYPE_MOSTLY_TQ1_0, "TQ1_0"},
    {LLAMA_FTYPE_MOSTLY_TQ2_0, "TQ2_0"},
    {LLAMA_FTYPE_MOSTLY_MXFP4_MOE, "MXFP4_MOE"},
};

/* The string value of key, or NULL when it is missing or not a string. */
static const char *get_str(const struct gguf_context *g, const char *key)
{
    int64_t id = gguf_find_key(g, key);

    return id >= 0 && gguf_get_kv_type(g, id) == GGUF_TYPE_STRING ? gguf_get_val_str(g, id) : NULL;
}

/* An unsigned integer value of key (any integer width), or 0. */
static uint64_t get_uint(const struct gguf_context *g, const char *key)
{
    int64_t id = gguf_find_key(g, key);

    if (id < 0)
        return 0;
    switch (gguf_get_kv_type(g, id)) {
    case GGUF_TYPE_UINT8:
        return gguf_get_val_u8(g, id);
    case GGUF_TYPE_UINT16:
        return gguf_get_val_u16(g, id);
    case GGUF_TYPE_UINT32:
        return gguf_get_val_u32(g, id);
    case GGUF_TYPE_UINT64:
        return gguf_get_val_u64(g, id);
    case GGUF_TYPE_INT32:
        return gguf_get_val_i32(g, id) > 0 ? (uint64_t)gguf_get_val_i32(g, id) : 0;
    case GGUF_TYPE_INT64:
        return gguf_get_val_i64(g, id) > 0 ? (uint64_t)gguf_get_val_i64(g, id) : 0;
    default:
        return 0;
    }
}

/* The name of the tensor type that holds the most bytes: the quantisation of an unlabelled file. */
static void dominant_type(const struct gguf_context *g, char *out, size_t size)
{
    uint64_t bytes[GGML_TYPE_COUNT] = {0};
    int64_t i, n = gguf_get_n_tensors(g);
    int t, best = -1;

    for (i = 0; i < n; i++) {
        t = (int)gguf_get_tensor_type(g, i);
        if (t >= 0 && t < GGML_TYPE_COUNT)
            bytes[t] += gguf_get_tensor_size(g, i);
    }
    for (t = 0; t < GGML_TYPE_COUNT; t++)
        if (bytes[t] && (best < 0 || bytes[t] > bytes[best]))
            best = t;
    snprintf(out, size, "%s", best < 0 ? "?" : ggml_type_name((enum ggml_type)best));
}

static void quant_name(const struct gguf_context *g, char *out, size_t size)
{
    int64_t id = gguf_find_key(g, "general.file_type");
    size_t i;

    if (id >= 0)
        for (i = 0; i < sizeof ftypes / sizeof ftypes[0]; i++)
            if ((uint64_t)ftypes[i].ftype == get_uint(g, "general.file_type")) {
                snprintf(out, size, "%s", ftypes[i].name);
                return;
            }
    dominant_type(g, out, size);
}

static uint64_t count_params(const struct gguf_context *g)
{
    int64_t i, n = gguf_get_n_tensors(g);
    uint64_t total = 0;

    for (i = 0; i < n; i++) {
        const int64_t *ne = gguf_get_tensor_ne(g, i);
        uint64_t elems = 1;
        int d;

        for (d = 0; d < GGML_MAX_DIMS; d++)
            elems *= ne[d] > 0 ? (uint64_t)ne[d] : 1;
        total += elems;
    }
    return total;
}

/* Check the file before ggml does, so the usual mistakes get a precise message. */
static enum sym_status check_file(const char *path, uint64_t *size, char *err, size_t errlen)
{
    char magic[4] = {0};
    struct stat st;
    FILE *f;

    if (stat(path, &st)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? SYM_ERR_NOT_FOUND : SYM_ERR_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        return SYM_ERR_INVALID;
    }
    *size = (uint64_t)st.st_size;
    f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return SYM_ERR_IO;
    }
    if (fread(magic, 1, 4, f) != 4 || memcmp(magic, "GGUF", 4)) {
        fclose(f);
        snprintf(err, errlen, "%s: not a GGUF model file", path);
        return SYM_ERR_INVALID;
    }
    fclose(f);
    return SYM_OK;
}

enum sym_status sym_gguf_read_info(const char *path, struct sym_gguf_info *info, char *err,
                                   size_t errlen)
{
    struct gguf_init_params params = {true, NULL};
    struct gguf_context *g;
    enum sym_status rc;
    const char *s;
    char key[128];

    memset(info, 0, sizeof *info);
    rc = check_file(path, &info->file_size, err, errlen);
    if (rc)
        return rc;
    g = gguf_init_from_file(path, params);
    if (!g) {
        snprintf(err, errlen, "%s: damaged or truncated GGUF file", path);
        return SYM_ERR_INVALID;
    }
    s = get_str(g, "general.architecture");
    snprintf(info->arch, sizeof info->arch, "%s", s ? s : "?");
    s = get_str(g, "general.name");
    snprintf(info->name, sizeof info->name, "%s", s ? s : "");
    snprintf(key, sizeof key, "%s.context_length", info->arch);
    info->ctx_len = (uint32_t)get_uint(g, key);
    s = get_str(g, "tokenizer.chat_template");
    info->has_template = s && s[0];
    quant_name(g, info->quant, sizeof info->quant);
    info->n_params = count_params(g);
    info->n_tensors = (uint64_t)gguf_get_n_tensors(g);
    gguf_free(g);
    return SYM_OK;
}

const char *sym_gguf_params_str(uint64_t n, char *out, size_t size)
{
    if (n >= 1000000000ull)
        snprintf(out, size, "%.1fB", (double)n / 1e9);
    else if (n >= 1000000ull)
        snprintf(out, size, "%.0fM", (double)n / 1e6);
    else if (n >= 1000ull)
        snprintf(out, size, "%.0fK", (double)n / 1e3);
    else
        snprintf(out, size, "%llu", (unsigned long long)n);
    return out;
}
