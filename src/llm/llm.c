/*
 * llm.c: llama.cpp behind a small C interface; see llm.h.
 *
 * KV-cache reuse: `cache` mirrors the tokens in sequence 0 of the context. A new prompt is
 * tokenized in full (cheap next to decoding), compared with `cache`, the cache is cut back to the
 * common prefix and only the rest is decoded. Generated tokens are appended as they are decoded,
 * so the next turn's prompt (which contains this answer) matches them; where re-tokenizing the
 * answer gives other tokens for the same text, resync() finds where the two token lists spell the
 * same text up to a common boundary and keeps the generated ones. The trade-off: tokenizing the
 * whole conversation each turn, for a pipeline that needs no bookkeeping of which message became
 * which token.
 *
 * Streaming: token pieces go through a UTF-8 assembler (base/utf8.h) and then a stop-string
 * holder that keeps back only the tail that could still become a stop string.
 *
 * Threads: the contexts share one ggml threadpool, made once and kept (as llama.cpp's own
 * programs do). Without it ggml starts and joins n_threads-1 new threads for every decode, that
 * is for every token; on a busy machine each new thread waits for a free core first, and a
 * token took 50 to 100 times longer than with threads that are already running.
 */
#include "llm/llm.h"
#include "llm/rpc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ggml-cpu.h"
#include "llama.h"

#include "base/log.h"
#include "base/utf8.h"
#include "llm/chat.h"
#include "llm/gguf_info.h"
#include "llm/guard.h"
#include "llm/llm_internal.h"
#include "llm/load.h"

struct sym_llm {
    struct llama_model *model;
    struct llama_context *ctx;
    const struct llama_vocab *vocab;
    struct sym_chat_tmpl *tmpl; /* the model's chat template, when the chat library renders it */
    struct sym_chat_prompt *thinking; /* a plain rendering, kept when answers have thinking */
    const char **specials;            /* texts of control tokens ("<|im_end|>", "</s>"); borrowed */
    size_t n_specials;
    bool special_first[256]; /* first bytes of those texts, for a quick scan */
    bool filter_chars;       /* SPM vocabulary without byte tokens: see known_chars */
    uint32_t *known_chars;   /* sorted code points the vocabulary can represent */
    size_t n_known_chars;
    llama_token *cache; /* tokens in the KV cache, n_cache of n_ctx */
    bool *starts;       /* per cached token: the first generated token of an answer */
    int n_cache;
    int n_ctx;
    int n_batch;
    int n_threads;
    struct ggml_threadpool *threadpool; /* shared by ctx and side_ctx; NULL: ggml's per-decode */
    volatile sig_atomic_t *interrupt;
    /* The side context (sym_llm_side_begin): swapped with ctx..n_batch above while in use. */
    struct llama_context *side_ctx;
    llama_token *side_cache;
    bool *side_starts;
    int side_n_cache, side_n_ctx, side_n_batch;
    bool in_side;
    char *model_path;              /* as given to sym_llm_init, for kvstate.c's key */
    int n_parallel;                /* sequences in ctx for the engine; 0: one */
    pthread_mutex_t decode_lock;   /* around llama_decode: the contexts share the threadpool */
    sym_llm_generate_fn engine_fn; /* set while an engine owns ctx (llm/engine.h) */
    void *engine;
    char desc[256];
    char err[512];
};

/* ---- llama.cpp log routing ---- */

static char last_llama_error[256];

/*
 * Keep the first error llama.cpp reports after a reset: that one names the cause ("unknown model
 * architecture: 'x'"); the later ones only say that loading failed. Function-name prefixes
 * ("llama_model_load: error loading model: ") are dropped.
 */
static void remember_error(const char *text)
{
    const char *p = text, *colon;
    size_t n;

    if (last_llama_error[0])
        return;
    while ((colon = strstr(p, ": ")) && colon - p < 48 && !memchr(p, ' ', (size_t)(colon - p)))
        p = colon + 2;
    if (!strncmp(p, "error loading model: ", 21))
        p += 21;
    snprintf(last_llama_error, sizeof last_llama_error, "%s", p);
    n = strlen(last_llama_error);
    while (n && (last_llama_error[n - 1] == '\n' || last_llama_error[n - 1] == ' '))
        last_llama_error[--n] = '\0';
}

static void llama_log_to_sym(enum ggml_log_level level, const char *text, void *data)
{
    (void)data;
    if (level == GGML_LOG_LEVEL_ERROR)
        remember_error(text);
    if (sym_log_enabled(SYM_LOG_DEBUG))
        fputs(text, stderr);
}

void sym_llm_route_log(void)
{
    llama_log_set(llama_log_to_sym, NULL);
    sym_chat_set_verbose(sym_log_enabled(SYM_LOG_DEBUG)); /* the chat library's own log */
}

/* ---- helpers ---- */

/*
 * Per-thread state for the engine (llm/engine.h), where several threads generate at once: the
 * thread's stop flag, the reason its last generation failed (llm->err is shared), and the model
 * whose side context this thread has entered (a side task generates on its own context, not
 * through the engine).
 */
static _Thread_local const atomic_bool *thread_cancel;
static _Thread_local char thread_err[512];
static _Thread_local const struct sym_llm *thread_err_llm;
static _Thread_local const struct sym_llm *side_owner;
static _Thread_local int thread_n_cached; /* the engine slot's tokens after this thread's last */
static _Thread_local const struct sym_llm *thread_cached_llm;

void sym_llm_set_cancel(const atomic_bool *flag)
{
    thread_cancel = flag;
}

const atomic_bool *sym_llm_thread_cancel(void)
{
    return thread_cancel;
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static bool interrupted(const struct sym_llm *llm)
{
    return llm->interrupt && *llm->interrupt;
}

static bool abort_cb(void *data)
{
    return interrupted(data);
}

struct sym_llm_params sym_llm_default_params(void)
{
    struct sym_llm_params p;

    memset(&p, 0, sizeof p);
    p.n_ctx = 0;
    p.n_gpu_layers = -1;
    return p;
}

/* Check the file before llama.cpp sees it, so the common mistakes get a precise message. */
static enum sym_status check_model_file(const char *path, char *err, size_t errlen)
{
    struct stat st;
    char magic[4];
    FILE *f;
    size_t got;

    if (!path || !path[0]) {
        snprintf(err, errlen, "no model given");
        return SYM_ERR_NOT_FOUND;
    }
    if (stat(path, &st)) {
        snprintf(err, errlen, "model file %s: %s", path, strerror(errno));
        return errno == ENOENT ? SYM_ERR_NOT_FOUND : SYM_ERR_IO;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "model path %s is a directory, not a GGUF file", path);
        return SYM_ERR_MODEL;
    }
    f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open model file %s: %s", path, strerror(errno));
        return SYM_ERR_IO;
    }
    got = fread(magic, 1, sizeof magic, f);
    fclose(f);
    if (got < sizeof magic || memcmp(magic, "GGUF", 4)) {
        snprintf(err, errlen,
                 "%s is not a GGUF model file (%s); Symbiot needs a llama.cpp GGUF model", path,
                 got < sizeof magic ? "too short" : "wrong magic bytes");
        return SYM_ERR_MODEL;
    }
    return SYM_OK;
}

static bool progress_cb(float fraction, void *data)
{
    const struct sym_llm_params *p = data;

    if (p->progress)
        p->progress(fraction, p->progress_data);
    return !(p->interrupt && *p->interrupt);
}

