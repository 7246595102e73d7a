/* Mutation test: run each role's suite against its reference implementation
 * with one named fault at a time, as `vmsg run` does (the IUT's conformance
 * statement gathered first, the passive checker judging every case's
 * traffic). A fault is killed when a case that cites the fault's clause
 * gives FAIL or WARN, or when a case carries a FAIL or WARN finding of the
 * checker citing it. The unfaulted references must give no FAIL, WARN or
 * ERROR at all. Every fault of every role must be killed: the test prints the kill
 * rate per role (and by which of the two) and fails on any survivor, naming
 * it with what its runs gave instead. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>

#include <vmsg/iut.h>
#include <vmsg/ref.h>

#include "suites.h"

struct tally {
    const char *clause; /* the fault's clause */
    bool killed;
    bool by_case, by_checker;
    unsigned fail, warn, error;
    char first[300];
};

static void on_result(void *arg, const struct vmsg_case_result *r)
{
    struct tally *t = arg;
    t->fail += r->verdict == VMSG_FAIL;
    t->warn += r->verdict == VMSG_WARN;
    t->error += r->verdict == VMSG_ERROR;
    if (r->verdict != VMSG_FAIL && r->verdict != VMSG_WARN && r->verdict != VMSG_ERROR)
        return;
    if (!t->first[0])
        snprintf(t->first, sizeof t->first, "%s %s %s: %.200s", r->def->id, vmsg_verdict_name(r->verdict),
                 r->clause, r->observed);
    if (!t->clause || r->verdict == VMSG_ERROR)
        return;
    for (unsigned k = 0; k < VMSG_CASE_MAX_CLAUSES && r->def->clauses[k]; k++)
        if (!strcmp(r->def->clauses[k], t->clause))
            t->killed = t->by_case = true;
    for (unsigned k = 0; k < r->nfindings && k < VMSG_CASE_MAX_FINDINGS; k++)
        if ((r->findings[k].verdict == VMSG_FAIL || r->findings[k].verdict == VMSG_WARN) &&
            !strcmp(r->findings[k].clause, t->clause))
            t->killed = t->by_checker = true;
}

static void run_suite(unsigned role, const char *uri, struct tally *t)
{
    size_t n = 0;
    const struct vmsg_case_def *cases = vmsg_suite_cases(role, &n);
    struct vmsg_run_opts o;
    struct vmsg_iut_bus iut;
    struct vmsg_iut_pair pair; /* the bus suite holds both ends */
    char err[512];
    memset(&o, 0, sizeof o);
    o.link.profile = VMSG_PROFILE_V1;
    o.link.dev_num = 1;
    o.link.max_msg_size = 264;
    o.role = -1;
    o.isolate = true;
    o.seed = 1;
    o.reply_timeout_ms = 50;
    o.timeout_multiplier = vmsg_timeout_multiplier_from_env();
    if (role == VMSG_IUT_BUS) {
        assert_int_equal(vmsg_iut_pair_init(&pair, uri, NULL, &o.link, err, sizeof err), 0);
        vmsg_iut_pair_apply(&pair, &o);
    } else {
        assert_int_equal(vmsg_iut_bus_init(&iut, uri, role, &o.link, err, sizeof err), 0);
        o.iut = &vmsg_iut_bus_ops;
        o.iut_arg = &iut;
    }
    struct vmsg_ics *ics = calloc(1, sizeof *ics);
    struct vmsg_case_result *gr = malloc(sizeof *gr);
    assert_non_null(ics);
    assert_non_null(gr);
    vmsg_ics_init(ics);
    const struct vmsg_case_def *gather = vmsg_suite_ics(role);
    if (gather && vmsg_run_ics(gather, &o, ics, gr) == VMSG_ERROR) {
        t->error++;
        if (!t->first[0])
            snprintf(t->first, sizeof t->first, "%s ERROR: %.200s", gather->id, gr->reason);
    }
    o.ics = vmsg_ics_pairs(ics);
    o.on_result = on_result;
    o.on_result_arg = t;
    struct vmsg_run_summary sum;
    vmsg_run_cases(cases, n, &o, &sum);
    free(gr);
    free(ics);
}

