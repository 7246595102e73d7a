/* Load a results file into struct vmsg_report. Every string of the model
 * points into the parsed jansson document kept in rep->priv. Problems name
 * the place: file:line:col for syntax, file: path.to.field for schema. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"

struct ld {
    const char *path;
    char *err;
    size_t errlen;
};

static int bad(struct ld *l, const char *where, const char *what)
{
    snprintf(l->err, l->errlen, "%s: %s: %s", l->path, where, what);
    return 2;
}

static const char *str_or(json_t *o, const char *key, const char *dflt)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : dflt;
}

int vmsg_report_verdict_rank(enum vmsg_verdict v)
{
    /* worst first: a clause shows the worst verdict of what cites it */
    static const int rank[VMSG_VERDICT_COUNT] = {
        [VMSG_FAIL] = 8, [VMSG_XPASS] = 7, [VMSG_ERROR] = 6,
        [VMSG_WARN] = 5, [VMSG_XFAIL] = 4, [VMSG_PASS] = 3,
        [VMSG_INFO] = 2, [VMSG_NA] = 1,    [VMSG_SKIP] = 0,
    };
    return (unsigned)v < VMSG_VERDICT_COUNT ? rank[v] : -1;
}

static int cmp_clause(const void *a, const void *b)
{
    return strcmp(((const struct vmsg_rep_clause *)a)->id, ((const struct vmsg_rep_clause *)b)->id);
}

const struct vmsg_rep_clause *vmsg_report_clause(const struct vmsg_report *rep, const char *id)
{
    struct vmsg_rep_clause key = {.id = id};
    return bsearch(&key, rep->clauses, rep->nclauses, sizeof key, cmp_clause);
}

static int verdict_of(struct ld *l, json_t *o, const char *where, enum vmsg_verdict *v)
{
    json_t *j = json_object_get(o, "verdict");
    char w[128];
    snprintf(w, sizeof w, "%s.verdict", where);
    if (!json_is_string(j))
        return bad(l, w, "missing or not a string");
    int k = vmsg_verdict_by_name(json_string_value(j));
    if (k < 0)
        return bad(l, w, "unknown verdict (PASS FAIL WARN INFO NA SKIP ERROR XFAIL XPASS)");
    *v = (enum vmsg_verdict)k;
    return 0;
}

/* Clause ids cited but not described get an entry with the role taken
 * from the id's prefix. */
static struct vmsg_rep_clause *clause_ref(struct vmsg_report *rep, const char *id, size_t *cap)
{
    for (size_t i = 0; i < rep->nclauses; i++)
        /* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): every stored id is a validated string or a jansson key; the analyzer cannot follow json_object_foreach */
        if (!strcmp(rep->clauses[i].id, id))
            return &rep->clauses[i];
    if (rep->nclauses == *cap) {
        size_t n = *cap ? *cap * 2 : 16;
        void *p = realloc(rep->clauses, n * sizeof *rep->clauses);
        if (!p)
            return NULL;
        rep->clauses = p;
        *cap = n;
    }
    struct vmsg_rep_clause *c = &rep->clauses[rep->nclauses++];
    memset(c, 0, sizeof *c);
    c->id = id;
    c->role = "";
    c->level = c->label = c->summary = "";
    return c;
}

static void cite(struct vmsg_rep_clause *c, enum vmsg_verdict v)
{
    if (!c->cited || vmsg_report_verdict_rank(v) > vmsg_report_verdict_rank(c->worst))
        c->worst = v;
    c->cited = true;
}

static const char *role_of_case(struct vmsg_report *rep, struct vmsg_rep_case *c)
{
    static const char *const roles[] = {"driver", "device", "bus"};
    for (size_t i = 0; i < 3; i++)
        if (!strcmp(c->suite, roles[i]))
            return roles[i];
    for (size_t k = 0; k < c->nclauses; k++)
        for (size_t i = 0; i < rep->nclauses; i++)
            if (!strcmp(rep->clauses[i].id, c->clauses[k]))
                for (size_t j = 0; j < 3; j++)
                    if (!strcmp(rep->clauses[i].role, roles[j]))
                        return roles[j];
    return "other";
}

bool vmsg_report_case_cites(const struct vmsg_rep_case *c, const char *id)
{
    for (size_t k = 0; k < c->nclauses; k++)
        if (!strcmp(c->clauses[k], id))
            return true;
    for (size_t k = 0; k < c->nfindings; k++)
        if (!strcmp(c->findings[k].clause, id))
            return true;
    return false;
}