static void explain_load_failure(const char *path, const struct sym_llm_params *p, char *err,
                                 size_t errlen)
{
    const char *why = last_llama_error[0] ? last_llama_error : "unknown reason";

    if (p->interrupt && *p->interrupt)
        snprintf(err, errlen, "loading %s was interrupted", path);
    else if (strstr(why, "architecture"))
        snprintf(err, errlen, "cannot load %s: unsupported model architecture (llama.cpp: %s)",
                 path, why);
    else if (strstr(why, "bounds") || strstr(why, "read") || strstr(why, "incomplete"))
        snprintf(err, errlen, "cannot load %s: the file is truncated (llama.cpp: %s)", path, why);
    else
        snprintf(err, errlen, "cannot load %s: the file is corrupt (llama.cpp: %s)", path, why);
}

enum sym_status sym_llm_load_model(const char *path, int n_gpu_layers, struct llama_model **out,
                                   char *err, size_t errlen)
{
    struct llama_model_params mp = llama_model_default_params();
    struct sym_llm_params p = sym_llm_default_params();
    enum sym_status rc;

    *out = NULL;
    rc = check_model_file(path, err, errlen);
    if (rc)
        return rc;
    sym_llm_route_log();
    llama_backend_init();
    mp.n_gpu_layers = n_gpu_layers < 0 ? 999 : n_gpu_layers;
    mp.load_mode = LLAMA_LOAD_MODE_MMAP;
    last_llama_error[0] = '\0';
    *out = llama_model_load_from_file(path, mp);
    if (!*out) {
        explain_load_failure(path, &p, err, errlen);
        return SYM_ERR_MODEL;
    }
    return SYM_OK;
}

static int default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n > 0 ? (int)n : 4;
}

/*
 * Pick the chat template: the model's own, rendered by llama.cpp's chat library (llm/chat.h),
 * or none (the fallback) when the model has no template or the library cannot render it.
 */
static struct sym_chat_tmpl *usable_template(const struct llama_model *model)
{
    struct sym_chat_tmpl *t = NULL;
    char why[256];
    enum sym_status rc = sym_chat_tmpl_init(&t, model, NULL, why, sizeof why);

    if (rc == SYM_ERR_NOT_FOUND)
        return NULL;
    if (rc) {
        sym_log(SYM_LOG_WARN,
                "the model's chat template cannot be used (%s); using the fallback "
                "template",
                why);
        return NULL;
    }
    return t;
}

/* Keep a plain rendering of the template when its answers begin with a thinking block: its
 * parser separates the thinking (llm/think.h). The parser depends on the template and the
 * options, not on the messages, so one rendering serves every plain turn. */
static void find_thinking(struct sym_llm *llm)
{
    static const struct sym_chat_msg probe[] = {{"user", "hi"}};
    struct sym_chat_in in = sym_chat_in_default();
    char why[256];

    if (!llm->tmpl)
        return;
    in.msgs = probe;
    in.n_msgs = 1;
    if (sym_chat_apply(llm->tmpl, &in, &llm->thinking, why, sizeof why))
        return;
    if (!sym_chat_prompt_supports_thinking(llm->thinking)) {
        sym_chat_prompt_free(llm->thinking);
        llm->thinking = NULL;
    }
}

const struct sym_chat_prompt *sym_llm_thinking(const struct sym_llm *llm)
{
    return llm->thinking;
}

/* Make llm->ctx (and its token list) as p says, with micro-batches of at most ubatch tokens (the
 * compute buffer, logits included, grows with it: about 260 MB at 512 for a 128k vocabulary). */
static enum sym_status create_context(struct sym_llm *llm, const struct sym_llm_params *p,
                                      int ubatch, char *err, size_t errlen)
{
    struct llama_context_params cp = llama_context_default_params();
    int n_train = llama_model_n_ctx_train(llm->model);
    int n_ctx = p->n_ctx > 0                     ? p->n_ctx
                : n_train < SYM_LLM_AUTO_CTX_MAX ? n_train
                                                 : SYM_LLM_AUTO_CTX_MAX;

    if (n_ctx > n_train) {
        snprintf(err, errlen,
                 "context size %d is larger than the model's training context (%d tokens); "
                 "use -c %d or less",
                 n_ctx, n_train, n_train);
        return SYM_ERR_CONTEXT;
    }
    if (n_ctx < 32) {
        snprintf(err, errlen, "context size %d is too small (32 tokens at least)", n_ctx);
        return SYM_ERR_CONTEXT;
    }
    llm->n_threads = p->n_threads > 0 ? p->n_threads : default_threads();
    /* The engine's slots each get n_ctx cells of one unified cache, so a shared start is copied
     * between sequences (llama_memory_seq_cp) rather than stored twice. */
    cp.n_ctx = (uint32_t)n_ctx * (uint32_t)(p->n_parallel > 1 ? p->n_parallel : 1);
    cp.n_batch = cp.n_ctx < 2048 ? cp.n_ctx : 2048;
    cp.n_ubatch = cp.n_batch < (uint32_t)ubatch ? cp.n_batch : (uint32_t)ubatch;
    cp.n_seq_max = (uint32_t)(p->n_parallel > 1 ? p->n_parallel : 1);
    cp.kv_unified = true;
    cp.n_threads = llm->n_threads;
    cp.n_threads_batch = llm->n_threads;
    cp.no_perf = true;
    cp.abort_callback = abort_cb;
    cp.abort_callback_data = llm;
    llm->ctx = llama_init_from_model(llm->model, cp);
    if (!llm->ctx) {
        snprintf(err, errlen,
                 "cannot create a context of %d tokens (not enough memory?); try a smaller -c",
                 n_ctx);
        return SYM_ERR_CONTEXT;
    }
    if (!llm->threadpool) {
        struct ggml_threadpool_params tpp = ggml_threadpool_params_default(llm->n_threads);

        llm->threadpool = ggml_threadpool_new(&tpp);
        if (!llm->threadpool)
            sym_log(SYM_LOG_DEBUG, "no threadpool: ggml starts threads for every decode");
    }
    if (llm->threadpool)
        llama_attach_threadpool(llm->ctx, llm->threadpool, NULL);
    llm->n_ctx = (int)llama_n_ctx(llm->ctx) / (int)cp.n_seq_max;
    llm->n_batch = (int)llama_n_batch(llm->ctx);
    llm->cache = malloc(sizeof *llm->cache * (size_t)llm->n_ctx);
    llm->starts = calloc((size_t)llm->n_ctx, sizeof *llm->starts);
    if (!llm->cache || !llm->starts) {
        snprintf(err, errlen, "out of memory");
        return SYM_ERR_NOMEM;
    }
    return SYM_OK;
}

/* "ARCH SIZE QUANT (FILE)", from llama_model_desc(). llama.cpp writes the size as "?B" for a model
 * type it has no name for (most fine-tunes and small models): the parameter count is put there
 * instead, as `symbiot models` shows it ("llama 4M all F32", "qwen2 494M Q4_K - Medium"). */
static void describe(struct sym_llm *llm, const char *path)
{
    char desc[200], params[32];
    const char *base = strrchr(path, '/');
    char *unknown;

    llama_model_desc(llm->model, desc, sizeof desc);
    unknown = strstr(desc, " ?B");
    if (unknown && (unknown[3] == ' ' || !unknown[3])) {
        sym_gguf_params_str(llama_model_n_params(llm->model), params, sizeof params);
        snprintf(llm->desc, sizeof llm->desc, "%.*s %s%s (%s)", (int)(unknown - desc), desc, params,
                 unknown + 3, base ? base + 1 : path);
        return;
    }
    snprintf(llm->desc, sizeof llm->desc, "%s (%s)", desc, base ? base + 1 : path);
}

static enum sym_status collect_chars(struct sym_llm *llm);

