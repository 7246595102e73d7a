/* `vmsg run` output: see run_out.h. Results go through the canonical
 * results writer (harness/results) case by case, so a killed run still
 * leaves a readable results.json; reports are rendered from that file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <vmsg/catalog.h>
#include <vmsg/check.h>
#include <vmsg/results.h>
#include <vmsg/version.h>

#include "report.h"
#include "run_out.h"

int vmsg__run_output_open(struct vmsg_run_output *out, const char *report_dir, const char *iut,
                          const struct vmsg_run_opts *o, int verbosity)
{
    memset(out, 0, sizeof *out);
    out->verbosity = verbosity;
    out->report_dir = report_dir;
    out->strict = o->strict;
    if (!report_dir)
        return 0;
    if (mkdir(report_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "vmsg: run: %s: %s\n", report_dir, strerror(errno));
        return -1;
    }
    snprintf(out->results_path, sizeof out->results_path, "%s/results.json", report_dir);
    struct vmsg_results_info info;
    memset(&info, 0, sizeof info);
    info.mode = "run";
    info.profile = vmsg_profile(o->link.profile)->name;
    info.iut = iut;
    char err[512];
    if (vmsg_results_open(&out->results, out->results_path, &info, err, sizeof err) != 0) {
        fprintf(stderr, "vmsg: run: %s\n", err);
        return -1;
    }
    return 0;
}

void vmsg__run_output_ics(struct vmsg_run_output *out, const char *section, const char *key, const char *value)
{
    if (out->results)
        vmsg_results_set_ics(out->results, section, key, value);
}

/* "device.config_size" -> section "device", key "config_size". */
static void ics_entry(struct vmsg_run_output *out, const char *key, const char *value)
{
    char sec[48];
    const char *dot = strchr(key, '.');
    size_t n = dot ? (size_t)(dot - key) : 0;
    if (!dot || n >= sizeof sec) {
        vmsg__run_output_ics(out, "ics", key, value);
        return;
    }
    memcpy(sec, key, n);
    sec[n] = 0;
    vmsg__run_output_ics(out, sec, dot + 1, value);
}

/* One line of what matters most to the cases. */
static void ics_line(unsigned role, const struct vmsg_ics *ics)
{
    static const char *const device[][2] = {
        {"device.info", "info"},         {"device.device_id", "device_id"},
        {"device.vendor_id", "vendor_id"}, {"device.num_feature_bits", "feature bits"},
        {"features.offered", "offers"},   {"device.config_size", "config bytes"},
        {"device.max_virtqueues", "queues"}, {"shm.regions", "shm regions"},
        {"link.max_msg_size", "max size"}, {NULL, NULL}};
    static const char *const bus[][2] = {
        {"bus.max_msg_size", "max size"}, {"bus.params", "params"},
        {"bus.devices", "devices served"}, {"bus.get_devices", "GET_DEVICES reports"},
        {"bus.ping", "PING"},             {"bus.event_avail", "EVENT_AVAIL"}, {NULL, NULL}};
    const char *const(*shown)[2] = role == VMSG_IUT_BUS ? bus : device;
    printf("%s.ics:", vmsg_iut_role_name(role));
    bool any = false;
    for (size_t i = 0; shown[i][0]; i++) {
        const char *v = vmsg_ics_get(ics, shown[i][0]);
        if (!v)
            continue;
        printf("%s %s %s", any ? "," : "", shown[i][1], v);
        any = true;
    }
    printf("%s\n", any ? "" : " nothing gathered");
}

void vmsg__run_output_ics_all(struct vmsg_run_output *out, unsigned role, const struct vmsg_ics *ics,
                              const struct vmsg_case_result *r)
{
    const char *suite = vmsg_iut_role_name(role);
    for (unsigned i = 0; i < ics->n; i++)
        ics_entry(out, ics->e[i].key, ics->e[i].value);
    if (!r)
        return;
    char how[320];
    if (r->verdict == VMSG_ERROR)
        snprintf(how, sizeof how, "ERROR: %s", r->reason);
    else
        snprintf(how, sizeof how, "gathered in %llu ms%s", (unsigned long long)r->duration_ms,
                 ics->dropped ? " (some entries did not fit)" : "");
    vmsg__run_output_ics(out, "ics", suite, how);
    if (r->verdict == VMSG_ERROR) {
        out->tally.findings[VMSG_ERROR]++;
        if (out->results) {
            char msg[400];
            snprintf(msg, sizeof msg, "%s.ics: %s", suite, r->reason);
            struct vmsg_results_finding f = {0, "", "", VMSG_ERROR, msg};
            vmsg_results_add_finding(out->results, &f);
        }
        if (out->verbosity > 0) {
            /* like an unexpected case: the run goes on with the cases */
            printf("%s.ics: ERROR (%s)\n", suite, r->reason);
            fflush(stdout);
        }
    }
    if (out->verbosity > 1) {
        ics_line(role, ics);
        fflush(stdout);
    }
}

static bool unexpected(enum vmsg_verdict v)
{
    return v == VMSG_FAIL || v == VMSG_ERROR || v == VMSG_XPASS || v == VMSG_WARN;
}

