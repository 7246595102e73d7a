/* Traceability of the suites: every case cites clauses that exist in the
 * catalog, of its own role (the catalog's role: prose clauses count too) or
 * of every sender; case ids are unique. An unknown id fails here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <vmsg/catalog.h>
#include <vmsg/ref.h>

#include "suites.h"

static void test_cases_cite_known_clauses(void **state)
{
    (void)state;
    static const char *prefix[] = {"device.", "driver.", "bus."};
    static const enum vmsg_role catalog_role[] = {VMSG_ROLE_DEVICE, VMSG_ROLE_DRIVER, VMSG_ROLE_BUS};
    unsigned total = 0;
    for (unsigned role = 0; role <= VMSG_IUT_BUS; role++) {
        size_t n = 0;
        const struct vmsg_case_def *cases = vmsg_suite_cases(role, &n);
        for (size_t i = 0; i < n; i++, total++) {
            const struct vmsg_case_def *d = &cases[i];
            assert_int_equal(d->role, role);
            assert_non_null(d->run);
            assert_non_null(d->clauses[0]);
            if (strncmp(d->id, prefix[role], strlen(prefix[role])))
                fail_msg("%s: case id must start with %s", d->id, prefix[role]);
            for (unsigned k = 0; k < VMSG_CASE_MAX_CLAUSES && d->clauses[k]; k++) {
                const struct vmsg_clause *cl = vmsg_clause_find(d->clauses[k]);
                if (!cl)
                    fail_msg("%s: cites unknown clause %s", d->id, d->clauses[k]);
                else if (cl->role != catalog_role[role] && cl->role != VMSG_ROLE_ANY)
                    fail_msg("%s: cites %s, a clause of role %s", d->id, d->clauses[k], vmsg_role_name(cl->role));
            }
            for (size_t j = 0; j < i; j++)
                if (!strcmp(cases[j].id, d->id))
                    fail_msg("%s: duplicate case id", d->id);
        }
    }
    assert_true(total > 0);
}

static void test_citations_match_tables(void **state)
{
    (void)state;
    size_t n = vmsg_suites_citations(NULL, 0);
    struct vmsg_citation cites[512];
    assert_true(n > 0 && n <= 512);
    assert_int_equal(vmsg_suites_citations(cites, 512), n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(cites[i].kind, "case");
        assert_non_null(vmsg_clause_find(cites[i].clause));
    }
}

/* Every named fault of the reference implementations breaks a clause the
 * catalog knows: the mutation test relies on it. */
static void test_faults_cite_known_clauses(void **state)
{
    (void)state;
    size_t n = 0;
    const struct vmsg_fault *f = vmsg_faults(&n);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++)
        if (!vmsg_clause_find(f[i].clause))
            fail_msg("fault %s cites unknown clause %s", f[i].name, f[i].clause);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_cases_cite_known_clauses),
                                       cmocka_unit_test(test_citations_match_tables),
                                       cmocka_unit_test(test_faults_cite_known_clauses)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
