/* The results writer: one in-memory JSON document (jansson), rewritten
 * atomically as a snapshot after each case and periodically for findings.
 * Findings beyond the per-clause cap are counted, not stored. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vmsg/results.h>
#include <vmsg/version.h>
#include <vmsg/wire.h>

#include "results_internal.h"

/* A rewrite for counted-only findings is considered every this many findings,
 * and happens when a second has passed since the last one. */
#define CLOCK_CHECK_EVERY 4096u

struct vmsg_results {
    char *path;
    json_t *root;      /* the document; the members below are borrowed from it */
    json_t *clauses, *cases, *findings, *ics;
    json_t *seen;      /* clause id -> bit mask of verdicts (not written) */
    json_t *stored;    /* clause id -> findings stored (not written) */
    json_t *dropped;   /* clause id -> findings counted only */
    struct vmsg_tally tally;
    unsigned long findings_total, findings_stored;
    int profile;       /* for decoding frame summaries; -1 unknown */
    unsigned per_clause, flush_every;
    bool no_fsync, dirty, complete;
    unsigned long pending_stored, pending_clock;
    struct timespec last_flush;
    char fixed_time[40];
    char err[512];
    bool write_failed;
};

static void now_iso(const struct vmsg_results *r, char *buf, size_t n)
{
    if (r->fixed_time[0]) {
        snprintf(buf, n, "%s", r->fixed_time);
        return;
    }
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *text(const char *s, size_t max)
{
    return vmsg__json_text(s, s ? strlen(s) : 0, max, false);
}

json_t *vmsg__json_text(const char *s, size_t len, size_t max, bool keep_tail)
{
    char *c = vmsg_results_clean_text(s, len, max, keep_tail);
    if (!c)
        return NULL;
    json_t *j = json_string(c);
    free(c);
    return j;
}

/* Set key to v (stolen); false when v is NULL or the set fails. */
static bool put(json_t *obj, const char *key, json_t *v)
{
    return v && json_object_set_new(obj, key, v) == 0;
}

static int oom(struct vmsg_results *r)
{
    snprintf(r->err, sizeof r->err, "%s: out of memory", r->path ? r->path : "results");
    return -1;
}

static json_t *counts_json(const unsigned long *c)
{
    json_t *o = json_object();
    for (unsigned v = 0; o && v < VMSG_VERDICT_COUNT; v++)
        if (!put(o, vmsg_verdict_name((enum vmsg_verdict)v), json_integer((json_int_t)c[v]))) {
            json_decref(o);
            return NULL;
        }
    return o;
}

static json_t *summary_json(const struct vmsg_results *r)
{
    unsigned long all[VMSG_VERDICT_COUNT];
    for (unsigned v = 0; v < VMSG_VERDICT_COUNT; v++)
        all[v] = r->tally.cases[v] + r->tally.findings[v];
    unsigned long cited = 0, passed = 0, failed = 0;
    const char *key;
    json_t *val;
    json_object_foreach(r->seen, key, val) {
        json_int_t m = json_integer_value(val);
        cited++;
        if (m & ((1 << VMSG_FAIL) | (1 << VMSG_XPASS)))
            failed++;
        else if (m & (1 << VMSG_PASS))
            passed++;
    }
    char line[256];
    vmsg_tally_line(&r->tally, line, sizeof line);
    json_t *s = json_object();
    json_t *cov = json_object();
    json_t *fd = json_deep_copy(r->dropped);
    bool ok = s && cov && fd && put(s, "verdicts", counts_json(all)) &&
              put(s, "cases", counts_json(r->tally.cases)) &&
              put(s, "findings", counts_json(r->tally.findings)) &&
              put(s, "findings_total", json_integer((json_int_t)r->findings_total)) &&
              put(s, "findings_stored", json_integer((json_int_t)r->findings_stored)) &&
              put(s, "findings_dropped", fd) && put(cov, "cited", json_integer((json_int_t)cited)) &&
              put(cov, "passed", json_integer((json_int_t)passed)) &&
              put(cov, "failed", json_integer((json_int_t)failed)) && put(s, "coverage", cov) &&
              put(s, "line", json_string(line));
    if (!ok) {
        json_decref(s);
        return NULL;
    }
    return s;
}

/* Refresh the summary in the document. */
static int refresh(struct vmsg_results *r)
{
    if (!put(r->root, "summary", summary_json(r)) ||
        !put(r->root, "complete", json_boolean(r->complete)))
        return oom(r);
    return 0;
}

int vmsg_results_flush(struct vmsg_results *r)
{
    if (refresh(r) != 0)
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &r->last_flush);
    r->pending_stored = r->pending_clock = 0;
    r->dirty = false;
    if (!r->path)
        return 0;
    if (vmsg__json_write_atomic(r->root, r->path, VMSG__RESULTS_DUMP_FLAGS, r->no_fsync, r->err,
                                sizeof r->err) != 0) {
        r->write_failed = true;
        return -1;
    }
    return 0;
}

