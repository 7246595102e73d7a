/* Loading and validating a clause catalog YAML (spec/clauses.yaml format).
 * Used by vmsg-gen (which turns the built-in catalog into C), spec-lint and
 * users who supply their own catalog. Format and rules: spec/README.md. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"
#include "util/yamltree.h"

struct vmsg_catalog {
    struct vmsg_clause *v;
    size_t n;
    const struct vmsg_clause **by_id; /* sorted by id */
};

struct loader {
    struct vmsg__yaml *y;
    vmsg_catalog_error_fn err;
    void *ctx;
    int nerr;
};

__attribute__((format(printf, 3, 4)))
static void report(struct loader *L, const vmsg__ynode *n, const char *fmt, ...)
{
    char where[320], msg[1024], line[1400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n)
        vmsg__yaml_where(L->y, n, where, sizeof where);
    else
        snprintf(where, sizeof where, "%s:1:1", L->y->path);
    snprintf(line, sizeof line, "%s: %s", where, msg);
    L->nerr++;
    if (L->err)
        L->err(L->ctx, line);
    else
        fprintf(stderr, "%s\n", line);
}

static const char *const entry_keys[] = {"id",      "role",        "levels", "label",
                                         "bullet",  "summary",     "testability", "reason",
                                         "profiles", "prose",      "line",   "hash", NULL};

static bool known_key(const char *k, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++)
        if (!strcmp(k, keys[i]))
            return true;
    return false;
}

/* A non-empty scalar string, or NULL after reporting. */
static const char *need_str(struct loader *L, vmsg__ynode *entry, const char *key, bool required)
{
    vmsg__ynode *n = vmsg__yaml_get(L->y, entry, key);
    if (!n) {
        if (required)
            report(L, entry, "missing key '%s'", key);
        return NULL;
    }
    const char *s = vmsg__yaml_str(n);
    if (!s || !*s) {
        report(L, n, "'%s' must be a non-empty string", key);
        return NULL;
    }
    return s;
}

static char *dup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* id: lowercase words (a-z 0-9 -) separated by dots, last part a number. */
static bool id_syntax(const char *id, unsigned *last)
{
    size_t parts = 0;
    const char *p = id;
    const char *lastpart = id;
    while (*p) {
        const char *q = p;
        while (*q && *q != '.') {
            if (!(islower((unsigned char)*q) || isdigit((unsigned char)*q) || *q == '-'))
                return false;
            q++;
        }
        if (q == p)
            return false;
        parts++;
        lastpart = p;
        p = *q ? q + 1 : q;
        if (*q && !*p)
            return false;
    }
    if (parts < 2)
        return false;
    char *end;
    unsigned long v = strtoul(lastpart, &end, 10);
    if (*end || !isdigit((unsigned char)*lastpart) || v == 0 || v > 1000)
        return false;
    *last = (unsigned)v;
    return true;
}

