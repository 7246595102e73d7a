/* JUnit XML as GitLab, GitHub and Jenkins read it: one <testsuite> per suite,
 * one <testcase> per case (classname = suite). FAIL and XPASS give <failure>,
 * ERROR gives <error> (type = the first clause id, message = one line, text =
 * the evidence); SKIP, NA and XFAIL give <skipped>; frames go to
 * <system-out>, the IUT's stderr to <system-err>. Findings (check mode, or
 * the passive checker inside a run) form a suite "findings" with one
 * testcase per cited clause. */
#include <string.h>

#include "escape.h"
#include "w_common.h"

#define MAX_SUITES 256

struct counts {
    unsigned long tests, failures, errors, skipped;
    double ms;
};

static void count_case(struct counts *k, const struct vmsg_rep_case *c)
{
    k->tests++;
    k->ms += c->duration_ms;
    if (c->verdict == VMSG_FAIL || c->verdict == VMSG_XPASS)
        k->failures++;
    else if (c->verdict == VMSG_ERROR)
        k->errors++;
    else if (c->verdict == VMSG_SKIP || c->verdict == VMSG_NA ||
             c->verdict == VMSG_XFAIL)
        k->skipped++;
}

static void esc(FILE *out, const char *s, size_t max)
{
    vmsg__xml(out, s, max);
}

static void one_case(FILE *out, const struct vmsg_rep_case *c)
{
    fputs("    <testcase name=\"", out);
    vmsg__xml_line(out, c->id, 512);
    if (c->title[0]) {
        fputs(": ", out);
        vmsg__xml_line(out, c->title, 512);
    }
    fputs("\" classname=\"", out);
    vmsg__xml_line(out, c->suite[0] ? c->suite : "vmsg", 256);
    fprintf(out, "\" time=\"%.3f\">\n", c->duration_ms / 1000.0);
    const char *clause = c->nclauses ? c->clauses[0] : "";
    enum vmsg_verdict v = c->verdict;
    if (v == VMSG_FAIL || v == VMSG_XPASS || v == VMSG_ERROR) {
        const char *el = v == VMSG_ERROR ? "error" : "failure";
        fprintf(out, "      <%s type=\"", el);
        vmsg__xml_line(out, clause, 256);
        fprintf(out, "\" message=\"%s: ", vmsg_verdict_name(v));
        vmsg__xml_line(out, clause, 256);
        fputs(": expected ", out);
        vmsg__xml_line(out, c->expected[0] ? c->expected : "?", 300);
        fputs(", got ", out);
        vmsg__xml_line(out, c->observed[0] ? c->observed : (c->reason[0] ? c->reason : "?"), 300);
        fputs("\">", out);
        fputs("clauses:", out);
        for (size_t i = 0; i < c->nclauses; i++) {
            fputc(' ', out);
            vmsg__xml(out, c->clauses[i], 256);
        }
        fputs("\nexpected: ", out);
        vmsg__xml(out, c->expected, 0);
        fputs("\nobserved: ", out);
        vmsg__xml(out, c->observed, 0);
        if (c->reason[0]) {
            fputs("\nreason: ", out);
            vmsg__xml(out, c->reason, 0);
        }
        fprintf(out, "\n</%s>\n", el);
    } else if (v == VMSG_SKIP || v == VMSG_NA || v == VMSG_XFAIL) {
        fprintf(out, "      <skipped message=\"%s", vmsg_verdict_name(v));
        if (c->reason[0]) {
            fputs(": ", out);
            vmsg__xml_line(out, c->reason, 500);
        }
        fputs("\"/>\n", out);
    }
    if (c->nframes || v == VMSG_WARN || v == VMSG_INFO) {
        fprintf(out, "      <system-out>verdict: %s\n", vmsg_verdict_name(v));
        if (v == VMSG_WARN || v == VMSG_INFO) {
            fputs("expected: ", out);
            vmsg__xml(out, c->expected, 0);
            fputs("\nobserved: ", out);
            vmsg__xml(out, c->observed, 0);
            fputs("\n", out);
        }
        vmsg__frames_text(out, c, esc);
        fputs("</system-out>\n", out);
    }
    if (c->stderr_text[0]) {
        fputs("      <system-err>", out);
        vmsg__xml(out, c->stderr_text, 0);
        fputs("</system-err>\n", out);
    }
    fputs("    </testcase>\n", out);
}