int vmsg_results_open(struct vmsg_results **out, const char *path,
                      const struct vmsg_results_info *info, char *err, size_t errlen)
{
    *out = NULL;
    struct vmsg_results *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "results: out of memory");
        return -1;
    }
    static const struct vmsg_results_info none;
    if (!info)
        info = &none;
    r->per_clause = info->findings_per_clause ? info->findings_per_clause
                                              : VMSG_RESULTS_FINDINGS_PER_CLAUSE;
    r->flush_every = info->flush_every ? info->flush_every : VMSG_RESULTS_FLUSH_EVERY;
    r->no_fsync = info->no_fsync;
    r->profile = info->profile ? vmsg_profile_by_name(info->profile) : -1;
    if (info->fixed_time)
        snprintf(r->fixed_time, sizeof r->fixed_time, "%s", info->fixed_time);
    char started[40];
    now_iso(r, started, sizeof started);
    json_t *tool = json_object();
    r->path = path ? strdup(path) : NULL;
    r->root = json_object();
    r->clauses = json_object();
    r->cases = json_array();
    r->findings = json_array();
    r->ics = json_object();
    r->seen = json_object();
    r->stored = json_object();
    r->dropped = json_object();
    bool ok = (!path || r->path) && r->root && tool && r->clauses && r->cases && r->findings &&
              r->ics && r->seen && r->stored && r->dropped &&
              put(r->root, "schema", json_string(VMSG_RESULTS_SCHEMA)) &&
              put(r->root, "complete", json_false()) &&
              put(tool, "name", text(info->tool_name ? info->tool_name : "vmsg", 256)) &&
              put(tool, "version", json_string(VMSG_VERSION_STRING)) &&
              put(r->root, "tool", json_incref(tool)) &&
              put(r->root, "mode", text(info->mode ? info->mode : "run", 64)) &&
              put(r->root, "profile", text(info->profile ? info->profile : "v1", 64)) &&
              put(r->root, "iut", text(info->iut ? info->iut : "", 4096)) &&
              put(r->root, "started", json_string(started)) &&
              put(r->root, "finished", json_null()) && refresh(r) == 0 &&
              put(r->root, "ics", json_incref(r->ics)) &&
              put(r->root, "clauses", json_incref(r->clauses)) &&
              put(r->root, "cases", json_incref(r->cases)) &&
              put(r->root, "findings", json_incref(r->findings));
    json_decref(tool);
    if (!ok) {
        snprintf(err, errlen, "results: out of memory");
        vmsg_results_abandon(r);
        return -1;
    }
    if (vmsg_results_flush(r) != 0) {
        snprintf(err, errlen, "%s", r->err);
        vmsg_results_abandon(r);
        return -1;
    }
    *out = r;
    return 0;
}

