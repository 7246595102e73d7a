/* The built-in clause catalog (generated table) and clause coverage. */
#include <stdlib.h>
#include <string.h>

#include "vmsg/catalog.h"
#include "vmsg/check.h"
#include "vmsg/clauses_gen.h"
#include "vmsg/wire.h"

size_t vmsg_clause_count(void)
{
    return VMSG__CLAUSE_COUNT;
}

const struct vmsg_clause *vmsg_clause_at(size_t i)
{
    return i < VMSG__CLAUSE_COUNT ? &vmsg__clause_table[i] : NULL;
}

const struct vmsg_clause *vmsg_clause_table(size_t *n)
{
    if (n)
        *n = VMSG__CLAUSE_COUNT;
    return vmsg__clause_table;
}

const struct vmsg_clause *vmsg_clause_find(const char *id)
{
    if (!id)
        return NULL;
    size_t lo = 0, hi = VMSG__CLAUSE_COUNT;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct vmsg_clause *c = &vmsg__clause_table[vmsg__clause_by_id[mid]];
        int r = strcmp(id, c->id);
        if (!r)
            return c;
        if (r < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

enum vmsg_citation_kind vmsg_citation_kind_of(const struct vmsg_citation *c)
{
    if (!c || !c->kind)
        return VMSG_CITE_OTHER;
    if (!strcmp(c->kind, "case"))
        return VMSG_CITE_CASE;
    if (!strcmp(c->kind, "check"))
        return VMSG_CITE_CHECK;
    if (!strcmp(c->kind, "codec"))
        return VMSG_CITE_CODEC;
    return VMSG_CITE_OTHER;
}

struct idx {
    const char *id;
    size_t at;
};

static int idx_cmp(const void *a, const void *b)
{
    return strcmp(((const struct idx *)a)->id, ((const struct idx *)b)->id);
}

void vmsg_coverage_free(struct vmsg_coverage *cov)
{
    if (!cov)
        return;
    for (size_t i = 0; cov->clauses && i < cov->nclauses; i++)
        free(cov->clauses[i].cites);
    free(cov->clauses);
    free(cov->unknown);
    memset(cov, 0, sizeof *cov);
}

int vmsg_coverage_compute(struct vmsg_coverage *cov, const struct vmsg_clause *clauses,
                          size_t nclauses, const struct vmsg_citation *cites, size_t ncites)
{
    memset(cov, 0, sizeof *cov);
    cov->nclauses = nclauses;
    cov->clauses = calloc(nclauses ? nclauses : 1, sizeof *cov->clauses);
    struct idx *ix = calloc(nclauses ? nclauses : 1, sizeof *ix);
    size_t *hit = calloc(ncites ? ncites : 1, sizeof *hit); /* clause index + 1, 0 unknown */
    if (!cov->clauses || !ix || !hit)
        goto oom;
    for (size_t i = 0; i < nclauses; i++) {
        cov->clauses[i].clause = &clauses[i];
        ix[i] = (struct idx){clauses[i].id ? clauses[i].id : "", i};
    }
    qsort(ix, nclauses, sizeof *ix, idx_cmp);
    for (size_t k = 0; k < ncites; k++) {
        if (!cites[k].clause)
            continue;
        struct idx key = {cites[k].clause, 0};
        struct idx *f = nclauses ? bsearch(&key, ix, nclauses, sizeof *ix, idx_cmp) : NULL;
        if (f) {
            hit[k] = f->at + 1;
            cov->clauses[f->at].ncites++;
        } else {
            cov->nunknown++;
        }
    }
    cov->unknown = calloc(cov->nunknown ? cov->nunknown : 1, sizeof *cov->unknown);
    if (!cov->unknown)
        goto oom;
    for (size_t i = 0; i < nclauses; i++) {
        struct vmsg_clause_coverage *cc = &cov->clauses[i];
        if (cc->ncites) {
            cc->cites = calloc(cc->ncites, sizeof *cc->cites);
            if (!cc->cites)
                goto oom;
        }
        cc->ncites = 0; /* refilled below */
    }
    size_t nu = 0;
    for (size_t k = 0; k < ncites; k++) {
        if (!cites[k].clause)
            continue; /* not counted above either */
        if (!hit[k]) {
            cov->unknown[nu++] = &cites[k];
            continue;
        }
        struct vmsg_clause_coverage *cc = &cov->clauses[hit[k] - 1];
        cc->cites[cc->ncites++] = &cites[k];
        cc->per_kind[vmsg_citation_kind_of(&cites[k])]++;
    }
    for (size_t i = 0; i < nclauses; i++) {
        struct vmsg_clause_coverage *cc = &cov->clauses[i];
        bool testable = vmsg_clause_testable(cc->clause);
        cov->ntestable += testable;
        cov->ncovered += cc->ncites > 0;
        cc->uncovered = testable && cc->ncites == 0;
        cov->nuncovered += cc->uncovered;
    }
    free(ix);
    free(hit);
    return 0;
oom:
    free(ix);
    free(hit);
    vmsg_coverage_free(cov);
    return -1;
}

size_t vmsg_catalog_citations(struct vmsg_citation *out, size_t cap)
{
    size_t total = 0;
    /* codec rules (harness/wire) */
    size_t nrules = 0;
    const struct vmsg_wire_rule *rules = vmsg_wire_rules(&nrules);
    for (size_t i = 0; rules && i < nrules; i++) {
        if (!rules[i].clause)
            continue;
        if (total < cap)
            out[total] = (struct vmsg_citation){"codec", rules[i].id, rules[i].clause};
        total++;
    }
    /* checker rules (harness/check): the clause each finding cites and the
     * further clauses the rule judges; active cases live in suites/ and are
     * added by the caller (tools/vmsg/cmd_clauses.c). */
    size_t ncheck = 0;
    const struct vmsg_check_rule *chk = vmsg_check_rules(&ncheck);
    for (size_t i = 0; i < ncheck; i++) {
        if (total < cap)
            out[total] = (struct vmsg_citation){"check", chk[i].id, chk[i].clause};
        total++;
        for (const char *const *a = chk[i].also; *a; a++) {
            if (total < cap)
                out[total] = (struct vmsg_citation){"check", chk[i].id, *a};
            total++;
        }
    }
    return total;
}
