/*
 * status.c: names of the status codes; see status.h.
 */
#include "base/status.h"

const char *sym_status_str(enum sym_status status)
{
    switch (status) {
    case SYM_OK:
        return "ok";
    case SYM_ERR_NOMEM:
        return "out of memory";
    case SYM_ERR_IO:
        return "input/output error";
    case SYM_ERR_INVALID:
        return "invalid input";
    case SYM_ERR_NOT_FOUND:
        return "not found";
    case SYM_ERR_MODEL:
        return "model error";
    case SYM_ERR_CONTEXT:
        return "context full";
    case SYM_ERR_TOO_LONG:
        return "too long";
    case SYM_ERR_INTERRUPTED:
        return "interrupted";
    case SYM_ERR_DENIED:
        return "not allowed";
    case SYM_ERR_TIMEOUT:
        return "timed out";
    }
    return "unknown error";
}