static void parse_entry(struct loader *L, vmsg__ynode *e, struct vmsg_clause *c)
{
    memset(c, 0, sizeof *c);
    c->catalog_line = (unsigned)e->start_mark.line + 1;
    if (!vmsg__yaml_is_map(e)) {
        report(L, e, "a clause must be a mapping");
        return;
    }
    for (size_t i = 0; i < vmsg__yaml_len(e); i++) {
        vmsg__ynode *k = vmsg__yaml_key(L->y, e, i);
        const char *ks = vmsg__yaml_str(k);
        if (!ks || !known_key(ks, entry_keys))
            report(L, k, "unknown key '%s'", ks ? ks : "?");
    }
    const char *id = need_str(L, e, "id", true);
    const char *role = need_str(L, e, "role", true);
    const char *label = need_str(L, e, "label", true);
    const char *summary = need_str(L, e, "summary", true);
    const char *testab = need_str(L, e, "testability", true);
    const char *reason = need_str(L, e, "reason", false);
    const char *hash = need_str(L, e, "hash", true);

    if (role && !vmsg_role_parse(role, &c->role))
        report(L, vmsg__yaml_get(L->y, e, "role"), "role '%s' is not driver, device, bus or any",
               role);
    unsigned idnum = 0;
    if (id && !id_syntax(id, &idnum)) {
        report(L, vmsg__yaml_get(L->y, e, "id"),
               "id '%s' is not <words>.<bullet> (lowercase, digits, '-', dots)", id);
        id = NULL;
    }
    if (id && role) {
        size_t plen = strcspn(id, ".");
        bool ok;
        if (!strncmp(id, "prose.", 6))
            ok = true;
        else if (!strncmp(id, "common.", 7))
            ok = c->role == VMSG_ROLE_ANY;
        else
            ok = c->role != VMSG_ROLE_ANY && plen == strlen(role) && !strncmp(id, role, plen);
        if (!ok)
            report(L, vmsg__yaml_get(L->y, e, "id"),
                   "id '%s' does not match role '%s' (ids start with the role, 'common.' for "
                   "role any, or 'prose.')",
                   id, role);
    }
    c->id = dup(id);

    vmsg__ynode *lv = vmsg__yaml_get(L->y, e, "levels");
    if (!lv) {
        report(L, e, "missing key 'levels'");
    } else if (!vmsg__yaml_is_seq(lv) || vmsg__yaml_len(lv) == 0) {
        report(L, lv, "'levels' must be a non-empty list of RFC 2119 keywords");
    } else if (vmsg__yaml_len(lv) > VMSG_CLAUSE_MAX_LEVELS) {
        report(L, lv, "more than %d levels", VMSG_CLAUSE_MAX_LEVELS);
    } else {
        for (size_t i = 0; i < vmsg__yaml_len(lv); i++) {
            vmsg__ynode *it = vmsg__yaml_item(L->y, lv, i);
            enum vmsg_level l;
            if (!vmsg_level_parse(vmsg__yaml_str(it), &l)) {
                report(L, it, "'%s' is not an RFC 2119 keyword (MUST, MUST NOT, SHOULD, ...)",
                       vmsg__yaml_str(it) ? vmsg__yaml_str(it) : "?");
                continue;
            }
            c->levels[c->nlevels++] = (unsigned char)l;
        }
    }

    if (label && !strncmp(label, "Virtio Transport Options", 24))
        report(L, vmsg__yaml_get(L->y, e, "label"),
               "label must not carry the common prefix \"%s\"", VMSG__LABEL_PREFIX);
    c->label = dup(label);

    vmsg__ynode *bn = vmsg__yaml_get(L->y, e, "bullet");
    uint64_t b = 0;
    if (!bn)
        report(L, e, "missing key 'bullet'");
    else if (!vmsg__yaml_u64(bn, &b) || b == 0 || b > 1000)
        report(L, bn, "'bullet' must be a number from 1");
    else if (idnum && b != idnum)
        report(L, bn, "bullet %u does not match the id's last part (%u)", (unsigned)b, idnum);
    c->bullet = (unsigned)b;

    if (summary && strchr(summary, '\n'))
        report(L, vmsg__yaml_get(L->y, e, "summary"), "summary must be one line");
    c->summary = dup(summary);

    if (testab && !vmsg_testability_parse(testab, &c->testability))
        report(L, vmsg__yaml_get(L->y, e, "testability"),
               "testability '%s' is not active, passive, both or untestable", testab);
    if (testab && c->testability == VMSG_TEST_UNTESTABLE && !reason)
        report(L, vmsg__yaml_get(L->y, e, "testability"), "untestable clause needs a 'reason'");
    if (reason && !(testab && c->testability == VMSG_TEST_UNTESTABLE))
        report(L, vmsg__yaml_get(L->y, e, "reason"),
               "'reason' is only for untestable clauses");
    c->reason = dup(reason);

    vmsg__ynode *pr = vmsg__yaml_get(L->y, e, "profiles");
    if (!pr) {
        report(L, e, "missing key 'profiles'");
    } else if (!vmsg__yaml_is_seq(pr) || vmsg__yaml_len(pr) == 0) {
        report(L, pr, "'profiles' must be a non-empty list (v1, v1-noresv, rfc2, v0, v2-draft)");
    } else {
        for (size_t i = 0; i < vmsg__yaml_len(pr); i++) {
            vmsg__ynode *it = vmsg__yaml_item(L->y, pr, i);
            unsigned code;
            if (!vmsg_clause_profile_parse(vmsg__yaml_str(it), &code))
                report(L, it, "unknown profile '%s'",
                       vmsg__yaml_str(it) ? vmsg__yaml_str(it) : "?");
            else if (c->profiles & (1u << code))
                report(L, it, "profile '%s' listed twice", vmsg__yaml_str(it));
            else
                c->profiles |= 1u << code;
        }
    }

    vmsg__ynode *pn = vmsg__yaml_get(L->y, e, "prose");
    if (pn && !vmsg__yaml_bool(pn, &c->prose))
        report(L, pn, "'prose' must be true or false");
    vmsg__ynode *ln = vmsg__yaml_get(L->y, e, "line");
    uint64_t line = 0;
    if (ln && (!vmsg__yaml_u64(ln, &line) || line == 0 || line > 1000000))
        report(L, ln, "'line' must be a positive line number");
    if (c->prose && !ln)
        report(L, e, "prose clause needs the 'line' of its first keyword in the .tex");
    if (!c->prose && ln)
        report(L, ln, "'line' is only for prose clauses");
    c->tex_line = (unsigned)line;

    if (hash) {
        bool ok = strlen(hash) == 16;
        for (size_t i = 0; ok && i < 16; i++)
            ok = isdigit((unsigned char)hash[i]) || (hash[i] >= 'a' && hash[i] <= 'f');
        if (!ok)
            report(L, vmsg__yaml_get(L->y, e, "hash"),
                   "hash '%s' is not 16 lowercase hex digits", hash);
    }
    c->hash = dup(hash);
}

static int by_id_cmp(const void *a, const void *b)
{
    const struct vmsg_clause *const *x = a, *const *y = b;
    return strcmp((*x)->id ? (*x)->id : "", (*y)->id ? (*y)->id : "");
}

