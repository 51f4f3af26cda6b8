/*
 * remind.h: what the reminders module offers the front ends besides its commands: the words for
 * a due time ("today at 18:00", "завтра в 09:00") and for an announcement ("⏰ Reminder: ..."),
 * so that the CLI, and later the server, say them the same way as /reminders does.
 */
#ifndef SYM_REMIND_H
#define SYM_REMIND_H

#include <stdbool.h>
#include <time.h>

#include "base/buf.h"
#include "memory/store.h"
#include "nlp/lang.h"

/*
 * Append `due` in local time relative to now: "today at 18:00", "tomorrow at 09:00", "on Monday
 * at 09:00", "on 14 June at 09:00", "on 14 June 2028 at 09:00"; in Russian "сегодня в 18:00",
 * "завтра в 09:00", "в понедельник в 09:00", "14 июня в 09:00".
 */
enum sym_status sym_remind_format_due(time_t due, time_t now, enum sym_lang lang,
                                      struct sym_buf *out);

/*
 * Append the announcement of r, in the language it was set in (fallback when unknown), without
 * a newline: "⏰ Reminder: check the oven". missed adds that it fell due while Symbiot was
 * closed, and when.
 */
enum sym_status sym_remind_announcement(const struct sym_reminder *r, time_t now, bool missed,
                                        enum sym_lang fallback, struct sym_buf *out);

#endif
