/* The replay's answer-latency statistics (harness/replay/latency.c): exact
 * min, max and mean, p99 from the histogram within its 1/64 resolution,
 * and the sampling stride following the answers' speed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "replay/replay_internal.h"

static void replay_latency_stats_exact_and_p99_close(void **state)
{
    (void)state;
    struct vmsg__lat l;
    assert_true(vmsg__lat_init(&l));
    /* 1..100000 ns in a scrambled order: the true p99 is 99000 */
    for (uint64_t i = 0; i < 100000; i++)
        vmsg__lat_add(&l, (i * 7919) % 100000 + 1);
    struct vmsg_replay_stats st = {0};
    vmsg__lat_stats(&l, &st);
    assert_int_equal(st.lat_n, 100000);
    assert_true(st.lat_min_us == 0.001);
    assert_true(st.lat_max_us == 100.0);
    assert_true(st.lat_avg_us > 50.0004 && st.lat_avg_us < 50.0006); /* (1 + 100000) / 2 ns */
    assert_true(st.lat_p99_us > 99.0 * (1 - 1.0 / 64) && st.lat_p99_us < 99.0 * (1 + 1.0 / 64));
    vmsg__lat_free(&l);

    /* small values are exact: p99 of 1..50 ns is 50 */
    assert_true(vmsg__lat_init(&l));
    for (uint64_t i = 1; i <= 50; i++)
        vmsg__lat_add(&l, i);
    memset(&st, 0, sizeof st);
    vmsg__lat_stats(&l, &st);
    assert_true(st.lat_p99_us == 0.050);
    vmsg__lat_free(&l);
}

static void replay_latency_stride_follows_speed(void **state)
{
    (void)state;
    struct vmsg__lat l;
    assert_true(vmsg__lat_init(&l));
    assert_int_equal(l.stride, 1);
    for (int i = 0; i < 64; i++)
        vmsg__lat_add(&l, 150); /* in-process answers */
    assert_int_equal(l.stride, 16);
    unsigned picked = 0;
    for (int i = 0; i < 160; i++)
        picked += vmsg__lat_pick(&l);
    assert_int_equal(picked, 10);
    for (int i = 0; i < 64; i++)
        vmsg__lat_add(&l, 20000); /* a process or a network away */
    assert_int_equal(l.stride, 1);
    picked = 0;
    for (int i = 0; i < 10; i++)
        picked += vmsg__lat_pick(&l);
    assert_int_equal(picked, 10);
    vmsg__lat_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(replay_latency_stats_exact_and_p99_close),
        cmocka_unit_test(replay_latency_stride_follows_speed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
