/*
 * replay.c: a plain main() for fuzz targets: runs LLVMFuzzerTestOneInput over every file given
 * (or every file in a given directory), so the corpus and every crash ever found are replayed in
 * ordinary `make test` under gcc, and under ASan in `make asan`.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data;
    long size;

    if (!f) {
        perror(path);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    rewind(f);
    data = malloc(size > 0 ? (size_t)size : 1);
    if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(data);
        fclose(f);
        return 1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(data, (size_t)size);
    free(data);
    return 0;
}

static int run_path(const char *path, int *count)
{
    struct stat st;
    struct dirent *e;
    DIR *d;
    int bad = 0;

    if (stat(path, &st)) {
        perror(path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        (*count)++;
        return run_file(path);
    }
    d = opendir(path);
    if (!d) {
        perror(path);
        return 1;
    }
    while ((e = readdir(d))) {
        char child[4096];

        if (e->d_name[0] == '.')
            continue;
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        bad |= run_path(child, count);
    }
    closedir(d);
    return bad;
}

int main(int argc, char **argv)
{
    int i, bad = 0, count = 0;

    for (i = 1; i < argc; i++)
        bad |= run_path(argv[i], &count);
    printf("replayed %d inputs%s\n", count, bad ? " (some could not be read)" : "");
    return bad;
}
