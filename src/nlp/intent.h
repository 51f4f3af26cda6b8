/*
 * intent.h: natural-language intents in English and Russian ("what time is it", "напомни завтра
 * в 9 утра позвонить маме"): which command a sentence asks for, with its slots and a confidence.
 * Called by sym_parse() for every line that is not a slash command.
 */
#ifndef SYM_INTENT_H
#define SYM_INTENT_H

#include "nlp/parse.h"

/*
 * Match line (valid UTF-8, not a slash command) against the intent patterns. On a match at or
 * above SYM_INTENT_THRESHOLD, sets out->command (the intent name), out->natural, out->confidence
 * and out->slots (strings cut from line). Otherwise leaves out->command NULL (chat) with the best
 * confidence seen. SYM_ERR_NOMEM on allocation failure.
 */
enum sym_status sym_intent_match(const char *line, struct sym_parse *out);

#endif
