/*
 * symbiot-mkmodel: write a llama-architecture GGUF model with random weights and a real vocabulary.
 *
 * Why this exists
 *   Symbiot's test suite must run on a fresh machine that has no trained model, and the benchmarks
 *   need a model whose per-token cost equals a real one without downloading gigabytes. This tool
 *   copies the tokenizer (every `tokenizer.*` key) from a llama.cpp vocab-only GGUF such as
 *   ggml-vocab-llama-spm.gguf or ggml-vocab-llama-bpe.gguf, and adds the hyperparameters and the
 *   tensors of a plain llama model filled with seeded pseudo-random weights. The result loads with
 *   llama.cpp like any trained model: it tokenizes real text, and generates varied (meaningless)
 *   tokens.
 *
 * Properties
 *   - Deterministic: the same arguments (including --seed) and the same vocab file give the same
 *     bytes. Every tensor has its own PRNG stream derived from the seed and the tensor's index.
 *   - Streaming: tensor data is generated and quantised a few MiB at a time and appended after the
 *     GGUF metadata, so the 1B preset never holds more than one chunk in memory.
 *   - Atomic: the model is written to OUT.tmp and renamed to OUT only when complete.
 *   - No chat template is written unless --chat-template is given, so tests exercise the caller's
 *     fallback template.
 *
 * Weights
 *   Norm weights are 1.0 and stored as F32. Matrices are approximately normal (Irwin-Hall sum of
 *   four uniforms) with std 1/sqrt(fan_in), so every matmul keeps unit-scale activations and the
 *   logits have std ~1: varied output under both greedy and sampled decoding.
 *
 * It uses only ggml (gguf writing and quantisation); the build links the llama target for that.
 */

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ggml.h"
#include "gguf.h"

#define PROG "symbiot-mkmodel"

/* llama_ftype values from llama.h (kept here so the tool needs only ggml-base). */
enum {
    FTYPE_ALL_F32 = 0,
    FTYPE_MOSTLY_F16 = 1,
    FTYPE_MOSTLY_Q4_0 = 2,
    FTYPE_MOSTLY_Q8_0 = 7,
    FTYPE_MOSTLY_BF16 = 32,
};

/* Same limit as LLAMA_MAX_LAYERS in llama.cpp. */
#define MAX_LAYERS 512

/* Target number of floats generated per chunk while streaming tensor data (4 MiB of f32). */
#define CHUNK_FLOATS (1 << 20)

struct weight_type {
    const char *name;
    enum ggml_type type;
    int ftype;
};

static const struct weight_type WEIGHT_TYPES[] = {
    {"f32", GGML_TYPE_F32, FTYPE_ALL_F32},       /* tiny default: exact, largest */
    {"f16", GGML_TYPE_F16, FTYPE_MOSTLY_F16},    /* half the size of f32 */
    {"bf16", GGML_TYPE_BF16, FTYPE_MOSTLY_BF16}, /* half the size of f32 */
    {"q8_0", GGML_TYPE_Q8_0, FTYPE_MOSTLY_Q8_0}, /* 1b default: 8.5 bits per weight */
    {"q4_0", GGML_TYPE_Q4_0, FTYPE_MOSTLY_Q4_0}, /* 4.5 bits per weight */
};

struct options {
    const char *vocab_path;
    const char *out_path;
    const char *chat_template; /* NULL: write none */
    const char *name;
    const char *arch; /* general.architecture; only tests of unsupported models change it */
    int64_t n_embd;
    int64_t n_layer;
    int64_t n_head;
    int64_t n_head_kv;
    int64_t n_ff;
    int64_t n_ctx;
    float rope_freq_base;
    float rms_eps;
    const struct weight_type *wtype;
    uint64_t seed;
    bool tie_embeddings;
    bool quiet;
};

enum init_kind { INIT_ONES, INIT_RANDOM };

