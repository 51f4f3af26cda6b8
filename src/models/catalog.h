/*
 * catalog.h: the built-in catalogue of good small chat models for `symbiot pull NAME`.
 *
 * A short table, compiled in, of instruct models in GGUF that llama.cpp runs well on an ordinary
 * computer, each in Q4_K_M and Q8_0, with the Hugging Face repository and file it comes from and
 * its approximate size. Nothing here touches the network: `pull` reads the table to know what to
 * fetch, `models` and the first-start help read it to name the right command.
 *
 * Names: "qwen2.5:1.5b" is the family's default quantisation (Q4_K_M); "qwen2.5:1.5b-q8" (or
 * "-q8_0") picks Q8_0, "-q4" (or "-q4_k_m") Q4_K_M explicitly; the file name itself, with or
 * without ".gguf", works too. Case does not matter.
 */
#ifndef SYM_CATALOG_H
#define SYM_CATALOG_H

#include <stddef.h>
#include <stdint.h>

struct sym_catalog_entry {
    const char *base;     /* family name, e.g. "qwen2.5:1.5b" */
    const char *tag;      /* "q4" or "q8": the short quantisation suffix */
    const char *quant;    /* "Q4_K_M" or "Q8_0" */
    const char *repo;     /* Hugging Face repository, "Qwen/Qwen2.5-1.5B-Instruct-GGUF" */
    const char *file;     /* file in the repository and in the library */
    const char *params;   /* parameter count for people, "1.5B" */
    uint64_t approx_size; /* bytes, rounded: for the listing and the disk check's message only */
    const char *sha256;   /* pinned digest in hex, or NULL: then Hugging Face's X-Linked-Etag */
    const char *license;  /* the model's licence, in a few words */
};

/* The catalogue, in the order it is listed; *n gets the number of entries. Static storage. */
const struct sym_catalog_entry *sym_catalog_entries(size_t *n);

/* The entry that name means (see the top of this file), or NULL. */
const struct sym_catalog_entry *sym_catalog_find(const char *name);

/* The entry's short name: base for the default quantisation (Q4_K_M), base-tag otherwise. Writes
 * into out (at least 64 bytes is enough) and returns out. */
const char *sym_catalog_name(const struct sym_catalog_entry *e, char *out, size_t size);

/* The file's download address: https://huggingface.co/REPO/resolve/main/FILE. Returns out. */
const char *sym_catalog_url(const struct sym_catalog_entry *e, char *out, size_t size);

/* hf:OWNER/REPO/[DIR/]FILE.gguf as a download address
 * (https://huggingface.co/OWNER/REPO/resolve/main/[DIR/]FILE.gguf) and the file name FILE.gguf.
 * -1 when spec is not of that form. */
int sym_catalog_hf_url(const char *spec, char *url, size_t url_size, char *file, size_t file_size);

/* The model to recommend for a machine with ram_bytes of memory (0 = unknown: the smallest). */
const struct sym_catalog_entry *sym_catalog_recommend(uint64_t ram_bytes);

/* This machine's physical memory in bytes, or 0 when it cannot be told. */
uint64_t sym_catalog_ram_bytes(void);

#endif