/*
 * Remember the text of every token that the tokenizer turns into a control token when it meets
 * it in a prompt ("<|im_end|>", "</s>", "<|eot_id|>"): text from the user or a remembered fact
 * must not be able to end a turn or open a system message by typing one.
 */
static enum sym_status collect_specials(struct sym_llm *llm)
{
    const int n = llama_vocab_n_tokens(llm->vocab);
    const unsigned mask =
        LLAMA_TOKEN_ATTR_CONTROL | LLAMA_TOKEN_ATTR_USER_DEFINED | LLAMA_TOKEN_ATTR_UNKNOWN;
    int t;

    for (t = 0; t < n; t++) {
        const char *text = llama_vocab_get_text(llm->vocab, t);
        const char **grown;

        if (!(llama_vocab_get_attr(llm->vocab, t) & mask) || !text || strlen(text) < 2)
            continue;
        grown = realloc((void *)llm->specials, sizeof *grown * (llm->n_specials + 1));
        if (!grown)
            return SYM_ERR_NOMEM;
        llm->specials = grown;
        llm->specials[llm->n_specials++] = text;
        llm->special_first[(unsigned char)text[0]] = true;
    }
    return SYM_OK;
}

enum sym_status sym_llm_init(struct sym_llm **out, const struct sym_llm_params *p, char *err,
                             size_t errlen)
{
    struct llama_model_params mp = llama_model_default_params();
    void *rpc_devs[SYM_RPC_MAX_DEVICES + 1];
    struct sym_llm *llm;
    enum sym_status rc;

    *out = NULL;
    rc = check_model_file(p->model_path, err, errlen);
    if (rc)
        return rc;
    if (p->rpc_servers && p->rpc_servers[0]) {
        llama_backend_init();
        rc = sym_rpc_devices(p->rpc_servers, rpc_devs, err, errlen);
        if (rc)
            return rc;
        mp.devices = (ggml_backend_dev_t *)rpc_devs;
    }
    llm = calloc(1, sizeof *llm);
    if (!llm) {
        snprintf(err, errlen, "out of memory");
        return SYM_ERR_NOMEM;
    }
    llm->interrupt = p->interrupt;
    llm->model_path = strdup(p->model_path);
    if (!llm->model_path) {
        snprintf(err, errlen, "out of memory");
        rc = SYM_ERR_NOMEM;
        goto fail;
    }
    llm->n_parallel = p->n_parallel > 0 ? p->n_parallel : 0;
    pthread_mutex_init(&llm->decode_lock, NULL);
    sym_llm_route_log();
    llama_backend_init();
    mp.n_gpu_layers = p->n_gpu_layers < 0 ? 999 : p->n_gpu_layers;
    mp.progress_callback = progress_cb;
    mp.progress_callback_user_data = (void *)p;
    mp.load_mode = LLAMA_LOAD_MODE_MMAP;
    last_llama_error[0] = '\0';
    llm->model = llama_model_load_from_file(p->model_path, mp);
    if (!llm->model) {
        explain_load_failure(p->model_path, p, err, errlen);
        rc = p->interrupt && *p->interrupt ? SYM_ERR_INTERRUPTED : SYM_ERR_MODEL;
        goto fail;
    }
    llm->vocab = llama_model_get_vocab(llm->model);
    llm->tmpl = usable_template(llm->model);
    find_thinking(llm);
    if (collect_specials(llm) || collect_chars(llm)) {
        snprintf(err, errlen, "out of memory");
        rc = SYM_ERR_NOMEM;
        goto fail;
    }
    rc = create_context(llm, p, 512, err, errlen);
    if (rc)
        goto fail;
    describe(llm, p->model_path);
    *out = llm;
    return SYM_OK;
fail:
    sym_llm_free(llm);
    return rc;
}

void sym_llm_free(struct sym_llm *llm)
{
    if (!llm)
        return;
    if (llm->in_side)
        sym_llm_side_end(llm);
    if (llm->side_ctx)
        llama_free(llm->side_ctx);
    free(llm->side_cache);
    free(llm->side_starts);
    if (llm->ctx)
        llama_free(llm->ctx);
    if (llm->threadpool) /* after the contexts that use it */
        ggml_threadpool_free(llm->threadpool);
    sym_chat_prompt_free(llm->thinking);
    sym_chat_tmpl_free(llm->tmpl);
    if (llm->model)
        llama_model_free(llm->model);
    free(llm->cache);
    free(llm->starts);
    free((void *)llm->specials);
    free(llm->known_chars);
    free(llm->model_path);
    pthread_mutex_destroy(&llm->decode_lock);
    free(llm);
}

const char *sym_llm_errmsg(const struct sym_llm *llm)
{
    if (thread_err_llm == llm) /* the engine's failure of this thread's last generation */
        return thread_err;
    return llm->err;
}

/* ---- chat formatting ---- */

static const char *const fallback_stops[] = {"\nUser:", NULL};
static const char *const no_stops[] = {NULL};

bool sym_llm_has_template(const struct sym_llm *llm)
{
    return llm->tmpl != NULL;
}

const char *const *sym_llm_template_stops(const struct sym_llm *llm)
{
    return llm->tmpl ? no_stops : fallback_stops;
}

/*
 * The fallback template, for models without a usable chat template (documented in docs/USAGE.md
 * (Chat template)):
 *
 *     SYSTEM PROMPT\n\nUser: MESSAGE\nAssistant: ANSWER\nUser: MESSAGE\nAssistant:
 *
 * Plain text that any model can continue; generation stops at "\nUser:".
 */
static enum sym_status format_fallback(const struct sym_chat_msg *msgs, size_t n,
                                       struct sym_buf *out)
{
    enum sym_status rc = SYM_OK;
    size_t i;

    for (i = 0; i < n && !rc; i++) {
        const char *role = msgs[i].role;

        if (!strcmp(role, "system"))
            rc = sym_buf_printf(out, "%s\n\n", msgs[i].content);
        else if (!strcmp(role, "user"))
            rc = sym_buf_printf(out, "User: %s\n", msgs[i].content);
        else
            rc = sym_buf_printf(out, "Assistant: %s\n", msgs[i].content);
    }
    if (!rc)
        rc = sym_buf_puts(out, "Assistant:");
    return rc;
}

static enum sym_status format_chat(struct sym_llm *llm, const struct sym_chat_msg *msgs,
                                   size_t n_msgs, struct sym_buf *out);

/* Does text contain the text of a control token? */
static bool has_special(const struct sym_llm *llm, const char *text)
{
    const char *p;
    size_t i;

    for (p = text; *p; p++) {
        if (!llm->special_first[(unsigned char)*p])
            continue;
        for (i = 0; i < llm->n_specials; i++)
            if (!strncmp(p, llm->specials[i], strlen(llm->specials[i])))
                return true;
    }
    return false;
}

/*
 * Copy text into out with every control token's text broken by a zero-width space after its
 * first character: "<|im_end|>" stays readable but tokenizes as ordinary text.
 */
static enum sym_status defuse(const struct sym_llm *llm, const char *text, struct sym_buf *out)
{
    static const char zwsp[] = "\xE2\x80\x8B";
    enum sym_status rc = SYM_OK;
    const char *p = text;

    while (*p && !rc) {
        size_t i, len = 0;

        if (llm->special_first[(unsigned char)*p])
            for (i = 0; i < llm->n_specials && !len; i++)
                if (!strncmp(p, llm->specials[i], strlen(llm->specials[i])))
                    len = strlen(llm->specials[i]);
        if (len) {
            size_t first = 1;

            while (first < len && ((unsigned char)p[first] & 0xC0) == 0x80)
                first++;
            rc = sym_buf_append(out, p, first);
            if (!rc)
                rc = sym_buf_append(out, zwsp, sizeof zwsp - 1);
            p += first;
        } else {
            rc = sym_buf_append(out, p++, 1);
        }
    }
    return rc;
}