struct tensor_spec {
    char name[GGML_MAX_NAME];
    int n_dims;
    int64_t ne[2];
    enum ggml_type type;
    enum init_kind init;
    float std;
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " PROG " --vocab VOCAB.gguf --out OUT.gguf [options]\n"
            "\n"
            "Write a llama-architecture GGUF model with random weights and the real tokenizer of\n"
            "VOCAB.gguf (e.g. llama.cpp's models/ggml-vocab-llama-spm.gguf or -llama-bpe.gguf).\n"
            "The model loads and generates like a trained one, but its output is meaningless.\n"
            "For tests (small, fast) and benchmarks (real shapes, real per-token cost).\n"
            "\n"
            "required:\n"
            "  --vocab PATH          GGUF to copy every tokenizer.* key from (vocab-only or full)\n"
            "  --out PATH            output model; written to PATH.tmp, then renamed\n"
            "\n"
            "shape (a preset first, then any explicit option overrides it):\n"
            "  --preset tiny|1b      tiny (default): n_embd 64, n_layer 2, n_head 4, n_head_kv 2,\n"
            "                          n_ff 128, ctx 2048, rope base 10000, type f32\n"
            "                        1b: the Llama-3.2-1B shape: n_embd 2048, n_layer 16,\n"
            "                          n_head 32, n_head_kv 8, n_ff 8192, ctx 8192,\n"
            "                          rope base 500000, type q8_0, tied embeddings;\n"
            "                          meant for the llama-bpe vocab (128256 tokens)\n"
            "  --n-embd N            embedding width (multiple of n_head; head size even)\n"
            "  --n-layer N           number of blocks (1..%d)\n"
            "  --n-head N            attention heads\n"
            "  --n-head-kv N         key/value heads (divides n_head)\n"
            "  --n-ff N              feed-forward width\n"
            "  --ctx N               trained context length written to the model\n"
            "  --rope-freq-base F    RoPE base frequency\n"
            "  --rms-eps F           RMS norm epsilon (default 1e-5)\n"
            "  --type T              f32|f16|bf16|q8_0|q4_0: type of all 2-D weights (norms\n"
            "                          stay f32); quantised types need n_embd and n_ff to be\n"
            "                          multiples of 32\n"
            "  --tie-embeddings      omit output.weight; llama.cpp then reuses token_embd\n"
            "  --no-tie-embeddings   write output.weight (default for tiny)\n"
            "\n"
            "content:\n"
            "  --seed N              PRNG seed (default 42); same arguments -> same bytes\n"
            "  --chat-template S     write S as tokenizer.chat_template (default: none, even if\n"
            "                          VOCAB.gguf has one)\n"
            "  --name S              general.name (default \"symbiot random test model\")\n"
            "  --arch S              general.architecture (default \"llama\"; another value makes\n"
            "                          a model llama.cpp refuses, for error-path tests)\n"
            "  -q, --quiet           no summary line on stderr\n"
            "  -h, --help            show this help\n"
            "\n"
            "Options take their value as the next argument or after '=' (--seed=7).\n"
            "Exit status: 0 success, 1 runtime error (vocab unreadable, output unwritable),\n"
            "2 usage error.\n"
            "\n"
            "examples:\n"
            "  " PROG " --vocab ggml-vocab-llama-spm.gguf --out tiny.gguf\n"
            "  " PROG " --vocab ggml-vocab-llama-bpe.gguf --out /tmp/r1b.gguf --preset 1b\n",
            MAX_LAYERS);
}

/* Apply a named preset to `o`. Returns false if the name is unknown. */
static bool apply_preset(struct options *o, const char *name)
{
    if (strcmp(name, "tiny") == 0) {
        o->n_embd = 64;
        o->n_layer = 2;
        o->n_head = 4;
        o->n_head_kv = 2;
        o->n_ff = 128;
        o->n_ctx = 2048;
        o->rope_freq_base = 10000.0f;
        o->wtype = &WEIGHT_TYPES[0];
        o->tie_embeddings = false;
        return true;
    }
    if (strcmp(name, "1b") == 0) {
        o->n_embd = 2048;
        o->n_layer = 16;
        o->n_head = 32;
        o->n_head_kv = 8;
        o->n_ff = 8192;
        o->n_ctx = 8192;
        o->rope_freq_base = 500000.0f;
        o->wtype = &WEIGHT_TYPES[3];
        o->tie_embeddings = true;
        return true;
    }
    return false;
}

/*
 * Parse a decimal integer in [lo, hi] from `s` into `*out`. Prints an error naming `opt` and
 * returns false on garbage, trailing characters or out-of-range values.
 */
static bool parse_int(const char *opt, const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, PROG ": %s: expected an integer in [%" PRId64 ", %" PRId64 "], got '%s'\n",
                opt, lo, hi, s);
        return false;
    }
    *out = (int64_t)v;
    return true;
}