/* evidence.findings of case C: the passive checker's findings on its own
 * traffic; each cites its clause with its own verdict. */
static int load_case_findings(struct ld *l, struct vmsg_report *rep, struct vmsg_rep_case *c, json_t *fs,
                              const char *w, size_t *ccap)
{
    if (fs && !json_is_array(fs))
        return bad(l, w, "evidence.findings: not an array");
    c->nfindings = json_array_size(fs);
    c->findings = calloc(c->nfindings ? c->nfindings : 1, sizeof *c->findings);
    if (!c->findings)
        return bad(l, w, "out of memory");
    for (size_t k = 0; k < c->nfindings; k++) {
        json_t *o = json_array_get(fs, k);
        struct vmsg_rep_finding *f = &c->findings[k];
        char wf[160];
        snprintf(wf, sizeof wf, "%s.evidence.findings[%zu]", w, k);
        if (!json_is_object(o))
            return bad(l, wf, "not an object");
        int rc = verdict_of(l, o, wf, &f->verdict);
        if (rc)
            return rc;
        json_t *fr = json_object_get(o, "frame");
        f->frame = json_is_integer(fr) && json_integer_value(fr) > 0 ? (unsigned long long)json_integer_value(fr) : 0;
        f->clause = str_or(o, "clause", "");
        f->rule = str_or(o, "rule", "");
        f->level = str_or(o, "level", "");
        f->message = str_or(o, "message", "");
        if (f->clause[0]) {
            struct vmsg_rep_clause *cl = clause_ref(rep, f->clause, ccap);
            if (!cl)
                return bad(l, wf, "out of memory");
            cite(cl, f->verdict);
        }
    }
    return 0;
}

static int load_cases(struct ld *l, struct vmsg_report *rep, json_t *root, size_t *ccap)
{
    json_t *cases = json_object_get(root, "cases");
    if (!cases)
        return 0;
    if (!json_is_array(cases))
        return bad(l, "cases", "not an array");
    rep->ncases = json_array_size(cases);
    rep->cases = calloc(rep->ncases ? rep->ncases : 1, sizeof *rep->cases);
    if (!rep->cases)
        return bad(l, "cases", "out of memory");
    for (size_t i = 0; i < rep->ncases; i++) {
        json_t *o = json_array_get(cases, i);
        struct vmsg_rep_case *c = &rep->cases[i];
        char w[96];
        snprintf(w, sizeof w, "cases[%zu]", i);
        if (!json_is_object(o))
            return bad(l, w, "not an object");
        c->id = str_or(o, "id", NULL);
        if (!c->id || !c->id[0])
            return bad(l, w, "id: missing or empty");
        c->suite = str_or(o, "suite", "");
        c->title = str_or(o, "title", "");
        int rc = verdict_of(l, o, w, &c->verdict);
        if (rc)
            return rc;
        json_t *d = json_object_get(o, "duration_ms");
        c->duration_ms = json_is_number(d) ? json_number_value(d) : 0;
        c->reason = str_or(o, "reason", "");
        c->stderr_text = str_or(o, "stderr", "");
        json_t *ev = json_object_get(o, "evidence");
        c->expected = str_or(ev, "expected", "");
        c->observed = str_or(ev, "observed", "");
        json_t *cl = json_object_get(o, "clauses");
        if (cl && !json_is_array(cl))
            return bad(l, w, "clauses: not an array");
        c->nclauses = json_array_size(cl);
        c->clauses = calloc(c->nclauses ? c->nclauses : 1, sizeof *c->clauses);
        if (!c->clauses)
            return bad(l, w, "out of memory");
        for (size_t k = 0; k < c->nclauses; k++) {
            json_t *s = json_array_get(cl, k);
            if (!json_is_string(s))
                return bad(l, w, "clauses: an entry is not a string");
            c->clauses[k] = json_string_value(s);
            struct vmsg_rep_clause *rc2 = clause_ref(rep, c->clauses[k], ccap);
            if (!rc2)
                return bad(l, w, "out of memory");
            cite(rc2, c->verdict);
        }
        rc = load_case_findings(l, rep, c, json_object_get(ev, "findings"), w, ccap);
        if (rc)
            return rc;
        json_t *fr = json_object_get(ev, "frames");
        if (fr && !json_is_array(fr))
            return bad(l, w, "evidence.frames: not an array");
        c->nframes = json_array_size(fr);
        c->frames = calloc(c->nframes ? c->nframes : 1, sizeof *c->frames);
        if (!c->frames)
            return bad(l, w, "out of memory");
        for (size_t k = 0; k < c->nframes; k++) {
            json_t *f = json_array_get(fr, k);
            struct vmsg_rep_frame *x = &c->frames[k];
            if (!json_is_object(f))
                return bad(l, w, "evidence.frames: an entry is not an object");
            json_t *n = json_object_get(f, "n"), *len = json_object_get(f, "len");
            x->n = json_is_integer(n) && json_integer_value(n) > 0
                       ? (unsigned long)json_integer_value(n) : k + 1;
            x->from = str_or(f, "from", "unknown");
            x->to = str_or(f, "to", "unknown");
            x->hex = str_or(f, "hex", "");
            x->len = json_is_integer(len) && json_integer_value(len) >= 0
                         ? (unsigned long)json_integer_value(len) : strlen(x->hex) / 2;
            x->summary = str_or(f, "summary", "");
            x->failing = json_is_true(json_object_get(f, "failing"));
        }
        rep->tally.cases[c->verdict]++;
    }
    return 0;
}

