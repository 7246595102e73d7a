/* Passive checker: the rule table cites only clause ids of the v1 table, and
 * the profile guesser picks the profile that produced a trace. */
#include <stdlib.h>

#include "check/check_trace.h"

/* Blocks of transport-msg-v1.tex with their bullet counts (the id table of
 * the clause catalog), plus the two ids outside the blocks. */
static const struct {
    const char *block;
    unsigned bullets;
} blocks[] = {
    {"bus.bus-messages", 1}, {"bus.forwarding", 2}, {"bus.advertise", 2}, {"driver.limits", 2},
    {"device.limits", 2}, {"bus.msg-size", 2}, {"driver.versioning", 2}, {"device.versioning", 2},
    {"bus.versioning", 2}, {"bus.dev-num", 2}, {"device.config-gen", 3}, {"driver.config-gen", 2},
    {"device.feature-blocks", 1}, {"bus.errors", 3}, {"device.errors", 2}, {"driver.endian", 1},
    {"device.endian", 1}, {"driver.header", 5}, {"device.header", 5}, {"bus.header", 4},
    {"bus.ordering", 2}, {"bus.discovery", 3}, {"driver.init-order", 4}, {"driver.device-info", 2},
    {"driver.features", 2}, {"device.features", 2}, {"driver.config", 2}, {"device.config", 2},
    {"driver.vq-setup", 3}, {"device.vq-setup", 2}, {"driver.status", 2}, {"device.status", 2},
    {"driver.finalize", 3}, {"device.finalize", 2}, {"driver.notify", 3}, {"bus.notify", 2},
    {"device.notify", 3}, {"driver.dev-notify", 2}, {"bus.dev-notify", 2}, {"driver.config-change", 2},
    {"device.config-change", 1}, {"driver.vq-change", 2}, {"device.vq-change", 2}, {"driver.reset", 2},
    {"device.reset", 2}, {"bus.hotplug", 2}, {"device.mandatory", 1}, {"driver.mandatory", 1},
    {"device.get-device-info", 1}, {"driver.get-device-info", 1}, {"device.get-features", 1},
    {"driver.get-features", 1}, {"driver.set-features", 1}, {"device.set-features", 1},
    {"driver.get-config", 1}, {"device.get-config", 1}, {"driver.set-config", 1}, {"device.set-config", 1},
    {"device.get-status", 1}, {"driver.set-status", 1}, {"device.set-status", 1}, {"device.get-vqueue", 1},
    {"driver.set-vqueue", 1}, {"device.set-vqueue", 1}, {"driver.reset-vqueue", 1},
    {"device.reset-vqueue", 1}, {"device.get-shm", 1}, {"driver.event-config", 1},
    {"device.event-config", 1}, {"driver.event-avail", 1}, {"bus.event-avail", 1},
    {"device.event-used", 1}, {"driver.event-used", 1}, {"bus.get-devices", 3}, {"bus.ping", 1},
    {"common.reserved-zero", 1}, {"driver.device-removed", 1},
};

static bool known_clause(const char *id, size_t len)
{
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
        size_t bl = strlen(blocks[i].block);
        if (len <= bl + 1 || strncmp(id, blocks[i].block, bl) != 0 || id[bl] != '.')
            continue;
        char *end;
        unsigned long b = strtoul(id + bl + 1, &end, 10);
        return end == id + len && b >= 1 && b <= blocks[i].bullets;
    }
    return false;
}

static void check_rules_cite_known_clauses(void **state)
{
    (void)state;
    assert_int_equal(sizeof blocks / sizeof blocks[0], 77);
    size_t n;
    const struct vmsg_check_rule *r = vmsg_check_rules(&n);
    for (size_t i = 0; i < n; i++) {
        assert_true(strncmp(r[i].id, "check.", 6) == 0);
        if (!known_clause(r[i].clause, strlen(r[i].clause)))
            fprintf(stderr, "%s cites unknown clause %s\n", r[i].id, r[i].clause);
        assert_true(known_clause(r[i].clause, strlen(r[i].clause)));
        /* the further clauses too */
        for (const char *const *a = r[i].also; *a; a++) {
            if (!known_clause(*a, strlen(*a)))
                fprintf(stderr, "%s also cites unknown clause %s\n", r[i].id, *a);
            assert_true(known_clause(*a, strlen(*a)));
        }
        assert_true(r[i].level <= VMSG_CHECK_MAY);
        assert_non_null(r[i].summary);
        assert_non_null(r[i].accepts);
    }
    /* the clause the negative test above would reject */
    assert_false(known_clause("device.set-config.2", 19));
}