/* Parse an unsigned 64-bit integer (decimal or 0x hex) for --seed. Same contract as parse_int. */
static bool parse_u64(const char *opt, const char *s, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-') {
        fprintf(stderr, PROG ": %s: expected an unsigned integer, got '%s'\n", opt, s);
        return false;
    }
    *out = (uint64_t)v;
    return true;
}

/* Parse a finite float > 0 for `opt`. Same contract as parse_int. */
static bool parse_pos_float(const char *opt, const char *s, float *out)
{
    char *end = NULL;
    errno = 0;
    float v = strtof(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || !(v > 0.0f)) {
        fprintf(stderr, PROG ": %s: expected a positive number, got '%s'\n", opt, s);
        return false;
    }
    *out = v;
    return true;
}

/*
 * Option matcher: if argv[*i] is `name` or `name=VALUE`, store the value in `*val` (taking the next
 * argument for the first form, advancing *i) and return 1. Return 0 if argv[*i] is another option,
 * -1 (after printing an error) if the value is missing.
 */
static int match_opt(int argc, char **argv, int *i, const char *name, const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0) {
        return 0;
    }
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] != '\0') {
        return 0;
    }
    if (*i + 1 >= argc) {
        fprintf(stderr, PROG ": %s needs a value (see --help)\n", name);
        return -1;
    }
    *i += 1;
    *val = argv[*i];
    return 1;
}

/*
 * Fill `o` from the command line. The preset is applied first wherever --preset appears, so that
 * explicit shape options always override it. Returns 0 on success, 2 on a usage error (message
 * already printed), or -1 when --help was shown (caller exits 0).
 */
static int parse_args(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof(*o));
    o->name = "symbiot random test model";
    o->arch = "llama";
    o->rms_eps = 1e-5f;
    o->seed = 42;
    apply_preset(o, "tiny");

    /* pass 1: help and preset */
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return -1;
        }
        int m = match_opt(argc, argv, &i, "--preset", &v);
        if (m < 0) {
            return 2;
        }
        if (m > 0 && !apply_preset(o, v)) {
            fprintf(stderr, PROG ": --preset: unknown preset '%s' (tiny, 1b)\n", v);
            return 2;
        }
    }

    /* pass 2: everything else */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = NULL;
        const char *opt = NULL; /* option name without "=VALUE", for messages */
        int m;
        bool ok = true;

#define OPT(name) ((m = match_opt(argc, argv, &i, (opt = (name)), &v)) != 0)
        if (OPT("--preset")) {
            /* handled in pass 1 */
        } else if (OPT("--vocab")) {
            o->vocab_path = v;
        } else if (OPT("--out")) {
            o->out_path = v;
        } else if (OPT("--n-embd")) {
            ok = m > 0 && parse_int(opt, v, 1, 1 << 16, &o->n_embd);
        } else if (OPT("--n-layer")) {
            ok = m > 0 && parse_int(opt, v, 1, MAX_LAYERS, &o->n_layer);
        } else if (OPT("--n-head")) {
            ok = m > 0 && parse_int(opt, v, 1, 1 << 12, &o->n_head);
        } else if (OPT("--n-head-kv")) {
            ok = m > 0 && parse_int(opt, v, 1, 1 << 12, &o->n_head_kv);
        } else if (OPT("--n-ff")) {
            ok = m > 0 && parse_int(opt, v, 1, 1 << 18, &o->n_ff);
        } else if (OPT("--ctx")) {
            ok = m > 0 && parse_int(opt, v, 1, INT32_MAX, &o->n_ctx);
        } else if (OPT("--rope-freq-base")) {
            ok = m > 0 && parse_pos_float(opt, v, &o->rope_freq_base);
        } else if (OPT("--rms-eps")) {
            ok = m > 0 && parse_pos_float(opt, v, &o->rms_eps);
        } else if (OPT("--seed")) {
            ok = m > 0 && parse_u64(opt, v, &o->seed);
        } else if (OPT("--chat-template")) {
            o->chat_template = v;
        } else if (OPT("--name")) {
            o->name = v;
        } else if (OPT("--arch")) {
            o->arch = v;
        } else if (OPT("--type")) {
            if (m > 0) {
                o->wtype = NULL;
                for (size_t k = 0; k < sizeof(WEIGHT_TYPES) / sizeof(WEIGHT_TYPES[0]); k++) {
                    if (strcmp(v, WEIGHT_TYPES[k].name) == 0) {
                        o->wtype = &WEIGHT_TYPES[k];
                    }
                }
                if (o->wtype == NULL) {
                    fprintf(stderr,
                            PROG ": --type: unknown type '%s' (f32, f16, bf16, q8_0, q4_0)\n", v);
                    ok = false;
                }
            }
        } else if (strcmp(a, "--tie-embeddings") == 0) {
            o->tie_embeddings = true;
        } else if (strcmp(a, "--no-tie-embeddings") == 0) {
            o->tie_embeddings = false;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = true;
        } else {
            fprintf(stderr, PROG ": unknown argument '%s' (see --help)\n", a);
            return 2;
        }