static void record(struct vmsg_run_output *out, const struct vmsg_case_result *r)
{
    const struct vmsg_case_def *d = r->def;
    size_t ncl = 0;
    while (ncl < VMSG_CASE_MAX_CLAUSES && d->clauses[ncl])
        ncl++;
    for (size_t i = 0; i < ncl; i++)
        vmsg_results_cite(out->results, d->clauses[i]);
    static const char *sides[] = {"device", "driver", "bus"};
    const char *iut = sides[d->role < 3 ? d->role : 0];
    const char *harness = d->role == VMSG_IUT_DRIVER ? "device" : "driver";
    struct vmsg_results_frame frames[VMSG_EVIDENCE_MAX_FRAMES];
    for (unsigned i = 0; i < r->nframes; i++) {
        const struct vmsg_frame_rec *f = &r->frames[i];
        /* a bus IUT has two ends: the harness is the driver on one, the devices on the other */
        const char *h = d->role == VMSG_IUT_BUS && f->side == VMSG_SIDE_DEVICE ? "device" : harness;
        frames[i] = (struct vmsg_results_frame){f->dir ? iut : h, f->dir ? h : iut, f->bytes, f->len,
                                                NULL, f->marked};
    }
    struct vmsg_results_case_finding fnd[VMSG_CASE_MAX_FINDINGS];
    for (unsigned i = 0; i < r->nfindings && i < VMSG_CASE_MAX_FINDINGS; i++) {
        const struct vmsg_case_finding *f = &r->findings[i];
        vmsg_results_cite(out->results, f->clause);
        fnd[i] = (struct vmsg_results_case_finding){f->frame, f->clause, f->rule, vmsg_check_level_name(f->level),
                                                    (enum vmsg_verdict)f->verdict, f->message};
    }
    struct vmsg_results_case rc = {
        .id = d->id,
        .suite = sides[d->role < 3 ? d->role : 0],
        .title = d->title,
        .clauses = d->clauses,
        .nclauses = ncl,
        .verdict = r->verdict,
        .duration_ms = (double)r->duration_ms,
        .expected = r->expected[0] ? r->expected : NULL,
        .observed = r->observed[0] ? r->observed : NULL,
        .frames = frames,
        .nframes = r->nframes,
        .reason = r->reason[0] ? r->reason : NULL,
        .stderr_text = r->side_text[0] ? r->side_text : NULL,
        .stderr_len = strlen(r->side_text),
        .findings = fnd,
        .nfindings = r->nfindings < VMSG_CASE_MAX_FINDINGS ? r->nfindings : VMSG_CASE_MAX_FINDINGS,
        .findings_dropped = r->findings_dropped,
    };
    if (vmsg_results_add_case(out->results, &rc) != 0 && !out->write_failed) {
        fprintf(stderr, "vmsg: run: %s\n", vmsg_results_error(out->results));
        out->write_failed = true;
    }
}

void vmsg__run_output_case(void *arg, const struct vmsg_case_result *r)
{
    struct vmsg_run_output *out = arg;
    out->tally.cases[r->verdict]++;
    if (out->results)
        record(out, r);
    if (out->verbosity == 0 || (out->verbosity == 1 && !unexpected(r->verdict)))
        return;
    /* compiler style: where: verdict: clause: expected X, got Y */
    printf("%s: %s", r->def->id, vmsg_verdict_name(r->verdict));
    if (r->clause[0])
        printf(": %s", r->clause);
    if (r->expected[0])
        printf(": expected %s, got %s", r->expected, r->observed);
    else if (r->observed[0] && strcmp(r->observed, r->reason))
        printf(": %s", r->observed);
    if (r->reason[0])
        printf(" (%s)", r->reason);
    printf("\n");
    fflush(stdout);
}

int vmsg__run_output_close(struct vmsg_run_output *out, const struct vmsg_run_summary *sum)
{
    int rc = 0;
    char err[512];
    if (out->results) {
        struct vmsg_tally t;
        /* reports are rendered only from results that closed cleanly */
        if (vmsg_results_close(out->results, &t, err, sizeof err) != 0 ||
            vmsg_report_write_dir(out->report_dir, err, sizeof err) != 0) {
            fprintf(stderr, "vmsg: run: %s\n", err);
            rc = -1;
        }
        out->results = NULL;
    }
    if (out->verbosity > 0) {
        printf("verdicts:");
        for (int v = 0; v < VMSG_VERDICT_COUNT; v++)
            if (out->tally.cases[v])
                printf(" %s %lu", vmsg_verdict_name((enum vmsg_verdict)v), out->tally.cases[v]);
        printf(" (%u cases)\n", sum->selected);
        if (out->report_dir)
            printf("reports: %s/{results.json,junit.xml,results.tap,summary.md,report.html}\n", out->report_dir);
    }
    vmsg_tally_print(stdout, &out->tally); /* the closing line CI log parsers read */
    if (fflush(stdout) != 0)
        rc = -1;
    return rc;
}
