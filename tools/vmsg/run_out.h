/* Output of `vmsg run`: one line per unexpected case (all with -v), the
 * results file and reports with --report, and the closing count line. */
#ifndef VMSG_TOOL_RUN_OUT_H
#define VMSG_TOOL_RUN_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include <vmsg/engine.h>
#include <vmsg/results.h>

struct vmsg_run_output {
    int verbosity;           /* 0 quiet, 1 unexpected only, 2 every case */
    const char *report_dir;  /* NULL without --report */
    char results_path[4096];
    struct vmsg_results *results;
    struct vmsg_tally tally;
    bool strict;
    bool write_failed;
};

int vmsg__run_output_open(struct vmsg_run_output *out, const char *report_dir, const char *iut,
                          const struct vmsg_run_opts *o, int verbosity);
/* Implementation conformance statement entries (recorded in the results). */
void vmsg__run_output_ics(struct vmsg_run_output *out, const char *section, const char *key, const char *value);
/* The statement of one suite's IUT before its cases: every entry of ICS
 * ("section.key" = value) into the results, "ics.<suite>" saying how the
 * gathering went, one line with -v; a gathering that ended in ERROR (the IUT
 * hung or crashed) is printed like an unexpected case and counted as an
 * ERROR finding. R is the gathering's outcome (NULL: nothing was gathered). */
void vmsg__run_output_ics_all(struct vmsg_run_output *out, unsigned role, const struct vmsg_ics *ics,
                              const struct vmsg_case_result *r);
void vmsg__run_output_case(void *arg, const struct vmsg_case_result *r);
/* Closes the results, renders the reports, prints the closing line. 0 or -1. */
int vmsg__run_output_close(struct vmsg_run_output *out, const struct vmsg_run_summary *sum);

#endif
