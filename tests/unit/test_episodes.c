/*
 * test_episodes.c: searching the turns of stored conversations (memory/episodes.h). A turn is
 * found by its own words and by the words of the turn before it (the question it answers); the
 * result says which conversation, who said it and when; filters by conversation hold. A query's
 * question words and auxiliaries ("what did", "какие") never match on their own: a query of only
 * such words finds nothing, and the turn that answers ranks above the other questions that share
 * them. Time: a period in the query ("in March 2025", "в прошлом году") puts the turns said
 * within it first; "when did ..." puts the turn that tells a time first. Everyday categories:
 * "pets" finds the kitten, "дети" the daughter ("дочка"), and not the other way round.
 * Pseudo-relevance feedback: a turn that shares no word with the question is found through the
 * words it shares with the best matches. The thesaurus: "car" finds "automobile" (nothing
 * without WordNet, run as `SYMBIOT_WORDNET=/nowhere test_episodes DIR`).
 *
 * Usage: test_episodes SCRATCH_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memory/conversations.h"
#include "memory/episodes.h"
#include "memory/store.h"
#include "nlp/thesaurus.h"
#include "test.h"

static char db_path[1024];

/* 2025-07-01T00:00:00Z */
#define JULY_2025 1751328000

static struct sym_store *s;

static long long conversation(const char *origin, const char *const *lines, size_t n, time_t t0)
{
    struct sym_turn_input t = {0};
    long long id = 0;
    bool existed;
    size_t i;

    CHECK(sym_conversation_import_start(s, origin, NULL, t0, &id, &existed) == SYM_OK);
    for (i = 0; i < n; i++) {
        char speaker[32];
        const char *colon = strchr(lines[i], ':');

        snprintf(speaker, sizeof speaker, "%.*s", (int)(colon - lines[i]), lines[i]);
        t.role = "user";
        t.speaker = speaker;
        t.text = colon + 2;
        t.time = t0 + (time_t)i * 60;
        CHECK(sym_conversation_import_turn(s, id, &t) == SYM_OK);
    }
    return id;
}

/* The text of the best turn for query ("" when none). */
static char best_text[512];
static const char *best(const char *query, const struct sym_turn_filter *f)
{
    struct sym_turn_hits hits = {0};

    best_text[0] = '\0';
    CHECK(sym_turn_search(s, query, 5, f, &hits) == SYM_OK);
    if (hits.n)
        snprintf(best_text, sizeof best_text, "%s", hits.items[0].text);
    sym_turn_hits_free(&hits);
    return best_text;
}

static void test_search(void)
{
    static const char *const a[] = {
        "Maya: Guess what, we adopted a puppy last weekend.",
        "Tom: No way! What breed?",
        "Maya: A beagle. He already chewed my left sneaker.",
        "Tom: What did you do with the sneaker?",
        "Maya: I threw it away, obviously.",
    };
    static const char *const b[] = {
        "Ира: Какие у тебя новости?",
        "Саша: Я теперь вожу автобус, маршрут номер двенадцать.",
    };
    struct sym_turn_hits hits = {0};
    struct sym_turn_filter only = {0, 0, 0};
    long long ca, cb;

    ca = conversation("a", a, 5, JULY_2025);
    cb = conversation("b", b, 2, JULY_2025 + 86400);
    /* By its own words, with who, when and where. */
    CHECK(sym_turn_search(s, "beagle sneaker", 3, NULL, &hits) == SYM_OK && hits.n >= 1);
    if (hits.n) {
        CHECK_STR(hits.items[0].text, "A beagle. He already chewed my left sneaker.");
        CHECK_STR(hits.items[0].speaker, "Maya");
        CHECK(hits.items[0].conversation_id == ca && hits.items[0].time == JULY_2025 + 120);
        CHECK(hits.items[0].score > 0);
    }
    sym_turn_hits_free(&hits);
    /* By the question it answers: "breed" is only in the turn before the answer. Both come first;
     * the feedback (search.c) may add after them a turn that shares their words. */
    CHECK(sym_turn_search(s, "breed", 5, NULL, &hits) == SYM_OK && hits.n >= 2);
    if (hits.n >= 2) {
        CHECK_STR(hits.items[0].text, "No way! What breed?");
        CHECK_STR(hits.items[1].text, "A beagle. He already chewed my left sneaker.");
    }
    for (size_t i = 2; i < hits.n; i++)
        CHECK(strstr(hits.items[i].text, "sneaker") != NULL);
    sym_turn_hits_free(&hits);
    CHECK_STR(best("what breed is the puppy", NULL), "No way! What breed?");
    /* Question words alone find nothing; with content words they only weigh in. */
    CHECK(sym_turn_search(s, "what did", 5, NULL, &hits) == SYM_OK && hits.n == 0);
    CHECK(sym_turn_search(s, "какие", 5, NULL, &hits) == SYM_OK && hits.n == 0);
    CHECK_STR(best("what did Sasha drive", NULL), "");
    CHECK_STR(best("Какой маршрут автобуса?", NULL),
              "Я теперь вожу автобус, маршрут номер двенадцать.");
    /* Filters by conversation. */
    only.only_conversation = cb;
    CHECK_STR(best("beagle", &only), "");
    only.only_conversation = 0;
    only.skip_conversation = ca;
    CHECK_STR(best("beagle", &only), "");
    CHECK_STR(best("автобус", &only), "Я теперь вожу автобус, маршрут номер двенадцать.");
    /* Bad input. */
    CHECK(sym_turn_search(s, "bad \xff", 5, NULL, &hits) == SYM_ERR_INVALID);
    CHECK(sym_turn_search(s, "", 5, NULL, &hits) == SYM_OK && hits.n == 0);
}