enum sym_status sym_llm_format_chat(struct sym_llm *llm, const struct sym_chat_msg *msgs,
                                    size_t n_msgs, struct sym_buf *out)
{
    struct sym_chat_msg *safe = NULL;
    struct sym_buf *copies = NULL;
    enum sym_status rc = SYM_OK;
    size_t i;

    thread_err_llm = NULL;
    /* Message texts never carry control tokens into the prompt. */
    for (i = 0; i < n_msgs && !safe; i++)
        if (has_special(llm, msgs[i].content)) {
            safe = malloc(sizeof *safe * n_msgs);
            copies = calloc(n_msgs, sizeof *copies);
            if (!safe || !copies) {
                rc = SYM_ERR_NOMEM;
                goto out;
            }
        }
    if (safe) {
        for (i = 0; i < n_msgs && !rc; i++) {
            safe[i] = msgs[i];
            if (has_special(llm, msgs[i].content)) {
                rc = defuse(llm, msgs[i].content, &copies[i]);
                safe[i].content = sym_buf_str(&copies[i]);
            }
        }
        msgs = safe;
    }
    if (!rc)
        rc = format_chat(llm, msgs, n_msgs, out);
out:
    for (i = 0; copies && i < n_msgs; i++)
        sym_buf_free(&copies[i]);
    free(copies);
    free(safe);
    return rc;
}

static enum sym_status format_chat(struct sym_llm *llm, const struct sym_chat_msg *msgs,
                                   size_t n_msgs, struct sym_buf *out)
{
    struct sym_chat_in in = sym_chat_in_default();
    struct sym_chat_prompt *p = NULL;
    enum sym_status rc;

    if (!llm->tmpl)
        return format_fallback(msgs, n_msgs, out);
    in.msgs = msgs;
    in.n_msgs = n_msgs;
    rc = sym_chat_apply(llm->tmpl, &in, &p, thread_err, sizeof thread_err);
    if (rc) /* the reason stays this thread's: several threads format at once under the engine */
        thread_err_llm = llm;
    else
        rc = sym_buf_puts(out, sym_chat_prompt_text(p));
    sym_chat_prompt_free(p);
    return rc;
}

/* Defuse every string in the JSON tree j that spells a control token (keys are the library's
 * own words, never rendered as text). */
static enum sym_status defuse_json(struct sym_llm *llm, cJSON *j)
{
    enum sym_status rc = SYM_OK;
    cJSON *c;

    if (cJSON_IsString(j) && has_special(llm, j->valuestring)) {
        struct sym_buf b = {0};

        rc = defuse(llm, j->valuestring, &b);
        if (!rc && !cJSON_SetValuestring(j, sym_buf_str(&b)))
            rc = SYM_ERR_NOMEM;
        sym_buf_free(&b);
        return rc;
    }
    for (c = j ? j->child : NULL; c && !rc; c = c->next)
        rc = defuse_json(llm, c);
    return rc;
}

/* The JSON text s (or, when NULL, msgs as an OpenAI messages array) defused, into *out (a
 * malloc'd string; NULL when s and msgs are both NULL). */
static enum sym_status defused_json(struct sym_llm *llm, const char *s, const char *what,
                                    const struct sym_chat_msg *msgs, size_t n, char **out)
{
    cJSON *j = NULL;
    enum sym_status rc = SYM_OK;
    size_t i;

    *out = NULL;
    if (s) {
        j = cJSON_Parse(s);
        if (!j) {
            snprintf(llm->err, sizeof llm->err, "%s is not valid JSON", what);
            return SYM_ERR_INVALID;
        }
    } else if (msgs) {
        j = cJSON_CreateArray();
        for (i = 0; j && i < n; i++) {
            cJSON *m = cJSON_CreateObject();

            if (m)
                cJSON_AddItemToArray(j, m); /* j owns it from here */
            if (!m || !cJSON_AddStringToObject(m, "role", msgs[i].role) ||
                !cJSON_AddStringToObject(m, "content", msgs[i].content)) {
                rc = SYM_ERR_NOMEM;
                break;
            }
        }
        if (!j)
            rc = SYM_ERR_NOMEM;
    } else {
        return SYM_OK;
    }
    if (!rc)
        rc = defuse_json(llm, j);
    if (!rc && !(*out = cJSON_PrintUnformatted(j)))
        rc = SYM_ERR_NOMEM;
    if (rc == SYM_ERR_NOMEM)
        snprintf(llm->err, sizeof llm->err, "out of memory");
    cJSON_Delete(j);
    return rc;
}

enum sym_status sym_llm_apply_chat(struct sym_llm *llm, const struct sym_chat_in *in,
                                   struct sym_chat_prompt **out)
{
    struct sym_chat_in safe = *in;
    char *msgs = NULL, *tools = NULL;
    enum sym_status rc;

    *out = NULL;
    llm->err[0] = '\0';
    if (!llm->tmpl) {
        snprintf(llm->err, sizeof llm->err,
                 "the model has no chat template that llama.cpp's chat library renders; tools, "
                 "tool calls and JSON schemas need one (see `symbiot models show`)");
        return SYM_ERR_INVALID;
    }
    if (in->tools_json && !sym_chat_tmpl_supports_tools(llm->tmpl)) {
        snprintf(llm->err, sizeof llm->err,
                 "the model's chat template does not support tools (it renders no tool "
                 "definitions or tool calls)");
        return SYM_ERR_INVALID;
    }
    rc = defused_json(llm, in->messages_json, "messages", in->msgs, in->n_msgs, &msgs);
    if (!rc)
        rc = defused_json(llm, in->tools_json, "tools", NULL, 0, &tools);
    if (!rc) {
        safe.messages_json = msgs;
        safe.tools_json = tools;
        rc = sym_chat_apply(llm->tmpl, &safe, out, llm->err, sizeof llm->err);
    }
    if (rc == SYM_ERR_MODEL && in->messages_json) {
        /* A template that raises on these messages (roles out of order, a tool result with no
         * call before it) refuses the caller's input: say so, as a bad request. */
        char why[sizeof llm->err];

        snprintf(why, sizeof why, "%s", llm->err);
        snprintf(llm->err, sizeof llm->err,
                 "the model's chat template refuses these messages: %.400s", why);
        rc = SYM_ERR_INVALID;
    }
    free(msgs);
    free(tools);
    return rc;
}

bool sym_llm_supports_tools(const struct sym_llm *llm)
{
    return llm->tmpl && sym_chat_tmpl_supports_tools(llm->tmpl);
}

/* ---- tokens ---- */

/* Decode one code point of UTF-8 at *s (advancing it); 0xFFFFFFFF for an invalid byte. */
static uint32_t next_cp(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    size_t n = p[0] < 0x80 ? 1 : p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 0;
    uint32_t cp;
    size_t i;

    if (!n || !sym_utf8_valid(*s, strnlen(*s, n)) || strnlen(*s, n) < n) {
        (*s)++;
        return 0xFFFFFFFFu;
    }
    cp = n == 1 ? p[0] : p[0] & (0xFFu >> (n + 1));
    for (i = 1; i < n; i++)
        cp = cp << 6 | (p[i] & 0x3Fu);
    *s += n;
    return cp;
}

static int cmp_cp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

/*
 * A SentencePiece vocabulary without byte tokens cannot represent a character that is not one of
 * its tokens (llama.cpp throws). For such a vocabulary, remember which characters it has, so
 * tokenize() can replace the others ("🙂" for a small story model) instead of failing.
 */
