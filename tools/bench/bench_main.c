/* vmsg-bench [--quick] [--list] [SECTION...]: runs the named sections (all
 * when none is named) and prints their measurements and ratios.
 * Exit 0 ok, 2 usage, 3 a section failed (e.g. a message did not decode). */
#include <stdio.h>
#include <string.h>

#include "bench.h"

struct section {
    const char *name;
    int (*run)(const struct bench_opts *o);
    const char *summary;
};

static const struct section sections[] = {
#define X(name, fn, summary) {#name, fn, summary},
    VMSG_BENCH_SECTIONS(X)
#undef X
};
#define NSECTIONS (sizeof sections / sizeof sections[0])

static void usage(FILE *out)
{
    fprintf(out, "usage: vmsg-bench [--quick] [--list] [SECTION...]\n"
                 "Measure performance as ratios against a baseline, in one run. Without a\n"
                 "SECTION, every section runs.\n\n"
                 "  --quick   short smoke run (small sizes, no repetition): checks it works,\n"
                 "            its numbers mean nothing\n"
                 "  --list    list the sections\n\n"
                 "example:\n  vmsg-bench codec\n\nsections:\n");
    for (size_t i = 0; i < NSECTIONS; i++)
        fprintf(out, "  %-8s %s\n", sections[i].name, sections[i].summary);
}

int main(int argc, char **argv)
{
    struct bench_opts o = {false, 3};
    bool pick[NSECTIONS] = {false};
    bool any = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick")) {
            o.quick = true;
            o.repeat = 1;
        } else if (!strcmp(argv[i], "--list")) {
            for (size_t k = 0; k < NSECTIONS; k++)
                printf("%s\n", sections[k].name);
            return 0;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else {
            size_t k = 0;
            while (k < NSECTIONS && strcmp(argv[i], sections[k].name))
                k++;
            if (k == NSECTIONS) {
                fprintf(stderr, "vmsg-bench: argument %d: unknown section or option '%s' (see --list)\n", i,
                        argv[i]);
                return 2;
            }
            pick[k] = any = true;
        }
    }
    int rc = 0;
    for (size_t k = 0; k < NSECTIONS; k++)
        if (!any || pick[k]) {
            int r = sections[k].run(&o);
            if (r > rc)
                rc = r;
        }
    return rc;
}
