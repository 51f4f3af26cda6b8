/*
 * test_json.c: the shared JSON shapes (core/fact_json.h, core/turn_json.h) without a model or a
 * database: a fact's exact object for a listing, a search result and an export line, tags of any
 * length, and the stop names. tests/integration/shapes.sh compares the front ends' objects.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fact_json.h"
#include "core/turn_json.h"
#include "memory/facts.h"
#include "test.h"

/* A fixed format, so the objects can be compared as text. */
static void iso(time_t t, char *out, size_t size)
{
    snprintf(out, size, "T%lld", (long long)t);
}

static char *fact_text(const struct sym_fact *f, unsigned flags)
{
    cJSON *o = sym_fact_json(f, flags, iso);
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;

    cJSON_Delete(o);
    return s;
}

static void test_fact(void)
{
    struct sym_fact f = {.id = 7,
                         .text = "My sister is Anna",
                         .source = "user",
                         .tags = "family,people",
                         .created = 100,
                         .updated = 200,
                         .pinned = true,
                         .score = 1.5};
    char long_tag[600], *s;

    s = fact_text(&f, 0);
    CHECK_STR(s, "{\"id\":7,\"text\":\"My sister is Anna\",\"source\":\"user\",\"time\":\"T100\","
                 "\"updated\":\"T200\",\"event_time\":null,\"tags\":[\"family\",\"people\"],"
                 "\"pinned\":true}");
    free(s);
    s = fact_text(&f, SYM_FACT_JSON_SCORE);
    CHECK_CONTAINS(s, "\"pinned\":true,\"score\":1.5}");
    free(s);
    /* The export line: the file's form, no null event_time and never a score. */
    s = fact_text(&f, SYM_FACT_JSON_EXPORT);
    CHECK_STR(s, "{\"id\":7,\"text\":\"My sister is Anna\",\"source\":\"user\",\"time\":\"T100\","
                 "\"updated\":\"T200\",\"tags\":[\"family\",\"people\"],\"pinned\":true}");
    free(s);
    f.event_time = 300;
    s = fact_text(&f, SYM_FACT_JSON_EXPORT);
    CHECK_CONTAINS(s, "\"updated\":\"T200\",\"event_time\":\"T300\",\"tags\"");
    free(s);
    /* No tags: an empty array; a long tag is written whole. */
    f.tags = "";
    s = fact_text(&f, 0);
    CHECK_CONTAINS(s, "\"tags\":[]");
    free(s);
    memset(long_tag, 'x', sizeof long_tag - 1);
    long_tag[sizeof long_tag - 1] = '\0';
    f.tags = long_tag;
    s = fact_text(&f, 0);
    CHECK(s && strstr(s, long_tag));
    free(s);
}

static void test_stop_names(void)
{
    CHECK_STR(sym_turn_stop_name(SYM_STOP_EOG), "end");
    CHECK_STR(sym_turn_stop_name(SYM_STOP_LIMIT), "max_tokens");
    CHECK_STR(sym_turn_stop_name(SYM_STOP_STRING), "stop_string");
    CHECK_STR(sym_turn_stop_name(SYM_STOP_CONTEXT), "context_full");
    CHECK_STR(sym_turn_stop_name(SYM_STOP_INTERRUPT), "interrupted");
}

int main(void)
{
    test_fact();
    test_stop_names();
    return test_report("test_json");
}
