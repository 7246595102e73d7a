/* Findings of the passive checker on live traffic (vmsg proxy, vmsg
 * replay): printed as they happen, compiler style ("WHERE:frame N: clause:
 * message"), counted per clause for the closing summary, and recorded in
 * DIR/results.json with --report. */
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
};

/* report_dir may be NULL. Returns 0, or 2 (bad directory) / 3 with a message printed. */
int vmsg__live_open(struct vmsg__live_out *o, const char *cmd, const char *where, const char *report_dir,
                    const char *mode, const char *profile, const char *iut);
/* The checker callback (user = struct vmsg__live_out). */
void vmsg__live_finding(void *user, const struct vmsg_finding *f);
/* A finding of the front end itself (replay divergences): frame, clause may be NULL. */
void vmsg__live_add(struct vmsg__live_out *o, unsigned long long frame, const char *clause, const char *level,
                    enum vmsg_verdict v, const char *message);
/* "findings per clause" block (nothing when there were none). */
void vmsg__live_summary(struct vmsg__live_out *o);
/* Closing tally line (stdout), results file closed. Returns 0, or 3 when the
 * results could not be written. Frees o's memory. */
int vmsg__live_close(struct vmsg__live_out *o);

#endif
