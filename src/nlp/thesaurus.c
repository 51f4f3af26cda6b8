/*
 * thesaurus.c: related English words from WordNet's files; see thesaurus.h. The one file that
 * reads WordNet (Princeton's database format, `man 5 wndb`).
 *
 * WordNet's index.noun and index.verb are sorted text files, one line a word: the word, its part
 * of speech, counts, then the byte offsets of its senses (synsets) in data.noun or data.verb, most
 * common first. A synset's line in the data file lists its words and its pointers to other
 * synsets ("@" broader, "~" narrower). A lookup is a binary search over the index by pread() and
 * a few reads by offset in the data file: nothing is loaded, memory is a few buffers on the stack,
 * and the descriptors, opened once, are shared by every thread (pread has no file position).
 * Inflected forms are reduced first as WordNet's own morphy does: the irregular forms of
 * noun.exc and verb.exc ("geese", "woke"), then the regular endings ("-ies" -> "-y", "-ing").
 *
 * What a word brings, in order, until SYM_THESAURUS_MAX: the other words of its most common sense,
 * the first word of each broader synset of that sense, the other words of its second sense, the
 * first words of a few narrower synsets of the most common sense. Words of several parts
 * ("domestic_animal") are left out: a query's terms are single words. The trade-off: the most
 * common senses only, so a rare sense never leads a search astray, and a narrow word ("beagle")
 * is not found from a broad one ("pet") unless WordNet links them directly.
 */
#include "nlp/thesaurus.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"

/* The files, per part of speech: index, data, exceptions. */
enum { POS_NOUN, POS_VERB, N_POS };
enum { F_INDEX, F_DATA, F_EXC, N_FILES };

static const char *const file_names[N_POS][N_FILES] = {
    {"index.noun", "data.noun", "noun.exc"},
    {"index.verb", "data.verb", "verb.exc"},
};

static int fds[N_POS][N_FILES];
static off_t sizes[N_POS][N_FILES];
static bool opened;
static char why_not[1400];
static pthread_once_t open_once = PTHREAD_ONCE_INIT;

/* The longest line read: an index or data line is cut there (only its start is needed). */
#define LINE_MAX_BYTES 8192
/* The narrower synsets looked at, at most. */
#define NARROWER_MAX 4

static void open_files(void)
{
    const char *dir = getenv("SYMBIOT_WORDNET");
    int p, f;

    if (!dir || !*dir)
        dir = "/usr/share/wordnet";
    opened = true;
    for (p = 0; p < N_POS; p++)
        for (f = 0; f < N_FILES; f++) {
            char path[1100];
            struct stat st;

            snprintf(path, sizeof path, "%s/%s", dir, file_names[p][f]);
            fds[p][f] = open(path, O_RDONLY | O_CLOEXEC);
            if (fds[p][f] < 0 || fstat(fds[p][f], &st) != 0) {
                if (opened)
                    snprintf(why_not, sizeof why_not,
                             "no thesaurus: cannot read %s (install the Debian package "
                             "wordnet-base, or set SYMBIOT_WORDNET to WordNet's dict directory)",
                             path);
                opened = false;
                sizes[p][f] = 0;
                continue;
            }
            sizes[p][f] = st.st_size;
        }
    /* Said once, in --verbose: a search then goes on without related words. */
    if (!opened)
        sym_log(SYM_LOG_DEBUG, "%s", why_not);
}

bool sym_thesaurus_available(const char **why)
{
    pthread_once(&open_once, open_files);
    if (!opened && why)
        *why = why_not;
    return opened;
}

/* Read the line that starts at offset at of fd into buf (cap bytes, NUL-terminated, without its
 * newline; cut at cap - 1). Its length; 0 at the end of the file or on an error. */
static size_t read_line(int fd, off_t at, char *buf, size_t cap)
{
    ssize_t n = pread(fd, buf, cap - 1, at);
    char *nl;

    if (n <= 0) {
        buf[0] = '\0';
        return 0;
    }
    buf[n] = '\0';
    nl = memchr(buf, '\n', (size_t)n);
    if (nl)
        *nl = '\0';
    return strlen(buf);
}

/* The first line start at or after pos (pos itself when it is one). */
static off_t line_start(int fd, off_t pos, off_t size)
{
    char chunk[512];

    if (pos == 0)
        return 0;
    pos--; /* a line starts at pos when the byte before it is a newline */
    while (pos < size) {
        ssize_t n = pread(fd, chunk, sizeof chunk, pos);
        char *nl;

        if (n <= 0)
            return size;
        nl = memchr(chunk, '\n', (size_t)n);
        if (nl)
            return pos + (nl - chunk) + 1;
        pos += n;
    }
    return size;
}