/* The personalities of the reference device (harness/ref/personalities): the
 * references must be clean in every one, and a fault that one personality
 * hides (say, a config too small to need a data-less EVENT_CONFIG) is tried
 * under the others. */
static char personalities[16][512];
static unsigned npersonalities;

static void load_personalities(void)
{
    const char *dir = VMSG_SOURCE_DIR "/harness/ref/personalities";
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d) {
        fprintf(stderr, "%s: cannot open\n", dir);
        exit(2);
    }
    while ((e = readdir(d)) != NULL && npersonalities < 16) {
        size_t n = strlen(e->d_name);
        if (n > 5 && !strcmp(e->d_name + n - 5, ".yaml"))
            snprintf(personalities[npersonalities++], sizeof personalities[0], "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (!npersonalities) {
        fprintf(stderr, "%s: no personality\n", dir);
        exit(2);
    }
}

static void mutate_role(unsigned role, enum vmsg_fault_role frole, const char *base)
{
    size_t n = 0, suite_cases = 0;
    vmsg_suite_cases(role, &suite_cases);
    const struct vmsg_fault *f = vmsg_faults(&n);
    unsigned total = 0, killed = 0, by_case = 0, by_checker = 0;
    bool pers = frole == VMSG_FAULT_DEV; /* only the device has personalities */
    char uri[1024];
    if (suite_cases) {
        for (unsigned p = 0; p <= (pers ? npersonalities : 0); p++) {
            struct tally clean;
            memset(&clean, 0, sizeof clean);
            if (p)
                snprintf(uri, sizeof uri, "%s?personality=%s", base, personalities[p - 1]);
            else
                snprintf(uri, sizeof uri, "%s", base);
            run_suite(role, uri, &clean);
            if (clean.fail || clean.warn || clean.error)
                fail_msg("%s: the unfaulted reference gives %u FAIL, %u WARN, %u ERROR: %s", uri, clean.fail,
                         clean.warn, clean.error, clean.first);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (f[i].role != frole)
            continue;
        total++;
        struct tally t;
        memset(&t, 0, sizeof t);
        t.clause = f[i].clause;
        for (unsigned p = 0; suite_cases && !t.killed && p <= (pers ? npersonalities : 0); p++) {
            if (p)
                snprintf(uri, sizeof uri, "%s?personality=%s&fault=%s", base, personalities[p - 1], f[i].name);
            else
                snprintf(uri, sizeof uri, "%s?fault=%s", base, f[i].name);
            run_suite(role, uri, &t);
        }
        killed += t.killed;
        by_case += t.by_case;
        by_checker += t.by_checker;
        if (!t.killed)
            printf("mutation: %s survives: no case citing %s failed (%s)\n", f[i].name, f[i].clause,
                   t.first[0] ? t.first : "no failure at all");
    }
    printf("mutation: %s faults: %u of %u killed (%.0f%%): %u by a case citing the fault's clause, %u by a "
           "checker finding citing it\n",
           vmsg_fault_role_name(frole), killed, total, total ? 100.0 * killed / total : 0.0, by_case, by_checker);
    fflush(stdout); /* the rate before any failure message */
    if (!total)
        fail_msg("%s: no faults in the catalog", vmsg_fault_role_name(frole));
    if (killed != total)
        fail_msg("%s faults: %u of %u survive; every fault must be killed", vmsg_fault_role_name(frole),
                 total - killed, total);
}

static void test_device_faults(void **state)
{
    (void)state;
    mutate_role(VMSG_IUT_DEVICE, VMSG_FAULT_DEV, "builtin:refdev");
}

static void test_driver_faults(void **state)
{
    (void)state;
    mutate_role(VMSG_IUT_DRIVER, VMSG_FAULT_DRV, "builtin:refdrv");
}

static void test_bus_faults(void **state)
{
    (void)state;
    mutate_role(VMSG_IUT_BUS, VMSG_FAULT_BUS, "builtin:refbus");
}

int main(void)
{
    load_personalities();
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_device_faults), cmocka_unit_test(test_driver_faults),
                                       cmocka_unit_test(test_bus_faults)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
