/*
 * memory.c: `bench_memory`, figures for the facts store (src/memory/facts.h). It measures and
 * prints; it passes no judgement (exit status 0 unless something is broken).
 *
 * Part A, retrieval quality. The question/fact pairs of tests/data/retrieval.tsv (English and
 * Russian; each question worded differently from its fact) are loaded into a temporary store with
 * 400 distractor facts from the generator below; each question is searched with k = 10 and the
 * rank of its fact gives recall@1/@5/@10 and the mean reciprocal rank (1/rank, 0 when missed).
 * The baseline is plain SQLite FTS5 on the same texts: `fts5(text)` with the default tokenizer,
 * the question's words OR-ed, ORDER BY bm25. Stemming is what separates the two; synonyms
 * ("car" for "Toyota") defeat both, and the test set keeps such pairs on purpose.
 *
 * Part B, speed, for each size N (--sizes, default 10000,100000): N synthetic facts added with
 * sym_fact_add() in one transaction; 200 more, one transaction each (each waits for the disk);
 * an import-style load (source "import", tags, timestamps, one transaction, as `symbiot memory
 * import` does) into a second store of min(N, 100000) facts; then 1000 searches (k = 10) drawn
 * from the generator's vocabulary, timed one by one: p50, p99, max. The database size is the
 * file after close. The same searches run against the plain FTS5 baseline on the same N texts.
 *
 * Synthetic facts: a deterministic generator (xorshift, fixed seeds) fills English and Russian
 * templates from word lists of family, places, food, cars, pets, work, plans..., often two
 * clauses in one fact, so that the index has a realistic spread of common and rare terms.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "memory/facts.h"
#include "memory/store.h"

#ifndef SYM_BENCH_DATA
#define SYM_BENCH_DATA "tests/data/retrieval.tsv"
#endif

/* Generated facts mixed with the test set's (--distractors). */
static long long n_distractors = 400;
#define N_QUERIES 1000
#define N_SINGLE 200
#define IMPORT_CAP 100000
#define MAX_PAIRS 1024

/* ---- the generator ---- */

static unsigned long long rng_state;

static unsigned long long rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

#define PICK(a) ((a)[rng_next() % (sizeof(a) / sizeof((a)[0]))])

static const char *const en_name[] = {
    "Anna",   "Max",   "Lily",   "Sarah", "Tom",   "Emma",   "Oliver", "Sophie", "James",
    "Mia",    "Noah",  "Grace",  "Leo",   "Chloe", "Jack",   "Ella",   "Harry",  "Ruby",
    "Daniel", "Alice", "Thomas", "Kate",  "Peter", "Hannah", "Lucas",  "Olivia", "Ben"};
static const char *const en_rel[] = {"sister",      "brother",     "mother", "father",
                                     "aunt",        "uncle",       "cousin", "friend",
                                     "colleague",   "neighbour",   "son",    "daughter",
                                     "grandmother", "grandfather", "boss",   "nephew"};
static const char *const en_city[] = {"Berlin", "London",  "Paris",  "Madrid",  "Rome",
                                      "Vienna", "Prague",  "Lisbon", "Dublin",  "Oslo",
                                      "Munich", "Hamburg", "Leeds",  "Glasgow", "Boston",
                                      "Denver", "Toronto", "Sydney", "Kyoto",   "Warsaw"};
static const char *const en_food[] = {"pizza",   "pasta",    "sushi",     "curry",     "salad",
                                      "burgers", "pancakes", "chocolate", "cheese",    "noodles",
                                      "soup",    "steak",    "tacos",     "dumplings", "apples",
                                      "bread",   "olives",   "shrimp",    "ice cream", "porridge"};
static const char *const en_drink[] = {"tea",  "coffee",  "green tea", "orange juice",
                                       "milk", "cocoa",   "red wine",  "sparkling water",
                                       "beer", "lemonade"};
static const char *const en_month[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};
static const char *const en_day[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                     "Friday", "Saturday", "Sunday"};
static const char *const en_job[] = {"teacher",    "nurse",     "engineer",   "designer", "lawyer",
                                     "chef",       "pilot",     "developer",  "dentist",  "plumber",
                                     "accountant", "architect", "journalist", "baker",    "driver"};
static const char *const en_color[] = {"red",    "blue",  "black", "white",
                                       "silver", "green", "grey",  "yellow"};
static const char *const en_car[] = {
    "Toyota Corolla", "Honda Civic",  "Ford Focus", "Volkswagen Golf", "BMW X3",  "Skoda Octavia",
    "Tesla Model 3",  "Renault Clio", "Mazda CX-5", "Volvo XC60",      "Audi A4", "Kia Ceed"};
