/* Shared command-line conventions of the vmsg subcommands: getopt errors as
 * one line `vmsg: CMD: ...  (see vmsg CMD --help)`, exit code 2. */
#ifndef VMSG_TOOL_CLI_H
#define VMSG_TOOL_CLI_H

#include <getopt.h>

/* Every subcommand's optstring starts with ':' and sets opterr = 0 (via
 * vmsg__cli_begin), so getopt_long returns ':' for a missing value and '?'
 * for an unknown option without printing anything itself. */
void vmsg__cli_begin(void);

/* Print the one-line error for getopt's '?' or ':' return c. Returns 2. */
int vmsg__cli_bad_option(const char *cmd, int c, char **argv);

#endif