static void check_rule_ids_unique_per_clause(void **state)
{
    (void)state;
    size_t n;
    const struct vmsg_check_rule *r = vmsg_check_rules(&n);
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++)
            assert_false(strcmp(r[i].id, r[k].id) == 0);
}

static void build(struct trace *t, unsigned profile)
{
    t->profile = profile;
    REQ(1, GET_DEVICE_INFO, );
    RESP(1, GET_DEVICE_INFO, F(DEVICE_ID, 1) F(CONFIG_SIZE, 8) F(MAX_VIRTQUEUES, 1));
    REQ(1, GET_DEVICE_STATUS, );
    RESP(1, GET_DEVICE_STATUS, F(STATUS, 3));
    REQ(1, GET_CONFIG, F(OFFSET, 0) F(LENGTH, 4));
    uint8_t d[4] = {1, 2, 3, 4};
    RESP(1, GET_CONFIG, F(GENERATION, 1) F(OFFSET, 0) F(LENGTH, 4) B(DATA, d, 4));
    REQ(1, GET_VQUEUE, F(INDEX, 0));
    RESP(1, GET_VQUEUE, F(INDEX, 0) F(MAX_SIZE, 256) F(SIZE, 0));
    EVT(1, EVENT_AVAIL, F(INDEX, 0));
}

static void guess(const struct trace *t, struct vmsg_profile_guess *g)
{
    struct vmsg_frame_ref f[TR_MAX];
    for (size_t i = 0; i < t->n; i++) {
        f[i].buf = t->buf[i];
        f[i].len = t->len[i];
    }
    vmsg_check_guess_profile(f, t->n, VMSG_BINDING_NONE, g);
}

static void check_guess_profiles(void **state)
{
    (void)state;
    static const unsigned ps[] = {VMSG_PROFILE_V1, VMSG_PROFILE_V1_NORESV, VMSG_PROFILE_RFC2};
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        struct trace *t = calloc(1, sizeof *t);
        build(t, ps[i]);
        struct vmsg_profile_guess g;
        guess(t, &g);
        if (g.profile != (int)ps[i])
            fprintf(stderr, "profile %u guessed as %d: %s\n", ps[i], g.profile, g.reason);
        assert_int_equal(g.profile, ps[i]);
        assert_true(g.confidence > 50);
        assert_true(g.reason[0]);
        free(t);
    }
}

static void check_guess_ambiguous_and_empty(void **state)
{
    (void)state;
    struct trace *t = calloc(1, sizeof *t);
    t->profile = VMSG_PROFILE_V1;
    REQ(1, GET_DEVICE_STATUS, );
    RESP(1, GET_DEVICE_STATUS, F(STATUS, 3));
    struct vmsg_profile_guess g;
    guess(t, &g);
    /* v1 and v1-noresv decode these alike: v1, but not sure */
    assert_int_equal(g.profile, VMSG_PROFILE_V1);
    assert_true(g.confidence <= 60);
    assert_non_null(strstr(g.reason, "alike"));
    vmsg_check_guess_profile(NULL, 0, 0, &g);
    assert_int_equal(g.profile, -1);
    assert_int_equal(g.confidence, 0);
    uint8_t junk[3] = {0xff, 0xff, 0xff};
    struct vmsg_frame_ref f = {junk, 3};
    vmsg_check_guess_profile(&f, 1, 0, &g);
    assert_int_equal(g.profile, -1);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check_rules_cite_known_clauses),
        cmocka_unit_test(check_rule_ids_unique_per_clause),
        cmocka_unit_test(check_guess_profiles),
        cmocka_unit_test(check_guess_ambiguous_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