static const char *const en_allergen[] = {"peanuts",    "cats",      "pollen", "dust",
                                          "penicillin", "shellfish", "milk",   "bee stings"};
static const char *const en_thing[] = {"keys",    "passport", "charger",    "umbrella", "wallet",
                                       "glasses", "laptop",   "headphones", "camera",   "tent",
                                       "bicycle", "guitar",   "drill",      "blanket",  "kettle"};
static const char *const en_room[] = {"kitchen", "garage",   "bedroom", "hallway",
                                      "attic",   "basement", "office",  "living room"};
static const char *const en_sport[] = {"tennis",     "football", "chess",    "basketball",
                                       "volleyball", "golf",     "hockey",   "badminton",
                                       "yoga",       "climbing", "swimming", "running"};
static const char *const en_pet[] = {"dog", "cat", "parrot", "hamster", "rabbit", "turtle"};
static const char *const en_petname[] = {"Rocky", "Bella", "Charlie", "Luna",  "Milo",
                                         "Daisy", "Oscar", "Coco",    "Buddy", "Nala"};
static const char *const en_task[] = {"pay the electricity bill",
                                      "renew the car insurance",
                                      "book a table",
                                      "call the plumber",
                                      "send the report",
                                      "buy a present",
                                      "fix the bike",
                                      "water the plants",
                                      "clean the gutters",
                                      "file the taxes",
                                      "pick up the parcel",
                                      "change the tyres"};

struct ru_name {
    const char *nom, *gen, *ins;
};
static const struct ru_name ru_name[] = {
    {"Ольга", "Ольги", "Ольгой"},       {"Алексей", "Алексея", "Алексеем"},
    {"Иван", "Ивана", "Иваном"},        {"Мария", "Марии", "Марией"},
    {"Дмитрий", "Дмитрия", "Дмитрием"}, {"Наталья", "Натальи", "Натальей"},
    {"Сергей", "Сергея", "Сергеем"},    {"Елена", "Елены", "Еленой"},
    {"Андрей", "Андрея", "Андреем"},    {"Татьяна", "Татьяны", "Татьяной"},
    {"Михаил", "Михаила", "Михаилом"},  {"Анна", "Анны", "Анной"},
    {"Павел", "Павла", "Павлом"},       {"Ирина", "Ирины", "Ириной"},
    {"Никита", "Никиты", "Никитой"},    {"Светлана", "Светланы", "Светланой"},
    {"Егор", "Егора", "Егором"},        {"Ксения", "Ксении", "Ксенией"},
    {"Артём", "Артёма", "Артёмом"},     {"Юлия", "Юлии", "Юлией"}};
static const char *const ru_rel[] = {"сестра", "брат",    "мама",    "папа",    "тётя",
                                     "дядя",   "подруга", "друг",    "коллега", "соседка",
                                     "сын",    "дочь",    "бабушка", "дедушка", "племянник"};
static const char *const ru_city[] = {
    "Москва",    "Казань",      "Самара", "Сочи", "Новосибирск", "Омск",    "Пермь",    "Тверь",
    "Ярославль", "Калининград", "Томск",  "Уфа",  "Иркутск",     "Воронеж", "Владимир", "Мурманск"};
static const char *const ru_food_acc[] = {"пельмени", "борщ",    "пиццу",     "блины",  "рыбу",
                                          "сыр",      "шоколад", "мороженое", "плов",   "салаты",
                                          "гречку",   "котлеты", "вареники",  "пироги", "суши"};
static const char *const ru_drink_acc[] = {"чай",   "кофе", "какао",  "морс",
                                           "кефир", "квас", "компот", "зелёный чай"};
static const char *const ru_month_gen[] = {"января",   "февраля", "марта",  "апреля",
                                           "мая",      "июня",    "июля",   "августа",
                                           "сентября", "октября", "ноября", "декабря"};
static const char *const ru_when[] = {"в понедельник", "во вторник", "в среду",      "в четверг",
                                      "в пятницу",     "в субботу",  "в воскресенье"};
static const char *const ru_days_dat[] = {"по понедельникам", "по вторникам", "по средам",
                                          "по четвергам",     "по пятницам",  "по субботам",
                                          "по воскресеньям"};
static const char *const ru_job_ins[] = {"учителем",      "врачом",     "инженером",  "бухгалтером",
                                         "водителем",     "поваром",    "юристом",    "дизайнером",
                                         "программистом", "медсестрой", "менеджером", "пилотом"};
static const char *const ru_brand[] = {"Лада",  "Киа",  "Хендай",      "Тойота",
                                       "Шкода", "Рено", "Фольксваген", "Мазда"};
