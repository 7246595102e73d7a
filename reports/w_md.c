/* Markdown summary for a CI job page: the tally line, verdict counts,
 * failing clauses one line each, clause coverage per role. */
#include <string.h>

#include "escape.h"
#include "w_common.h"

static const char *const roles[] = {"driver", "device", "bus", "any"};

/* The implementation conformance statement: one row per section, its
 * entries in file order. */
static void ics(FILE *out, const struct vmsg_report *rep)
{
    if (!rep->nics)
        return;
    fputs("\n## Implementation conformance statement\n\n| section | entries |\n|---|---|\n", out);
    for (size_t i = 0; i < rep->nics; i++) {
        if (i && !strcmp(rep->ics[i].section, rep->ics[i - 1].section))
            continue;
        fputs("| ", out);
        vmsg__md(out, rep->ics[i].section[0] ? rep->ics[i].section : "-", 64);
        fputs(" |", out);
        for (size_t k = i; k < rep->nics && !strcmp(rep->ics[k].section, rep->ics[i].section); k++) {
            fputs(k > i ? "; " : " ", out);
            vmsg__md(out, rep->ics[k].key, 64);
            fputs(": ", out);
            vmsg__md(out, rep->ics[k].value, 200);
        }
        fputs(" |\n", out);
    }
}

int vmsg_report_write_md(const struct vmsg_report *rep, FILE *out)
{
    char line[256];
    vmsg_tally_line(&rep->tally, line, sizeof line);
    fputs("# vmsg conformance: ", out);
    vmsg__md(out, rep->mode, 64);
    fputs(" ", out);
    vmsg__md(out, rep->profile, 64);
    fputs(" on `", out);
    for (const char *p = rep->iut; *p && p - rep->iut < 200; p++) /* no backtick can end the span */
        fputc(*p == '`' || (unsigned char)*p < 0x20 ? '\'' : *p, out);
    fprintf(out, "`\n\n**%s**%s\n\n", line,
            rep->complete ? "" : " (INCOMPLETE: the run was interrupted)");
    fputs("| verdict | cases | findings |\n|---|---:|---:|\n", out);
    for (unsigned v = 0; v < VMSG_VERDICT_COUNT; v++)
        if (rep->tally.cases[v] || rep->tally.findings[v])
            fprintf(out, "| %s | %lu | %lu |\n", vmsg_verdict_name((enum vmsg_verdict)v),
                    rep->tally.cases[v], rep->tally.findings[v]);
    fputs("\n## Failing clauses\n\n", out);
    size_t nfail = 0;
    for (size_t i = 0; i < rep->nclauses; i++) {
        const struct vmsg_rep_clause *c = &rep->clauses[i];
        if (!c->cited || !(vmsg__clause_failed(c->worst) || c->worst == VMSG_WARN))
            continue;
        nfail++;
        fprintf(out, "- **%s** ", vmsg_verdict_name(c->worst));
        vmsg__md(out, c->id, 256);
        if (c->level[0]) {
            fputs(" (", out);
            vmsg__md(out, c->level, 64);
            fputs(")", out);
        }
        if (c->summary[0]) {
            fputs(": ", out);
            vmsg__md(out, c->summary, 200);
        }
        size_t shown = 0, more = 0;
        for (size_t k = 0; k < rep->ncases; k++) {
            const struct vmsg_rep_case *cs = &rep->cases[k];
            if (!vmsg_report_case_cites(cs, c->id) || cs->verdict == VMSG_PASS)
                continue;
            if (shown == 3) {
                more++;
                continue;
            }
            fputs(shown++ ? ", " : " (cases: ", out);
            vmsg__md(out, cs->id, 128);
        }
        if (more)
            fprintf(out, " and %zu more", more);
        if (shown)
            fputs(")", out);
        if (c->nfindings)
            fprintf(out, " (%lu findings)", c->nfindings);
        fputs("\n", out);
    }
    if (!nfail)
        fputs("None.\n", out);
    fputs("\n## Clause coverage per role\n\n| role | cited | passed | failed | other |\n"
          "|---|---:|---:|---:|---:|\n", out);
    for (size_t r = 0; r < 4; r++) {
        unsigned long cited = 0, passed = 0, failed = 0;
        for (size_t i = 0; i < rep->nclauses; i++) {
            const struct vmsg_rep_clause *c = &rep->clauses[i];
            bool mine = !strcmp(c->role, roles[r]) ||
                        (r == 3 && strcmp(c->role, "driver") && strcmp(c->role, "device") &&
                         strcmp(c->role, "bus"));
            if (!mine || !c->cited)
                continue;
            cited++;
            if (vmsg__clause_failed(c->worst))
                failed++;
            else if (c->worst == VMSG_PASS)
                passed++;
        }
        if (cited)
            fprintf(out, "| %s | %lu | %lu | %lu | %lu |\n", roles[r], cited, passed, failed,
                    cited - passed - failed);
    }
    if (rep->findings_dropped)
        fprintf(out, "\n%lu findings were counted but not stored (per-clause cap).\n",
                rep->findings_dropped);
    ics(out, rep);
    fputs("\n", out);
    vmsg__md(out, rep->tool_name, 64);
    fputs(" ", out);
    vmsg__md(out, rep->tool_version, 64);
    fputs(", ", out);
    vmsg__md(out, rep->schema, 64);
    fputs(", started ", out);
    vmsg__md(out, rep->started, 64);
    fputs("\n", out);
    return ferror(out) ? -1 : 0;
}
