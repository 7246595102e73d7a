/* Fuzz target: the clause catalog loader (vmsg_catalog_load), fed YAML
 * through a private temporary file (the loader takes a path). A catalog that
 * loads is then walked: every clause found by its id, names printed, and the
 * coverage of the library's own citations computed over it. */
#include <stdio.h>
#include <string.h>

#include <vmsg/catalog.h>

#include "fuzz.h"

static void quiet(void *ctx, const char *msg)
{
    size_t *n = ctx;
    if (!msg || !*msg)
        vmsg__fuzz_fail("catalog", "empty error line");
    (*n)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = vmsg__fuzz_tmpfile(data, size);
    if (!path)
        return 0;
    struct vmsg_catalog *cat = NULL;
    size_t nerr = 0;
    int rc = vmsg_catalog_load(path, &cat, quiet, &nerr);
    if (rc != 0) {
        if (rc != 2 || cat || nerr == 0)
            vmsg__fuzz_fail("catalog", "failed load without exit 2, with a catalog, or without an error");
        return 0;
    }
    if (!cat || nerr)
        vmsg__fuzz_fail("catalog", "successful load without a catalog, or with errors");
    size_t n = vmsg_catalog_count(cat);
    for (size_t i = 0; i < n; i++) {
        const struct vmsg_clause *c = vmsg_catalog_at(cat, i);
        if (!c || !c->id || vmsg_catalog_find(cat, c->id) == NULL)
            vmsg__fuzz_fail("catalog", "a loaded clause is not found by its id");
        (void)vmsg_role_name(c->role);
        for (unsigned k = 0; k < c->nlevels; k++)
            (void)vmsg_level_name((enum vmsg_level)c->levels[k]);
        (void)vmsg_clause_strength(c);
        (void)vmsg_clause_testable(c);
    }
    (void)vmsg_catalog_find(cat, "device.header.1");
    struct vmsg_citation cites[512];
    size_t nc = vmsg_catalog_citations(cites, sizeof cites / sizeof cites[0]);
    if (nc > sizeof cites / sizeof cites[0])
        nc = sizeof cites / sizeof cites[0];
    size_t ncl;
    const struct vmsg_clause *tab = vmsg_catalog_clauses(cat, &ncl);
    struct vmsg_coverage cov;
    if (vmsg_coverage_compute(&cov, tab, ncl, cites, nc) == 0)
        vmsg_coverage_free(&cov);
    vmsg_catalog_free(cat);
    return 0;
}