/* Compare key with the first space-separated field of line, as strcmp does. */
static int key_cmp(const char *key, const char *line)
{
    size_t n = strcspn(line, " ");
    int c = strncmp(key, line, n);

    if (c)
        return c;
    return key[n] ? 1 : 0;
}

/* Binary search of the sorted file (p, f) for the line whose first field is key, into buf. */
static bool find_line(int p, int f, const char *key, char *buf, size_t cap)
{
    off_t lo = 0, hi = sizes[p][f];

    while (lo < hi) {
        off_t mid = lo + (hi - lo) / 2, start = line_start(fds[p][f], mid, sizes[p][f]);
        size_t len;
        int c;

        if (start >= hi) {
            hi = mid;
            continue;
        }
        len = read_line(fds[p][f], start, buf, cap);
        c = key_cmp(key, buf);
        if (c == 0)
            return true;
        if (c < 0)
            hi = mid;
        else
            lo = start + (off_t)len + 1;
    }
    return false;
}

/* The dictionary form of word as part p that the index has, into lemma (cap bytes): the word
 * itself, its irregular base form (the exceptions file), or a regular ending taken off. */
static bool find_lemma(int p, const char *word, char *lemma, size_t cap, char *line, size_t lcap)
{
    static const char *const endings[N_POS][8][2] = {
        {{"s", ""},
         {"ses", "s"},
         {"xes", "x"},
         {"zes", "z"},
         {"ches", "ch"},
         {"shes", "sh"},
         {"men", "man"},
         {"ies", "y"}},
        {{"s", ""},
         {"ies", "y"},
         {"es", "e"},
         {"es", ""},
         {"ed", "e"},
         {"ed", ""},
         {"ing", "e"},
         {"ing", ""}},
    };
    size_t len = strlen(word), i;

    snprintf(lemma, cap, "%s", word);
    if (find_line(p, F_INDEX, lemma, line, lcap))
        return true;
    if (find_line(p, F_EXC, word, line, lcap)) {
        const char *base = line + strcspn(line, " ");

        base += *base == ' ';
        snprintf(lemma, cap, "%.*s", (int)strcspn(base, " "), base);
        if (*lemma && find_line(p, F_INDEX, lemma, line, lcap))
            return true;
    }
    for (i = 0; i < 8; i++) {
        size_t el = strlen(endings[p][i][0]);

        if (len <= el + 1 || strcmp(word + len - el, endings[p][i][0]))
            continue;
        snprintf(lemma, cap, "%.*s%s", (int)(len - el), word, endings[p][i][1]);
        if (find_line(p, F_INDEX, lemma, line, lcap))
            return true;
    }
    return false;
}

/* The words collected so far: " w1 w2 ... " and how many. */
struct related {
    struct sym_buf b;
    int n;
    enum sym_status rc;
};

/* Append w (len bytes, WordNet's spelling) unless it has several parts, is the word asked about
 * or is there already. */