static int load_findings(struct ld *l, struct vmsg_report *rep, json_t *root, size_t *ccap)
{
    json_t *fs = json_object_get(root, "findings");
    if (fs && !json_is_array(fs))
        return bad(l, "findings", "not an array");
    rep->nfindings = json_array_size(fs);
    rep->findings = calloc(rep->nfindings ? rep->nfindings : 1, sizeof *rep->findings);
    if (!rep->findings)
        return bad(l, "findings", "out of memory");
    unsigned long stored[VMSG_VERDICT_COUNT] = {0};
    for (size_t i = 0; i < rep->nfindings; i++) {
        json_t *o = json_array_get(fs, i);
        struct vmsg_rep_finding *f = &rep->findings[i];
        char w[96];
        snprintf(w, sizeof w, "findings[%zu]", i);
        if (!json_is_object(o))
            return bad(l, w, "not an object");
        int rc = verdict_of(l, o, w, &f->verdict);
        if (rc)
            return rc;
        json_t *fr = json_object_get(o, "frame");
        f->frame = json_is_integer(fr) && json_integer_value(fr) > 0
                       ? (unsigned long long)json_integer_value(fr) : 0;
        f->clause = str_or(o, "clause", "");
        f->level = str_or(o, "level", "");
        f->message = str_or(o, "message", "");
        f->rule = "";
        stored[f->verdict]++;
        if (f->clause[0]) {
            struct vmsg_rep_clause *c = clause_ref(rep, f->clause, ccap);
            if (!c)
                return bad(l, w, "out of memory");
            cite(c, f->verdict);
            c->nfindings++;
        }
    }
    /* Dropped findings are only counted in the summary: take its counts when
     * they are at least what is stored. */
    json_t *sum = json_object_get(root, "summary");
    json_t *sf = json_object_get(sum, "findings");
    for (unsigned v = 0; v < VMSG_VERDICT_COUNT; v++) {
        json_t *n = json_object_get(sf, vmsg_verdict_name((enum vmsg_verdict)v));
        unsigned long c = json_is_integer(n) && json_integer_value(n) > 0
                              ? (unsigned long)json_integer_value(n) : 0;
        rep->tally.findings[v] = c > stored[v] ? c : stored[v];
        rep->findings_total += rep->tally.findings[v];
    }
    const char *key;
    json_t *val;
    json_object_foreach(json_object_get(sum, "findings_dropped"), key, val) {
        if (!json_is_integer(val) || json_integer_value(val) < 0)
            continue;
        rep->findings_dropped += (unsigned long)json_integer_value(val);
        struct vmsg_rep_clause *c = clause_ref(rep, key, ccap);
        if (c)
            c->nfindings += (unsigned long)json_integer_value(val);
    }
    return 0;
}

