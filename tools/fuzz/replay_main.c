/* Plain-program driver of a fuzz target: runs LLVMFuzzerTestOneInput once per
 * file named on the command line; a directory means every regular file in it
 * (sorted, not recursive). Used when the target is built without libFuzzer,
 * so that corpora and regressions replay under any compiler and sanitizer, and
 * a crasher reproduces with `fuzz-TARGET FILE`.
 *
 * Exit: 0 when every input ran, 2 when an input cannot be read. A finding
 * aborts (or is reported by the sanitizer) like under libFuzzer. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Largest input replayed; libFuzzer's default -max_len is far below this. */
#define REPLAY_MAX_INPUT (4u << 20)

static int run_file(const char *path, size_t *count)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "fuzz-replay: %s: %s\n", path, strerror(errno));
        return 2;
    }
    uint8_t *buf = malloc(REPLAY_MAX_INPUT + 1);
    if (!buf) {
        fclose(f);
        fprintf(stderr, "fuzz-replay: %s: out of memory\n", path);
        return 2;
    }
    size_t n = fread(buf, 1, REPLAY_MAX_INPUT + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || n > REPLAY_MAX_INPUT) {
        fprintf(stderr, "fuzz-replay: %s: %s\n", path, bad ? "read error" : "larger than 4 MiB");
        free(buf);
        return 2;
    }
    /* An exact-size copy, so that ASan sees reads past the input. */
    uint8_t *exact = malloc(n ? n : 1);
    if (!exact) {
        free(buf);
        fprintf(stderr, "fuzz-replay: %s: out of memory\n", path);
        return 2;
    }
    if (n)
        memcpy(exact, buf, n);
    free(buf);
    vmsg__fuzz_input = path;
    LLVMFuzzerTestOneInput(exact, n);
    vmsg__fuzz_input = NULL;
    free(exact);
    (*count)++;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *path, size_t *count)
{
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "fuzz-replay: %s: %s\n", path, strerror(errno));
        return 2;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue; /* ., .., and hidden files such as .gitkeep */
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown) {
                rc = 2;
                break;
            }
            names = grown;
        }
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n]) {
            rc = 2;
            break;
        }
        snprintf(names[n], len, "%s/%s", path, e->d_name);
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            rc = run_file(names[i], count);
        free(names[i]);
    }
    free(names);
    if (rc)
        fprintf(stderr, "fuzz-replay: %s: cannot list every file\n", path);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fprintf(argc < 2 ? stderr : stdout,
                "usage: %s FILE|DIR...\n"
                "Replay fuzz inputs through the target once each (no fuzzing).\n"
                "A directory that does not exist is skipped with --optional-dirs.\n"
                "example: %s tools/fuzz/corpus/decode vectors/regress/decode\n",
                argv[0], argv[0]);
        return argc < 2 ? 2 : 0;
    }
    size_t count = 0;
    int rc = 0;
    int optional = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        if (!strcmp(argv[i], "--optional-dirs")) {
            optional = 1;
            continue;
        }
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            if (optional)
                continue;
            fprintf(stderr, "fuzz-replay: %s: %s\n", argv[i], strerror(errno));
            rc = 2;
        } else if (S_ISDIR(st.st_mode)) {
            rc = run_dir(argv[i], &count);
        } else {
            rc = run_file(argv[i], &count);
        }
    }
    printf("fuzz-replay: %zu inputs ran\n", count);
    return rc;
}
