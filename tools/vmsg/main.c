/* vmsg: the one command of vmsg-conformance. A thin front end: every
 * subcommand lives in cmd_<name>.c and calls into libvmsg. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "vmsg/version.h"

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
#define X(name, fn, summary) {#name, fn, summary},
    VMSG_COMMANDS(X)
#undef X
};

static void usage(FILE *out)
{
    fprintf(out, "usage: vmsg COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n`vmsg COMMAND --help` describes one command, with an example.\n"
                 "exit codes: 0 ok, 1 conformance failures or findings, 2 usage or input error,\n"
                 "            3 harness or transport error\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("vmsg %s\n", VMSG_VERSION_STRING);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "vmsg: %s: unknown command (see `vmsg --help`)\n", argv[1]);
    return 2;
}