static int load_doc(struct ld *l, struct vmsg_report *rep, json_t *root)
{
    if (!json_is_object(root))
        return bad(l, "(top)", "not a JSON object");
    rep->schema = str_or(root, "schema", NULL);
    if (!rep->schema)
        return bad(l, "schema", "missing: not a vmsg results file");
    if (strncmp(rep->schema, "vmsg-results/1", 14) || (rep->schema[14] && rep->schema[14] != '.'))
        return bad(l, "schema", "unsupported version (this reader knows vmsg-results/1)");
    json_t *tool = json_object_get(root, "tool");
    rep->tool_name = str_or(tool, "name", "vmsg");
    rep->tool_version = str_or(tool, "version", "");
    rep->mode = str_or(root, "mode", "");
    rep->profile = str_or(root, "profile", "");
    rep->iut = str_or(root, "iut", "");
    rep->started = str_or(root, "started", "");
    rep->finished = str_or(root, "finished", "");
    json_t *complete = json_object_get(root, "complete");
    rep->complete = complete ? json_is_true(complete) : true;

    json_t *cl = json_object_get(root, "clauses");
    if (cl && !json_is_object(cl))
        return bad(l, "clauses", "not an object");
    size_t ccap = json_object_size(cl) + 16;
    rep->clauses = calloc(ccap, sizeof *rep->clauses);
    if (!rep->clauses)
        return bad(l, "clauses", "out of memory");
    const char *key;
    json_t *val;
    json_object_foreach(cl, key, val) {
        char w[300];
        snprintf(w, sizeof w, "clauses.%.256s", key);
        if (!json_is_object(val))
            return bad(l, w, "not an object");
        struct vmsg_rep_clause *c = &rep->clauses[rep->nclauses++];
        c->id = key;
        c->role = str_or(val, "role", "");
        c->level = str_or(val, "level", "");
        c->label = str_or(val, "label", "");
        c->summary = str_or(val, "summary", "");
        json_t *b = json_object_get(val, "bullet");
        c->bullet = json_is_integer(b) && json_integer_value(b) > 0
                        ? (unsigned long)json_integer_value(b) : 0;
    }
    int rc = load_cases(l, rep, root, &ccap);
    if (!rc)
        rc = load_findings(l, rep, root, &ccap);
    if (rc)
        return rc;
    for (size_t i = 0; i < rep->nclauses; i++) {
        struct vmsg_rep_clause *c = &rep->clauses[i];
        if (!c->role[0]) { /* cited but undescribed: role from the id prefix */
            static const char *const roles[] = {"driver", "device", "bus"};
            c->role = "any";
            for (size_t k = 0; k < 3; k++)
                if (!strncmp(c->id, roles[k], strlen(roles[k])) && c->id[strlen(roles[k])] == '.')
                    c->role = roles[k];
        }
    }
    qsort(rep->clauses, rep->nclauses, sizeof *rep->clauses, cmp_clause);
    for (size_t i = 0; i < rep->ncases; i++)
        rep->cases[i].role = role_of_case(rep, &rep->cases[i]);

    json_t *ics = json_object_get(root, "ics");
    if (ics && !json_is_object(ics))
        return bad(l, "ics", "not an object");
    size_t n = 0;
    json_t *sec;
    json_object_foreach(ics, key, sec) n += json_is_object(sec) ? json_object_size(sec) : 1;
    rep->ics = calloc(n ? n : 1, sizeof *rep->ics);
    if (!rep->ics)
        return bad(l, "ics", "out of memory");
    json_object_foreach(ics, key, sec) {
        if (!json_is_object(sec)) {
            if (json_is_string(sec))
                rep->ics[rep->nics++] = (struct vmsg_rep_ics){"", key, json_string_value(sec)};
            continue;
        }
        const char *k2;
        json_t *v2;
        json_object_foreach(sec, k2, v2) {
            if (json_is_string(v2))
                rep->ics[rep->nics++] = (struct vmsg_rep_ics){key, k2, json_string_value(v2)};
        }
    }
    return 0;
}

int vmsg_report_load(const char *path, struct vmsg_report *rep, char *err, size_t errlen)
{
    memset(rep, 0, sizeof *rep);
    rep->path = path;
    json_error_t je;
    json_t *root = strcmp(path, "-") ? json_load_file(path, JSON_REJECT_DUPLICATES, &je)
                                     : json_loadf(stdin, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        if (je.line > 0)
            snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        else
            snprintf(err, errlen, "%s: %s", path, je.text);
        return 2;
    }
    rep->priv = root;
    struct ld l = {path, err, errlen};
    int rc = load_doc(&l, rep, root);
    if (rc)
        vmsg_report_free(rep);
    return rc;
}

void vmsg_report_free(struct vmsg_report *rep)
{
    for (size_t i = 0; rep->cases && i < rep->ncases; i++) {
        free(rep->cases[i].clauses);
        free(rep->cases[i].frames);
        free(rep->cases[i].findings);
    }
    free(rep->cases);
    free(rep->clauses);
    free(rep->findings);
    free(rep->ics);
    json_decref(rep->priv);
    memset(rep, 0, sizeof *rep);
}