static void test_time(void)
{
    static const char *const march[] = {"Lena: We went skiing with Raj, it was freezing."};
    static const char *const june[] = {"Lena: We went skiing again, this time in the Alps."};
    static const char *const plan[] = {
        "Tom: I love the marathon, I run along the river every evening.",
        "Tom: The Chicago marathon is in October, I am training hard.",
    };
    struct sym_turn_filter f = {0, 0, 0};

    conversation("march", march, 1, 1741000000); /* 2025-03-03 */
    conversation("june", june, 1, 1717500000);   /* 2024-06-04 */
    conversation("plan", plan, 2, 1749100000);
    f.now = 1757000000; /* 2025-09-04 */
    CHECK_STR(best("skiing in March 2025", &f), "We went skiing with Raj, it was freezing.");
    CHECK_STR(best("skiing in June 2024", &f), "We went skiing again, this time in the Alps.");
    CHECK_STR(best("Когда мы катались на лыжах? skiing в марте", &f),
              "We went skiing with Raj, it was freezing.");
    CHECK_STR(best("skiing last year", &f), "We went skiing again, this time in the Alps.");
    CHECK_STR(best("лыжи skiing в прошлом году", &f),
              "We went skiing again, this time in the Alps.");
    /* "When is the marathon": the turn that says a time. */
    CHECK_STR(best("When is Tom's marathon?", &f),
              "The Chicago marathon is in October, I am training hard.");
}

static void test_categories(void)
{
    static const char *const c[] = {
        "Ann: We adopted a kitten from the shelter.",
        "Ира: Дочка пошла во второй класс.",
        "Ann: I saw a lovely pet shop today.",
    };
    struct sym_turn_hits hits = {0};
    struct sym_turn_filter only = {0, 0, 0};

    /* In Ann's conversation: the puppy of the first one is a pet too. */
    only.only_conversation = conversation("categories", c, 3, 1751328000);
    CHECK_STR(best("Does Ann have any pets?", &only), "We adopted a kitten from the shelter.");
    CHECK_STR(best("Есть ли у Иры дети?", NULL), "Дочка пошла во второй класс.");
    /* A member does not bring its category: "kitten" does not find the pet shop. */
    CHECK(sym_turn_search(s, "kitten", 5, NULL, &hits) == SYM_OK && hits.n >= 1);
    for (size_t i = 0; i < hits.n; i++)
        CHECK(!strstr(hits.items[i].text, "pet shop"));
    sym_turn_hits_free(&hits);
}

/* Pseudo-relevance feedback: the turn that answers shares no word with the question, but the
 * best match for the question shares its rarest words with it ("sourdough"). */
static void test_feedback(void)
{
    static const char *const c[] = {
        "Nina: My grandmother taught me to bake bread when I was nine.",
        "Nina: These days I keep a sourdough starter and feed it every morning.",
        "Paul: That sounds like a lot of work.",
        "Nina: My grandmother had a sourdough starter for forty years.",
        "Paul: I only ever make pancakes on Sundays.",
        "Paul: The train was late again this morning.",
    };
    struct sym_turn_hits hits = {0};
    bool found = false;

    conversation("feedback", c, 6, 1751328000);
    CHECK(sym_turn_search(s, "Who taught Nina to bake bread?", 5, NULL, &hits) == SYM_OK);
    CHECK(hits.n >= 2);
    if (hits.n)
        CHECK_STR(hits.items[0].text, "My grandmother taught me to bake bread when I was nine.");
    for (size_t i = 0; i < hits.n; i++)
        found |= !strcmp(hits.items[i].text,
                         "These days I keep a sourdough starter and feed it every morning.");
    CHECK(found);
    /* The feedback only adds: a turn of nothing the first results share stays out. */
    for (size_t i = 0; i < hits.n; i++)
        CHECK(!strstr(hits.items[i].text, "pancakes"));
    sym_turn_hits_free(&hits);
}

/* The thesaurus (nlp/thesaurus.h): "car" finds the automobile, a turn that shares no word with
 * the question; without WordNet's files the same question finds nothing. */
static void test_thesaurus(void)
{
    static const char *const c[] = {
        "Olga: Our new automobile is red and very quiet.",
        "Olga: The garden is full of tulips this year.",
    };
    struct sym_turn_filter only = {0, 0, 0};

    only.only_conversation = conversation("thesaurus", c, 2, 1751328000);
    if (sym_thesaurus_available(NULL))
        CHECK_STR(best("What car does Olga drive?", &only),
                  "Our new automobile is red and very quiet.");
    else
        CHECK_STR(best("What car does Olga drive?", &only), "");
}

int main(int argc, char **argv)
{
    char err[512];

    if (argc != 2) {
        fprintf(stderr, "usage: test_episodes SCRATCH_DIR\n");
        return 2;
    }
    setenv("TZ", "UTC", 1);
    snprintf(db_path, sizeof db_path, "%s/episodes-%d.db", argv[1], (int)getpid());
    unlink(db_path);
    if (sym_store_open(&s, db_path, err, sizeof err)) {
        fprintf(stderr, "cannot open store: %s\n", err);
        return 1;
    }
    test_search();
    test_time();
    test_categories();
    test_feedback();
    test_thesaurus();
    sym_store_close(s);
    unlink(db_path);
    return test_report("test_episodes");
}
