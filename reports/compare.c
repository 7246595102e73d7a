/* Compare two results files case by case and clause by clause. A change is
 * a regression when the new verdict is worse for CI than the old one
 * (badness: PASS INFO NA SKIP 0, XFAIL 1, WARN XPASS 2, ERROR 3, FAIL 4),
 * progress when better, "changed" when equally bad but different (PASS ->
 * SKIP). New and removed cases are listed but never count as regressions. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "escape.h"
#include "report.h"

static void jstr(FILE *out, const char *s)
{
    json_t *j = json_string(s ? s : "");
    char *d = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    fputs(d ? d : "\"\"", out);
    free(d);
    json_decref(j);
}

static int badness(enum vmsg_verdict v)
{
    switch (v) {
    case VMSG_FAIL: return 4;
    case VMSG_ERROR: return 3;
    case VMSG_WARN:
    case VMSG_XPASS: return 2;
    case VMSG_XFAIL: return 1;
    default: return 0;
    }
}

enum kind { REGRESSION, PROGRESS, CHANGED, NEW, REMOVED, NKINDS };
static const char *const kind_names[NKINDS] = {"regression", "progress", "changed", "new",
                                               "removed"};

struct change {
    enum kind kind;
    const char *what; /* "case" or "clause" */
    const char *id;
    int oldv, newv;   /* -1 when absent */
};

struct changes {
    struct change *v;
    size_t n, cap;
};

static int add(struct changes *cs, enum kind k, const char *what, const char *id, int o, int n)
{
    if (cs->n == cs->cap) {
        size_t c = cs->cap ? cs->cap * 2 : 64;
        void *p = realloc(cs->v, c * sizeof *cs->v);
        if (!p)
            return -1;
        cs->v = p;
        cs->cap = c;
    }
    cs->v[cs->n++] = (struct change){k, what, id, o, n};
    return 0;
}

static int transition(struct changes *cs, const char *what, const char *id, enum vmsg_verdict o,
                      enum vmsg_verdict n)
{
    if (o == n)
        return 0;
    int bo = badness(o), bn = badness(n);
    return add(cs, bn > bo ? REGRESSION : bn < bo ? PROGRESS : CHANGED, what, id, (int)o, (int)n);
}

static const struct vmsg_rep_case *find_case(const struct vmsg_report *r, const char *id)
{
    for (size_t i = 0; i < r->ncases; i++)
        if (!strcmp(r->cases[i].id, id))
            return &r->cases[i];
    return NULL;
}

static const char *vn(int v)
{
    return v < 0 ? "-" : vmsg_verdict_name((enum vmsg_verdict)v);
}

static int collect(const struct vmsg_report *o, const struct vmsg_report *n, struct changes *cs)
{
    int rc = 0;
    for (size_t i = 0; i < n->ncases && !rc; i++) {
        const struct vmsg_rep_case *c = &n->cases[i], *p = find_case(o, c->id);
        rc = p ? transition(cs, "case", c->id, p->verdict, c->verdict)
               : add(cs, NEW, "case", c->id, -1, (int)c->verdict);
    }
    for (size_t i = 0; i < o->ncases && !rc; i++)
        if (!find_case(n, o->cases[i].id))
            rc = add(cs, REMOVED, "case", o->cases[i].id, (int)o->cases[i].verdict, -1);
    for (size_t i = 0; i < n->nclauses && !rc; i++) {
        const struct vmsg_rep_clause *c = &n->clauses[i], *p = vmsg_report_clause(o, c->id);
        if (c->cited && p && p->cited)
            rc = transition(cs, "clause", c->id, p->worst, c->worst);
        else if (c->cited && badness(c->worst) >= 2)
            rc = add(cs, p ? REGRESSION : NEW, "clause", c->id, -1, (int)c->worst);
    }
    return rc;
}

int vmsg_report_compare(const struct vmsg_report *o, const struct vmsg_report *n,
                        enum vmsg_compare_format f, FILE *out)
{
    struct changes cs = {0};
    if (collect(o, n, &cs) != 0) {
        free(cs.v);
        fprintf(stderr, "vmsg: report: compare: out of memory\n");
        return 3;
    }
    size_t count[NKINDS] = {0};
    for (size_t i = 0; i < cs.n; i++)
        count[cs.v[i].kind]++;
    if (f == VMSG_COMPARE_JSON) {
        fputs("{\n  \"old\": ", out);
        jstr(out, o->path);
        fputs(",\n  \"new\": ", out);
        jstr(out, n->path);
        fputs(",\n  \"changes\": [", out);
        for (size_t i = 0; i < cs.n; i++) {
            const struct change *c = &cs.v[i];
            fprintf(out, "%s\n    {\"kind\": \"%s\", \"what\": \"%s\", \"id\": ", i ? "," : "",
                    kind_names[c->kind], c->what);
            jstr(out, c->id);
            fprintf(out, ", \"old\": %s%s%s, \"new\": %s%s%s}", c->oldv < 0 ? "" : "\"",
                    c->oldv < 0 ? "null" : vn(c->oldv), c->oldv < 0 ? "" : "\"",
                    c->newv < 0 ? "" : "\"", c->newv < 0 ? "null" : vn(c->newv),
                    c->newv < 0 ? "" : "\"");
        }
        fputs("\n  ],\n  \"counts\": {", out);
        for (size_t k = 0; k < NKINDS; k++)
            fprintf(out, "%s\"%s\": %zu", k ? ", " : "", kind_names[k], count[k]);
        fputs("}\n}\n", out);
    } else if (f == VMSG_COMPARE_MD) {
        fputs("# vmsg results comparison\n\n", out);
        fputs("| change | what | id | old | new |\n|---|---|---|---|---|\n", out);
        for (size_t i = 0; i < cs.n; i++) {
            const struct change *c = &cs.v[i];
            fprintf(out, "| %s%s%s | %s | ", c->kind == REGRESSION ? "**" : "",
                    kind_names[c->kind], c->kind == REGRESSION ? "**" : "", c->what);
            vmsg__md(out, c->id, 256);
            fprintf(out, " | %s | %s |\n", vn(c->oldv), vn(c->newv));
        }
        fputs("\n", out);
    } else {
        for (size_t i = 0; i < cs.n; i++) {
            const struct change *c = &cs.v[i];
            fprintf(out, "%s: %s: %s ", n->path, kind_names[c->kind], c->what);
            vmsg__tap_line(out, c->id);
            fprintf(out, ": %s -> %s\n", vn(c->oldv), vn(c->newv));
        }
    }
    if (f != VMSG_COMPARE_JSON)
        fprintf(out, "%zu regressions, %zu progress, %zu changed, %zu new, %zu removed\n",
                count[REGRESSION], count[PROGRESS], count[CHANGED], count[NEW], count[REMOVED]);
    free(cs.v);
    return count[REGRESSION] ? 1 : 0;
}
