/*
 * feedback.h: what the feedback module offers besides its commands: rating a stored answer, the
 * work behind /good, /bad and /correct, so that the server's POST /api/feedback (the web page's
 * thumbs and its "correct" action) stores exactly what the commands store.
 */
#ifndef SYM_MODULES_FEEDBACK_H
#define SYM_MODULES_FEEDBACK_H

#include <stdbool.h>

#include "base/status.h"
#include "memory/store.h"
#include "nlp/lang.h"

/* What sym_feedback_give() did. */
struct sym_feedback_outcome {
    long long feedback_id;
    long long fact_id;      /* the fact the correction became; 0 without a correction */
    const char *preference; /* a preference the reason named and that is now kept (a static
                               text in lang), or NULL */
    long long preference_id;
    bool preference_known; /* that preference was kept already */
};

/*
 * Rate stored answer `answer` (a turns row): rating +1 good, -1 bad, 0 only a correction. A
 * correction (may be NULL) becomes a fact tagged "correction", stored with the rating in one
 * transaction. A bad rating's reason (may be NULL) that names a preference ("too long", "in
 * Russian please") keeps that preference too, worded in lang. Errors as in memory/feedback.h
 * (SYM_ERR_INVALID for an unknown answer or a bad rating); the message is on the store.
 */
enum sym_status sym_feedback_give(struct sym_store *store, long long answer, int rating,
                                  const char *reason, const char *correction, enum sym_lang lang,
                                  struct sym_feedback_outcome *out);

#endif
