/*
 * test_models.c: the pieces of `symbiot pull` and `symbiot models` that need no network: SHA-256
 * against the FIPS 180-2 vectors, the catalogue's names and recommendation, the library's name
 * resolution and default model, GGUF metadata of the test models, and the address checks.
 *
 * Arguments: TINY_MODEL (no chat template) CHATML_MODEL (a template) SCRATCH_DIR.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/paths.h"
#include "base/sha256.h"
#include "llm/gguf_info.h"
#include "models/catalog.h"
#include "models/download.h"
#include "models/library.h"
#include "test.h"

static const char *sha_hex(const void *data, size_t len, size_t piece, char *hex)
{
    struct sym_sha256 *s;
    const char *p = data;
    size_t off;

    hex[0] = '\0';
    if (sym_sha256_init(&s))
        return hex;
    for (off = 0; off < len; off += piece)
        sym_sha256_update(s, p + off, len - off < piece ? len - off : piece);
    if (sym_sha256_final_hex(s, hex))
        hex[0] = '\0';
    sym_sha256_free(s);
    return hex;
}

/* FIPS 180-2 appendix B (and the empty message), fed whole and in awkward pieces. */
static void test_sha256(void)
{
    static const char *abc_long = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    static const char *two_block = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                                   "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    char hex[SYM_SHA256_HEX_LEN + 1], *million;
    struct sym_sha256 *s;
    size_t pieces[] = {1, 3, 63, 64, 65, 1000, 1000000};
    size_t i;

    CHECK_STR(sha_hex("", 0, 1, hex),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK_STR(sha_hex("abc", 3, 3, hex),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK_STR(sha_hex(abc_long, strlen(abc_long), 7, hex),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK_STR(sha_hex(two_block, strlen(two_block), 1, hex),
              "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    million = malloc(1000000);
    memset(million, 'a', 1000000);
    for (i = 0; i < sizeof pieces / sizeof pieces[0]; i++)
        CHECK_STR(sha_hex(million, 1000000, pieces[i], hex),
                  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(million);
    /* Reading the digest leaves the context going; reset starts over (a download that resumes,
     * or whose server ignored the range). */
    CHECK(sym_sha256_init(&s) == SYM_OK);
    sym_sha256_update(s, "ab", 2);
    CHECK(sym_sha256_final_hex(s, hex) == SYM_OK);
    CHECK_STR(hex, "fb8e20fc2e4c3f248c60c39bd652f3c1347298bb977b8b4d5903b85055620603");
    sym_sha256_update(s, "c", 1);
    CHECK(sym_sha256_final_hex(s, hex) == SYM_OK);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sym_sha256_reset(s);
    CHECK(sym_sha256_final_hex(s, hex) == SYM_OK);
    CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sym_sha256_free(s);
    sym_sha256_free(NULL);
    CHECK(sym_sha256_is_hex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    CHECK(sym_sha256_is_hex("CDC76E5C9914FB9281A1C7E284D73E67F1809A48A497200E046D39CCC7112CD0"));
    CHECK(!sym_sha256_is_hex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd"));
    CHECK(!sym_sha256_is_hex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd00"));
    CHECK(!sym_sha256_is_hex("xdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

static void test_catalog(void)
{
    const struct sym_catalog_entry *e, *all;
    char name[64], url[512];
    size_t n, i;

    e = sym_catalog_find("qwen2.5:0.5b");
    CHECK(e && !strcmp(e->file, "qwen2.5-0.5b-instruct-q4_k_m.gguf"));
    e = sym_catalog_find("qwen2.5:1.5b-q8");
    CHECK(e && !strcmp(e->file, "qwen2.5-1.5b-instruct-q8_0.gguf"));
    e = sym_catalog_find("QWEN2.5:3B-Q8_0");
    CHECK(e && !strcmp(e->file, "qwen2.5-3b-instruct-q8_0.gguf"));
    e = sym_catalog_find("qwen2.5:3b-q4");
    CHECK(e && !strcmp(e->quant, "Q4_K_M"));
    e = sym_catalog_find("llama3.2:1b");
    CHECK(e && !strcmp(e->file, "Llama-3.2-1B-Instruct-Q4_K_M.gguf"));
    CHECK(e && !strcmp(e->repo, "bartowski/Llama-3.2-1B-Instruct-GGUF"));
    e = sym_catalog_find("llama3.2:3b-q8");
    CHECK(e && !strcmp(e->file, "Llama-3.2-3B-Instruct-Q8_0.gguf"));
    CHECK(sym_catalog_find("Llama-3.2-3B-Instruct-Q8_0") == e);
    CHECK(sym_catalog_find("llama-3.2-3b-instruct-q8_0.gguf") == e);
    CHECK(sym_catalog_find("qwen2.5:7b") == NULL);
    CHECK(sym_catalog_find("qwen2.5:0.5b-q5") == NULL);
    CHECK(sym_catalog_find("qwen2.5") == NULL);
    CHECK(sym_catalog_find("") == NULL);
    e = sym_catalog_find("qwen2.5:0.5b");
    CHECK_STR(sym_catalog_url(e, url, sizeof url), "https://huggingface.co/Qwen/"
                                                   "Qwen2.5-0.5B-Instruct-GGUF/resolve/main/"
                                                   "qwen2.5-0.5b-instruct-q4_k_m.gguf");
    all = sym_catalog_entries(&n);
    CHECK(n == 10);
    for (i = 0; i < n; i++) {
        /* every listed name finds its own entry; a pinned digest is a real one */
        CHECK(sym_catalog_find(sym_catalog_name(&all[i], name, sizeof name)) == &all[i]);
        CHECK(!all[i].sha256 || sym_sha256_is_hex(all[i].sha256));
        CHECK(all[i].approx_size > 100000000ull);
    }
    CHECK_STR(sym_catalog_name(sym_catalog_find("qwen2.5:1.5b-q8_0"), name, sizeof name),
              "qwen2.5:1.5b-q8");
    CHECK_STR(sym_catalog_name(sym_catalog_recommend(2ull << 30), name, 64), "qwen2.5:0.5b");
    CHECK_STR(sym_catalog_name(sym_catalog_recommend(6ull << 30), name, 64), "qwen2.5:1.5b");
    CHECK_STR(sym_catalog_name(sym_catalog_recommend(32ull << 30), name, 64), "qwen2.5:3b");
    CHECK_STR(sym_catalog_name(sym_catalog_recommend(0), name, 64), "qwen2.5:0.5b");
    CHECK(sym_catalog_ram_bytes() > 0);

    CHECK(sym_catalog_hf_url("hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q8_0.gguf",
                             url, sizeof url, name, sizeof name) == 0);
    CHECK_STR(url, "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/"
                   "qwen2.5-0.5b-instruct-q8_0.gguf");
    CHECK_STR(name, "qwen2.5-0.5b-instruct-q8_0.gguf");
    CHECK(sym_catalog_hf_url("hf:o/r/sub/dir/m.gguf", url, sizeof url, name, sizeof name) == 0);
    CHECK_STR(url, "https://huggingface.co/o/r/resolve/main/sub/dir/m.gguf");
    CHECK_STR(name, "m.gguf");
    CHECK(sym_catalog_hf_url("hf:o/r", url, sizeof url, name, sizeof name) == -1);
    CHECK(sym_catalog_hf_url("hf:o/r/m.bin", url, sizeof url, name, sizeof name) == -1);
    CHECK(sym_catalog_hf_url("hf:/r/m.gguf", url, sizeof url, name, sizeof name) == -1);
    CHECK(sym_catalog_hf_url("hf:o/r/../m.gguf", url, sizeof url, name, sizeof name) == -1);
    CHECK(sym_catalog_hf_url("o/r/m.gguf", url, sizeof url, name, sizeof name) == -1);
}

static void touch(const char *path, const char *content)
{
    FILE *f = fopen(path, "w");

    if (f) {
        fputs(content, f);
        fclose(f);
    }
}

static void test_library(const char *scratch)
{
    char data[512], dir[600], path[4096], err[512], name[256], a[700], b[700], cwd_file[700];
    struct sym_model_file *list;
    size_t n;

    snprintf(data, sizeof data, "%s/models-lib-%d", scratch, (int)getpid());
    setenv("XDG_DATA_HOME", data, 1);
    CHECK(sym_models_list(&list, &n) == SYM_OK && n == 0); /* no directory yet: empty */
    sym_models_list_free(list, n);
    CHECK(sym_models_default(path, sizeof path, err, sizeof err) == SYM_ERR_NOT_FOUND);
    CHECK(sym_models_resolve("qwen2.5:0.5b", path, sizeof path, err, sizeof err) ==
          SYM_ERR_NOT_FOUND);
    CHECK_CONTAINS(err, "symbiot pull qwen2.5:0.5b");
    CHECK(sym_models_resolve("nonesuch", path, sizeof path, err, sizeof err) == SYM_ERR_NOT_FOUND);
    /* a path is passed on as it is: the loader explains what is wrong with it */
    CHECK(sym_models_resolve("/no/such.gguf", path, sizeof path, err, sizeof err) == SYM_OK);
    CHECK_STR(path, "/no/such.gguf");

    snprintf(dir, sizeof dir, "%s/symbiot/models", data);
    snprintf(a, sizeof a, "%s/zeta.gguf", dir);
    snprintf(b, sizeof b, "%s/qwen2.5-0.5b-instruct-q4_k_m.gguf", dir);
    CHECK(sym_path_make_parent(a) == SYM_OK);
    touch(a, "GGUF");
    CHECK(sym_models_default(path, sizeof path, err, sizeof err) == SYM_OK); /* the only one */
    CHECK_STR(path, a);
    touch(b, "GGUF");
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    touch(path, "not a model");
    snprintf(path, sizeof path, "%s/big.gguf.part", dir);
    touch(path, "GGUF");
    CHECK(sym_models_list(&list, &n) == SYM_OK && n == 2);
    CHECK(n == 2 && !strcmp(list[0].name, "qwen2.5-0.5b-instruct-q4_k_m") &&
          !strcmp(list[1].name, "zeta") && list[1].size == 4);
    sym_models_list_free(list, n);
    CHECK(sym_models_default(path, sizeof path, err, sizeof err) == SYM_ERR_INVALID);
    CHECK_CONTAINS(err, "symbiot models default NAME");

    CHECK(sym_models_resolve("zeta", path, sizeof path, err, sizeof err) == SYM_OK);
    CHECK_STR(path, a);
    CHECK(sym_models_resolve("zeta.gguf", path, sizeof path, err, sizeof err) == SYM_OK);
    CHECK_STR(path, a);
    CHECK(sym_models_resolve("qwen2.5:0.5b", path, sizeof path, err, sizeof err) == SYM_OK);
    CHECK_STR(path, b);
    /* an existing path comes before a library name */
    snprintf(cwd_file, sizeof cwd_file, "%s/zeta", scratch);
    touch(cwd_file, "GGUF");
    CHECK(chdir(scratch) == 0);
    CHECK(sym_models_resolve("zeta", path, sizeof path, err, sizeof err) == SYM_OK);
    CHECK_STR(path, "zeta");
    unlink(cwd_file);

    CHECK(sym_models_set_default("../zeta", err, sizeof err) == SYM_ERR_NOT_FOUND);
    CHECK(sym_models_set_default("qwen2.5:0.5b", err, sizeof err) == SYM_OK);
    CHECK(sym_models_default_name(name, sizeof name) == SYM_OK);
    CHECK_STR(name, "qwen2.5-0.5b-instruct-q4_k_m");
    CHECK(sym_models_default(path, sizeof path, err, sizeof err) == SYM_OK);
    CHECK_STR(path, b);
    CHECK(sym_models_name_of(b, name, sizeof name) != NULL);
    CHECK_STR(name, "qwen2.5-0.5b-instruct-q4_k_m");
    CHECK(sym_models_name_of("/elsewhere/zeta.gguf", name, sizeof name) == NULL);

    CHECK(sym_models_remove("nonesuch", path, sizeof path, err, sizeof err) == SYM_ERR_NOT_FOUND);
    CHECK(sym_models_remove("/etc/passwd", path, sizeof path, err, sizeof err) ==
          SYM_ERR_NOT_FOUND);
    CHECK(sym_models_remove("qwen2.5:0.5b", path, sizeof path, err, sizeof err) == SYM_OK);
    CHECK(access(b, F_OK) != 0);
    CHECK(sym_models_default_name(name, sizeof name) == SYM_OK && !name[0]); /* mark gone too */
    CHECK(sym_models_default(path, sizeof path, err, sizeof err) == SYM_OK); /* zeta, alone */
    CHECK_STR(path, a);
}

static void test_gguf_info(const char *tiny, const char *chatml, const char *scratch)
{
    struct sym_gguf_info in;
    char err[512], bad[600], params[16];

    CHECK(sym_gguf_read_info(tiny, &in, err, sizeof err) == SYM_OK);
    CHECK_STR(in.arch, "llama");
    CHECK_STR(in.quant, "F32");
    CHECK(!in.has_template);
    CHECK(in.ctx_len == 32768);
    CHECK(in.n_params > 1000000 && in.n_params < 10000000);
    CHECK(in.file_size > in.n_params * 4 - 1);
    CHECK(sym_gguf_read_info(chatml, &in, err, sizeof err) == SYM_OK);
    CHECK(in.has_template);
    CHECK(sym_gguf_read_info("/no/such.gguf", &in, err, sizeof err) == SYM_ERR_NOT_FOUND);
    snprintf(bad, sizeof bad, "%s/not-gguf-%d.gguf", scratch, (int)getpid());
    touch(bad, "<html>not found</html>");
    CHECK(sym_gguf_read_info(bad, &in, err, sizeof err) == SYM_ERR_INVALID);
    CHECK_CONTAINS(err, "not a GGUF model file");
    touch(bad, "GGUF\003\000\000\000"); /* the magic and a version, then nothing */
    CHECK(sym_gguf_read_info(bad, &in, err, sizeof err) == SYM_ERR_INVALID);
    unlink(bad);
    CHECK_STR(sym_gguf_params_str(494032768ull, params, sizeof params), "494M");
    CHECK_STR(sym_gguf_params_str(1543714304ull, params, sizeof params), "1.5B");
    CHECK_STR(sym_gguf_params_str(260000ull, params, sizeof params), "260K");
}

static void test_addresses(void)
{
    char err[512], file[256];

    CHECK(sym_download_check_url("https://huggingface.co/a/b", false, err, sizeof err) == SYM_OK);
    CHECK(sym_download_check_url("http://127.0.0.1:8080/m.gguf", false, err, sizeof err) == SYM_OK);
    CHECK(sym_download_check_url("http://127.1.2.3/m.gguf", false, err, sizeof err) == SYM_OK);
    CHECK(sym_download_check_url("http://localhost/m.gguf", false, err, sizeof err) == SYM_OK);
    CHECK(sym_download_check_url("http://[::1]:80/m.gguf", false, err, sizeof err) == SYM_OK);
    CHECK(sym_download_check_url("http://example.com/m.gguf", false, err, sizeof err) ==
          SYM_ERR_INVALID);
    CHECK_CONTAINS(err, "--allow-http");
    CHECK(sym_download_check_url("http://127.0.0.1.example.com/m.gguf", false, err, sizeof err) ==
          SYM_ERR_INVALID);
    CHECK(sym_download_check_url("http://example.com/m.gguf", true, err, sizeof err) == SYM_OK);
    CHECK(sym_download_check_url("ftp://example.com/m.gguf", true, err, sizeof err) ==
          SYM_ERR_INVALID);
    CHECK(sym_download_check_url("file:///etc/passwd", true, err, sizeof err) == SYM_ERR_INVALID);
    CHECK(sym_download_check_url("not an address", false, err, sizeof err) == SYM_ERR_INVALID);
    CHECK(sym_download_file_name("https://h/a/b/m.gguf?download=true", file, sizeof file) ==
          SYM_OK);
    CHECK_STR(file, "m.gguf");
    CHECK(sym_download_file_name("https://h/", file, sizeof file) != SYM_OK);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: test_models TINY_MODEL CHATML_MODEL SCRATCH_DIR\n");
        return 2;
    }
    test_sha256();
    test_catalog();
    test_library(argv[3]);
    test_gguf_info(argv[1], argv[2], argv[3]);
    test_addresses();
    return test_report("test_models");
}