static void mark(struct vmsg_results *r, const char *clause, enum vmsg_verdict v)
{
    json_t *m = json_object_get(r->seen, clause);
    json_int_t bits = (m ? json_integer_value(m) : 0) | ((json_int_t)1 << v);
    json_object_set_new(r->seen, clause, json_integer(bits));
}

int vmsg_results_add_clause(struct vmsg_results *r, const struct vmsg_results_clause *c)
{
    if (!c->id || !c->id[0]) {
        snprintf(r->err, sizeof r->err, "results: clause without id");
        return -1;
    }
    if (json_object_get(r->clauses, c->id))
        return 0;
    json_t *o = json_object();
    bool ok = o && put(o, "role", text(c->role ? c->role : "", 64)) &&
              put(o, "level", text(c->level ? c->level : "", 128)) &&
              put(o, "label", text(c->label ? c->label : "", 1024)) &&
              put(o, "bullet", json_integer(c->bullet)) &&
              put(o, "summary", text(c->summary ? c->summary : "", VMSG_RESULTS_MAX_STRING));
    char *id = vmsg_results_clean_text(c->id, strlen(c->id), 256, false);
    if (!ok || !id || json_object_set_new(r->clauses, id, o) != 0) {
        if (!ok)
            json_decref(o);
        free(id);
        return oom(r);
    }
    free(id);
    r->dirty = true;
    return 0;
}