static void free_clauses(struct vmsg_clause *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) { /* v is NULL when its calloc failed */
        free((char *)v[i].id);
        free((char *)v[i].label);
        free((char *)v[i].summary);
        free((char *)v[i].reason);
        free((char *)v[i].hash);
    }
    free(v);
}

void vmsg_catalog_free(struct vmsg_catalog *cat)
{
    if (!cat)
        return;
    free_clauses(cat->v, cat->n);
    free(cat->by_id);
    free(cat);
}

int vmsg_catalog_load(const char *path, struct vmsg_catalog **out, vmsg_catalog_error_fn err,
                      void *ctx)
{
    *out = NULL;
    struct vmsg__yaml y;
    char msg[1024];
    if (!vmsg__yaml_load_file(&y, path, msg, sizeof msg)) {
        if (err)
            err(ctx, msg);
        else
            fprintf(stderr, "%s\n", msg);
        return 2;
    }
    struct loader L = {&y, err, ctx, 0};
    struct vmsg_catalog *cat = calloc(1, sizeof *cat);
    vmsg__ynode *root = vmsg__yaml_root(&y);
    vmsg__ynode *list = NULL;
    if (!cat) {
        report(&L, NULL, "out of memory");
        goto done;
    }
    if (!vmsg__yaml_is_map(root)) {
        report(&L, root, "the catalog must be a mapping with a 'clauses' list");
        goto done;
    }
    static const char *const top_keys[] = {"spec", "prefix", "clauses", NULL};
    for (size_t i = 0; i < vmsg__yaml_len(root); i++) {
        vmsg__ynode *k = vmsg__yaml_key(&y, root, i);
        if (!vmsg__yaml_str(k) || !known_key(vmsg__yaml_str(k), top_keys))
            report(&L, k, "unknown key '%s'", vmsg__yaml_str(k) ? vmsg__yaml_str(k) : "?");
    }
    list = vmsg__yaml_get(&y, root, "clauses");
    if (!list || !vmsg__yaml_is_seq(list)) {
        report(&L, list ? list : root, "'clauses' must be a list");
        goto done;
    }
    cat->n = vmsg__yaml_len(list);
    cat->v = calloc(cat->n ? cat->n : 1, sizeof *cat->v);
    cat->by_id = calloc(cat->n ? cat->n : 1, sizeof *cat->by_id);
    if (!cat->v || !cat->by_id) {
        report(&L, list, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < cat->n; i++) {
        parse_entry(&L, vmsg__yaml_item(&y, list, i), &cat->v[i]);
        cat->by_id[i] = &cat->v[i];
    }
    qsort(cat->by_id, cat->n, sizeof *cat->by_id, by_id_cmp);
    for (size_t i = 1; i < cat->n; i++) {
        const struct vmsg_clause *a = cat->by_id[i - 1], *b = cat->by_id[i];
        if (a->id && b->id && !strcmp(a->id, b->id)) {
            const struct vmsg_clause *later = a->catalog_line > b->catalog_line ? a : b;
            const struct vmsg_clause *first = later == a ? b : a;
            vmsg__ynode *n = vmsg__yaml_item(&y, list, (size_t)(later - cat->v));
            report(&L, n, "duplicate id '%s' (first at line %u)", later->id,
                   first->catalog_line);
        }
    }
    /* one entry per (label, bullet) among the block clauses */
    for (size_t i = 0; i < cat->n; i++)
        for (size_t j = 0; j < i; j++) {
            const struct vmsg_clause *a = &cat->v[j], *b = &cat->v[i];
            if (!a->prose && !b->prose && a->label && b->label && a->bullet == b->bullet &&
                a->role == b->role && !strcmp(a->label, b->label)) {
                report(&L, vmsg__yaml_item(&y, list, i),
                       "label '%s' bullet %u already catalogued at line %u", b->label, b->bullet,
                       a->catalog_line);
                break;
            }
        }
done:
    vmsg__yaml_free(&y);
    if (L.nerr) {
        vmsg_catalog_free(cat);
        return 2;
    }
    *out = cat;
    return 0;
}

size_t vmsg_catalog_count(const struct vmsg_catalog *cat)
{
    return cat ? cat->n : 0;
}

const struct vmsg_clause *vmsg_catalog_at(const struct vmsg_catalog *cat, size_t i)
{
    return cat && i < cat->n ? &cat->v[i] : NULL;
}

const struct vmsg_clause *vmsg_catalog_clauses(const struct vmsg_catalog *cat, size_t *n)
{
    if (n)
        *n = cat ? cat->n : 0;
    return cat ? cat->v : NULL;
}

const struct vmsg_clause *vmsg_catalog_find(const struct vmsg_catalog *cat, const char *id)
{
    if (!cat || !id)
        return NULL;
    size_t lo = 0, hi = cat->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(id, cat->by_id[mid]->id);
        if (!r)
            return cat->by_id[mid];
        if (r < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}