#undef OPT
        if (m < 0 || !ok) {
            return 2;
        }
    }

    if (o->vocab_path == NULL || o->out_path == NULL) {
        fprintf(stderr, PROG ": --vocab and --out are required (see --help)\n");
        return 2;
    }
    if (o->n_embd % o->n_head != 0 || (o->n_embd / o->n_head) % 2 != 0) {
        fprintf(stderr,
                PROG ": n_embd (%" PRId64 ") must be a multiple of n_head (%" PRId64
                     ") with an even head size\n",
                o->n_embd, o->n_head);
        return 2;
    }
    if (o->n_head % o->n_head_kv != 0) {
        fprintf(stderr, PROG ": n_head_kv (%" PRId64 ") must divide n_head (%" PRId64 ")\n",
                o->n_head_kv, o->n_head);
        return 2;
    }
    int64_t blck = ggml_blck_size(o->wtype->type);
    if (o->n_embd % blck != 0 || o->n_ff % blck != 0) {
        fprintf(stderr,
                PROG ": type %s needs n_embd (%" PRId64 ") and n_ff (%" PRId64
                     ") to be multiples of %" PRId64 "\n",
                o->wtype->name, o->n_embd, o->n_ff, blck);
        return 2;
    }
    return 0;
}

/* splitmix64: advances *state and returns the next 64 pseudo-random bits. */
static inline uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/*
 * Fill dst[0..n) with approximately normal values of standard deviation `std` (Irwin-Hall sum of
 * the four 16-bit lanes of one splitmix64 output; bounded at +-3.46 std), advancing *state.
 */
static void fill_random(float *dst, size_t n, float std, uint64_t *state)
{
    /* sum of 4 uniforms on [0, 65535]: mean 131070, std ~ 65536/sqrt(3) */
    const float scale = std * (1.7320508f / 65536.0f);
    for (size_t i = 0; i < n; i++) {
        uint64_t r = splitmix64(state);
        int32_t s = (int32_t)(r & 0xFFFF) + (int32_t)((r >> 16) & 0xFFFF) +
                    (int32_t)((r >> 32) & 0xFFFF) + (int32_t)(r >> 48);
        dst[i] = (float)(s - 131070) * scale;
    }
}

/* Write n bytes or report the failure against `path`. Returns false on error. */
static bool write_all(FILE *f, const void *buf, size_t n, const char *path)
{
    if (n != 0 && fwrite(buf, 1, n, f) != n) {
        fprintf(stderr, PROG ": cannot write '%s': %s\n", path, strerror(errno));
        return false;
    }
    return true;
}

/* Append zero bytes until *pos reaches `target` (target >= *pos, gap < 4096). */
static bool pad_to(FILE *f, uint64_t *pos, uint64_t target, const char *path)
{
    static const char zeros[4096];
    if (target < *pos || target - *pos > sizeof(zeros)) {
        fprintf(stderr, PROG ": internal error: bad tensor offset while writing '%s'\n", path);
        return false;
    }
    if (!write_all(f, zeros, (size_t)(target - *pos), path)) {
        return false;
    }
    *pos = target;
    return true;
}

/*
 * Copy every `tokenizer.*` key of `src` into `dst`, except tokenizer.chat_template and named
 * templates (tokenizer.chat_template.*). Scalars, strings and arrays of any element type except
 * nested arrays are supported. Returns the number of keys copied, or -1 (message printed) on a
 * key of an unsupported type.
 */