static json_t *frame_json(const struct vmsg_results *r, const struct vmsg_results_frame *f, size_t n)
{
    static const char hexd[] = "0123456789abcdef";
    size_t len = f->len > VMSG_RESULTS_MAX_FRAME ? VMSG_RESULTS_MAX_FRAME : f->len;
    char *hex = malloc(len * 2 + 1);
    if (!hex)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        hex[2 * i] = hexd[f->bytes[i] >> 4];
        hex[2 * i + 1] = hexd[f->bytes[i] & 15];
    }
    hex[2 * len] = '\0';
    char sum[512];
    const char *summary = f->summary;
    if (!summary) {
        struct vmsg_msg m;
        struct vmsg_diag d;
        enum vmsg_outcome oc =
            vmsg_decode(r->profile < 0 ? 0u : (unsigned)r->profile, 0, f->bytes, f->len, &m, &d);
        if (oc == VMSG_TRUNCATED || oc == VMSG_MALFORMED)
            snprintf(sum, sizeof sum, "%zu bytes (%s)", f->len, vmsg_outcome_name(oc));
        else
            vmsg_summary(&m, sum, sizeof sum);
        summary = sum;
    }
    json_t *o = json_object();
    bool ok = o && put(o, "n", json_integer((json_int_t)n)) &&
              put(o, "from", text(f->from ? f->from : "unknown", 32)) &&
              put(o, "to", text(f->to ? f->to : "unknown", 32)) &&
              put(o, "len", json_integer((json_int_t)f->len)) && put(o, "hex", json_string(hex)) &&
              put(o, "summary", text(summary, 1024)) && put(o, "failing", json_boolean(f->failing));
    free(hex);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *case_finding_json(const struct vmsg_results_case_finding *f)
{
    json_t *o = json_object();
    bool ok = o && (unsigned)f->verdict < VMSG_VERDICT_COUNT &&
              put(o, "frame", json_integer((json_int_t)f->frame)) &&
              put(o, "clause", text(f->clause ? f->clause : "", 256)) &&
              put(o, "rule", text(f->rule ? f->rule : "", 256)) &&
              put(o, "level", text(f->level ? f->level : "", 64)) &&
              put(o, "verdict", json_string(vmsg_verdict_name(f->verdict))) &&
              put(o, "message", text(f->message ? f->message : "", VMSG_RESULTS_MAX_STRING));
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int vmsg_results_add_case(struct vmsg_results *r, const struct vmsg_results_case *c)
{
    if ((unsigned)c->verdict >= VMSG_VERDICT_COUNT) {
        snprintf(r->err, sizeof r->err, "results: case %s: verdict out of range",
                 c->id ? c->id : "?");
        return -1;
    }
    json_t *o = json_object(), *cl = json_array(), *ev = json_object(), *fr = json_array();
    json_t *fd = c->nfindings || c->findings_dropped ? json_array() : NULL;
    bool ok = o && cl && ev && fr && (fd || !(c->nfindings || c->findings_dropped));
    for (size_t i = 0; ok && i < c->nclauses; i++)
        ok = c->clauses[i] && json_array_append_new(cl, text(c->clauses[i], 256)) == 0;
    for (size_t i = 0; ok && i < c->nframes; i++)
        ok = json_array_append_new(fr, frame_json(r, &c->frames[i], i + 1)) == 0;
    for (size_t i = 0; ok && i < c->nfindings; i++)
        ok = json_array_append_new(fd, case_finding_json(&c->findings[i])) == 0;
    ok = ok && put(o, "id", text(c->id ? c->id : "", 1024)) &&
         put(o, "suite", text(c->suite ? c->suite : "", 256)) &&
         put(o, "title", text(c->title ? c->title : "", 1024)) &&
         put(o, "clauses", json_incref(cl)) &&
         put(o, "verdict", json_string(vmsg_verdict_name(c->verdict))) &&
         put(o, "duration_ms", json_real(c->duration_ms >= 0 ? c->duration_ms : 0)) &&
         (!c->reason || put(o, "reason", text(c->reason, VMSG_RESULTS_MAX_STRING))) &&
         put(ev, "expected", text(c->expected ? c->expected : "", VMSG_RESULTS_MAX_STRING)) &&
         put(ev, "observed", text(c->observed ? c->observed : "", VMSG_RESULTS_MAX_STRING)) &&
         put(ev, "frames", json_incref(fr)) && (!fd || put(ev, "findings", json_incref(fd))) &&
         (!c->findings_dropped ||
          put(ev, "findings_dropped", json_integer((json_int_t)c->findings_dropped))) &&
         put(o, "evidence", json_incref(ev)) &&
         (!c->stderr_text || put(o, "stderr", vmsg__json_text(c->stderr_text, c->stderr_len,
                                                              VMSG_RESULTS_MAX_STDERR, true))) &&
         json_array_append(r->cases, o) == 0;
    json_decref(cl);
    json_decref(ev);
    json_decref(fr);
    json_decref(fd);
    json_decref(o);
    if (!ok)
        return oom(r);
    r->tally.cases[c->verdict]++;
    for (size_t i = 0; i < c->nclauses; i++)
        mark(r, c->clauses[i], c->verdict);
    for (size_t i = 0; i < c->nfindings; i++)
        if (c->findings[i].clause && c->findings[i].clause[0])
            mark(r, c->findings[i].clause, c->findings[i].verdict);
    return vmsg_results_flush(r);
}

static bool clock_due(struct vmsg_results *r)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > r->last_flush.tv_sec + 1 ||
           (now.tv_sec == r->last_flush.tv_sec + 1 && now.tv_nsec >= r->last_flush.tv_nsec);
}