static enum sym_status collect_chars(struct sym_llm *llm)
{
    const int n = llama_vocab_n_tokens(llm->vocab);
    size_t bytes = 0, cap = 0;
    int t;

    if (llama_vocab_type(llm->vocab) != LLAMA_VOCAB_TYPE_SPM)
        return SYM_OK;
    for (t = 0; t < n; t++)
        bytes += (llama_vocab_get_attr(llm->vocab, t) & LLAMA_TOKEN_ATTR_BYTE) != 0;
    if (bytes >= 256)
        return SYM_OK;
    llm->filter_chars = true;
    for (t = 0; t < n; t++) {
        const char *text = llama_vocab_get_text(llm->vocab, t), *p = text;
        uint32_t cp;

        if (!text || !*text)
            continue;
        cp = next_cp(&p);
        if (*p || cp == 0xFFFFFFFFu)
            continue; /* not a single character */
        if (llm->n_known_chars + 2 > cap) {
            uint32_t *grown;

            cap = cap ? cap * 2 : 256;
            grown = realloc(llm->known_chars, sizeof *grown * cap);
            if (!grown)
                return SYM_ERR_NOMEM;
            llm->known_chars = grown;
        }
        llm->known_chars[llm->n_known_chars++] = cp;
        if (cp == 0x2581) /* "▁" stands for a space */
            llm->known_chars[llm->n_known_chars++] = ' ';
    }
    qsort(llm->known_chars, llm->n_known_chars, sizeof *llm->known_chars, cmp_cp);
    return SYM_OK;
}

static bool known_char(const struct sym_llm *llm, uint32_t cp)
{
    return bsearch(&cp, llm->known_chars, llm->n_known_chars, sizeof cp, cmp_cp) != NULL;
}

/* Length of the control-token text at p, or 0. */
static size_t special_at(const struct sym_llm *llm, const char *p)
{
    size_t i;

    if (!llm->special_first[(unsigned char)*p])
        return 0;
    for (i = 0; i < llm->n_specials; i++)
        if (!strncmp(p, llm->specials[i], strlen(llm->specials[i])))
            return strlen(llm->specials[i]);
    return 0;
}

/* Copy text with every character the vocabulary lacks replaced by '?' (or a space); control
 * tokens are copied as they are. */
static enum sym_status filter_text(const struct sym_llm *llm, const char *text, struct sym_buf *out)
{
    const char *replacement = known_char(llm, '?') ? "?" : " ";
    enum sym_status rc = SYM_OK;
    const char *p = text;

    while (*p && !rc) {
        const char *start = p;
        size_t special = special_at(llm, p);
        uint32_t cp;

        if (special) {
            rc = sym_buf_append(out, p, special);
            p += special;
            continue;
        }
        cp = next_cp(&p);
        if (cp != 0xFFFFFFFFu && known_char(llm, cp))
            rc = sym_buf_append(out, start, (size_t)(p - start));
        else
            rc = sym_buf_puts(out, replacement);
    }
    return rc;
}

int sym_llm_tokenize(struct sym_llm *llm, const char *text, llama_token **out, char *err,
                     size_t errlen)
{
    struct sym_buf filtered = {0};
    int32_t len, cap, n;
    llama_token *toks;
    bool failed;

    *out = NULL;
    if (llm->filter_chars) {
        if (filter_text(llm, text, &filtered)) {
            snprintf(err, errlen, "out of memory while tokenizing");
            sym_buf_free(&filtered);
            return -1;
        }
        text = sym_buf_str(&filtered);
    }
    if (strlen(text) > INT32_MAX / 2) {
        snprintf(err, errlen, "the text is too long to tokenize");
        sym_buf_free(&filtered);
        return -1;
    }
    len = (int32_t)strlen(text);
    cap = len + 8;
    toks = malloc(sizeof *toks * (size_t)cap);
    n = toks ? sym_guard_tokenize(llm->vocab, text, len, toks, cap, true, true, &failed) : -1;
    if (toks && n < 0) {
        /* A negative count is the size the buffer needs. */
        llama_token *bigger = realloc(toks, sizeof *toks * (size_t)-n);

        if (bigger) {
            toks = bigger;
            n = sym_guard_tokenize(llm->vocab, text, len, toks, -n, true, true, &failed);
        } else {
            n = -1;
        }
    }
    sym_buf_free(&filtered);
    if (toks && n >= 0 && failed)
        snprintf(err, errlen, "the model's vocabulary cannot represent this text");
    else if (!toks || n < 0)
        snprintf(err, errlen, "out of memory while tokenizing");
    if (!toks || n < 0 || failed) {
        free(toks);
        return -1;
    }
    /* A template that writes the BOS text itself would give two BOS tokens: keep one. */
    if (n >= 2 && toks[0] == toks[1] && toks[0] == llama_vocab_bos(llm->vocab)) {
        memmove(toks, toks + 1, sizeof *toks * (size_t)(n - 1));
        n--;
    }
    *out = toks;
    return n;
}

/* Tokenize text into a new array (*out, caller frees); returns the count or -1 (llm->err says
 * why). */
static int tokenize(struct sym_llm *llm, const char *text, llama_token **out)
{
    return sym_llm_tokenize(llm, text, out, llm->err, sizeof llm->err);
}

int sym_llm_count_tokens(struct sym_llm *llm, const char *text)
{
    llama_token *toks;
    int n = tokenize(llm, text, &toks);

    free(toks);
    return n;
}

/* Exchange the conversation's context and KV-cache list with the side context's. */
static void swap_side(struct sym_llm *llm)
{
    struct llama_context *ctx = llm->ctx;
    llama_token *cache = llm->cache;
    bool *starts = llm->starts;
    int n_cache = llm->n_cache, n_ctx = llm->n_ctx, n_batch = llm->n_batch;

    llm->ctx = llm->side_ctx;
    llm->cache = llm->side_cache;
    llm->starts = llm->side_starts;
    llm->n_cache = llm->side_n_cache;
    llm->n_ctx = llm->side_n_ctx;
    llm->n_batch = llm->side_n_batch;
    llm->side_ctx = ctx;
    llm->side_cache = cache;
    llm->side_starts = starts;
    llm->side_n_cache = n_cache;
    llm->side_n_ctx = n_ctx;
    llm->side_n_batch = n_batch;
    llm->in_side = !llm->in_side;
}

enum sym_status sym_llm_side_begin(struct sym_llm *llm, int n_ctx)
{
    struct sym_llm_params p = sym_llm_default_params();
    enum sym_status rc;
    int main_ctx = llm->n_ctx;

    if (llm->in_side)
        return SYM_OK;
    swap_side(llm);
    side_owner = llm;
    if (llm->ctx)
        return SYM_OK;
    p.n_ctx = n_ctx < main_ctx ? n_ctx : main_ctx;
    p.n_threads = llm->n_threads;
    rc = create_context(llm, &p, 64, llm->err, sizeof llm->err);
    if (rc) {
        if (llm->ctx)
            llama_free(llm->ctx);
        free(llm->cache);
        free(llm->starts);
        llm->ctx = NULL;
        llm->cache = NULL;
        llm->starts = NULL;
        llm->n_cache = llm->n_ctx = llm->n_batch = 0;
        swap_side(llm);
        side_owner = NULL;
    }
    return rc;
}

void sym_llm_side_end(struct sym_llm *llm)
{
    if (llm->in_side)
        swap_side(llm);
    side_owner = NULL;
}

