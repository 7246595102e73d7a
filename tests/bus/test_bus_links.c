/* Bus adapters over real processes and sockets: every stream and datagram
 * kind against forked raw peers (exec: runs bus_peer). Each case body runs
 * once per link kind (cmocka prestate). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "links.h"
#include "peer.h"

static const enum link_kind k_stream[] = {LINK_EXEC, LINK_UNIX, LINK_UNIX_LISTEN, LINK_TCP,
                                          LINK_TCP_LISTEN};
static const enum link_kind k_all[] = {LINK_EXEC,      LINK_UNIX,      LINK_UNIX_LISTEN,
                                       LINK_TCP,       LINK_TCP_LISTEN, LINK_SEQPACKET,
                                       LINK_SEQPACKET_LISTEN};

static enum link_kind kind_of(void **state) { return *(const enum link_kind *)*state; }

struct tap_count {
    int sent, received, dir_to_dev, dir_to_drv;
};

static void count_tap(void *ctx, const struct vmsg_bus_tap_rec *r)
{
    struct tap_count *t = ctx;
    if (r->flags & VMSG_BUS_TAP_SENT)
        t->sent++;
    else
        t->received++;
    if (r->direction == 0)
        t->dir_to_dev++;
    if (r->direction == 1)
        t->dir_to_drv++;
}

static void expect_echo(struct link *l, size_t size, uint16_t token)
{
    uint8_t out[300], in[300];
    size_t len = 0;
    test_frame(out, size, token);
    assert_int_equal(vmsg_bus_send(l->bus, out, size), VMSG_BUS_OK);
    int rc = vmsg_bus_recv(l->bus, in, sizeof in, &len, 5000);
    if (rc != VMSG_BUS_OK)
        fail_msg("%s: %s", link_name(l->kind), vmsg_bus_error(l->bus));
    assert_int_equal(len, size);
    out[0] |= 1;
    assert_memory_equal(in, out, size);
}

/* frames of several sizes come back intact; the tap sees each one */
static void bus_link_echo_sizes(void **state)
{
    struct vmsg_bus_opts o;
    vmsg_bus_opts_init(&o);
    struct tap_count t = {0};
    o.tap = count_tap;
    o.tap_ctx = &t;
    struct link l;
    link_open(&l, kind_of(state), "echo", "", &o);
    static const size_t sizes[] = {8, 16, 48, 100, 264, 9};
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        expect_echo(&l, sizes[i], (uint16_t)(i + 1));
    assert_int_equal(t.sent, 6);
    assert_int_equal(t.received, 6);
    assert_int_equal(t.dir_to_dev, 6); /* we are the driver */
    assert_int_equal(t.dir_to_drv, 6);
    assert_int_equal(link_close(&l), 0);
}

/* the peer writes its answers one byte at a time */
static void bus_link_partial_writes(void **state)
{
    struct link l;
    link_open(&l, kind_of(state), "dribble", "", NULL);
    expect_echo(&l, 16, 1);
    expect_echo(&l, 264, 2);
    expect_echo(&l, 8, 3);
    link_close(&l);
}

/* a peer that never answers: recv gives TIMEOUT, the bus stays usable */
static void bus_link_silent_peer_times_out(void **state)
{
    struct link l;
    link_open(&l, kind_of(state), "silent", "", NULL);
    uint8_t f[48], in[300];
    size_t len = 99;
    test_frame(f, sizeof f, 1);
    assert_int_equal(vmsg_bus_send(l.bus, f, sizeof f), VMSG_BUS_OK);
    assert_int_equal(vmsg_bus_recv(l.bus, in, sizeof in, &len, 100), VMSG_BUS_TIMEOUT);
    assert_int_equal(len, 0);
    assert_non_null(strstr(vmsg_bus_error(l.bus), "timeout"));
    assert_int_equal(vmsg_bus_recv(l.bus, in, sizeof in, &len, 0), VMSG_BUS_TIMEOUT);
    link_close(&l);
}

