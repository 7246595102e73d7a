/* TAP version 13: one test point per case, then one per clause with
 * findings. PASS, WARN, INFO -> ok; FAIL, ERROR, XPASS -> not ok; SKIP, NA ->
 * ok # SKIP; XFAIL -> not ok # TODO. Failing and warning points carry a YAML
 * block with verdict, clauses, expected, observed, the passive checker's
 * findings and the frames. */
#include <string.h>

#include "escape.h"
#include "w_common.h"

static void yaml_frames(FILE *out, const struct vmsg_rep_case *c)
{
    if (!c->nframes)
        return;
    fputs("  frames:\n", out);
    for (size_t i = 0; i < c->nframes; i++) {
        const struct vmsg_rep_frame *f = &c->frames[i];
        fprintf(out, "    - n: %lu\n      from: ", f->n);
        vmsg__yaml_dq(out, f->from);
        fputs("\n      to: ", out);
        vmsg__yaml_dq(out, f->to);
        fputs("\n      summary: ", out);
        vmsg__yaml_dq(out, f->summary);
        fputs("\n      hex: ", out);
        vmsg__yaml_dq(out, f->hex);
        if (f->failing)
            fputs("\n      failing: true", out);
        fputs("\n", out);
    }
}

static void one_case(FILE *out, size_t n, const struct vmsg_rep_case *c)
{
    enum vmsg_verdict v = c->verdict;
    bool not_ok = v == VMSG_FAIL || v == VMSG_ERROR ||
                  v == VMSG_XPASS || v == VMSG_XFAIL;
    fprintf(out, "%s %zu - ", not_ok ? "not ok" : "ok", n);
    vmsg__tap_line(out, c->id);
    if (c->title[0]) {
        fputs(": ", out);
        vmsg__tap_line(out, c->title);
    }
    if (v == VMSG_SKIP || v == VMSG_NA || v == VMSG_XFAIL) {
        fprintf(out, " # %s %s", v == VMSG_XFAIL ? "TODO" : "SKIP", vmsg_verdict_name(v));
        if (c->reason[0]) {
            fputs(": ", out);
            vmsg__tap_line(out, c->reason);
        }
    }
    fputs("\n", out);
    if (v == VMSG_PASS || v == VMSG_SKIP || v == VMSG_NA)
        return;
    fprintf(out, "  ---\n  verdict: %s\n  clauses: [", vmsg_verdict_name(v));
    for (size_t i = 0; i < c->nclauses; i++) {
        if (i)
            fputs(", ", out);
        vmsg__yaml_dq(out, c->clauses[i]);
    }
    fputs("]\n  expected: ", out);
    vmsg__yaml_dq(out, c->expected);
    fputs("\n  observed: ", out);
    vmsg__yaml_dq(out, c->observed);
    if (c->reason[0]) {
        fputs("\n  reason: ", out);
        vmsg__yaml_dq(out, c->reason);
    }
    fprintf(out, "\n  duration_ms: %.3f\n", c->duration_ms);
    if (c->nfindings)
        fputs("  findings:\n", out);
    for (size_t i = 0; i < c->nfindings; i++) {
        const struct vmsg_rep_finding *f = &c->findings[i];
        fprintf(out, "    - frame: %llu\n      rule: ", f->frame);
        vmsg__yaml_dq(out, f->rule);
        fputs("\n      clause: ", out);
        vmsg__yaml_dq(out, f->clause);
        fprintf(out, "\n      verdict: %s\n      message: ", vmsg_verdict_name(f->verdict));
        vmsg__yaml_dq(out, f->message);
        fputs("\n", out);
    }
    yaml_frames(out, c);
    if (c->stderr_text[0]) {
        fputs("  stderr: ", out);
        vmsg__yaml_dq(out, c->stderr_text);
        fputs("\n", out);
    }
    fputs("  ...\n", out);
}

int vmsg_report_write_tap(const struct vmsg_report *rep, FILE *out)
{
    size_t n = rep->ncases;
    for (size_t i = 0; i < rep->nclauses; i++)
        n += rep->clauses[i].nfindings > 0;
    fprintf(out, "TAP version 13\n1..%zu\n", n);
    if (!rep->complete)
        fputs("# results file is INCOMPLETE (the run was interrupted)\n", out);
    size_t k = 0;
    for (size_t i = 0; i < rep->ncases; i++)
        one_case(out, ++k, &rep->cases[i]);
    for (size_t i = 0; i < rep->nclauses; i++) {
        const struct vmsg_rep_clause *c = &rep->clauses[i];
        if (!c->nfindings)
            continue;
        bool failed = vmsg__clause_failed(c->worst);
        fprintf(out, "%s %zu - findings: ", failed ? "not ok" : "ok", ++k);
        vmsg__tap_line(out, c->id);
        fprintf(out, "\n  ---\n  verdict: %s\n  clause: ", vmsg_verdict_name(c->worst));
        vmsg__yaml_dq(out, c->id);
        fprintf(out, "\n  count: %lu\n  findings:\n", c->nfindings);
        for (size_t j = 0; j < rep->nfindings; j++) {
            const struct vmsg_rep_finding *f = &rep->findings[j];
            if (strcmp(f->clause, c->id))
                continue;
            fprintf(out, "    - frame: %llu\n      verdict: %s\n      message: ", f->frame,
                    vmsg_verdict_name(f->verdict));
            vmsg__yaml_dq(out, f->message);
            fputs("\n", out);
        }
        fputs("  ...\n", out);
    }
    char line[256];
    vmsg_tally_line(&rep->tally, line, sizeof line);
    fprintf(out, "# %s\n", line);
    return ferror(out) ? -1 : 0;
}
