/* Findings of the checker on live traffic: see live_out.h. */
#include "live_out.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <vmsg/catalog.h>

#include "report.h"

int vmsg__live_open(struct vmsg__live_out *o, const char *cmd, const char *where, const char *report_dir,
                    const char *mode, const char *profile, const char *iut)
{
    memset(o, 0, sizeof *o);
    o->cmd = cmd;
    o->where = where;
    o->report_dir = report_dir;
    if (!report_dir)
        return 0;
    if (mkdir(report_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "vmsg: %s: --report: %s: %s\n", cmd, report_dir, strerror(errno));
        return 2;
    }
    snprintf(o->results_path, sizeof o->results_path, "%s/results.json", report_dir);
    struct vmsg_results_info info = {mode, profile, iut, NULL, NULL, 0, 0, false};
    char err[512];
    if (vmsg_results_open(&o->res, o->results_path, &info, err, sizeof err) != 0) {
        fprintf(stderr, "vmsg: %s: %s\n", cmd, err);
        return 3;
    }
    return 0;
}

void vmsg__live_add(struct vmsg__live_out *o, unsigned long long frame, const char *clause, const char *level,
                    enum vmsg_verdict v, const char *message)
{
    unsigned k = v == VMSG_FAIL ? 0 : v == VMSG_WARN ? 1 : 2;
    o->counts[k]++;
    vmsg__clause_counts_add(&o->cc, clause, k);
    if (o->res) {
        if (clause)
            vmsg_results_cite(o->res, clause);
        struct vmsg_results_finding rf = {frame, clause, level ? level : "", v, message};
        vmsg_results_add_finding(o->res, &rf);
    }
    if (o->quiet)
        return;
    const char *tag = k == 1 ? " [WARN]" : k == 2 ? " [INFO]" : "";
    if (frame)
        printf("%s:frame %llu: %s%s%s%s\n", o->where, frame, clause ? clause : "", clause ? ": " : "", message, tag);
    else
        printf("%s:end: %s%s%s%s\n", o->where, clause ? clause : "", clause ? ": " : "", message, tag);
    fflush(stdout); /* findings as they happen, also through a pipe */
}

int vmsg__live_case(struct vmsg__live_out *o, const struct vmsg_results_case *c)
{
    o->cases[c->verdict < VMSG_VERDICT_COUNT ? c->verdict : VMSG_ERROR]++;
    if (!o->res)
        return 0;
    for (size_t i = 0; i < c->nclauses; i++)
        vmsg_results_cite(o->res, c->clauses[i]);
    if (vmsg_results_add_case(o->res, c) != 0) {
        fprintf(stderr, "vmsg: %s: %s\n", o->cmd, vmsg_results_error(o->res));
        return 3;
    }
    return 0;
}

void vmsg__live_finding(void *user, const struct vmsg_finding *f)
{
    struct vmsg__live_out *o = user;
    if (!f->clause) {
        fprintf(stderr, "vmsg: %s: note: %s\n", o->where, f->message);
        return;
    }
    static const enum vmsg_verdict v[] = {VMSG_FAIL, VMSG_WARN, VMSG_INFO};
    vmsg__live_add(o, (unsigned long long)f->frame, f->clause, vmsg_check_level_name(f->level),
                   v[f->verdict < 3 ? f->verdict : 2], f->message);
}

void vmsg__live_summary(struct vmsg__live_out *o)
{
    vmsg__clause_counts_print(stdout, &o->cc);
}

int vmsg__live_close(struct vmsg__live_out *o)
{
    int rc = 0;
    struct vmsg_tally t;
    memset(&t, 0, sizeof t);
    if (o->res) {
        char err[512];
        if (vmsg_results_close(o->res, &t, err, sizeof err) != 0) {
            fprintf(stderr, "vmsg: %s: %s\n", o->cmd, err);
            rc = 3;
        }
        o->res = NULL;
        if (rc == 0 && o->render && vmsg_report_write_dir(o->report_dir, err, sizeof err) != 0) {
            fprintf(stderr, "vmsg: %s: %s\n", o->cmd, err);
            rc = 3;
        }
    } else {
        t.findings[VMSG_FAIL] = o->counts[0];
        t.findings[VMSG_WARN] = o->counts[1];
        t.findings[VMSG_INFO] = o->counts[2];
        memcpy(t.cases, o->cases, sizeof t.cases);
    }
    if (o->results_path[0] && rc == 0)
        printf(o->render ? "reports: %s/{results.json,junit.xml,results.tap,summary.md,report.html}\n"
                         : "results: %s\n", o->render ? o->report_dir : o->results_path);
    vmsg_tally_print(stdout, &t); /* the closing line CI log parsers read */
    vmsg__clause_counts_free(&o->cc);
    return rc;
}