void sym_llm_clear_cache(struct sym_llm *llm)
{
    llama_memory_clear(llama_get_memory(llm->ctx), true);
    llm->n_cache = 0;
}

int sym_llm_n_ctx(const struct sym_llm *llm)
{
    return llm->n_ctx;
}

int sym_llm_n_cached(const struct sym_llm *llm)
{
    if (llm->engine_fn && thread_cached_llm == llm && side_owner != llm)
        return thread_n_cached; /* the slot of this thread's last generation */
    return llm->n_cache;
}

/* ---- for kvstate.c (llm_internal.h) ---- */

const llama_token *sym_llm_cache_tokens(const struct sym_llm *llm, int *n, const bool **starts)
{
    *n = llm->in_side ? llm->side_n_cache : llm->n_cache;
    if (starts)
        *starts = llm->in_side ? llm->side_starts : llm->starts;
    return llm->in_side ? llm->side_cache : llm->cache;
}

enum sym_status sym_llm_cache_set(struct sym_llm *llm, const llama_token *toks, const bool *starts,
                                  int n)
{
    if (llm->in_side || n < 0 || n >= llm->n_ctx)
        return SYM_ERR_CONTEXT;
    if (n) {
        memcpy(llm->cache, toks, sizeof *toks * (size_t)n);
        memcpy(llm->starts, starts, sizeof *starts * (size_t)n);
    }
    llm->n_cache = n;
    return SYM_OK;
}

void sym_llm_cache_cut(struct sym_llm *llm, int n)
{
    if (llm->in_side || n < 0 || n >= llm->n_cache)
        return;
    if (!llama_memory_seq_rm(llama_get_memory(llm->ctx), 0, n, -1)) {
        llama_memory_clear(llama_get_memory(llm->ctx), true);
        n = 0;
    }
    llm->n_cache = n;
}

const char *sym_llm_model_path(const struct sym_llm *llm)
{
    return llm->model_path;
}

const char *sym_llm_template_source(const struct sym_llm *llm)
{
    const char *t = llm->tmpl ? llama_model_chat_template(llm->model, NULL) : NULL;

    return t ? t : "";
}

int sym_llm_n_threads(const struct sym_llm *llm)
{
    return llm->n_threads;
}

const char *sym_llm_describe(const struct sym_llm *llm)
{
    return llm->desc;
}

/* ---- what the room's other files share (llm_internal.h) ---- */

struct llama_context *sym_llm_context(const struct sym_llm *llm)
{
    return llm->in_side ? llm->side_ctx : llm->ctx;
}

const struct llama_vocab *sym_llm_vocab(const struct sym_llm *llm)
{
    return llm->vocab;
}

int sym_llm_n_parallel(const struct sym_llm *llm)
{
    return llm->n_parallel;
}

volatile sig_atomic_t *sym_llm_interrupt_flag(const struct sym_llm *llm)
{
    return llm->interrupt;
}

void sym_llm_decode_lock(struct sym_llm *llm)
{
    pthread_mutex_lock(&llm->decode_lock);
}

void sym_llm_decode_unlock(struct sym_llm *llm)
{
    pthread_mutex_unlock(&llm->decode_lock);
}

void sym_llm_set_engine(struct sym_llm *llm, sym_llm_generate_fn fn, void *engine)
{
    llm->engine_fn = fn;
    llm->engine = engine;
}

/* ---- generation ---- */

/* Decode toks[0..n) at the end of the cache, in batches; logits only for the last token. */
static enum sym_status decode_tokens(struct sym_llm *llm, const llama_token *toks, int n)
{
    int done = 0;

    while (done < n) {
        int chunk = n - done < llm->n_batch ? n - done : llm->n_batch;
        struct llama_batch batch = llama_batch_get_one((llama_token *)toks + done, chunk);
        int32_t ret;

        pthread_mutex_lock(&llm->decode_lock);
        ret = llama_decode(llm->ctx, batch);
        pthread_mutex_unlock(&llm->decode_lock);

        if (ret != 0) {
            /* Whatever this batch left behind is not trusted: cut the cache back to before it. */
            llama_memory_seq_rm(llama_get_memory(llm->ctx), 0, llm->n_cache, -1);
            if (ret == 2) {
                snprintf(llm->err, sizeof llm->err, "interrupted");
                return SYM_ERR_INTERRUPTED;
            }
            snprintf(llm->err, sizeof llm->err,
                     ret == 1 ? "no room left in the context (%d tokens)" : "decoding failed (%d)",
                     ret == 1 ? llm->n_ctx : (int)ret);
            return ret == 1 ? SYM_ERR_CONTEXT : SYM_ERR_MODEL;
        }
        memcpy(llm->cache + llm->n_cache, toks + done, sizeof *toks * (size_t)chunk);
        memset(llm->starts + llm->n_cache, 0, sizeof *llm->starts * (size_t)chunk);
        llm->n_cache += chunk;
        done += chunk;
    }
    return SYM_OK;
}

/*
 * Append tok's text (control tokens as their text) to *text; false when out of memory. A token
 * without text (or longer than 256 bytes) adds a marker that matches nothing, so it never syncs.
 */
static bool piece_text(struct sym_llm *llm, llama_token tok, struct sym_buf *text)
{
    char piece[256];
    int n = llama_token_to_piece(llm->vocab, tok, piece, sizeof piece, 0, true);

    if (n <= 0)
        return sym_buf_printf(text, "\x01%d\x01", (int)tok) == SYM_OK;
    return sym_buf_append(text, piece, (size_t)n) == SYM_OK;
}

/* Drop the whitespace at byte off of text, as far as it goes; true when text goes on after it
 * (the whitespace there is over), false when it may go on in the next piece. */
static bool drop_space_at(struct sym_buf *text, size_t off)
{
    size_t end = off;

    while (end < text->len && (text->data[end] == ' ' || text->data[end] == '\n' ||
                               text->data[end] == '\t' || text->data[end] == '\r'))
        end++;
    memmove(text->data + off, text->data + end, text->len - end + 1);
    text->len -= end - off;
    return text->len > off;
}

/*
 * Where the cache and a new prompt's tokens diverge (at `keep`), look past the divergence for a
 * point where both token lists have spelled the same text and end on a token boundary at the
 * same place: an answer whose generated tokens differ from how its text re-tokenizes ("ab" "cd"
 * generated, "abc" "d" re-tokenized) is the same text, and the tokens after it line up again.
 * Whitespace where an answer starts is forgiven on both sides: the assistant keeps an answer
 * without its leading whitespace, and a template writes its own (the fallback's "Assistant: "),
 * so "Assistant:" "Hi" generated stands for "Assistant: Hi" in the prompt.
 * Returns the number of cached tokens to keep (*from: the prompt tokens that follow them), or
 * `keep` when there is no such point. Texts are compared with control tokens spelled out, so an
 * end-of-turn token matches only itself.
 */
static int resync(struct sym_llm *llm, const llama_token *toks, int n, int keep, int *from)
{
    struct sym_buf a = {0}, b = {0};
    int i = keep, j = keep, best_i = keep, best_j = keep;
    size_t strip_at = 0;
    bool strip_a = false, strip_b = false;

    *from = keep;
    while (i < llm->n_cache || j < n) {
        size_t common;

        /* Grow the shorter text by one token; stop when the longer side has run out. */
        if (a.len <= b.len && i < llm->n_cache) {
            if (llm->starts[i]) {
                strip_at = a.len;
                strip_a = strip_b = true;
            }
            if (!piece_text(llm, llm->cache[i++], &a))
                break;
        } else if (j < n) {
            if (!piece_text(llm, toks[j++], &b))
                break;
        } else {
            break;
        }
        if (strip_a && a.len > strip_at)
            strip_a = !drop_space_at(&a, strip_at);
        if (strip_b && b.len > strip_at)
            strip_b = !drop_space_at(&b, strip_at);
        common = a.len < b.len ? a.len : b.len;
        if (common && memcmp(a.data, b.data, common))
            break;
        if (a.len == b.len && i > keep && j > keep && !strip_a && !strip_b) {
            best_i = i;
            best_j = j;
        }
    }
    sym_buf_free(&a);
    sym_buf_free(&b);
    *from = best_j;
    return best_i;
}