static int copy_tokenizer_kv(struct gguf_context *dst, const struct gguf_context *src)
{
    int copied = 0;
    const int64_t n_kv = gguf_get_n_kv(src);
    for (int64_t i = 0; i < n_kv; i++) {
        const char *key = gguf_get_key(src, i);
        if (strncmp(key, "tokenizer.", 10) != 0 ||
            strncmp(key, "tokenizer.chat_template", 23) == 0) {
            continue;
        }
        switch (gguf_get_kv_type(src, i)) {
        case GGUF_TYPE_UINT8:
            gguf_set_val_u8(dst, key, gguf_get_val_u8(src, i));
            break;
        case GGUF_TYPE_INT8:
            gguf_set_val_i8(dst, key, gguf_get_val_i8(src, i));
            break;
        case GGUF_TYPE_UINT16:
            gguf_set_val_u16(dst, key, gguf_get_val_u16(src, i));
            break;
        case GGUF_TYPE_INT16:
            gguf_set_val_i16(dst, key, gguf_get_val_i16(src, i));
            break;
        case GGUF_TYPE_UINT32:
            gguf_set_val_u32(dst, key, gguf_get_val_u32(src, i));
            break;
        case GGUF_TYPE_INT32:
            gguf_set_val_i32(dst, key, gguf_get_val_i32(src, i));
            break;
        case GGUF_TYPE_FLOAT32:
            gguf_set_val_f32(dst, key, gguf_get_val_f32(src, i));
            break;
        case GGUF_TYPE_BOOL:
            gguf_set_val_bool(dst, key, gguf_get_val_bool(src, i));
            break;
        case GGUF_TYPE_STRING:
            gguf_set_val_str(dst, key, gguf_get_val_str(src, i));
            break;
        case GGUF_TYPE_UINT64:
            gguf_set_val_u64(dst, key, gguf_get_val_u64(src, i));
            break;
        case GGUF_TYPE_INT64:
            gguf_set_val_i64(dst, key, gguf_get_val_i64(src, i));
            break;
        case GGUF_TYPE_FLOAT64:
            gguf_set_val_f64(dst, key, gguf_get_val_f64(src, i));
            break;
        case GGUF_TYPE_ARRAY: {
            const enum gguf_type at = gguf_get_arr_type(src, i);
            const size_t n = gguf_get_arr_n(src, i);
            if (at == GGUF_TYPE_STRING) {
                const char **strs = malloc((n ? n : 1) * sizeof(*strs));
                if (strs == NULL) {
                    fprintf(stderr, PROG ": out of memory copying '%s'\n", key);
                    return -1;
                }
                for (size_t k = 0; k < n; k++) {
                    strs[k] = gguf_get_arr_str(src, i, k);
                }
                gguf_set_arr_str(dst, key, strs, n);
                free(strs);
            } else if (at == GGUF_TYPE_ARRAY || at >= GGUF_TYPE_COUNT) {
                fprintf(stderr, PROG ": vocab key '%s': nested arrays are not supported\n", key);
                return -1;
            } else {
                gguf_set_arr_data(dst, key, at, gguf_get_arr_data(src, i), n);
            }
            break;
        }
        default:
            fprintf(stderr, PROG ": vocab key '%s' has an unsupported type\n", key);
            return -1;
        }
        copied++;
    }
    return copied;
}

/*
 * Build the list of tensors for the model described by `o` with `n_vocab` tokens, in file order.
 * Returns a malloc'd array (caller frees) and its length in *n_out, or NULL when out of memory.
 */
static struct tensor_spec *build_specs(const struct options *o, int64_t n_vocab, size_t *n_out)
{
    const int64_t head = o->n_embd / o->n_head;
    const int64_t n_embd_kv = head * o->n_head_kv;
    const size_t cap = 3 + 9 * (size_t)o->n_layer;
    struct tensor_spec *s = calloc(cap, sizeof(*s));
    if (s == NULL) {
        return NULL;
    }
    size_t n = 0;

#define ADD(type_, init_, ne0_, ne1_, ...)                                                         \
    do {                                                                                           \
        struct tensor_spec *t_ = &s[n++];                                                          \
        snprintf(t_->name, sizeof(t_->name), __VA_ARGS__);                                         \
        t_->ne[0] = (ne0_);                                                                        \
        t_->ne[1] = (ne1_);                                                                        \
        t_->n_dims = (ne1_) > 0 ? 2 : 1;                                                           \
        t_->type = (type_);                                                                        \
        t_->init = (init_);                                                                        \
        t_->std = 1.0f / sqrtf((float)(ne0_));                                                     \
    } while (0)

