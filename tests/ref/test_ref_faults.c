/* Every fault is observable: the run with the fault yields a trace that
 * differs from the clean run of the same scenario, and for the faults with a
 * pinned property, that property holds in the faulty trace and not in the
 * clean one. The fault table names only clauses of the fault's role (by the
 * catalog's role) or of every sender. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <vmsg/catalog.h>

#include "ref_world.h"

/* Scenario per fault: the personality it needs and the probes after the run. */
static void scenario_personality(const struct vmsg_fault *f, struct vmsg_personality *p)
{
    vmsg_personality_default(p);
    p->config_change_at_ms = 20;
    p->needs_reset_at_ms = 45;
    switch (f->id) {
    case VMSG_FAULT_DRV_NO_NEXT_OFFSET_WITH_NOTIFICATION_DATA:
        p->features[1] |= 1u << (VMSG_FEATURE_NOTIFICATION_DATA - 32);
        break;
    case VMSG_FAULT_DRV_NO_REFRESH_ON_EVENT_CONFIG:
    case VMSG_FAULT_DRV_IO_BEFORE_REFRESH:
    case VMSG_FAULT_DEV_EVENT_CONFIG_NO_RANGE:
        p->event_config_data = false;
        break;
    case VMSG_FAULT_DRV_RESET_VQUEUE_WITHOUT_RING_RESET:
        p->features[1] &= ~(1u << (VMSG_FEATURE_RING_RESET - 32));
        break;
    case VMSG_FAULT_DRV_OVERSIZE:
    case VMSG_FAULT_DEV_PARTIAL_EVENT_CONFIG:
        p->config_size = 300;
        break;
    case VMSG_FAULT_DRV_IGNORE_FEATURES_OK_REFUSAL:
    case VMSG_FAULT_DEV_KEEP_FEATURES_OK_ON_REFUSAL:
        p->refuse[1] |= 1u << (VMSG_FEATURE_RING_RESET - 32);
        break;
    case VMSG_FAULT_BUS_WRONG_DEV_NUM_FORWARD:
    case VMSG_FAULT_BUS_FORWARD_UNKNOWN_DEV:
        p->dev_nums[1] = 9;
        p->ndevs = 2;
        break;
    default: break;
    }
}