static const char *const ru_allergen_acc[] = {"орехи",   "пыльцу",     "шерсть", "мёд",
                                              "цитрусы", "пенициллин", "молоко", "клубнику"};
static const char *const ru_thing[] = {"ключи",   "паспорт",   "зарядка", "зонт",
                                       "кошелёк", "очки",      "ноутбук", "наушники",
                                       "палатка", "велосипед", "гитара",  "дрель"};
static const char *const ru_room_prep[] = {"на кухне",   "в гараже",   "в спальне", "в прихожей",
                                           "на балконе", "в кладовке", "в шкафу",   "на даче"};
static const char *const ru_sport_ins[] = {"теннисом", "футболом", "шахматами", "плаванием",
                                           "йогой",    "хоккеем",  "бегом",     "боксом"};
static const char *const ru_pet[] = {"собака", "кошка", "попугай", "хомяк", "кролик", "черепаха"};
static const char *const ru_petname[] = {"Барсик", "Мурка", "Шарик", "Кеша",   "Рыжик",
                                         "Пушок",  "Тузик", "Соня",  "Бублик", "Граф"};
static const char *const ru_task[] = {
    "оплатить счёт за свет", "продлить страховку", "записаться к врачу", "позвонить сантехнику",
    "отправить отчёт",       "купить подарок",     "починить велосипед", "полить цветы",
    "забрать посылку",       "поменять шины",      "сдать документы",    "заказать столик"};

/* One English clause into b (appended). */
static void gen_en(char *b, size_t size)
{
    size_t n = strlen(b);
    char *p = b + n;
    size_t left = size - n;

    switch (rng_next() % 14) {
    case 0:
        snprintf(p, left, "My %s %s lives in %s", PICK(en_rel), PICK(en_name), PICK(en_city));
        break;
    case 1:
        snprintf(p, left, "%s likes %s and %s", PICK(en_name), PICK(en_food), PICK(en_drink));
        break;
    case 2:
        snprintf(p, left, "%s's birthday is on %s %d", PICK(en_name), PICK(en_month),
                 (int)(rng_next() % 28) + 1);
        break;
    case 3:
        snprintf(p, left, "I need to %s before %s", PICK(en_task), PICK(en_day));
        break;
    case 4:
        snprintf(p, left, "My %s works as a %s in %s", PICK(en_rel), PICK(en_job), PICK(en_city));
        break;
    case 5:
        snprintf(p, left, "%s drives a %s %s", PICK(en_name), PICK(en_color), PICK(en_car));
        break;
    case 6:
        snprintf(p, left, "We are planning a trip to %s in %s", PICK(en_city), PICK(en_month));
        break;
    case 7:
        snprintf(p, left, "%s is allergic to %s", PICK(en_name), PICK(en_allergen));
        break;
    case 8:
        snprintf(p, left, "The %s is in the %s", PICK(en_thing), PICK(en_room));
        break;
    case 9:
        snprintf(p, left, "%s plays %s every %s", PICK(en_name), PICK(en_sport), PICK(en_day));
        break;
    case 10:
        snprintf(p, left, "%s has a %s called %s", PICK(en_name), PICK(en_pet), PICK(en_petname));
        break;
    case 11:
        snprintf(p, left, "Appointment with %s at %d o'clock on %s", PICK(en_name),
                 (int)(rng_next() % 12) + 1, PICK(en_day));
        break;
    case 12:
        snprintf(p, left, "I lent my %s to %s in %d", PICK(en_thing), PICK(en_name),
                 2015 + (int)(rng_next() % 11));
        break;
    default:
        snprintf(p, left, "%s prefers %s to %s", PICK(en_name), PICK(en_drink), PICK(en_drink));
        break;
    }
}

