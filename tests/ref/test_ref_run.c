#define _POSIX_C_SOURCE 200809L
/* refdrv <-> refbus <-> refdev in process, for every personality: the whole
 * script (init, I/O, runtime SET_CONFIG racing a device-side change, device
 * config change, DEVICE_NEEDS_RESET, reset and re-init) ends ok, and every
 * frame of the trace decodes as VMSG_OK. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ref_world.h"

static const char *const files[] = {"default",       "no-echo",    "event-config-no-data", "notification-data",
                                    "no-ring-reset", "big-config", "many-queues",          "small-window"};

static void check_trace(const struct world *w, const char *name)
{
    for (size_t i = 0; i < w->ntrace; i++) {
        struct vmsg_msg m;
        struct vmsg_diag d;
        enum vmsg_outcome oc = vmsg_decode(w->p.profile, 0, w->trace[i].data, w->trace[i].len, &m, &d);
        if (oc != VMSG_OK) {
            char where[96];
            snprintf(where, sizeof where, "%s: frame %zu (hop %d)", name, i + 1, (int)w->trace[i].hop);
            vmsg_print_diag(stderr, where, &d);
            fprintf(stderr, "%s: %s %s\n", where, vmsg_outcome_name(oc), d.problem);
        }
        assert_int_equal(oc, VMSG_OK);
    }
}

static unsigned count_id(const struct world *w, enum hop hop, unsigned mname, unsigned kind)
{
    unsigned n = 0;
    for (size_t i = 0; i < w->ntrace; i++) {
        struct vmsg_msg m;
        if (w->trace[i].hop != hop ||
            vmsg_decode(w->p.profile, 0, w->trace[i].data, w->trace[i].len, &m, NULL) != VMSG_OK)
            continue;
        if (m.def && m.def->mname == mname && m.kind == kind)
            n++;
    }
    return n;
}

static void ref_world_personality_completes(void **state)
{
    const char *name = *state;
    char path[512], err[512];
    struct vmsg_personality p;
    snprintf(path, sizeof path, "%s/harness/ref/personalities/%s.yaml", VMSG_SOURCE_DIR, name);
    if (!vmsg_personality_load(&p, path, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        fail();
    }
    p.config_change_at_ms = 20;
    p.needs_reset_at_ms = 45;
    struct world w;
    world_init(&w, &p, NULL, NULL, NULL, p.dev_nums[p.ndevs - 1]);
    w.race_set_config = true;
    world_run(&w, 20000);
    const char *why;
    int r = vmsg_refdrv_result(w.drv, &why);
    if (r != 1)
        fprintf(stderr, "%s: refdrv: %s\n", name, why);
    assert_int_equal(r, 1);
    check_trace(&w, name);
    /* the script did what it says */
    assert_true(count_id(&w, BUS_TO_DRV, VMSG_M_EVENT_USED, VMSG_KIND_EVENT) >= 8);
    assert_true(count_id(&w, BUS_TO_DRV, VMSG_M_EVENT_CONFIG, VMSG_KIND_EVENT) >= 2);
    assert_true(count_id(&w, DRV_TO_BUS, VMSG_M_SET_CONFIG, VMSG_KIND_REQUEST) >= 2);
    assert_true(count_id(&w, DRV_TO_BUS, VMSG_M_GET_DEVICES, VMSG_KIND_REQUEST) >= 1);
    world_free(&w);
}

static void ref_personality_bad_yaml_names_line(void **state)
{
    (void)state;
    char path[] = "/tmp/vmsg-ref-bad-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("name: bad\nqueues: [256, 0]\n", f);
    fclose(f);
    struct vmsg_personality p;
    char err[512];
    assert_false(vmsg_personality_load(&p, path, err, sizeof err));
    char want[600];
    snprintf(want, sizeof want, "%s:2:", path);
    assert_memory_equal(err, want, strlen(want));
    f = fopen(path, "w");
    fputs("name: bad\nfeatures: [VERSION_1, NO_SUCH]\n", f);
    fclose(f);
    assert_false(vmsg_personality_load(&p, path, err, sizeof err));
    assert_true(strstr(err, ":2:23: unknown feature 'NO_SUCH'") != NULL);
    f = fopen(path, "w");
    fputs("name: bad\nbogus: 1\n", f);
    fclose(f);
    assert_false(vmsg_personality_load(&p, path, err, sizeof err));
    assert_true(strstr(err, ":2:1: unknown key 'bogus'") != NULL);
    remove(path);
}

static void ref_refused_features_fail_cleanly(void **state)
{
    (void)state;
    struct vmsg_personality p;
    vmsg_personality_default(&p);
    p.refuse[VMSG_FEATURE_RING_RESET / 32] |= 1u << (VMSG_FEATURE_RING_RESET % 32);
    struct world w;
    world_init(&w, &p, NULL, NULL, NULL, 0);
    world_run(&w, 2000);
    const char *why;
    assert_int_equal(vmsg_refdrv_result(w.drv, &why), -1);
    assert_true(strstr(why, "FEATURES_OK") != NULL);
    assert_int_equal(count_id(&w, DRV_TO_BUS, VMSG_M_SET_VQUEUE, VMSG_KIND_REQUEST), 0);
    check_trace(&w, "refuse");
    world_free(&w);
}

int main(void)
{
    struct CMUnitTest tests[sizeof files / sizeof files[0] + 2];
    size_t n = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct CMUnitTest t = {files[i], ref_world_personality_completes, NULL, NULL, (void *)files[i]};
        tests[n++] = t;
    }
    struct CMUnitTest t1 = cmocka_unit_test(ref_personality_bad_yaml_names_line);
    struct CMUnitTest t2 = cmocka_unit_test(ref_refused_features_fail_cleanly);
    tests[n++] = t1;
    tests[n++] = t2;
    return _cmocka_run_group_tests("ref_world_run", tests, n, NULL, NULL);
}