static void probes(struct world *w)
{
    uint8_t b[128];
    size_t n;
    const int E = -1;
    /* driver-side probes through the bus */
    n = world_req(VMSG_M_PING, VMSG_CLASS_BUS, 0, 77, b, sizeof b, VMSG_FLD_DATA, (uint64_t)0x12345678, E);
    world_inject(w, DRV_TO_BUS, b, n);
    n = world_req(VMSG_M_GET_DEVICES, VMSG_CLASS_BUS, 0, 78, b, sizeof b, VMSG_FLD_OFFSET, (uint64_t)0,
                  VMSG_FLD_COUNT, (uint64_t)16, E);
    world_inject(w, DRV_TO_BUS, b, n);
    /* two requests back to back on one device */
    n = world_req(VMSG_M_GET_CONFIG, VMSG_CLASS_TRANSPORT, 1, 90, b, sizeof b, VMSG_FLD_OFFSET, (uint64_t)0,
                  VMSG_FLD_LENGTH, (uint64_t)4, E);
    vmsg_refbus_from_driver(w->bus, b, n);
    n = world_req(VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, 1, 91, b, sizeof b, E);
    world_inject(w, DRV_TO_BUS, b, n);
    n = world_req(VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, 9, 92, b, sizeof b, E);
    world_inject(w, DRV_TO_BUS, b, n);
    n = world_req(VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, 5, 93, b, sizeof b, E);
    world_inject(w, DRV_TO_BUS, b, n);
    n = world_req(VMSG_M_SET_CONFIG, VMSG_CLASS_TRANSPORT, 1, 94, b, sizeof b, VMSG_FLD_GENERATION,
                  (uint64_t)vmsg_refdev_generation(w->dev, 1), VMSG_FLD_OFFSET, (uint64_t)0, E);
    world_inject(w, DRV_TO_BUS, b, n);
    n = world_req(VMSG_M_EVENT_AVAIL, VMSG_CLASS_TRANSPORT, 1, 0, b, sizeof b, VMSG_FLD_INDEX, (uint64_t)0, E);
    world_inject(w, DRV_TO_BUS, b, n);
    static const uint8_t bad[] = {0x00, 0x30, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00};
    static const uint8_t impl[] = {0x00, 0x80, 0x01, 0x00, 0x05, 0x00, 0x08, 0x00};
    static const uint8_t shortf[] = {0x00, 0x05, 0x01};
    world_inject(w, DRV_TO_BUS, bad, sizeof bad);
    world_inject(w, DRV_TO_BUS, impl, sizeof impl);
    world_inject(w, BUS_TO_DEV, impl, sizeof impl);
    world_inject(w, BUS_TO_DEV, shortf, sizeof shortf);
    /* device probes, straight to the device */
    n = world_req(VMSG_M_GET_DEVICE_FEATURES, VMSG_CLASS_TRANSPORT, 1, 1, b, sizeof b, VMSG_FLD_BLOCK_INDEX,
                  (uint64_t)1, VMSG_FLD_NUM_BLOCKS, (uint64_t)3, E);
    world_inject(w, BUS_TO_DEV, b, n);
    n = world_req(VMSG_M_GET_DEVICE_FEATURES, VMSG_CLASS_TRANSPORT, 1, 2, b, sizeof b, VMSG_FLD_BLOCK_INDEX,
                  (uint64_t)0, VMSG_FLD_NUM_BLOCKS, (uint64_t)100, E);
    world_inject(w, BUS_TO_DEV, b, n);
    n = world_req(VMSG_M_GET_SHM, VMSG_CLASS_TRANSPORT, 1, 3, b, sizeof b, VMSG_FLD_INDEX, (uint64_t)7, E);
    world_inject(w, BUS_TO_DEV, b, n);
    n = world_req(VMSG_M_SET_CONFIG, VMSG_CLASS_TRANSPORT, 1, 4, b, sizeof b, VMSG_FLD_GENERATION,
                  (uint64_t)vmsg_refdev_generation(w->dev, 1) + 1000, VMSG_FLD_OFFSET, (uint64_t)0, E);
    world_inject(w, BUS_TO_DEV, b, n);
    n = world_req(VMSG_M_SET_VQUEUE, VMSG_CLASS_TRANSPORT, 1, 5, b, sizeof b, VMSG_FLD_INDEX, (uint64_t)1,
                  VMSG_FLD_SIZE, (uint64_t)8, VMSG_FLD_DESC_ADDR, (uint64_t)0x2000, E);
    world_inject(w, BUS_TO_DEV, b, n);
    n = world_req(VMSG_M_GET_VQUEUE, VMSG_CLASS_TRANSPORT, 1, 6, b, sizeof b, VMSG_FLD_INDEX, (uint64_t)1, E);
    world_inject(w, BUS_TO_DEV, b, n);
    n = world_req(VMSG_M_SET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, 1, 7, b, sizeof b, VMSG_FLD_STATUS, (uint64_t)0,
                  E);
    world_inject(w, BUS_TO_DEV, b, n);
    n = world_req(VMSG_M_GET_DEVICE_INFO, VMSG_CLASS_TRANSPORT, 1, 8, b, sizeof b, E);
    world_inject(w, BUS_TO_DEV, b, n);
    n = world_req(VMSG_M_GET_VQUEUE, VMSG_CLASS_TRANSPORT, 1, 9, b, sizeof b, VMSG_FLD_INDEX, (uint64_t)0, E);
    world_inject(w, BUS_TO_DEV, b, n);
    n = world_req(VMSG_M_RESET_VQUEUE, VMSG_CLASS_TRANSPORT, 1, 10, b, sizeof b, VMSG_FLD_INDEX, (uint64_t)0, E);
    world_inject(w, BUS_TO_DEV, b, n);
    n = world_req(VMSG_M_EVENT_AVAIL, VMSG_CLASS_TRANSPORT, 1, 0, b, sizeof b, VMSG_FLD_INDEX, (uint64_t)0, E);
    world_inject(w, BUS_TO_DEV, b, n);
    world_dev_change(w, 4, 2);
    world_dev_needs_reset(w);
    n = world_req(VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT, 1, 11, b, sizeof b, E);
    world_inject(w, BUS_TO_DEV, b, n);
    /* an EVENT_CONFIG above the bus maximum from the device side */
    static uint8_t big[8 + 16 + 300];
    memset(big, 0, sizeof big);
    big[1] = 0x40, big[2] = 1, big[6] = (uint8_t)sizeof big, big[7] = (uint8_t)(sizeof big >> 8);
    big[8 + 12] = 44, big[8 + 13] = 1;
    world_inject(w, DEV_TO_BUS, big, sizeof big);
    vmsg_refbus_hotplug(w->bus, 2, true);
    world_settle(w);
    vmsg_refbus_hotplug(w->bus, 2, false);
    world_settle(w);
}

static void run_scenario(struct world *w, const struct vmsg_fault *f, bool with_fault)
{
    struct vmsg_personality p;
    struct vmsg_fault_set fs[3];
    memset(fs, 0, sizeof fs);
    scenario_personality(f, &p);
    if (with_fault)
        fs[f->role].on[f->id] = 1;
    world_init(w, &p, &fs[VMSG_FAULT_DEV], &fs[VMSG_FAULT_DRV], &fs[VMSG_FAULT_BUS], 0);
    w->race_set_config = true;
    if (f->id == VMSG_FAULT_DRV_KEEP_QUEUEING_AFTER_REMOVED)
        w->remove_at_ms = 30;
    world_run(w, 3000);
    probes(w);
}