    const enum ggml_type w = o->wtype->type;
    ADD(w, INIT_RANDOM, o->n_embd, n_vocab, "token_embd.weight");
    for (int64_t l = 0; l < o->n_layer; l++) {
        const int il = (int)l;
        ADD(GGML_TYPE_F32, INIT_ONES, o->n_embd, 0, "blk.%d.attn_norm.weight", il);
        ADD(w, INIT_RANDOM, o->n_embd, o->n_embd, "blk.%d.attn_q.weight", il);
        ADD(w, INIT_RANDOM, o->n_embd, n_embd_kv, "blk.%d.attn_k.weight", il);
        ADD(w, INIT_RANDOM, o->n_embd, n_embd_kv, "blk.%d.attn_v.weight", il);
        ADD(w, INIT_RANDOM, o->n_embd, o->n_embd, "blk.%d.attn_output.weight", il);
        ADD(GGML_TYPE_F32, INIT_ONES, o->n_embd, 0, "blk.%d.ffn_norm.weight", il);
        ADD(w, INIT_RANDOM, o->n_embd, o->n_ff, "blk.%d.ffn_gate.weight", il);
        ADD(w, INIT_RANDOM, o->n_ff, o->n_embd, "blk.%d.ffn_down.weight", il);
        ADD(w, INIT_RANDOM, o->n_embd, o->n_ff, "blk.%d.ffn_up.weight", il);
    }
    ADD(GGML_TYPE_F32, INIT_ONES, o->n_embd, 0, "output_norm.weight");
    if (!o->tie_embeddings) {
        ADD(w, INIT_RANDOM, o->n_embd, n_vocab, "output.weight");
    }
#undef ADD

    *n_out = n;
    return s;
}

/*
 * Generate the data of tensor `t` (index `idx`, for its PRNG stream) and append it to `f`,
 * `rows_per_chunk`-row slices at a time through the caller's scratch buffers (`src` holds
 * rows_per_chunk * ne[0] floats, `dst` rows_per_chunk quantised rows). Adds the bytes written to
 * *pos. Returns false (message printed) on a write error.
 */
static bool write_tensor(FILE *f, const char *path, const struct tensor_spec *t, uint64_t seed,
                         size_t idx, float *src, void *dst, int64_t rows_per_chunk, uint64_t *pos)
{
    const int64_t ne0 = t->ne[0];
    const int64_t nrows = t->n_dims == 2 ? t->ne[1] : 1;
    uint64_t state = seed ^ (0xD1B54A32D192ED03ull * (uint64_t)(idx + 1));
    (void)splitmix64(&state);

    for (int64_t r = 0; r < nrows; r += rows_per_chunk) {
        const int64_t nr = nrows - r < rows_per_chunk ? nrows - r : rows_per_chunk;
        const size_t nf = (size_t)(nr * ne0);
        if (t->init == INIT_ONES) {
            for (size_t k = 0; k < nf; k++) {
                src[k] = 1.0f;
            }
        } else {
            fill_random(src, nf, t->std, &state);
        }
        const size_t nbytes = ggml_quantize_chunk(t->type, src, dst, 0, nr, ne0, NULL);
        if (!write_all(f, dst, nbytes, path)) {
            return false;
        }
        *pos += nbytes;
    }
    return true;
}

