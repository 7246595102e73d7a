/* One self-contained HTML page: no network, no external assets (a CSP meta
 * forbids any fetch), inline CSS and a short inline script for filters. Every
 * string from the results file is escaped; data reaches the script only
 * through data-* attributes of elements, never inside <script> or <style>.
 * Anchors use indexes (case-N, clause-N), never ids from the file. */
#include <string.h>

#include "escape.h"
#include "ladder.h"
#include "w_common.h"

static const char css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:0 2em 3em;color:#222}"
    "h1{font-size:1.4em}code,pre{font:12px/1.3 ui-monospace,monospace}"
    ".tiles{display:flex;flex-wrap:wrap;gap:.5em}.tile{padding:.4em .8em;border-radius:4px;"
    "min-width:5em;text-align:center}.tile b{display:block;font-size:1.5em}"
    ".v-PASS{background:#c8ecc8}.v-FAIL{background:#f4b4b4}.v-WARN{background:#f9e3a0}"
    ".v-INFO{background:#cfe2f7}.v-NA,.v-SKIP{background:#e4e4e4}.v-ERROR{background:#f7c99a}"
    ".v-XFAIL{background:#dccff2}.v-XPASS{background:#f2b3de}.v-none{background:#fff;border:1px "
    "dashed #bbb}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:"
    "top;text-align:left}.chip{display:inline-block;min-width:1.6em;margin:1px;text-align:center;"
    "border-radius:3px;text-decoration:none;color:#222}"
    ".case{border:1px solid #ccc;border-radius:6px;margin:1em 0;padding:.2em 1em}"
    ".badge{padding:1px 6px;border-radius:3px;font-weight:bold}"
    ".lad text{font:11px ui-monospace,monospace}.lad .lane{stroke:#888}.lad .ar{stroke:#333;"
    "fill:#333}.lad .fail{stroke:#d00;fill:#d00}.lad text.fail{stroke:none;font-weight:bold}"
    ".hex{background:#f6f6f6;padding:.4em;overflow:auto}.failhex{color:#c00}"
    ".incomplete{background:#f4b4b4;padding:.5em}#filters label{margin-right:.6em}";

/* Filters read data-verdict and data-role attributes only. */
static const char js[] =
    "(function(){var f=document.getElementById('filters');if(!f)return;"
    "function upd(){var on={};f.querySelectorAll('input[type=checkbox]').forEach(function(c)"
    "{on[c.value]=c.checked});var role=document.getElementById('role').value;"
    "document.querySelectorAll('.case').forEach(function(s){var ok=on[s.dataset.verdict]&&"
    "(role==='all'||s.dataset.role===role);s.style.display=ok?'':'none'})}"
    "f.addEventListener('change',upd);upd()})();";

static void x(FILE *out, const char *s)
{
    vmsg__xml(out, s, 0);
}

static const char *vname(enum vmsg_verdict v)
{
    return vmsg_verdict_name(v);
}

static void header(FILE *out, const struct vmsg_report *rep)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n<title>vmsg ",
          out);
    vmsg__xml_line(out, rep->mode, 64);
    fputs(" report</title>\n<style>", out);
    fputs(css, out);
    fputs("</style></head>\n<body>\n<h1>vmsg conformance report</h1>\n", out);
    if (!rep->complete)
        fputs("<p class=\"incomplete\" id=\"incomplete\">INCOMPLETE: the run was interrupted; "
              "this report shows what finished.</p>\n",
              out);
    fputs("<table id=\"meta\">", out);
    const char *rows[][2] = {{"mode", rep->mode},       {"profile", rep->profile},
                             {"implementation", rep->iut}, {"started", rep->started},
                             {"finished", rep->finished}, {"tool", rep->tool_version},
                             {"schema", rep->schema}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        fprintf(out, "<tr><th>%s</th><td>", rows[i][0]);
        vmsg__xml(out, rows[i][1], 2048);
        fputs("</td></tr>", out);
    }
    fputs("</table>\n", out);
}