/*
 * Make the KV cache hold toks[0..n), or the same text: keep the common prefix (extended past a
 * difference in tokenization by resync()), drop the rest, decode what is missing. At least the
 * last token is always decoded, so its logits are fresh. *n_prompt gets the prompt's length as
 * it is now in the cache.
 */
static enum sym_status load_prompt(struct sym_llm *llm, const llama_token *toks, int n,
                                   int *n_prompt, int *n_evaluated)
{
    llama_memory_t mem = llama_get_memory(llm->ctx);
    llama_token *merged = NULL;
    enum sym_status rc;
    int keep = 0, from;

    while (keep < n && keep < llm->n_cache && llm->cache[keep] == toks[keep])
        keep++;
    if (keep < n && keep < llm->n_cache) {
        int synced = resync(llm, toks, n, keep, &from);

        if (synced > keep && synced + (n - from) < llm->n_ctx &&
            (merged = malloc(sizeof *merged * (size_t)(synced + (n - from)))) != NULL) {
            /* The cache's own tokens stand for toks[keep..from): the prompt goes on after them. */
            memcpy(merged, llm->cache, sizeof *merged * (size_t)synced);
            memcpy(merged + synced, toks + from, sizeof *merged * (size_t)(n - from));
            keep = synced;
            n = synced + (n - from);
            toks = merged;
        }
    }
    *n_prompt = n;
    if (keep == n)
        keep--;
    if (!llama_memory_seq_rm(mem, 0, keep, -1)) {
        /* Some memory types cannot cut in the middle: start over. */
        llama_memory_clear(mem, true);
        keep = 0;
    }
    llm->n_cache = keep;
    *n_evaluated = n - keep;
    rc = decode_tokens(llm, toks + keep, n - keep);
    free(merged);
    return rc;
}

/* A grammar comes first in the chain: the other samplers then choose only among the tokens it
 * allows. */
struct llama_sampler *sym_llm_sampler(struct sym_llm *llm, const struct sym_sampling *s, char *err,
                                      size_t errlen)
{
    struct llama_sampler_chain_params cp = llama_sampler_chain_default_params();
    struct llama_sampler *chain, *grammar = NULL;

    err[0] = '\0';
    if (s->constraint) {
        grammar = sym_chat_grammar_sampler(s->constraint, llm->vocab, err, errlen);
        if (!grammar && err[0])
            return NULL;
    }
    cp.no_perf = true;
    chain = llama_sampler_chain_init(cp);
    if (!chain) {
        if (grammar)
            llama_sampler_free(grammar);
        return NULL;
    }
    if (grammar)
        llama_sampler_chain_add(chain, grammar);
    if ((s->repeat_penalty != 1.0f && s->repeat_last_n != 0) || s->frequency_penalty != 0.0f ||
        s->presence_penalty != 0.0f)
        llama_sampler_chain_add(
            chain, llama_sampler_init_penalties(llama_vocab_n_tokens(llm->vocab),
                                                s->repeat_last_n ? s->repeat_last_n : 64,
                                                s->repeat_last_n ? s->repeat_penalty : 1.0f,
                                                s->frequency_penalty, s->presence_penalty));
    if (s->temp <= 0.0f) {
        llama_sampler_chain_add(chain, llama_sampler_init_greedy());
        return chain;
    }
    if (s->top_k > 0)
        llama_sampler_chain_add(chain, llama_sampler_init_top_k(s->top_k));
    if (s->top_p < 1.0f)
        llama_sampler_chain_add(chain, llama_sampler_init_top_p(s->top_p, 1));
    if (s->min_p > 0.0f)
        llama_sampler_chain_add(chain, llama_sampler_init_min_p(s->min_p, 1));
    llama_sampler_chain_add(chain, llama_sampler_init_temp(s->temp));
    llama_sampler_chain_add(chain, llama_sampler_init_dist(s->seed));
    return chain;
}

/* One answer's streaming state: struct sym_llm_stream (llm_internal.h). */
#define stream sym_llm_stream

/* Length of the longest suffix of s[0..n) that is a proper prefix of some stop string. */
static size_t stop_prefix_tail(const char *s, size_t n, const char *const *stops)
{
    size_t best = 0;

    for (; stops && *stops; stops++) {
        size_t len = strlen(*stops), k;

        for (k = len - 1 < n ? len - 1 : n; k > best; k--)
            if (!memcmp(s + n - k, *stops, k)) {
                best = k;
                break;
            }
    }
    return best;
}

static enum sym_status emit(struct stream *st, size_t n)
{
    if (n && !st->stopped_by_caller && st->on_text(st->text.data, n, st->data))
        st->stopped_by_caller = true;
    memmove(st->text.data, st->text.data + n, st->text.len - n + 1);
    st->text.len -= n;
    return SYM_OK;
}

/* Take a token's bytes; hand out what is safe to show. final: the answer is over. */
static enum sym_status stream_push(struct stream *st, const char *piece, size_t n, bool final)
{
    enum sym_status rc = sym_utf8_stream_feed(&st->utf8, piece, n, &st->text);
    const char *const *s;
    size_t hold;

    if (!rc && final)
        rc = sym_utf8_stream_flush(&st->utf8, &st->text);
    if (rc)
        return rc;
    for (s = st->stops; s && *s; s++) {
        const char *hit = st->text.len ? strstr(st->text.data, *s) : NULL;

        if (hit) {
            st->stopped_by_string = true;
            return emit(st, (size_t)(hit - st->text.data));
        }
    }
    hold = final ? 0 : stop_prefix_tail(sym_buf_str(&st->text), st->text.len, st->stops);
    return emit(st, st->text.len - hold);
}

void sym_llm_stream_init(struct sym_llm_stream *st, const char *const *stops,
                         sym_llm_text_fn on_text, void *data)
{
    memset(st, 0, sizeof *st);
    sym_utf8_stream_init(&st->utf8);
    st->stops = stops;
    st->on_text = on_text;
    st->data = data;
}

enum sym_status sym_llm_stream_push(struct sym_llm_stream *st, const char *piece, size_t n,
                                    bool final)
{
    return stream_push(st, piece, n, final);
}

void sym_llm_stream_free(struct sym_llm_stream *st)
{
    sym_buf_free(&st->text);
}

static int token_piece(struct sym_llm *llm, llama_token tok, char *buf, int size)
{
    return llama_token_to_piece(llm->vocab, tok, buf, size, 0, false);
}