/* the peer exits without a word: CLOSED, and CLOSED again */
static void bus_link_peer_exit_is_closed(void **state)
{
    struct link l;
    link_open(&l, kind_of(state), "exit", "", NULL);
    uint8_t in[300];
    size_t len;
    assert_int_equal(vmsg_bus_recv(l.bus, in, sizeof in, &len, 5000), VMSG_BUS_CLOSED);
    assert_non_null(strstr(vmsg_bus_error(l.bus), l.uri));
    assert_int_equal(vmsg_bus_recv(l.bus, in, sizeof in, &len, 5000), VMSG_BUS_CLOSED);
    int st = link_close(&l);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 3);
}

/* the peer dies half way through a frame: ERROR naming it, no hang */
static void bus_link_crash_mid_frame(void **state)
{
    struct link l;
    link_open(&l, kind_of(state), "crash", "", NULL);
    uint8_t f[100], in[300];
    size_t len;
    test_frame(f, sizeof f, 1);
    assert_int_equal(vmsg_bus_send(l.bus, f, sizeof f), VMSG_BUS_OK);
    assert_int_equal(vmsg_bus_recv(l.bus, in, sizeof in, &len, 5000), VMSG_BUS_ERROR);
    assert_non_null(strstr(vmsg_bus_error(l.bus), "mid-frame"));
    /* sending to the dead peer fails cleanly (no SIGPIPE) */
    int rc = VMSG_BUS_OK;
    for (int i = 0; i < 2000 && rc == VMSG_BUS_OK; i++) { /* the kernel closes its fds one by one */
        rc = vmsg_bus_send(l.bus, f, sizeof f);
        usleep(1000);
    }
    if (rc != VMSG_BUS_CLOSED && rc != VMSG_BUS_ERROR)
        fail_msg("%s: send to a dead peer: %s: %s", link_name(l.kind), vmsg_bus_status_name(rc),
                 vmsg_bus_error(l.bus));
    int st = link_close(&l);
    assert_true(WIFSIGNALED(st));
}

/* msg_size 60000 with the default maximum 264: OVERSIZE, then unusable */
static void bus_link_oversize_frame(void **state)
{
    struct link l;
    link_open(&l, kind_of(state), "oversize", "", NULL);
    uint8_t f[16], in[300];
    size_t len;
    test_frame(f, sizeof f, 1);
    assert_int_equal(vmsg_bus_send(l.bus, f, sizeof f), VMSG_BUS_OK);
    assert_int_equal(vmsg_bus_recv(l.bus, in, sizeof in, &len, 5000), VMSG_BUS_OVERSIZE);
    assert_non_null(strstr(vmsg_bus_error(l.bus), "60000 bytes exceeds the maximum message size 264"));
    assert_int_equal(vmsg_bus_recv(l.bus, in, sizeof in, &len, 100), VMSG_BUS_ERROR);
    assert_non_null(strstr(vmsg_bus_error(l.bus), "unusable"));
    link_close(&l);
}

/* msg_size 3, below the 8-byte header: MALFORMED */
static void bus_link_malformed_frame(void **state)
{
    struct link l;
    link_open(&l, kind_of(state), "malformed", "", NULL);
    uint8_t f[16], in[300];
    size_t len;
    test_frame(f, sizeof f, 1);
    assert_int_equal(vmsg_bus_send(l.bus, f, sizeof f), VMSG_BUS_OK);
    assert_int_equal(vmsg_bus_recv(l.bus, in, sizeof in, &len, 5000), VMSG_BUS_MALFORMED);
    assert_non_null(strstr(vmsg_bus_error(l.bus), "msg_size 3 is below"));
    link_close(&l);
}

/* ?max=N lowers the maximum: a 100-byte answer is then OVERSIZE */
static void bus_link_max_query(void **state)
{
    struct link l;
    if (kind_of(state) == LINK_EXEC)
        skip(); /* exec: has no query (its '?' belong to the program's arguments) */
    link_open(&l, kind_of(state), "echo", "max=64", NULL);
    assert_int_equal(vmsg_bus_params(l.bus)->max_msg_size, 64);
    uint8_t f[100], in[300];
    size_t len;
    test_frame(f, sizeof f, 1);
    assert_int_equal(vmsg_bus_send(l.bus, f, sizeof f), VMSG_BUS_OVERSIZE);
    expect_echo(&l, 64, 2);
    link_close(&l);
    (void)in, (void)len;
}

