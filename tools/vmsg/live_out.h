/* Findings of the passive checker on live traffic (vmsg proxy, vmsg
 * replay): printed as they happen, compiler style ("WHERE:frame N: clause:
 * message"), counted per clause for the closing summary, and recorded in
 * DIR/results.json with --report. Replay also records cases (its exchange
 * groups) and renders the reports of DIR at close. */
#ifndef VMSG_TOOL_LIVE_OUT_H
#define VMSG_TOOL_LIVE_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include <vmsg/check.h>
#include <vmsg/results.h>

#include "clause_count.h"

struct vmsg__live_out {
    const char *cmd;         /* "proxy", "replay": prefix of error lines */
    const char *where;       /* prefix of finding lines (capture file, "proxy") */
    bool quiet;              /* no finding lines (counted still) */
    struct vmsg_results *res;
    char results_path[1100];
    struct vmsg__clause_counts cc;
    unsigned long counts[3];
    unsigned long cases[VMSG_VERDICT_COUNT];
    const char *report_dir;  /* set by open when --report was given */
    bool render;             /* close also writes junit.xml, results.tap, summary.md, report.html */
};

/* report_dir may be NULL. Returns 0, or 2 (bad directory) / 3 with a message printed. */
int vmsg__live_open(struct vmsg__live_out *o, const char *cmd, const char *where, const char *report_dir,
                    const char *mode, const char *profile, const char *iut);
/* The checker callback (user = struct vmsg__live_out). */
void vmsg__live_finding(void *user, const struct vmsg_finding *f);
/* A finding of the front end itself (replay divergences): frame, clause may be NULL. */
void vmsg__live_add(struct vmsg__live_out *o, unsigned long long frame, const char *clause, const char *level,
                    enum vmsg_verdict v, const char *message);
/* A case (replay): counted for the closing line, recorded with --report
 * (its clauses cited). Returns 0, or 3 when the results could not be written. */
int vmsg__live_case(struct vmsg__live_out *o, const struct vmsg_results_case *c);
/* "findings per clause" block (nothing when there were none). */
void vmsg__live_summary(struct vmsg__live_out *o);
/* Closing tally line (stdout), results file closed (and, with render, the
 * reports written beside it). Returns 0, or 3 when the results or reports
 * could not be written. Frees o's memory. */
int vmsg__live_close(struct vmsg__live_out *o);

#endif
