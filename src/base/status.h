/*
 * status.h: the status codes every fallible Symbiot function returns.
 *
 * SYM_OK is zero so `if (rc)` reads as "if it failed". The human-readable detail of a failure
 * lives on the object that failed (for example sym_llm_errmsg()), not in the code.
 */
#ifndef SYM_STATUS_H
#define SYM_STATUS_H

enum sym_status {
    SYM_OK = 0,
    SYM_ERR_NOMEM,       /* an allocation failed */
    SYM_ERR_IO,          /* a read or write failed */
    SYM_ERR_INVALID,     /* bad input: a malformed file, option or request */
    SYM_ERR_NOT_FOUND,   /* a file or item does not exist */
    SYM_ERR_MODEL,       /* the model could not be loaded or used */
    SYM_ERR_CONTEXT,     /* the context cannot hold what was asked */
    SYM_ERR_TOO_LONG,    /* a size limit was reached */
    SYM_ERR_INTERRUPTED, /* the user stopped the operation */
    SYM_ERR_DENIED,      /* the user (or the rules) said no to an action */
    SYM_ERR_TIMEOUT,     /* another process did not answer in time */
};

/* A short English name for a status, for logs. Never NULL. */
const char *sym_status_str(enum sym_status status);

#endif