static void tiles(FILE *out, const struct vmsg_report *rep)
{
    char line[256];
    vmsg_tally_line(&rep->tally, line, sizeof line);
    fputs("<h2>Summary</h2>\n<p id=\"tally\"><b>", out);
    x(out, line);
    fputs("</b></p>\n<div class=\"tiles\" id=\"summary\">", out);
    for (unsigned v = 0; v < VMSG_VERDICT_COUNT; v++) {
        unsigned long n = rep->tally.cases[v] + rep->tally.findings[v];
        fprintf(out, "<div class=\"tile v-%s\" data-verdict=\"%s\"><b>%lu</b>%s</div>", vname(v),
                vname(v), n, vname(v));
    }
    fputs("</div>\n", out);
}

/* Section of a clause id: the middle part "config-gen" of "device.config-gen.3". */
static size_t section_of(const char *id, const char **start)
{
    const char *a = strchr(id, '.');
    const char *b = a ? strrchr(id, '.') : NULL;
    if (!a || b == a) {
        *start = id;
        return strlen(id);
    }
    *start = a + 1;
    return (size_t)(b - a - 1);
}

static void chip(FILE *out, const struct vmsg_report *rep, size_t i)
{
    const struct vmsg_rep_clause *c = &rep->clauses[i];
    const char *dot = strrchr(c->id, '.');
    fprintf(out, "<a class=\"chip v-%s\" href=\"#clause-%zu\" title=\"",
            c->cited ? vname(c->worst) : "none", i);
    vmsg__xml_line(out, c->id, 256);
    fputs(": ", out);
    vmsg__xml_line(out, c->cited ? vname(c->worst) : "not run", 16);
    fputs("\">", out);
    vmsg__xml_line(out, dot ? dot + 1 : c->id, 16);
    fputs("</a>", out);
}