/* The sampling loop: one token per step until a stop condition. */
static enum sym_status generate_loop(struct sym_llm *llm, struct llama_sampler *smpl,
                                     int max_tokens, struct stream *st, struct sym_gen_stats *stats,
                                     double t0)
{
    double t_first = 0;
    char piece[256];
    enum sym_status rc = SYM_OK;

    stats->stop = SYM_STOP_LIMIT;
    while (max_tokens < 0 || stats->n_generated < max_tokens) {
        llama_token tok;
        int n;

        if (interrupted(llm)) {
            stats->stop = SYM_STOP_INTERRUPT;
            break;
        }
        tok = llama_sampler_sample(smpl, llm->ctx, -1);
        if (stats->n_generated++ == 0) {
            t_first = now_ms();
            stats->ttft_ms = t_first - t0;
        }
        if (llama_vocab_is_eog(llm->vocab, tok)) {
            stats->stop = SYM_STOP_EOG;
            break;
        }
        n = token_piece(llm, tok, piece, sizeof piece);
        if (n < 0) {
            snprintf(llm->err, sizeof llm->err, "token %d has no text", (int)tok);
            rc = SYM_ERR_MODEL;
            break;
        }
        rc = stream_push(st, piece, (size_t)n, false);
        if (rc)
            break;
        if (st->stopped_by_string || st->stopped_by_caller) {
            stats->stop = st->stopped_by_string ? SYM_STOP_STRING : SYM_STOP_CALLER;
            break;
        }
        if (max_tokens >= 0 && stats->n_generated >= max_tokens)
            break; /* no need to decode a token nothing will follow */
        if (llm->n_cache >= llm->n_ctx) {
            stats->stop = SYM_STOP_CONTEXT;
            break;
        }
        rc = decode_tokens(llm, &tok, 1);
        if (!rc && stats->n_generated == 1)
            llm->starts[llm->n_cache - 1] = true; /* where resync() forgives whitespace */
        if (rc == SYM_ERR_INTERRUPTED) {
            stats->stop = SYM_STOP_INTERRUPT;
            rc = SYM_OK;
            break;
        }
        if (rc)
            break;
    }
    if (!rc && !st->stopped_by_string && !st->stopped_by_caller)
        rc = stream_push(st, "", 0, true);
    stats->gen_ms = stats->n_generated ? now_ms() - t_first : 0;
    return rc;
}

enum sym_status sym_llm_generate(struct sym_llm *llm, const char *prompt,
                                 const struct sym_sampling *sampling, int max_tokens,
                                 const char *const *stops, sym_llm_text_fn on_text, void *data,
                                 struct sym_gen_stats *stats)
{
    double t0 = now_ms();
    struct llama_sampler *smpl = NULL;
    struct stream st;
    llama_token *toks = NULL;
    enum sym_status rc;
    int n;

    memset(stats, 0, sizeof *stats);
    if (llm->engine_fn && side_owner != llm) {
        enum sym_status erc;

        thread_err_llm = NULL;
        erc = llm->engine_fn(llm->engine, prompt, sampling, max_tokens, stops, on_text, data, stats,
                             thread_err, sizeof thread_err, &thread_n_cached);
        thread_cached_llm = llm;
        if (erc)
            thread_err_llm = llm;
        return erc;
    }
    memset(&st, 0, sizeof st);
    sym_utf8_stream_init(&st.utf8);
    st.stops = stops;
    st.on_text = on_text;
    st.data = data;
    llm->err[0] = '\0';
    n = tokenize(llm, prompt, &toks);
    if (n <= 0) {
        if (n == 0 || !llm->err[0]) /* else tokenize() said why */
            snprintf(llm->err, sizeof llm->err, n == 0 ? "empty prompt" : "cannot tokenize prompt");
        rc = n == 0 ? SYM_ERR_INVALID : SYM_ERR_NOMEM;
        goto out;
    }
    stats->n_prompt = n;
    if (n >= llm->n_ctx) {
        snprintf(llm->err, sizeof llm->err,
                 "the prompt is %d tokens but the context holds %d; shorten it or raise -c", n,
                 llm->n_ctx);
        rc = SYM_ERR_CONTEXT;
        goto out;
    }
    smpl = sym_llm_sampler(llm, sampling, llm->err, sizeof llm->err);
    if (!smpl) {
        rc = llm->err[0] ? SYM_ERR_INVALID : SYM_ERR_NOMEM;
        goto out;
    }
    rc = load_prompt(llm, toks, n, &stats->n_prompt, &stats->n_evaluated);
    stats->prompt_ms = now_ms() - t0;
    if (rc)
        goto out;
    rc = generate_loop(llm, smpl, max_tokens, &st, stats, t0);
out:
    if (rc == SYM_ERR_INTERRUPTED)
        stats->stop = SYM_STOP_INTERRUPT;
    llama_sampler_free(smpl);
    sym_buf_free(&st.text);
    free(toks);
    return rc;
}

void sym_llm_model_size(const struct sym_llm *llm, uint64_t *bytes, uint64_t *params)
{
    *bytes = llama_model_size(llm->model);
    *params = llama_model_n_params(llm->model);
}

/* n random ordinary token ids (a fixed seed: the same tokens every run), into *out (caller
 * frees). */
static llama_token *random_tokens(const struct sym_llm *llm, int n)
{
    llama_token *t = malloc(sizeof *t * (size_t)(n > 0 ? n : 1));
    int n_vocab = llama_vocab_n_tokens(llm->vocab), i;
    uint32_t x = 2463534242u;

    for (i = 0; t && i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        t[i] = (llama_token)(x % (uint32_t)n_vocab);
    }
    return t;
}

static enum sym_status bench_run(struct sym_llm *llm, int n_tokens, bool one_by_one, double *ms)
{
    llama_token *toks;
    enum sym_status rc = SYM_OK;
    double t0;
    int i;

    *ms = 0;
    if (n_tokens < 1 || n_tokens >= llm->n_ctx) {
        snprintf(llm->err, sizeof llm->err, "%d tokens do not fit the context of %d", n_tokens,
                 llm->n_ctx);
        return SYM_ERR_CONTEXT;
    }
    toks = random_tokens(llm, n_tokens);
    if (!toks)
        return SYM_ERR_NOMEM;
    sym_llm_clear_cache(llm);
    t0 = now_ms();
    if (one_by_one)
        for (i = 0; i < n_tokens && !rc; i++)
            rc = decode_tokens(llm, toks + i, 1);
    else
        rc = decode_tokens(llm, toks, n_tokens);
    llama_synchronize(llm->ctx);
    *ms = now_ms() - t0;
    sym_llm_clear_cache(llm);
    free(toks);
    return rc;
}

enum sym_status sym_llm_bench_pp(struct sym_llm *llm, int n_tokens, double *ms)
{
    return bench_run(llm, n_tokens, false, ms);
}

enum sym_status sym_llm_bench_tg(struct sym_llm *llm, int n_tokens, double *ms)
{
    return bench_run(llm, n_tokens, true, ms);
}

enum sym_status sym_llm_replay(struct sym_llm *llm, const char *text, const char *const *stops,
                               sym_llm_text_fn on_text, void *data)
{
    int32_t len = (int32_t)strlen(text), n, i;
    llama_token *toks = malloc(sizeof *toks * ((size_t)len + 8));
    enum sym_status rc = SYM_OK;
    struct stream st;
    char piece[256];

    if (!toks)
        return SYM_ERR_NOMEM;
    memset(&st, 0, sizeof st);
    st.stops = stops;
    st.on_text = on_text;
    st.data = data;
    bool failed;

    n = sym_guard_tokenize(llm->vocab, text, len, toks, len + 8, false, false, &failed);
    if (failed)
        n = -1;
    for (i = 0; i < n && !rc && !st.stopped_by_string && !st.stopped_by_caller; i++) {
        int k = token_piece(llm, toks[i], piece, sizeof piece);

        rc = k < 0 ? SYM_ERR_MODEL : stream_push(&st, piece, (size_t)k, false);
    }
    if (!rc && !st.stopped_by_string && !st.stopped_by_caller)
        rc = stream_push(&st, "", 0, true);
    if (n < 0)
        rc = SYM_ERR_INVALID;
    sym_buf_free(&st.text);
    free(toks);
    return rc;
}