static void findings_suite(FILE *out, const struct vmsg_report *rep, struct counts *all)
{
    struct counts k = {0};
    for (size_t i = 0; i < rep->nclauses; i++)
        if (rep->clauses[i].nfindings) {
            k.tests++;
            if (vmsg__clause_failed(rep->clauses[i].worst))
                k.failures++;
        }
    if (!k.tests)
        return;
    fprintf(out,
            "  <testsuite name=\"findings\" tests=\"%lu\" failures=\"%lu\" errors=\"0\" "
            "skipped=\"0\" time=\"0.000\">\n",
            k.tests, k.failures);
    for (size_t i = 0; i < rep->nclauses; i++) {
        const struct vmsg_rep_clause *c = &rep->clauses[i];
        if (!c->nfindings)
            continue;
        fputs("    <testcase name=\"", out);
        vmsg__xml_line(out, c->id, 256);
        fputs("\" classname=\"findings\" time=\"0.000\">\n", out);
        if (vmsg__clause_failed(c->worst)) {
            const struct vmsg_rep_finding *first = NULL;
            for (size_t j = 0; j < rep->nfindings && !first; j++)
                if (!strcmp(rep->findings[j].clause, c->id))
                    first = &rep->findings[j];
            fputs("      <failure type=\"", out);
            vmsg__xml_line(out, c->id, 256);
            fprintf(out, "\" message=\"%lu finding(s); first: ", c->nfindings);
            if (first) {
                fprintf(out, "frame %llu: ", first->frame);
                vmsg__xml_line(out, first->message, 500);
            }
            fputs("\">", out);
            for (size_t j = 0; j < rep->nfindings; j++) {
                const struct vmsg_rep_finding *f = &rep->findings[j];
                if (strcmp(f->clause, c->id))
                    continue;
                fprintf(out, "frame %llu: %s: ", f->frame, vmsg_verdict_name(f->verdict));
                vmsg__xml(out, f->message, 0);
                fputs("\n", out);
            }
            fputs("</failure>\n", out);
        }
        fputs("    </testcase>\n", out);
    }
    fputs("  </testsuite>\n", out);
    all->tests += k.tests;
    all->failures += k.failures;
}

int vmsg_report_write_junit(const struct vmsg_report *rep, FILE *out)
{
    const char *suites[MAX_SUITES];
    size_t ns = vmsg__suites(rep, suites, MAX_SUITES);
    struct counts all = {0};
    for (size_t i = 0; i < rep->ncases; i++)
        count_case(&all, &rep->cases[i]);
    for (size_t i = 0; i < rep->nclauses; i++)
        if (rep->clauses[i].nfindings) {
            all.tests++;
            all.failures += vmsg__clause_failed(rep->clauses[i].worst);
        }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fputs("<testsuites name=\"vmsg ", out);
    vmsg__xml_line(out, rep->mode, 64);
    fprintf(out,
            "\" tests=\"%lu\" failures=\"%lu\" errors=\"%lu\" "
            "skipped=\"%lu\" time=\"%.3f\">\n",
            all.tests, all.failures, all.errors, all.skipped,
            all.ms / 1000.0);
    struct counts fa = {0};
    for (size_t s = 0; s < ns; s++) {
        struct counts k = {0};
        for (size_t i = 0; i < rep->ncases; i++)
            if (!strcmp(rep->cases[i].suite, suites[s]))
                count_case(&k, &rep->cases[i]);
        fputs("  <testsuite name=\"", out);
        vmsg__xml_line(out, suites[s][0] ? suites[s] : "vmsg", 256);
        fprintf(out,
                "\" tests=\"%lu\" failures=\"%lu\" errors=\"%lu\" skipped=\"%lu\" "
                "time=\"%.3f\" timestamp=\"",
                k.tests, k.failures, k.errors, k.skipped, k.ms / 1000.0);
        vmsg__xml_line(out, rep->started, 64);
        fputs("\">\n    <properties>\n", out);
        const char *props[][2] = {{"mode", rep->mode}, {"profile", rep->profile},
                                  {"iut", rep->iut}, {"tool", rep->tool_version},
                                  {"complete", rep->complete ? "true" : "false"}};
        for (size_t p = 0; p < sizeof props / sizeof props[0]; p++) {
            fprintf(out, "      <property name=\"%s\" value=\"", props[p][0]);
            vmsg__xml_line(out, props[p][1], 1024);
            fputs("\"/>\n", out);
        }
        fputs("    </properties>\n", out);
        for (size_t i = 0; i < rep->ncases; i++)
            if (!strcmp(rep->cases[i].suite, suites[s]))
                one_case(out, &rep->cases[i]);
        fputs("  </testsuite>\n", out);
    }
    findings_suite(out, rep, &fa);
    fputs("</testsuites>\n", out);
    return ferror(out) ? -1 : 0;
}
