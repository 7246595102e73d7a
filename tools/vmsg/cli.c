/* One-line option errors for every subcommand (see cli.h). getopt's own
 * messages name the program, not the subcommand, and the usage text used to
 * follow them on stderr; one line is what scripts and people read best. */
#include <stdio.h>
#include <stdbool.h>
#include <string.h>

#include "cli.h"

void vmsg__cli_begin(void)
{
    opterr = 0;
    optind = 1;
}

int vmsg__cli_bad_option(const char *cmd, int c, char **argv)
{
    const char *arg = argv[optind - 1];
    char name[64];
    bool is_long = arg && strncmp(arg, "--", 2) == 0;
    if (is_long) {
        size_t n = strcspn(arg, "=");
        snprintf(name, sizeof name, "%.*s", (int)(n < 60 ? n : 60), arg);
    } else {
        snprintf(name, sizeof name, "-%c", optopt ? optopt : '?');
    }
    /* '?' with optopt set on a long option: "--json=1" for a flag */
    const char *what = c == ':' ? "needs a value" : (is_long && optopt) ? "takes no value" : "unknown option";
    fprintf(stderr, "vmsg: %s: %s: %s (see vmsg %s --help)\n", cmd, name, what, cmd);
    return 2;
}