/* --- datagram only ---------------------------------------------------------- */

static void send_probe(struct link *l, size_t size)
{
    uint8_t f[64];
    test_frame(f, size, 0x66); /* token 0x66: the peer misbehaves on this one */
    assert_int_equal(vmsg_bus_send(l->bus, f, size), VMSG_BUS_OK);
}

/* a datagram whose length is not its msg_size: MALFORMED, then still usable */
static void bus_dgram_length_mismatch(void **state)
{
    struct tap_count t = {0};
    struct vmsg_bus_opts o;
    vmsg_bus_opts_init(&o);
    o.tap = count_tap;
    o.tap_ctx = &t;
    struct link l;
    link_open(&l, kind_of(state), "malformed", "", &o);
    uint8_t in[300];
    size_t len;
    send_probe(&l, 20);
    assert_int_equal(vmsg_bus_recv(l.bus, in, sizeof in, &len, 5000), VMSG_BUS_MALFORMED);
    assert_int_equal(len, 20);
    assert_non_null(strstr(vmsg_bus_error(l.bus), "datagram of 20 bytes, msg_size says 24"));
    assert_int_equal(t.received, 1); /* the checker sees the bad frame too */
    expect_echo(&l, 32, 1);
    link_close(&l);
}

static void bus_dgram_short(void **state)
{
    struct link l;
    link_open(&l, kind_of(state), "short", "", NULL);
    uint8_t in[300];
    size_t len;
    send_probe(&l, 20);
    assert_int_equal(vmsg_bus_recv(l.bus, in, sizeof in, &len, 5000), VMSG_BUS_MALFORMED);
    assert_non_null(strstr(vmsg_bus_error(l.bus), "shorter than the 8-byte header"));
    expect_echo(&l, 16, 1);
    link_close(&l);
}

static void bus_dgram_oversize(void **state)
{
    struct link l;
    link_open(&l, kind_of(state), "oversize", "", NULL);
    uint8_t in[300];
    size_t len;
    send_probe(&l, 20);
    assert_int_equal(vmsg_bus_recv(l.bus, in, sizeof in, &len, 5000), VMSG_BUS_OVERSIZE);
    assert_non_null(strstr(vmsg_bus_error(l.bus), "datagram of 1000 bytes"));
    expect_echo(&l, 16, 1);
    link_close(&l);
}

#define FOR_KINDS(fn, kinds) \
    cmocka_unit_test_prestate(fn, (void *)&kinds[0]), cmocka_unit_test_prestate(fn, (void *)&kinds[1]), \
    cmocka_unit_test_prestate(fn, (void *)&kinds[2]), cmocka_unit_test_prestate(fn, (void *)&kinds[3]), \
    cmocka_unit_test_prestate(fn, (void *)&kinds[4])
#define FOR_ALL(fn) FOR_KINDS(fn, k_all), cmocka_unit_test_prestate(fn, (void *)&k_all[5]), \
    cmocka_unit_test_prestate(fn, (void *)&k_all[6])
#define FOR_DGRAM(fn) cmocka_unit_test_prestate(fn, (void *)&k_all[5]), \
    cmocka_unit_test_prestate(fn, (void *)&k_all[6])

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH-TO-bus_peer\n", argv[0]);
        return 2;
    }
    g_peer_prog = argv[1];
    const struct CMUnitTest tests[] = {
        FOR_ALL(bus_link_echo_sizes),
        FOR_ALL(bus_link_silent_peer_times_out),
        FOR_ALL(bus_link_peer_exit_is_closed),
        FOR_ALL(bus_link_max_query),
        FOR_KINDS(bus_link_partial_writes, k_stream),
        FOR_KINDS(bus_link_crash_mid_frame, k_stream),
        FOR_KINDS(bus_link_oversize_frame, k_stream),
        FOR_KINDS(bus_link_malformed_frame, k_stream),
        FOR_DGRAM(bus_dgram_length_mismatch),
        FOR_DGRAM(bus_dgram_short),
        FOR_DGRAM(bus_dgram_oversize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