static void add_word(struct related *r, const char *w, size_t len, const char *skip)
{
    char word[64], key[68];
    size_t i;

    if (r->rc || r->n >= SYM_THESAURUS_MAX || len == 0 || len >= sizeof word)
        return;
    for (i = 0; i < len; i++) {
        char c = w[i];

        if (c == '_' || c == '-' || c == '.' || c == '(' || (c >= '0' && c <= '9'))
            return;
        word[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    word[len] = '\0';
    snprintf(key, sizeof key, " %s ", word);
    if (!strcmp(word, skip) || (r->b.data && strstr(r->b.data, key)))
        return;
    r->rc = sym_buf_puts(&r->b, r->b.len ? "" : " ");
    if (!r->rc)
        r->rc = sym_buf_printf(&r->b, "%s ", word);
    if (!r->rc)
        r->n++;
}

/* A synset's line, parsed: its words and its pointers, as pointers into the line. */
struct synset {
    const char *word[32];
    size_t word_len[32];
    int n_words;
    char ptr_sym[64][3];
    long ptr_off[64];
    int n_ptrs;
};

/* Parse the data line at offset off of part p (into line, lcap bytes) into ss. */
static bool read_synset(int p, long off, char *line, size_t lcap, struct synset *ss)
{
    char *t, *save = NULL;
    long w_cnt, p_cnt, i;

    memset(ss, 0, sizeof *ss);
    if (off <= 0 || !read_line(fds[p][F_DATA], (off_t)off, line, lcap) || atol(line) != off)
        return false;
    /* offset lex_filenum ss_type w_cnt(hex) [word lex_id]... p_cnt [sym offset pos st]... */
    if (!strtok_r(line, " ", &save) || !strtok_r(NULL, " ", &save) || !strtok_r(NULL, " ", &save))
        return false;
    t = strtok_r(NULL, " ", &save);
    w_cnt = t ? strtol(t, NULL, 16) : 0;
    for (i = 0; i < w_cnt; i++) {
        t = strtok_r(NULL, " ", &save);
        if (!t || !strtok_r(NULL, " ", &save))
            return ss->n_words > 0;
        if (ss->n_words < 32) {
            ss->word[ss->n_words] = t;
            ss->word_len[ss->n_words++] = strlen(t);
        }
    }
    t = strtok_r(NULL, " ", &save);
    p_cnt = t ? atol(t) : 0;
    for (i = 0; i < p_cnt; i++) {
        char *sym = strtok_r(NULL, " ", &save), *o = strtok_r(NULL, " ", &save);
        char *pos = strtok_r(NULL, " ", &save);

        if (!sym || !o || !pos || !strtok_r(NULL, " ", &save))
            break;
        /* Only pointers within the same part of speech (a noun's "n", a verb's "v"). */
        if (ss->n_ptrs < 64 && *pos == (p == POS_NOUN ? 'n' : 'v')) {
            snprintf(ss->ptr_sym[ss->n_ptrs], sizeof ss->ptr_sym[0], "%s", sym);
            ss->ptr_off[ss->n_ptrs++] = atol(o);
        }
    }
    return true;
}

/* Add the first word of each synset the sense's pointers of kind sym point to, at most max. */
static void add_pointed(struct related *r, int p, const struct synset *ss, char kind, int max,
                        const char *skip, char *line, size_t lcap)
{
    struct synset other;
    int i, done = 0;

    for (i = 0; i < ss->n_ptrs && done < max; i++) {
        /* "@" and "@i" broader, "~" and "~i" narrower */
        if (ss->ptr_sym[i][0] != kind || (ss->ptr_sym[i][1] && ss->ptr_sym[i][1] != 'i'))
            continue;
        if (read_synset(p, ss->ptr_off[i], line, lcap, &other) && other.n_words) {
            add_word(r, other.word[0], other.word_len[0], skip);
            done++;
        }
    }
}

/* The words related to lemma as part p (its index line in index_line), appended to r. */
static void related_as(struct related *r, int p, const char *lemma, char *index_line)
{
    char *line = malloc(LINE_MAX_BYTES), *t, *save = NULL;
    long offs[2] = {0, 0}, synset_cnt, p_cnt, i;
    struct synset first;

    if (!line) {
        r->rc = SYM_ERR_NOMEM;
        return;
    }
    /* lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset... */
    strtok_r(index_line, " ", &save);
    strtok_r(NULL, " ", &save);
    t = strtok_r(NULL, " ", &save);
    synset_cnt = t ? atol(t) : 0;
    t = strtok_r(NULL, " ", &save);
    p_cnt = t ? atol(t) : 0;
    for (i = 0; i < p_cnt; i++)
        strtok_r(NULL, " ", &save);
    strtok_r(NULL, " ", &save);
    strtok_r(NULL, " ", &save);
    for (i = 0; i < synset_cnt && i < 2 && (t = strtok_r(NULL, " ", &save)); i++)
        offs[i] = atol(t);
    if (read_synset(p, offs[0], line, LINE_MAX_BYTES, &first)) {
        struct synset second;
        char *line2 = malloc(LINE_MAX_BYTES);

        for (i = 0; i < first.n_words; i++)
            add_word(r, first.word[i], first.word_len[i], lemma);
        if (line2) {
            add_pointed(r, p, &first, '@', 2, lemma, line2, LINE_MAX_BYTES);
            if (read_synset(p, offs[1], line2, LINE_MAX_BYTES, &second))
                for (i = 0; i < second.n_words; i++)
                    add_word(r, second.word[i], second.word_len[i], lemma);
            add_pointed(r, p, &first, '~', NARROWER_MAX, lemma, line2, LINE_MAX_BYTES);
        } else {
            r->rc = SYM_ERR_NOMEM;
        }
        free(line2);
    }
    free(line);
}

enum sym_status sym_thesaurus_related(const char *word, char **out)
{
    struct related r = {{0}, 0, SYM_OK};
    char lemma[64];
    char *line;
    int p;

    *out = NULL;
    if (sym_thesaurus_available(NULL) && word && *word && strlen(word) < sizeof lemma - 8 &&
        !strchr(word, ' ')) {
        line = malloc(LINE_MAX_BYTES);
        if (!line)
            return SYM_ERR_NOMEM;
        for (p = 0; p < N_POS && !r.rc; p++)
            if (find_lemma(p, word, lemma, sizeof lemma, line, LINE_MAX_BYTES))
                related_as(&r, p, lemma, line);
        free(line);
    }
    if (!r.rc) {
        /* " w1 w2 " -> "w1 w2" */
        const char *s = r.b.data ? r.b.data + 1 : "";
        size_t n = strlen(s);

        *out = strndup(s, n ? n - 1 : 0);
        if (!*out)
            r.rc = SYM_ERR_NOMEM;
    }
    sym_buf_free(&r.b);
    return r.rc;
}