static bool traces_differ(const struct world *a, const struct world *b)
{
    if (a->ntrace != b->ntrace)
        return true;
    for (size_t i = 0; i < a->ntrace; i++)
        if (a->trace[i].hop != b->trace[i].hop || a->trace[i].len != b->trace[i].len ||
            memcmp(a->trace[i].data, b->trace[i].data, a->trace[i].len) != 0)
            return true;
    return false;
}

static void ref_fault_is_observable(void **state)
{
    const struct vmsg_fault *f = *state;
    if (f->id == VMSG_FAULT_BUS_MAX_TOO_SMALL || f->id == VMSG_FAULT_BUS_MAX_ABOVE_264) {
        /* the advertised parameters are out of band */
        struct vmsg_fault_set fs = {{0}};
        struct vmsg_refbus_opts o = {.profile = VMSG_PROFILE_V1, .max_msg_size = 264, .ndevs = 1, .dev_nums = {1}};
        struct vmsg_refbus *clean = vmsg_refbus_new(&o, &fs, NULL, NULL, NULL, NULL);
        fs.on[f->id] = 1;
        struct vmsg_refbus *bad = vmsg_refbus_new(&o, &fs, NULL, NULL, NULL, NULL);
        uint32_t mc = vmsg_refbus_params(clean).max_msg_size, mb = vmsg_refbus_params(bad).max_msg_size;
        assert_true(mc >= 44 && mc <= 264);
        assert_true(mb < 44 || mb > 264);
        vmsg_refbus_free(clean);
        vmsg_refbus_free(bad);
        return;
    }
    struct world clean, bad;
    run_scenario(&clean, f, false);
    run_scenario(&bad, f, true);
    if (!traces_differ(&clean, &bad))
        fprintf(stderr, "%s: %s: trace identical to the clean run\n", f->name, f->clause);
    assert_true(traces_differ(&clean, &bad));
    world_free(&clean);
    world_free(&bad);
}

static void ref_fault_table_cites_own_role(void **state)
{
    (void)state;
    size_t n;
    const struct vmsg_fault *t = vmsg_faults(&n);
    assert_true(n >= 100);
    for (size_t i = 0; i < n; i++) {
        /* the catalog's role of the clause (prose ones included), or every sender */
        static const enum vmsg_role own[] = {VMSG_ROLE_DEVICE, VMSG_ROLE_DRIVER, VMSG_ROLE_BUS};
        const char *c = t[i].clause;
        const struct vmsg_clause *cl = vmsg_clause_find(c);
        bool ok = cl && (cl->role == own[t[i].role] || cl->role == VMSG_ROLE_ANY);
        if (!ok)
            fprintf(stderr, "%s: clause %s does not belong to role %s\n", t[i].name, c,
                    vmsg_fault_role_name(t[i].role));
        assert_true(ok);
        assert_true(strncmp(t[i].name, vmsg_fault_role_name(t[i].role), 3) == 0);
        assert_ptr_equal(vmsg_fault_by_name(t[i].name), &t[i]);
        assert_int_equal((int)t[i].id, (int)i);
    }
    struct vmsg_fault_set fs = {{0}};
    char err[128];
    assert_true(vmsg_fault_set_parse(&fs, VMSG_FAULT_DEV, "dev-wrong-msg-size,dev-answer-event", err, sizeof err));
    assert_true(fs.on[VMSG_FAULT_DEV_WRONG_MSG_SIZE] && fs.on[VMSG_FAULT_DEV_ANSWER_EVENT]);
    assert_false(vmsg_fault_set_parse(&fs, VMSG_FAULT_DEV, "bus-drop-response", err, sizeof err));
    assert_string_equal(err, "fault 'bus-drop-response' is not a dev fault");
    assert_false(vmsg_fault_set_parse(&fs, VMSG_FAULT_BUS, "nope", err, sizeof err));
}

int main(void)
{
    size_t n;
    const struct vmsg_fault *t = vmsg_faults(&n);
    struct CMUnitTest tests[VMSG_FAULT__COUNT + 1];
    for (size_t i = 0; i < n; i++) {
        struct CMUnitTest c = {t[i].name, ref_fault_is_observable, NULL, NULL, (void *)&t[i]};
        tests[i] = c;
    }
    struct CMUnitTest tt = cmocka_unit_test(ref_fault_table_cites_own_role);
    tests[n] = tt;
    return _cmocka_run_group_tests("ref_faults_observable", tests, n + 1, NULL, NULL);
}