/* One Russian clause into b (appended). */
static void gen_ru(char *b, size_t size)
{
    size_t n = strlen(b);
    char *p = b + n;
    size_t left = size - n;
    const struct ru_name *nm = &PICK(ru_name);

    switch (rng_next() % 14) {
    case 0:
        snprintf(p, left, "Моя %s %s живёт в городе %s", PICK(ru_rel), nm->nom, PICK(ru_city));
        break;
    case 1:
        snprintf(p, left, "%s любит %s и %s", nm->nom, PICK(ru_food_acc), PICK(ru_drink_acc));
        break;
    case 2:
        snprintf(p, left, "День рождения %s %d %s", nm->gen, (int)(rng_next() % 28) + 1,
                 PICK(ru_month_gen));
        break;
    case 3:
        snprintf(p, left, "Нужно %s %s", PICK(ru_task), PICK(ru_when));
        break;
    case 4:
        snprintf(p, left, "%s работает %s в городе %s", nm->nom, PICK(ru_job_ins), PICK(ru_city));
        break;
    case 5:
        snprintf(p, left, "%s водит машину марки %s", nm->nom, PICK(ru_brand));
        break;
    case 6:
        snprintf(p, left, "Собираемся в поездку в город %s в %s", PICK(ru_city),
                 PICK(ru_month_gen) /* "в марта": loose grammar is fine for an index */);
        break;
    case 7:
        snprintf(p, left, "У %s аллергия, не переносит %s", nm->gen, PICK(ru_allergen_acc));
        break;
    case 8:
        snprintf(p, left, "%s лежит %s", PICK(ru_thing), PICK(ru_room_prep));
        break;
    case 9:
        snprintf(p, left, "%s занимается %s %s", nm->nom, PICK(ru_sport_ins), PICK(ru_days_dat));
        break;
    case 10:
        snprintf(p, left, "У %s есть %s по кличке %s", nm->gen, PICK(ru_pet), PICK(ru_petname));
        break;
    case 11:
        snprintf(p, left, "Встреча с %s в %d:00 %s", nm->ins, 8 + (int)(rng_next() % 12),
                 PICK(ru_when));
        break;
    case 12:
        snprintf(p, left, "Одолжил %s %s в %d году", nm->ins /* loose */, PICK(ru_thing),
                 2015 + (int)(rng_next() % 11));
        break;
    default:
        snprintf(p, left, "%s предпочитает %s, а не %s", nm->nom, PICK(ru_drink_acc),
                 PICK(ru_drink_acc));
        break;
    }
}

/* A synthetic fact into b: one or two clauses, English or Russian (about half each). */
static void gen_fact(char *b, size_t size)
{
    int ru = rng_next() % 2 == 0;
    bool two;

    b[0] = '\0';
    if (ru)
        gen_ru(b, size);
    else
        gen_en(b, size);
    two = rng_next() % 10 < 6;
    if (two) {
        strncat(b, ru ? ", а ещё " : ", and ", size - strlen(b) - 1);
        if (ru)
            gen_ru(b, size);
        else
            gen_en(b, size);
    }
    if (!two || rng_next() % 2) { /* when it was so: makes the facts (nearly) all different */
        size_t n = strlen(b);

        if (ru)
            snprintf(b + n, size - n, " (с %s %d года)", PICK(ru_month_gen),
                     1990 + (int)(rng_next() % 36));
        else
            snprintf(b + n, size - n, " (since %s %d)", PICK(en_month),
                     1990 + (int)(rng_next() % 36));
    }
}

/* A search query in the words people use, English or Russian. */
static void gen_query(char *b, size_t size)
{
    const struct ru_name *nm = &PICK(ru_name);

    switch (rng_next() % 16) {
    case 0:
        snprintf(b, size, "where does %s live", PICK(en_name));
        break;
    case 1:
        snprintf(b, size, "what does %s like to eat", PICK(en_name));
        break;
    case 2:
        snprintf(b, size, "when is %s's birthday", PICK(en_name));
        break;
    case 3:
        snprintf(b, size, "which car does my %s drive", PICK(en_rel));
        break;
    case 4:
        snprintf(b, size, "where are the %s", PICK(en_thing));
        break;
    case 5:
        snprintf(b, size, "%s allergy", PICK(en_name));
        break;
    case 6:
        snprintf(b, size, "trip %s", PICK(en_city));
        break;
    case 7:
        snprintf(b, size, "what sport does %s play", PICK(en_name));
        break;
    case 8:
        snprintf(b, size, "где живёт %s", nm->nom);
        break;
    case 9:
        snprintf(b, size, "что любит есть %s", nm->nom);
        break;
    case 10:
        snprintf(b, size, "когда день рождения у %s", nm->gen);
        break;
    case 11:
        snprintf(b, size, "какая машина у %s", nm->gen);
        break;
    case 12:
        snprintf(b, size, "где %s", PICK(ru_thing));
        break;
    case 13:
        snprintf(b, size, "на что аллергия у %s", nm->gen);
        break;
    case 14:
        snprintf(b, size, "кем работает %s", nm->nom);
        break;
    default:
        snprintf(b, size, "как зовут собаку %s", nm->gen);
        break;
    }
}

/* ---- helpers ---- */

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

struct latency {
    double p50, p99, max, mean; /* milliseconds */
};

static struct latency latency_of(double *ms, size_t n)
{
    struct latency l = {0, 0, 0, 0};
    size_t i;

    qsort(ms, n, sizeof *ms, cmp_double);
    for (i = 0; i < n; i++)
        l.mean += ms[i] / (double)n;
    l.p50 = ms[n / 2];
    l.p99 = ms[n * 99 / 100];
    l.max = ms[n - 1];
    return l;
}