static void matrix(FILE *out, const struct vmsg_report *rep)
{
    static const char *const roles[] = {"driver", "device", "bus", "any"};
    fputs("<h2>Clause matrix</h2>\n<table id=\"matrix\"><tr><th>section</th>", out);
    for (size_t r = 0; r < 4; r++)
        fprintf(out, "<th>%s</th>", roles[r]);
    fputs("</tr>\n", out);
    for (size_t i = 0; i < rep->nclauses; i++) {
        const char *s;
        size_t n = section_of(rep->clauses[i].id, &s);
        bool first = true; /* a row per section, at its first clause (ids are sorted by role) */
        for (size_t k = 0; k < i && first; k++) {
            const char *s2;
            size_t n2 = section_of(rep->clauses[k].id, &s2);
            first = !(n2 == n && !strncmp(s, s2, n));
        }
        if (!first)
            continue;
        fputs("<tr><th>", out);
        char sec[128];
        snprintf(sec, sizeof sec, "%.*s", (int)(n < 127 ? n : 127), s);
        vmsg__xml_line(out, sec, 0);
        fputs("</th>", out);
        for (size_t r = 0; r < 4; r++) {
            fputs("<td>", out);
            for (size_t k = i; k < rep->nclauses; k++) {
                const struct vmsg_rep_clause *c = &rep->clauses[k];
                const char *s2;
                size_t n2 = section_of(c->id, &s2);
                bool role = !strcmp(c->role, roles[r]) ||
                            (r == 3 && strcmp(c->role, "driver") && strcmp(c->role, "device") &&
                             strcmp(c->role, "bus"));
                if (n2 == n && !strncmp(s, s2, n) && role)
                    chip(out, rep, k);
            }
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
}

static void clause_list(FILE *out, const struct vmsg_report *rep)
{
    fputs("<h2>Clauses</h2>\n<table id=\"clauses\"><tr><th>clause</th><th>verdict</th><th>level"
          "</th><th>summary</th><th>cases</th><th>findings</th></tr>\n",
          out);
    for (size_t i = 0; i < rep->nclauses; i++) {
        const struct vmsg_rep_clause *c = &rep->clauses[i];
        fprintf(out, "<tr id=\"clause-%zu\"><td><code>", i);
        vmsg__xml_line(out, c->id, 256);
        fprintf(out, "</code></td><td class=\"v-%s\">%s</td><td>", c->cited ? vname(c->worst) : "none",
                c->cited ? vname(c->worst) : "not run");
        vmsg__xml_line(out, c->level, 64);
        fputs("</td><td>", out);
        vmsg__xml_line(out, c->summary, 1024);
        if (c->label[0]) {
            fputs(" <small>(", out);
            vmsg__xml_line(out, c->label, 256);
            fprintf(out, ", bullet %lu)</small>", c->bullet);
        }
        fputs("</td><td>", out);
        for (size_t k = 0; k < rep->ncases; k++)
            if (vmsg_report_case_cites(&rep->cases[k], c->id))
                fprintf(out, "<a class=\"chip v-%s\" href=\"#case-%zu\">%zu</a>",
                        vname(rep->cases[k].verdict), k + 1, k + 1);
        fprintf(out, "</td><td>%lu</td></tr>\n", c->nfindings);
    }
    fputs("</table>\n", out);
}

static void hexview(FILE *out, const struct vmsg_rep_case *c)
{
    fputs("<pre class=\"hex\">", out);
    for (size_t i = 0; i < c->nframes; i++) {
        const struct vmsg_rep_frame *f = &c->frames[i];
        fprintf(out, "<span%s>#%lu ", f->failing ? " class=\"failhex\"" : "", f->n);
        vmsg__xml_line(out, f->from, 32);
        fputs(" -&gt; ", out);
        vmsg__xml_line(out, f->to, 32);
        fprintf(out, " (%lu bytes)\n", f->len);
        size_t n = strlen(f->hex) / 2, shown = n > 4096 ? 4096 : n;
        for (size_t off = 0; off < shown; off += 16) {
            fprintf(out, "  %04zx ", off);
            for (size_t b = off; b < off + 16 && b < shown; b++) {
                char pair[3] = {f->hex[2 * b], f->hex[2 * b + 1], 0};
                fputc(' ', out);
                vmsg__xml(out, pair, 0);
            }
            fputs("\n", out);
        }
        if (shown < n)
            fprintf(out, "  ... %zu more bytes\n", n - shown);
        fputs("</span>", out);
    }
    fputs("</pre>\n", out);
}

static void cases(FILE *out, const struct vmsg_report *rep)
{
    fputs("<h2>Cases</h2>\n<form id=\"filters\">verdict: ", out);
    for (unsigned v = 0; v < VMSG_VERDICT_COUNT; v++)
        fprintf(out, "<label><input type=\"checkbox\" value=\"%s\" checked>%s</label>", vname(v),
                vname(v));
    fputs(" role: <select id=\"role\"><option value=\"all\">all</option><option>driver</option>"
          "<option>device</option><option>bus</option><option>other</option></select></form>\n",
          out);
    for (size_t i = 0; i < rep->ncases; i++) {
        const struct vmsg_rep_case *c = &rep->cases[i];
        fprintf(out,
                "<section class=\"case\" id=\"case-%zu\" data-verdict=\"%s\" data-role=\"%s\">\n"
                "<h3><span class=\"badge v-%s\">%s</span> <code>",
                i + 1, vname(c->verdict), c->role, vname(c->verdict), vname(c->verdict));
        vmsg__xml_line(out, c->id, 512);
        fputs("</code> ", out);
        vmsg__xml_line(out, c->title, 512);
        fprintf(out, "</h3>\n<p>suite ");
        vmsg__xml_line(out, c->suite, 128);
        fprintf(out, ", %.3f ms; clauses:", c->duration_ms);
        for (size_t k = 0; k < c->nclauses; k++) {
            const struct vmsg_rep_clause *cl = vmsg_report_clause(rep, c->clauses[k]);
            fputs(" ", out);
            if (cl)
                fprintf(out, "<a href=\"#clause-%zu\">", (size_t)(cl - rep->clauses));
            fputs("<code>", out);
            vmsg__xml_line(out, c->clauses[k], 256);
            fputs(cl ? "</code></a>" : "</code>", out);
        }
        fputs("</p>\n", out);
        if (c->reason[0]) {
            fputs("<p>reason: ", out);
            x(out, c->reason);
            fputs("</p>\n", out);
        }
        if (c->expected[0] || c->observed[0]) {
            fputs("<table><tr><th>expected</th><td>", out);
            x(out, c->expected);
            fputs("</td></tr><tr><th>observed</th><td>", out);
            x(out, c->observed);
            fputs("</td></tr></table>\n", out);
        }
        if (c->nfindings) {
            fputs("<table class=\"case-findings\"><tr><th>frame</th><th>passive checker</th><th>clause</th>"
                  "<th>verdict</th><th>message</th></tr>\n",
                  out);
            for (size_t k = 0; k < c->nfindings; k++) {
                const struct vmsg_rep_finding *f = &c->findings[k];
                const struct vmsg_rep_clause *cl = vmsg_report_clause(rep, f->clause);
                fprintf(out, "<tr class=\"v-%s\"><td>%llu</td><td><code>", vname(f->verdict), f->frame);
                vmsg__xml_line(out, f->rule, 128);
                fputs("</code></td><td>", out);
                if (cl)
                    fprintf(out, "<a href=\"#clause-%zu\">", (size_t)(cl - rep->clauses));
                fputs("<code>", out);
                vmsg__xml_line(out, f->clause, 256);
                fputs(cl ? "</code></a> " : "</code> ", out);
                vmsg__xml_line(out, f->level, 64);
                fprintf(out, "</td><td>%s</td><td>", vname(f->verdict));
                vmsg__xml_line(out, f->message, 2048);
                fputs("</td></tr>\n", out);
            }
            fputs("</table>\n", out);
        }
        if (c->nframes) {
            vmsg__ladder_svg(out, c);
            hexview(out, c);
        }
        if (c->stderr_text[0]) {
            fputs("<details><summary>stderr of the implementation</summary><pre>", out);
            x(out, c->stderr_text);
            fputs("</pre></details>\n", out);
        }
        fputs("</section>\n", out);
    }
}

static void findings(FILE *out, const struct vmsg_report *rep)
{
    if (!rep->nfindings && !rep->findings_dropped)
        return;
    fprintf(out, "<h2>Findings</h2>\n<p>%lu findings, %zu stored", rep->findings_total,
            rep->nfindings);
    if (rep->findings_dropped)
        fprintf(out, ", %lu counted only (per-clause cap)", rep->findings_dropped);
    fputs(".</p>\n<table id=\"findings\"><tr><th>frame</th><th>clause</th><th>level</th>"
          "<th>verdict</th><th>message</th></tr>\n",
          out);
    for (size_t i = 0; i < rep->nfindings; i++) {
        const struct vmsg_rep_finding *f = &rep->findings[i];
        fprintf(out, "<tr class=\"v-%s\"><td>%llu</td><td><code>", vname(f->verdict), f->frame);
        vmsg__xml_line(out, f->clause, 256);
        fputs("</code></td><td>", out);
        vmsg__xml_line(out, f->level, 64);
        fprintf(out, "</td><td>%s</td><td>", vname(f->verdict));
        vmsg__xml_line(out, f->message, 2048);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

static void ics(FILE *out, const struct vmsg_report *rep)
{
    if (!rep->nics)
        return;
    fputs("<h2>Implementation conformance statement</h2>\n<table id=\"ics\">"
          "<tr><th>section</th><th>key</th><th>value</th></tr>\n",
          out);
    for (size_t i = 0; i < rep->nics; i++) {
        fputs("<tr><td>", out);
        vmsg__xml_line(out, rep->ics[i].section, 256);
        fputs("</td><td>", out);
        vmsg__xml_line(out, rep->ics[i].key, 256);
        fputs("</td><td>", out);
        x(out, rep->ics[i].value);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

int vmsg_report_write_html(const struct vmsg_report *rep, FILE *out)
{
    header(out, rep);
    tiles(out, rep);
    matrix(out, rep);
    cases(out, rep);
    findings(out, rep);
    ics(out, rep);
    clause_list(out, rep);
    fputs("<script>", out);
    fputs(js, out);
    fputs("</script>\n</body></html>\n", out);
    return ferror(out) ? -1 : 0;
}