int vmsg_results_add_finding(struct vmsg_results *r, const struct vmsg_results_finding *f)
{
    if ((unsigned)f->verdict >= VMSG_VERDICT_COUNT) {
        snprintf(r->err, sizeof r->err, "results: finding at frame %llu: verdict out of range",
                 (unsigned long long)f->frame);
        return -1;
    }
    const char *clause = f->clause ? f->clause : "";
    json_t *st = json_object_get(r->stored, clause);
    json_int_t nstored = st ? json_integer_value(st) : 0;
    r->tally.findings[f->verdict]++;
    r->findings_total++;
    if (clause[0])
        mark(r, clause, f->verdict);
    r->dirty = true;
    if ((unsigned long)nstored < r->per_clause) {
        json_t *o = json_object();
        bool ok = o && put(o, "frame", json_integer((json_int_t)f->frame)) &&
                  put(o, "clause", text(clause, 256)) &&
                  put(o, "level", text(f->level ? f->level : "", 64)) &&
                  put(o, "verdict", json_string(vmsg_verdict_name(f->verdict))) &&
                  put(o, "message", text(f->message ? f->message : "", VMSG_RESULTS_MAX_STRING)) &&
                  json_array_append(r->findings, o) == 0 &&
                  put(r->stored, clause, json_integer(nstored + 1));
        json_decref(o);
        if (!ok)
            return oom(r);
        r->findings_stored++;
        r->pending_stored++;
    } else {
        json_t *d = json_object_get(r->dropped, clause);
        char *key = vmsg_results_clean_text(clause, strlen(clause), 256, false);
        bool ok = key && put(r->dropped, key, json_integer((d ? json_integer_value(d) : 0) + 1));
        free(key);
        if (!ok)
            return oom(r);
    }
    if (r->pending_stored >= r->flush_every)
        return vmsg_results_flush(r);
    if (++r->pending_clock >= CLOCK_CHECK_EVERY) {
        r->pending_clock = 0;
        if (clock_due(r))
            return vmsg_results_flush(r);
    }
    return 0;
}

int vmsg_results_set_ics(struct vmsg_results *r, const char *section, const char *key,
                         const char *value)
{
    if (!section || !key) {
        snprintf(r->err, sizeof r->err, "results: ics entry without section or key");
        return -1;
    }
    char *sec = vmsg_results_clean_text(section, strlen(section), 256, false);
    char *k = vmsg_results_clean_text(key, strlen(key), 256, false);
    json_t *s = sec ? json_object_get(r->ics, sec) : NULL;
    bool ok = sec && k;
    if (ok && !s) {
        s = json_object();
        ok = s && json_object_set_new(r->ics, sec, s) == 0;
    }
    ok = ok && put(s, k, text(value ? value : "", VMSG_RESULTS_MAX_STRING));
    free(sec);
    free(k);
    if (!ok)
        return oom(r);
    r->dirty = true;
    return 0;
}

const struct vmsg_tally *vmsg_results_tally(const struct vmsg_results *r)
{
    return &r->tally;
}

const char *vmsg_results_error(const struct vmsg_results *r)
{
    return r->err;
}

int vmsg_results_dump(struct vmsg_results *r, FILE *out)
{
    if (refresh(r) != 0)
        return -1;
    if (json_dumpf(r->root, out, VMSG__RESULTS_DUMP_FLAGS) != 0 || fputc('\n', out) == EOF) {
        snprintf(r->err, sizeof r->err, "results: cannot write the JSON document");
        return -1;
    }
    return 0;
}

int vmsg_results_close(struct vmsg_results *r, struct vmsg_tally *tally, char *err, size_t errlen)
{
    char finished[40];
    now_iso(r, finished, sizeof finished);
    r->complete = true;
    int rc = put(r->root, "finished", json_string(finished)) ? vmsg_results_flush(r) : oom(r);
    if (rc == 0 && r->write_failed) {
        rc = -1; /* an earlier snapshot failed: say so even though the last one worked */
        snprintf(r->err, sizeof r->err, "%s: an intermediate snapshot could not be written",
                 r->path ? r->path : "results");
    }
    if (rc != 0 && err)
        snprintf(err, errlen, "%s", r->err);
    if (tally)
        *tally = r->tally;
    vmsg_results_abandon(r);
    return rc;
}

void vmsg_results_abandon(struct vmsg_results *r)
{
    if (!r)
        return;
    json_decref(r->root);
    json_decref(r->clauses);
    json_decref(r->cases);
    json_decref(r->findings);
    json_decref(r->ics);
    json_decref(r->seen);
    json_decref(r->stored);
    json_decref(r->dropped);
    free(r->path);
    free(r);
}