/* Seconds since an arbitrary epoch, for the summary line. */
static double now_s(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * Quiet ggml/gguf's own logging except errors; our messages say what went wrong.
 */
static void log_cb(enum ggml_log_level level, const char *text, void *user)
{
    (void)user;
    if (level == GGML_LOG_LEVEL_ERROR) {
        fputs(text, stderr);
    }
}

/*
 * Open and sanity-check the vocab GGUF. Returns its metadata context (tensor data not loaded), and
 * the number of tokens in *n_vocab, or NULL after printing why not.
 */
static struct gguf_context *load_vocab(const char *path, int64_t *n_vocab)
{
    FILE *probe = fopen(path, "rb");
    if (probe == NULL) {
        fprintf(stderr, PROG ": cannot open vocab '%s': %s\n", path, strerror(errno));
        return NULL;
    }
    fclose(probe);

    struct gguf_init_params params = {.no_alloc = true, .ctx = NULL};
    struct gguf_context *v = gguf_init_from_file(path, params);
    if (v == NULL) {
        fprintf(stderr, PROG ": '%s' is not a valid GGUF file\n", path);
        return NULL;
    }
    const int64_t kt = gguf_find_key(v, "tokenizer.ggml.tokens");
    const int64_t km = gguf_find_key(v, "tokenizer.ggml.model");
    if (kt < 0 || km < 0 || gguf_get_kv_type(v, kt) != GGUF_TYPE_ARRAY ||
        gguf_get_arr_type(v, kt) != GGUF_TYPE_STRING || gguf_get_arr_n(v, kt) == 0) {
        fprintf(stderr,
                PROG ": '%s' has no tokenizer (tokenizer.ggml.model and tokenizer.ggml.tokens)\n",
                path);
        gguf_free(v);
        return NULL;
    }
    *n_vocab = (int64_t)gguf_get_arr_n(v, kt);
    return v;
}

/* Set the general.* and llama.* keys describing the model. */
static void set_model_kv(struct gguf_context *g, const struct options *o, int64_t n_vocab)
{
    gguf_set_val_str(g, "general.architecture", o->arch);
    gguf_set_val_str(g, "general.type", "model");
    gguf_set_val_str(g, "general.name", o->name);
    gguf_set_val_u32(g, "general.file_type", (uint32_t)o->wtype->ftype);
    gguf_set_val_u32(g, "general.quantization_version", GGML_QNT_VERSION);
    gguf_set_val_u32(g, "llama.vocab_size", (uint32_t)n_vocab);
    gguf_set_val_u32(g, "llama.context_length", (uint32_t)o->n_ctx);
    gguf_set_val_u32(g, "llama.embedding_length", (uint32_t)o->n_embd);
    gguf_set_val_u32(g, "llama.block_count", (uint32_t)o->n_layer);
    gguf_set_val_u32(g, "llama.feed_forward_length", (uint32_t)o->n_ff);
    gguf_set_val_u32(g, "llama.attention.head_count", (uint32_t)o->n_head);
    gguf_set_val_u32(g, "llama.attention.head_count_kv", (uint32_t)o->n_head_kv);
    gguf_set_val_f32(g, "llama.attention.layer_norm_rms_epsilon", o->rms_eps);
    gguf_set_val_f32(g, "llama.rope.freq_base", o->rope_freq_base);
    gguf_set_val_u32(g, "llama.rope.dimension_count", (uint32_t)(o->n_embd / o->n_head));
}

/*
 * Write the whole model: metadata from `g` (which already lists `specs` as tensors), then each
 * tensor's data at the offset gguf assigned it, to tmp_path. Returns the file size, or 0 (message
 * printed) on failure; tmp_path may then hold a partial file.
 */
static uint64_t write_model(const char *tmp_path, const struct gguf_context *g,
                            const struct tensor_spec *specs, size_t n_specs, uint64_t seed)
{
    uint64_t pos = 0;
    float *src = NULL;
    void *dst = NULL;
    void *meta = NULL;
    bool ok = false;

    FILE *f = fopen(tmp_path, "wb");
    if (f == NULL) {
        fprintf(stderr, PROG ": cannot create '%s': %s\n", tmp_path, strerror(errno));
        return 0;
    }

    const size_t meta_size = gguf_get_meta_size(g);
    meta = malloc(meta_size);

    /* a chunk is max(1, CHUNK_FLOATS / ne0) rows: at most max(CHUNK_FLOATS, ne0) floats */
    int64_t max_floats = CHUNK_FLOATS;
    for (size_t i = 0; i < n_specs; i++) {
        max_floats = specs[i].ne[0] > max_floats ? specs[i].ne[0] : max_floats;
    }
    src = malloc((size_t)max_floats * sizeof(float));
    dst = malloc((size_t)max_floats * sizeof(float)); /* no type is wider than f32 */
    if (meta == NULL || src == NULL || dst == NULL) {
        fprintf(stderr, PROG ": out of memory\n");
        goto done;
    }

    gguf_get_meta_data(g, meta);
    if (!write_all(f, meta, meta_size, tmp_path)) {
        goto done;
    }
    pos = meta_size;

    for (size_t i = 0; i < n_specs; i++) {
        const struct tensor_spec *t = &specs[i];
        const uint64_t start = meta_size + gguf_get_tensor_offset(g, (int64_t)i);
        if (!pad_to(f, &pos, start, tmp_path)) {
            goto done;
        }
        const int64_t rpc = CHUNK_FLOATS / t->ne[0] > 0 ? CHUNK_FLOATS / t->ne[0] : 1;
        if (!write_tensor(f, tmp_path, t, seed, i, src, dst, rpc, &pos)) {
            goto done;
        }
        if (pos - start != gguf_get_tensor_size(g, (int64_t)i)) {
            fprintf(stderr, PROG ": internal error: size mismatch for tensor %s\n", t->name);
            goto done;
        }
    }
    /* pad the last tensor like gguf_write_to_file does */
    const uint64_t align = gguf_get_alignment(g);
    if (!pad_to(f, &pos, (pos + align - 1) / align * align, tmp_path)) {
        goto done;
    }
    ok = true;

done:
    free(meta);
    free(src);
    free(dst);
    if (fclose(f) != 0 && ok) {
        fprintf(stderr, PROG ": cannot write '%s': %s\n", tmp_path, strerror(errno));
        ok = false;
    }
    return ok ? pos : 0;
}

int main(int argc, char **argv)
{
    struct options o;
    const int rc = parse_args(argc, argv, &o);
    if (rc != 0) {
        return rc < 0 ? 0 : rc;
    }
    ggml_log_set(log_cb, NULL);
    const double t0 = now_s();

    int64_t n_vocab = 0;
    struct gguf_context *vocab = load_vocab(o.vocab_path, &n_vocab);
    if (vocab == NULL) {
        return 1;
    }
    if (n_vocab > INT32_MAX) {
        fprintf(stderr, PROG ": vocab too large (%" PRId64 " tokens)\n", n_vocab);
        gguf_free(vocab);
        return 1;
    }

    struct gguf_context *g = gguf_init_empty();
    set_model_kv(g, &o, n_vocab);
    const int n_tok_keys = copy_tokenizer_kv(g, vocab);
    gguf_free(vocab);
    if (n_tok_keys < 0) {
        gguf_free(g);
        return 1;
    }
    if (o.chat_template != NULL) {
        gguf_set_val_str(g, "tokenizer.chat_template", o.chat_template);
    }

    size_t n_specs = 0;
    struct tensor_spec *specs = build_specs(&o, n_vocab, &n_specs);
    struct ggml_init_params ip = {
        .mem_size = (n_specs + 1) * ggml_tensor_overhead(),
        .mem_buffer = NULL,
        .no_alloc = true,
    };
    struct ggml_context *meta_ctx = specs != NULL ? ggml_init(ip) : NULL;
    if (meta_ctx == NULL) {
        fprintf(stderr, PROG ": out of memory\n");
        free(specs);
        gguf_free(g);
        return 1;
    }
    for (size_t i = 0; i < n_specs; i++) {
        const struct tensor_spec *s = &specs[i];
        struct ggml_tensor *t = ggml_new_tensor(meta_ctx, s->type, s->n_dims, s->ne);
        ggml_set_name(t, s->name);
        gguf_add_tensor(g, t);
    }

    const size_t out_len = strlen(o.out_path);
    char *tmp_path = malloc(out_len + 5);
    if (tmp_path == NULL) {
        fprintf(stderr, PROG ": out of memory\n");
        ggml_free(meta_ctx);
        free(specs);
        gguf_free(g);
        return 1;
    }
    memcpy(tmp_path, o.out_path, out_len);
    memcpy(tmp_path + out_len, ".tmp", 5);

    const uint64_t size = write_model(tmp_path, g, specs, n_specs, o.seed);
    int status = 0;
    if (size == 0) {
        remove(tmp_path);
        status = 1;
    } else if (rename(tmp_path, o.out_path) != 0) {
        fprintf(stderr, PROG ": cannot rename '%s' to '%s': %s\n", tmp_path, o.out_path,
                strerror(errno));
        remove(tmp_path);
        status = 1;
    } else if (!o.quiet) {
        fprintf(stderr,
                PROG ": wrote %s: llama, n_vocab %" PRId64 ", n_embd %" PRId64 ", n_layer %" PRId64
                     ", n_head %" PRId64 "/%" PRId64 ", n_ff %" PRId64 ", ctx %" PRId64
                     ", %s%s, %zu tensors, %d tokenizer keys, %.1f MiB in %.2f s\n",
                o.out_path, n_vocab, o.n_embd, o.n_layer, o.n_head, o.n_head_kv, o.n_ff, o.n_ctx,
                o.wtype->name, o.tie_embeddings ? " (tied embeddings)" : "", n_specs, n_tok_keys,
                (double)size / (1024.0 * 1024.0), now_s() - t0);
    }

    free(tmp_path);
    ggml_free(meta_ctx);
    free(specs);
    gguf_free(g);
    return status;
}
