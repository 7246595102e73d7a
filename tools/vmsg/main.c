/* vmsg: the one command of vmsg-conformance. A thin front end: every
 * subcommand lives in cmd_<name>.c and calls into libvmsg. */
#include <stdio.h>
#include <string.h>

#include <vmsg/wire.h>

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
    fprintf(out, "usage: vmsg COMMAND [OPTIONS] [ARGS]\n"
                 "       vmsg --version | --help | --list-commands | --list-profiles\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n`vmsg COMMAND --help` describes one command, with an example; man vmsg-COMMAND\n"
                 "has the details. --list-commands and --list-profiles print one name per line\n"
                 "(for scripts and shell completion).\n\n"
                 "example:\n"
                 "  vmsg run --suite device --iut 'exec:./my-device --stdio' --report out/\n\n"
                 "exit codes: 0 ok, 1 conformance failures or findings, 2 usage or input error,\n"
                 "            3 harness or transport error\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *a = argv[1];
    if (!strcmp(a, "--help") || !strcmp(a, "-h") || !strcmp(a, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
        printf("vmsg %s (results schema %s)\n", VMSG_VERSION_STRING, VMSG_RESULTS_SCHEMA);
        return 0;
    }
    if (!strcmp(a, "--list-commands")) {
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            printf("%s\n", commands[i].name);
        return 0;
    }
    if (!strcmp(a, "--list-profiles")) {
        for (unsigned p = 0; p < VMSG_PROFILE_COUNT; p++)
            printf("%s\n", vmsg_profile(p)->name);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(a, commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "vmsg: %s: unknown %s (see vmsg --help)\n", a, a[0] == '-' ? "option" : "command");
    return 2;
}
