/* Per-clause finding counts (clause_count.h). */
#include <stdlib.h>
#include <string.h>

#include "clause_count.h"

void vmsg__clause_counts_add(struct vmsg__clause_counts *cc, const char *clause, unsigned k)
{
    if (!clause || k > 2)
        return;
    for (size_t i = 0; i < cc->n; i++)
        if (strcmp(cc->v[i].clause, clause) == 0) {
            cc->v[i].n[k]++;
            return;
        }
    if (cc->n == cc->cap) {
        size_t cap = cc->cap ? 2 * cc->cap : 32;
        struct vmsg__clause_count *v = realloc(cc->v, cap * sizeof *v);
        if (!v)
            return;
        cc->v = v;
        cc->cap = cap;
    }
    struct vmsg__clause_count *c = &cc->v[cc->n++];
    memset(c, 0, sizeof *c);
    c->clause = clause;
    c->n[k] = 1;
}

static int by_clause(const void *a, const void *b)
{
    return strcmp(((const struct vmsg__clause_count *)a)->clause, ((const struct vmsg__clause_count *)b)->clause);
}

void vmsg__clause_counts_print(FILE *out, struct vmsg__clause_counts *cc)
{
    if (!cc->n)
        return;
    qsort(cc->v, cc->n, sizeof *cc->v, by_clause);
    fprintf(out, "\nfindings per clause:\n");
    for (size_t i = 0; i < cc->n; i++)
        fprintf(out, "  %-28s %lu FAIL, %lu WARN, %lu INFO\n", cc->v[i].clause, cc->v[i].n[0], cc->v[i].n[1],
                cc->v[i].n[2]);
}

void vmsg__clause_counts_free(struct vmsg__clause_counts *cc)
{
    free(cc->v);
    memset(cc, 0, sizeof *cc);
}