static long long file_size(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

/* The FTS5 baseline's query: the words of q (runs of letters and digits, as unicode61 splits
 * them), each quoted, OR-ed. Caller frees. */
static char *baseline_query(const char *q)
{
    size_t len = strlen(q);
    char *out = malloc(len * 6 + 8);
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)q;

    if (!out)
        return NULL;
    while (*p) {
        const unsigned char *w;

        while (*p && *p < 0x80 &&
               !((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            p++;
        if (!*p)
            break;
        w = p;
        while (*p && (*p >= 0x80 || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
                      (*p >= 'A' && *p <= 'Z')))
            p++;
        if (o)
            o += (size_t)sprintf(out + o, " OR ");
        out[o++] = '"';
        memcpy(out + o, w, (size_t)(p - w));
        o += (size_t)(p - w);
        out[o++] = '"';
    }
    out[o] = '\0';
    return out;
}

/* A plain FTS5 table in its own database: the baseline. */
struct baseline {
    sqlite3 *db;
    sqlite3_stmt *ins, *q;
};

static int baseline_open(struct baseline *b, const char *path)
{
    memset(b, 0, sizeof *b);
    if (sqlite3_open(path, &b->db) != SQLITE_OK ||
        sqlite3_exec(b->db,
                     "PRAGMA journal_mode = WAL; CREATE VIRTUAL TABLE t USING fts5(text);"
                     "BEGIN",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(b->db, "INSERT INTO t (rowid, text) VALUES (?, ?)", -1, &b->ins, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(b->db,
                           "SELECT rowid, text FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT 10",
                           -1, &b->q, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_memory: baseline: %s\n", sqlite3_errmsg(b->db));
        return -1;
    }
    return 0;
}

static int baseline_add(struct baseline *b, long long id, const char *text)
{
    sqlite3_bind_int64(b->ins, 1, id);
    sqlite3_bind_text(b->ins, 2, text, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(b->ins) != SQLITE_DONE) {
        fprintf(stderr, "bench_memory: baseline insert: %s\n", sqlite3_errmsg(b->db));
        return -1;
    }
    sqlite3_reset(b->ins);
    return 0;
}

static int baseline_done_loading(struct baseline *b)
{
    return sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Search q; ids[] gets up to 10 rowids, best first. Returns how many, -1 on error. */
static int baseline_search(struct baseline *b, const char *q, long long *ids)
{
    char *m = baseline_query(q);
    int n = 0, rc;

    if (!m)
        return -1;
    if (!m[0]) {
        free(m);
        return 0;
    }
    sqlite3_bind_text(b->q, 1, m, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(b->q)) == SQLITE_ROW) {
        ids[n++] = sqlite3_column_int64(b->q, 0);
        (void)sqlite3_column_text(b->q, 1); /* read the text, as a real caller would */
    }
    sqlite3_reset(b->q);
    free(m);
    return rc == SQLITE_DONE ? n : -1;
}

static void baseline_close(struct baseline *b)
{
    sqlite3_finalize(b->ins);
    sqlite3_finalize(b->q);
    sqlite3_close(b->db);
}

/* Remove a database and the files SQLite keeps beside it. */
static void remove_db(const char *path)
{
    char p[4200];

    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

static struct sym_store *store_open(const char *path)
{
    struct sym_store *s = NULL;
    char err[512];

    remove_db(path);
    if (sym_store_open(&s, path, err, sizeof err)) {
        fprintf(stderr, "bench_memory: %s\n", err);
        return NULL;
    }
    return s;
}

static int add_fact(struct sym_store *s, const struct sym_fact_input *in, long long *id,
                    bool *existed)
{
    if (sym_fact_add(s, in, id, existed)) {
        fprintf(stderr, "bench_memory: add: %s\n", sym_store_errmsg(s));
        return -1;
    }
    return 0;
}

/* ---- part A ---- */

struct pair {
    char *question, *fact;
    long long id;
    bool ru;
};

struct quality {
    int hit1, hit5, hit10;
    double rr;
};

static void score_rank(struct quality *q, int rank)
{
    if (rank < 1)
        return;
    q->hit1 += rank == 1;
    q->hit5 += rank <= 5;
    q->hit10 += rank <= 10;
    q->rr += 1.0 / rank;
}

static void print_quality(const char *name, const struct quality *q, int n)
{
    printf("  %-34s %4d %9.3f %9.3f %9.3f %7.3f\n", name, n, (double)q->hit1 / n,
           (double)q->hit5 / n, (double)q->hit10 / n, q->rr / n);
}

/* --misses: print each question our search ranks worse than the baseline (or misses). */
static bool show_misses;

static void print_miss(const struct pair *p, int ours, int base, const char *top)
{
    printf("  miss: ours %d, baseline %d: %s\n        want: %s\n        got:  %s\n", ours, base,
           p->question, p->fact, top ? top : "(nothing)");
}

static int part_a(const char *dir, const char *data)
{
    static struct pair pairs[MAX_PAIRS];
    struct quality ours[3] = {{0}}, base[3] = {{0}}; /* all, English, Russian */
    int npairs = 0, i, n_ru = 0, ret = -1;
    char path[2048], line[4096], fact[1024];
    struct sym_store *s = NULL;
    struct baseline b;
    bool b_open = false;
    FILE *f = fopen(data, "r");
    time_t now = time(NULL);

    if (!f) {
        fprintf(stderr, "bench_memory: %s: %s\n", data, strerror(errno));
        return -1;
    }
    while (npairs < MAX_PAIRS && fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        const unsigned char *c;

        line[strcspn(line, "\r\n")] = '\0';
        if (!tab || line[0] == '#')
            continue;
        *tab = '\0';
        pairs[npairs].question = strdup(line);
        pairs[npairs].fact = strdup(tab + 1);
        pairs[npairs].ru = false;
        for (c = (const unsigned char *)line; *c; c++)
            if (*c == 0xD0 || *c == 0xD1)
                pairs[npairs].ru = true;
        n_ru += pairs[npairs].ru;
        npairs++;
    }
    fclose(f);

    snprintf(path, sizeof path, "%s/quality.db", dir);
    s = store_open(path);
    snprintf(path, sizeof path, "%s/quality-fts5.db", dir);
    remove_db(path);
    if (!s || baseline_open(&b, path))
        goto out;
    b_open = true;
    /* Facts told over the past three years, distractors mixed in between. */
    rng_state = 0x9E3779B97F4A7C15ull;
    if (sym_store_begin(s))
        goto out;
    for (i = 0; i < npairs + (int)n_distractors; i++) {
        struct sym_fact_input in = {fact, NULL, NULL, 0, false, 0};
        bool existed;
        long long id;

        in.now = now - (time_t)(rng_next() % (3 * 365 * 86400ull));
        if (i % 4 == 0 && i / 4 < npairs) {
            in.text = pairs[i / 4].fact;
        } else {
            gen_fact(fact, sizeof fact);
            in.text = fact;
        }
        if (add_fact(s, &in, &id, &existed))
            goto out;
        if (in.text != fact)
            pairs[i / 4].id = id;
        if (!existed && baseline_add(&b, id, in.text))
            goto out;
    }
    /* Leftover test facts when there are more than n_distractors / 3 of them. */
    for (i = (npairs + (int)n_distractors + 3) / 4; i < npairs; i++) {
        struct sym_fact_input in = {pairs[i].fact, NULL, NULL, 0, false, now};
        bool existed;

        if (add_fact(s, &in, &pairs[i].id, &existed) ||
            (!existed && baseline_add(&b, pairs[i].id, in.text)))
            goto out;
    }
    if (sym_store_commit(s) || baseline_done_loading(&b))
        goto out;

    for (i = 0; i < npairs; i++) {
        struct sym_facts hits = {0};
        long long ids[10];
        int r = 0, rb, k, nb;
        size_t j;

        if (sym_fact_search(s, pairs[i].question, 10, &hits)) {
            fprintf(stderr, "bench_memory: search: %s\n", sym_store_errmsg(s));
            goto out;
        }
        for (j = 0; j < hits.n && !r; j++)
            if (hits.items[j].id == pairs[i].id)
                r = (int)j + 1;
        score_rank(&ours[0], r);
        score_rank(&ours[pairs[i].ru ? 2 : 1], r);
        nb = baseline_search(&b, pairs[i].question, ids);
        if (nb < 0) {
            sym_facts_free(&hits);
            goto out;
        }
        for (rb = 0, k = 0; k < nb && !rb; k++)
            if (ids[k] == pairs[i].id)
                rb = k + 1;
        if (show_misses && r != 1 && (rb == 1 || !r || (rb && rb < r)))
            print_miss(&pairs[i], r, rb, hits.n ? hits.items[0].text : NULL);
        sym_facts_free(&hits);
        r = rb;
        score_rank(&base[0], r);
        score_rank(&base[pairs[i].ru ? 2 : 1], r);
    }
    printf("Part A: retrieval quality on %s, %d questions (%d English, %d Russian), %d facts + "
           "%lld distractors, k = 10\n",
           strrchr(data, '/') ? strrchr(data, '/') + 1 : data, npairs, npairs - n_ru, n_ru, npairs,
           n_distractors);
    printf("  %-34s %4s %9s %9s %9s %7s\n", "", "n", "recall@1", "recall@5", "recall@10", "MRR");
    print_quality("symbiot (stemmed FTS5), all", &ours[0], npairs);
    print_quality("plain FTS5 baseline, all", &base[0], npairs);
    print_quality("symbiot, English", &ours[1], npairs - n_ru);
    print_quality("plain FTS5 baseline, English", &base[1], npairs - n_ru);
    print_quality("symbiot, Russian", &ours[2], n_ru);
    print_quality("plain FTS5 baseline, Russian", &base[2], n_ru);
    printf("\n");
    ret = 0;
out:
    if (b_open)
        baseline_close(&b);
    sym_store_close(s);
    for (i = 0; i < npairs; i++) {
        free(pairs[i].question);
        free(pairs[i].fact);
    }
    return ret;
}

/* ---- part B ---- */

static const char *const import_tags[] = {"family", "home", "work", "health", "plans", ""};

static int part_b(const char *dir, long long size)
{
    char path[2048], bpath[2048], ipath[2048], fact[1024], q[256];
    static char queries[N_QUERIES][256];
    struct sym_store *s = NULL;
    struct baseline b;
    bool b_open = false;
    double t0, t_bulk, t_single, t_import, t_base, *ms = NULL;
    long long i, count = 0, dups = 0, n_import;
    struct latency ours, base;
    time_t now = time(NULL);
    int ret = -1;

    snprintf(path, sizeof path, "%s/speed-%lld.db", dir, size);
    snprintf(bpath, sizeof bpath, "%s/speed-%lld-fts5.db", dir, size);
    snprintf(ipath, sizeof ipath, "%s/import-%lld.db", dir, size);
    ms = malloc(sizeof *ms * N_QUERIES);
    s = store_open(path);
    if (!ms || !s)
        goto out;

    /* N facts in one transaction. */
    rng_state = 0xD1B54A32D192ED03ull;
    t0 = now_s();
    if (sym_store_begin(s))
        goto out;
    for (i = 0; i < size; i++) {
        struct sym_fact_input in = {fact, NULL, NULL, 0, false, 0};
        bool existed;
        long long id;

        gen_fact(fact, sizeof fact);
        in.now = now - (time_t)(rng_next() % (3 * 365 * 86400ull));
        if (add_fact(s, &in, &id, &existed))
            goto out;
        dups += existed;
    }
    if (sym_store_commit(s))
        goto out;
    t_bulk = now_s() - t0;

    /* A few more, one transaction each. */
    t0 = now_s();
    for (i = 0; i < N_SINGLE; i++) {
        struct sym_fact_input in = {fact, NULL, NULL, 0, false, 0};
        bool existed;
        long long id;

        gen_fact(fact, sizeof fact);
        if (add_fact(s, &in, &id, &existed))
            goto out;
    }
    t_single = now_s() - t0;
    if (sym_fact_count(s, &count))
        goto out;

    /* Searches. */
    rng_state = 0x2545F4914F6CDD1Dull;
    for (i = 0; i < N_QUERIES; i++)
        gen_query(queries[i], sizeof queries[i]);
    {
        struct sym_facts hits = {0};

        sym_fact_search(s, queries[0], 10, &hits); /* warm the page cache */
        sym_facts_free(&hits);
    }
    for (i = 0; i < N_QUERIES; i++) {
        struct sym_facts hits = {0};

        t0 = now_s();
        if (sym_fact_search(s, queries[i], 10, &hits)) {
            fprintf(stderr, "bench_memory: search: %s\n", sym_store_errmsg(s));
            goto out;
        }
        ms[i] = (now_s() - t0) * 1e3;
        sym_facts_free(&hits);
    }
    ours = latency_of(ms, N_QUERIES);
    sym_store_close(s);
    s = NULL;

    /* Import-style: source, tags and timestamps given, one transaction, a fresh store. */
    n_import = size < IMPORT_CAP ? size : IMPORT_CAP;
    s = store_open(ipath);
    if (!s)
        goto out;
    rng_state = 0xD1B54A32D192ED03ull;
    t0 = now_s();
    if (sym_store_begin(s))
        goto out;
    for (i = 0; i < n_import; i++) {
        struct sym_fact_input in = {fact, "import", NULL, 0, false, 0};
        bool existed;
        long long id;

        gen_fact(fact, sizeof fact);
        in.now = now - (time_t)(rng_next() % (3 * 365 * 86400ull));
        in.tags = import_tags[i % 6];
        in.pinned = i % 50 == 0;
        if (add_fact(s, &in, &id, &existed))
            goto out;
    }
    if (sym_store_commit(s))
        goto out;
    t_import = now_s() - t0;
    sym_store_close(s);
    s = NULL;
    remove_db(ipath);

    /* The baseline: the same texts in a plain FTS5 table, the same queries. */
    remove_db(bpath);
    if (baseline_open(&b, bpath))
        goto out;
    b_open = true;
    rng_state = 0xD1B54A32D192ED03ull;
    t0 = now_s();
    for (i = 0; i < size; i++) {
        gen_fact(fact, sizeof fact);
        (void)rng_next();
        if (baseline_add(&b, i + 1, fact))
            goto out;
    }
    if (baseline_done_loading(&b))
        goto out;
    t_base = now_s() - t0;
    for (i = 0; i < N_QUERIES; i++) {
        long long ids[10];

        snprintf(q, sizeof q, "%s", queries[i]);
        t0 = now_s();
        if (baseline_search(&b, q, ids) < 0)
            goto out;
        ms[i] = (now_s() - t0) * 1e3;
    }
    base = latency_of(ms, N_QUERIES);
    baseline_close(&b);
    b_open = false;

    printf("  %lld facts (%lld stored: %lld generated twice)\n", size, count, dups);
    printf("    insert, one transaction       %10.0f facts/s  (%.2f s)\n", (double)size / t_bulk,
           t_bulk);
    printf("    insert, one per transaction   %10.0f facts/s  (%d facts)\n", N_SINGLE / t_single,
           N_SINGLE);
    printf("    import-style bulk             %10.0f facts/s  (%lld facts with source, tags, "
           "times)\n",
           (double)n_import / t_import, n_import);
    printf("    plain FTS5 insert             %10.0f facts/s\n", (double)size / t_base);
    printf("    search k=10, ms               p50 %7.3f  p99 %7.3f  max %7.3f  mean %7.3f\n",
           ours.p50, ours.p99, ours.max, ours.mean);
    printf("    plain FTS5 search, ms         p50 %7.3f  p99 %7.3f  max %7.3f  mean %7.3f\n",
           base.p50, base.p99, base.max, base.mean);
    printf("    database size                 %10.1f MiB (plain FTS5: %.1f MiB)\n",
           (double)file_size(path) / 1048576.0, (double)file_size(bpath) / 1048576.0);
    fflush(stdout);
    ret = 0;
out:
    if (b_open)
        baseline_close(&b);
    sym_store_close(s);
    remove_db(path);
    remove_db(bpath);
    remove_db(ipath);
    free(ms);
    return ret;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: bench_memory [--sizes N,N,...] [--data FILE] [--distractors N] [--misses] "
            "[--no-quality] "
            "[--no-speed]\n");
}

int main(int argc, char **argv)
{
    const char *sizes = "10000,100000", *data = SYM_BENCH_DATA, *tmp = getenv("TMPDIR");
    char dir[1024], *list, *tok, *save = NULL;
    bool quality = true, speed = true;
    int i, ret = 0;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--sizes") && i + 1 < argc) {
            sizes = argv[++i];
        } else if (!strcmp(argv[i], "--data") && i + 1 < argc) {
            data = argv[++i];
        } else if (!strcmp(argv[i], "--distractors") && i + 1 < argc) {
            n_distractors = atoll(argv[++i]);
            if (n_distractors < 0) {
                usage();
                return 2;
            }
        } else if (!strcmp(argv[i], "--misses")) {
            show_misses = true;
        } else if (!strcmp(argv[i], "--no-quality")) {
            quality = false;
        } else if (!strcmp(argv[i], "--no-speed")) {
            speed = false;
        } else {
            usage();
            return 2;
        }
    }
    snprintf(dir, sizeof dir, "%s/bench-memory-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "bench_memory: cannot make a directory in %s: %s\n",
                tmp && *tmp ? tmp : "/tmp", strerror(errno));
        return 1;
    }
    if (quality && part_a(dir, data))
        ret = 1;
    if (speed && !ret) {
        printf("Part B: speed, SQLite %s; search = %d queries from the generator's words, "
               "timed one by one\n",
               sqlite3_libversion(), N_QUERIES);
        list = strdup(sizes);
        for (tok = list ? strtok_r(list, ",", &save) : NULL; tok && !ret;
             tok = strtok_r(NULL, ",", &save)) {
            long long n = atoll(tok);

            if (n < 1) {
                usage();
                ret = 2;
            } else if (part_b(dir, n)) {
                ret = 1;
            }
        }
        free(list);
    }
    {
        char p[4200];

        snprintf(p, sizeof p, "%s/quality.db", dir);
        remove_db(p);
        snprintf(p, sizeof p, "%s/quality-fts5.db", dir);
        remove_db(p);
        rmdir(dir);
    }
    return ret;
}
