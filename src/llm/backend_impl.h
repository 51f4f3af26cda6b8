/*
 * backend_impl.h: what every backend implementation shares (backend.c, remote.c); not for
 * callers, who see only backend.h. A backend is a struct that starts with struct sym_backend, whose
 * ops table does the work.
 */
#ifndef SYM_BACKEND_IMPL_H
#define SYM_BACKEND_IMPL_H

#include "llm/backend.h"

struct sym_backend_ops {
    enum sym_backend_kind kind;
    enum sym_status (*chat)(struct sym_backend *b, const struct sym_backend_request *req,
                            sym_llm_text_fn on_text, void *data, struct sym_gen_stats *stats);
    const char *(*describe)(const struct sym_backend *b);
    enum sym_status (*describe_request)(struct sym_backend *b,
                                        const struct sym_backend_request *req, struct sym_buf *out);
    void (*free)(struct sym_backend *b);
};

struct sym_backend {
    const struct sym_backend_ops *ops;
    char err[1024];
};

#endif
