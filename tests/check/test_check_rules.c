/* Passive checker: conforming sessions and allowed variants produce no
 * finding; each rule has a minimal faulty trace that produces exactly its
 * finding (rule, clause, frame), with directions known and unknown. */
#include <stdlib.h>

#include "check/check_trace.h"

#define ST_A VMSG_STATUS_ACKNOWLEDGE
#define ST_D VMSG_STATUS_DRIVER
#define ST_F VMSG_STATUS_FEATURES_OK
#define ST_K VMSG_STATUS_DRIVER_OK
#define ALL (ST_A | ST_D | ST_F | ST_K)

/* offer: VERSION_1 (bit 32) and RING_RESET (bit 40), i.e. block 1 = 0x101 */
static const uint8_t offer_b[8] = {0, 0, 0, 0, 0x01, 0x01, 0, 0};
static const uint8_t want_v1[8] = {0, 0, 0, 0, 0x01, 0, 0, 0};
static const uint8_t cfg[40] = {1, 2, 3, 4, 5, 6, 7, 8};

/* --- session pieces ------------------------------------------------------ */

static void info_sz(struct trace *t, uint16_t d, uint32_t config_size)
{
    REQ(d, GET_DEVICE_INFO, );
    RESP(d, GET_DEVICE_INFO, F(DEVICE_ID, 1) F(VENDOR_ID, 0x1af4) F(NUM_FEATURE_BITS, 64) F(CONFIG_SIZE, config_size)
                                 F(MAX_VIRTQUEUES, 2));
}
static void info(struct trace *t, uint16_t d) { info_sz(t, d, 16); }

static void status(struct trace *t, uint16_t d, uint32_t w, uint32_t r)
{
    REQ(d, SET_DEVICE_STATUS, F(STATUS, w));
    RESP(d, SET_DEVICE_STATUS, F(STATUS, r));
}

static void read_features(struct trace *t, uint16_t d)
{
    REQ(d, GET_DEVICE_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 2));
    RESP(d, GET_DEVICE_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 2) B(FEATURES, offer_b, 8));
}

static void write_features(struct trace *t, uint16_t d, const uint8_t *w)
{
    REQ(d, SET_DRIVER_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 2) B(FEATURES, w, 8));
    RESP(d, SET_DRIVER_FEATURES, );
}

static void vq_read(struct trace *t, uint16_t d, uint32_t idx, uint32_t size)
{
    REQ(d, GET_VQUEUE, F(INDEX, idx));
    RESP(d, GET_VQUEUE, F(INDEX, idx) F(MAX_SIZE, 256) F(SIZE, size) F(DESC_ADDR, size ? 0x1000 : 0)
                            F(DRIVER_ADDR, size ? 0x2000 : 0) F(DEVICE_ADDR, size ? 0x3000 : 0));
}

static uint64_t vq_set_req(struct trace *t, uint16_t d, uint32_t idx, uint32_t size)
{
    return REQ(d, SET_VQUEUE, F(INDEX, idx) F(SIZE, size) F(DESC_ADDR, 0x1000) F(DRIVER_ADDR, 0x2000)
                                  F(DEVICE_ADDR, 0x3000));
}

static void vq_set(struct trace *t, uint16_t d, uint32_t idx, uint32_t size)
{
    vq_set_req(t, d, idx, size);
    RESP(d, SET_VQUEUE, );
}

static void get_config(struct trace *t, uint16_t d, uint32_t gen)
{
    REQ(d, GET_CONFIG, F(OFFSET, 0) F(LENGTH, 8));
    RESP(d, GET_CONFIG, F(GENERATION, gen) F(OFFSET, 0) F(LENGTH, 8) B(DATA, cfg, 8));
}

static void init_to_fok(struct trace *t, uint16_t d, const uint8_t *want)
{
    info(t, d);
    status(t, d, 0, 0);
    status(t, d, ST_A, ST_A);
    status(t, d, ST_A | ST_D, ST_A | ST_D);
    read_features(t, d);
    write_features(t, d, want);
    status(t, d, ST_A | ST_D | ST_F, ST_A | ST_D | ST_F);
}

static void init_full_w(struct trace *t, uint16_t d, uint32_t gen, const uint8_t *want)
{
    init_to_fok(t, d, want);
    vq_read(t, d, 0, 0);
    vq_set(t, d, 0, 128);
    get_config(t, d, gen);
    status(t, d, ALL, ALL);
}
static void init_full(struct trace *t, uint16_t d, uint32_t gen) { init_full_w(t, d, gen, offer_b); }

static struct trace *new_trace(void)
{
    struct trace *t = calloc(1, sizeof *t);
    assert_non_null(t);
    t->profile = VMSG_PROFILE_V1;
    return t;
}

/* Zero FAIL/WARN/INFO findings, directions known and unknown. */
static void expect_clean(const struct trace *t, const struct vmsg_check_opts *o)
{
    struct found fd;
    for (int unknown = 0; unknown < 2; unknown++) {
        tr_run(t, o, unknown, &fd);
        if (fd.n) {
            fprintf(stderr, "unexpected findings (direction %s):\n", unknown ? "unknown" : "known");
            tr_print(&fd);
        }
        assert_int_equal(fd.n, 0);
        assert_int_equal(fd.notes, unknown ? 1 : 0);
    }
}

/* --- conforming traffic ---------------------------------------------------- */

static void full_session(struct trace *t)
{
    uint8_t bitmap[2] = {0x02, 0};
    init_full(t, 1, 7);
    EVT(1, EVENT_AVAIL, F(INDEX, 0) F(NEXT_OFFSET, 0));
    EVT(1, EVENT_USED, F(INDEX, 0));
    /* runtime SET_CONFIG: applied, data echoed, generation bumped */
    REQ(1, SET_CONFIG, F(GENERATION, 7) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    RESP(1, SET_CONFIG, F(GENERATION, 8) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    /* device-side change with data */
    EVT(1, EVENT_CONFIG, F(STATUS, ALL) F(GENERATION, 9) F(OFFSET, 4) F(LENGTH, 4) B(DATA, cfg, 4));
    /* applied without echoing data, generation kept */
    REQ(1, SET_CONFIG, F(GENERATION, 9) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    RESP(1, SET_CONFIG, F(GENERATION, 9) F(OFFSET, 0) F(LENGTH, 4));
    REQ(1, GET_SHM, F(INDEX, 0));
    RESP(1, GET_SHM, F(INDEX, 0) F(LENGTH, 0) F(ADDRESS, 0));
    BREQ(PING, F(DATA, 0xabcd));
    BRESP(PING, F(DATA, 0xabcd));
    BREQ(GET_DEVICES, F(OFFSET, 0) F(COUNT, 16));
    BRESP(GET_DEVICES, F(OFFSET, 0) F(COUNT, 16) F(NEXT_OFFSET, 0) B(BITMAP, bitmap, 2));
    REQ(1, GET_DEVICE_STATUS, );
    RESP(1, GET_DEVICE_STATUS, F(STATUS, ALL));
    /* RESET_VQUEUE (RING_RESET negotiated) and reprogramming */
    REQ(1, RESET_VQUEUE, F(INDEX, 0));
    RESP(1, RESET_VQUEUE, );
    vq_read(t, 1, 0, 256);
    vq_set(t, 1, 0, 64);
    EVT(1, EVENT_AVAIL, F(INDEX, 0));
    /* reset and re-initialization: generation survives the reset */
    status(t, 1, 0, 0);
    vq_read(t, 1, 0, 0);
    status(t, 1, ST_A, ST_A);
    status(t, 1, ST_A | ST_D, ST_A | ST_D);
    write_features(t, 1, offer_b);
    status(t, 1, ST_A | ST_D | ST_F, ST_A | ST_D | ST_F);
    vq_set(t, 1, 0, 64);
    get_config(t, 1, 9);
    status(t, 1, ALL, ALL);
    EVT(1, EVENT_AVAIL, F(INDEX, 0));
    EVT(1, EVENT_USED, F(INDEX, 0));
}

static void check_clean_full_session(void **state)
{
    (void)state;
    struct trace *t = new_trace();
    full_session(t);
    struct vmsg_check_opts o;
    vmsg_check_opts_init(&o);
    o.complete = true;
    o.max_msg_size = 264;
    expect_clean(t, &o);
    free(t);
}

static void check_clean_variants(void **state)
{
    (void)state;
    struct trace *t = new_trace();
    uint8_t bitmap[2] = {0x25, 0};
    /* the device refuses FEATURES_OK; the driver reads the status back and resets */
    info(t, 2);
    status(t, 2, ST_A | ST_D, ST_A | ST_D);
    read_features(t, 2);
    write_features(t, 2, want_v1);
    status(t, 2, ST_A | ST_D | ST_F, ST_A | ST_D);
    REQ(2, GET_DEVICE_STATUS, );
    RESP(2, GET_DEVICE_STATUS, F(STATUS, ST_A | ST_D));
    status(t, 2, 0, 0);
    /* dev 1: full init; generation starts near the wrap */
    init_full(t, 1, 0xfffffffeu);
    /* EVENT_CONFIG without data, repeated generation; then one with data after the wrap */
    EVT(1, EVENT_CONFIG, F(STATUS, ALL) F(GENERATION, 0xffffffffu) F(OFFSET, 0) F(LENGTH, 0));
    EVT(1, EVENT_CONFIG, F(STATUS, ALL) F(GENERATION, 0xffffffffu) F(OFFSET, 0) F(LENGTH, 0));
    EVT(1, EVENT_CONFIG, F(STATUS, ALL) F(GENERATION, 0) F(OFFSET, 0) F(LENGTH, 2) B(DATA, cfg, 2));
    /* a SET_CONFIG that crossed the event carries the previous generation: rejected with length 0 */
    REQ(1, SET_CONFIG, F(GENERATION, 0xffffffffu) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    RESP(1, SET_CONFIG, F(GENERATION, 0) F(OFFSET, 0) F(LENGTH, 0));
    get_config(t, 1, 0);
    REQ(1, SET_CONFIG, F(GENERATION, 0) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    RESP(1, SET_CONFIG, F(GENERATION, 1) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    /* the driver keeps the generation of its last GET_CONFIG, not the SET_CONFIG answer's */
    REQ(1, SET_CONFIG, F(GENERATION, 0) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    RESP(1, SET_CONFIG, F(GENERATION, 1) F(OFFSET, 0) F(LENGTH, 0));
    get_config(t, 1, 1);
    /* fewer feature blocks and config bytes than asked */
    REQ(1, GET_DEVICE_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 4));
    RESP(1, GET_DEVICE_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 2) B(FEATURES, offer_b, 8));
    REQ(1, GET_CONFIG, F(OFFSET, 8) F(LENGTH, 8));
    RESP(1, GET_CONFIG, F(GENERATION, 1) F(OFFSET, 8) F(LENGTH, 4) B(DATA, cfg, 4));
    /* DEVICE_NEEDS_RESET appears by event and in the status */
    EVT(1, EVENT_CONFIG, F(STATUS, ALL | VMSG_STATUS_DEVICE_NEEDS_RESET) F(GENERATION, 1) F(OFFSET, 0) F(LENGTH, 0));
    REQ(1, GET_DEVICE_STATUS, );
    RESP(1, GET_DEVICE_STATUS, F(STATUS, ALL | VMSG_STATUS_DEVICE_NEEDS_RESET));
    /* a smaller GET_DEVICES window */
    BREQ(GET_DEVICES, F(OFFSET, 0) F(COUNT, 64));
    BRESP(GET_DEVICES, F(OFFSET, 0) F(COUNT, 16) F(NEXT_OFFSET, 16) B(BITMAP, bitmap, 2));
    /* requests to two devices in flight; answers interleave across devices */
    REQ(1, GET_DEVICE_STATUS, );
    REQ(2, GET_DEVICE_INFO, );
    RESP(2, GET_DEVICE_INFO, F(DEVICE_ID, 1) F(VENDOR_ID, 0x1af4) F(NUM_FEATURE_BITS, 64) F(CONFIG_SIZE, 16)
                                 F(MAX_VIRTQUEUES, 2));
    RESP(1, GET_DEVICE_STATUS, F(STATUS, ALL | VMSG_STATUS_DEVICE_NEEDS_RESET));
    /* the driver resets after DEVICE_NEEDS_RESET */
    status(t, 1, 0, 0);
    /* device 2 goes away: answers in flight still come, the driver releases it with a reset */
    REQ(2, GET_DEVICE_STATUS, );
    BEVT(EVENT_DEVICE, F(DEVICE_NUMBER, 2) F(BUS_STATE, VMSG_BUS_STATE_REMOVED));
    RESP(2, GET_DEVICE_STATUS, F(STATUS, 0));
    status(t, 2, 0, 0);
    /* and comes back: a new device behind the number, judged afresh */
    BEVT(EVENT_DEVICE, F(DEVICE_NUMBER, 2) F(BUS_STATE, VMSG_BUS_STATE_READY));
    info(t, 2);
    /* a request still in flight when the trace is cut: INFO only */
    REQ(1, GET_DEVICE_STATUS, );
    struct found fd;
    tr_run(t, NULL, false, &fd);
    for (size_t i = 0; i < fd.n; i++)
        if (fd.f[i].verdict != VMSG_CHECK_INFO) {
            tr_print(&fd);
            fail();
        }
    assert_int_equal(fd.n, 1);
    assert_string_equal(fd.f[0].rule, "check.unanswered");
    /* without the cut request: nothing at all */
    t->n--;
    expect_clean(t, NULL);
    free(t);
}

/* What the newer rules must accept: admin queues past max_virtqueues, FAILED
 * after a refused FEATURES_OK, queues added after DRIVER_OK and read back,
 * RESET_VQUEUE answered with a default size or stale rings of size 0, a
 * re-read before I/O, a stale write rejected and retried after GET_CONFIG,
 * DEVICE_NEEDS_RESET read before its event and in a SET_DEVICE_STATUS answer. */
static void check_clean_status_queue_config_variants(void **state)
{
    (void)state;
    struct trace *t = new_trace();
    const uint64_t nr = VMSG_STATUS_DEVICE_NEEDS_RESET;
    REQ(1, GET_DEVICE_INFO, );
    RESP(1, GET_DEVICE_INFO, F(DEVICE_ID, 1) F(VENDOR_ID, 0x1af4) F(NUM_FEATURE_BITS, 64) F(CONFIG_SIZE, 16)
                                 F(MAX_VIRTQUEUES, 2) F(ADMIN_VQ_START, 2) F(ADMIN_VQ_COUNT, 1));
    status(t, 1, 0, 0);
    status(t, 1, ST_A, ST_A);
    status(t, 1, ST_A | ST_D, ST_A | ST_D);
    read_features(t, 1);
    write_features(t, 1, offer_b);
    status(t, 1, ST_A | ST_D | ST_F, ST_A | ST_D); /* refused */
    REQ(1, GET_DEVICE_STATUS, );
    RESP(1, GET_DEVICE_STATUS, F(STATUS, ST_A | ST_D));
    status(t, 1, ST_A | ST_D | VMSG_STATUS_FAILED, ST_A | ST_D | VMSG_STATUS_FAILED);
    status(t, 1, 0, 0);
    status(t, 1, ST_A, ST_A);
    status(t, 1, ST_A, ST_A); /* the same value again */
    status(t, 1, ST_A | ST_D, ST_A | ST_D);
    write_features(t, 1, offer_b);
    status(t, 1, ST_A | ST_D | ST_F, ST_A | ST_D | ST_F);
    vq_read(t, 1, 0, 0);
    vq_set(t, 1, 0, 128);
    vq_read(t, 1, 0, 128);
    REQ(1, GET_VQUEUE, F(INDEX, 2)); /* the admin queue */
    RESP(1, GET_VQUEUE, F(INDEX, 2) F(MAX_SIZE, 64) F(SIZE, 0));
    get_config(t, 1, 7);
    status(t, 1, ALL, ALL);
    /* a queue added after DRIVER_OK and read back */
    vq_read(t, 1, 1, 0);
    vq_set(t, 1, 1, 64);
    REQ(1, GET_VQUEUE, F(INDEX, 1));
    RESP(1, GET_VQUEUE, F(INDEX, 1) F(MAX_SIZE, 256) F(SIZE, 64) F(DESC_ADDR, 0x1000) F(DRIVER_ADDR, 0x2000)
                            F(DEVICE_ADDR, 0x3000));
    EVT(1, EVENT_AVAIL, F(INDEX, 1));
    /* RESET_VQUEUE answered: size back to the maximum with cleared rings, or size 0 with stale rings */
    REQ(1, RESET_VQUEUE, F(INDEX, 0));
    RESP(1, RESET_VQUEUE, );
    REQ(1, GET_VQUEUE, F(INDEX, 0));
    RESP(1, GET_VQUEUE, F(INDEX, 0) F(MAX_SIZE, 256) F(SIZE, 256));
    REQ(1, RESET_VQUEUE, F(INDEX, 1));
    RESP(1, RESET_VQUEUE, );
    REQ(1, GET_VQUEUE, F(INDEX, 1));
    RESP(1, GET_VQUEUE, F(INDEX, 1) F(MAX_SIZE, 256) F(SIZE, 0) F(DESC_ADDR, 0x1000) F(DRIVER_ADDR, 0x2000)
                            F(DEVICE_ADDR, 0x3000));
    vq_set(t, 1, 0, 64);
    REQ(1, GET_VQUEUE, F(INDEX, 0));
    RESP(1, GET_VQUEUE, F(INDEX, 0) F(MAX_SIZE, 256) F(SIZE, 64) F(DESC_ADDR, 0x1000) F(DRIVER_ADDR, 0x2000)
                            F(DEVICE_ADDR, 0x3000));
    /* data-less EVENT_CONFIG: re-read before I/O; one repeating the generation needs none */
    EVT(1, EVENT_CONFIG, F(STATUS, ALL) F(GENERATION, 8) F(OFFSET, 4) F(LENGTH, 0));
    get_config(t, 1, 8);
    EVT(1, EVENT_AVAIL, F(INDEX, 0));
    EVT(1, EVENT_CONFIG, F(STATUS, ALL) F(GENERATION, 8) F(OFFSET, 4) F(LENGTH, 0));
    EVT(1, EVENT_AVAIL, F(INDEX, 0));
    /* the driver keeps its GET_CONFIG generation: the second write is stale, re-read, retried */
    REQ(1, SET_CONFIG, F(GENERATION, 8) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    RESP(1, SET_CONFIG, F(GENERATION, 9) F(OFFSET, 0) F(LENGTH, 4));
    REQ(1, SET_CONFIG, F(GENERATION, 8) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    RESP(1, SET_CONFIG, F(GENERATION, 9) F(OFFSET, 0) F(LENGTH, 0));
    get_config(t, 1, 9);
    REQ(1, SET_CONFIG, F(GENERATION, 9) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    RESP(1, SET_CONFIG, F(GENERATION, 10) F(OFFSET, 0) F(LENGTH, 4));
    /* a write applied without a new generation: the written bytes read back changed, the others as before */
    static const uint8_t before[8] = {1, 2, 3, 4, 5, 6, 7, 8}, written[4] = {9, 9, 9, 9}, after[8] = {9, 9, 9, 9, 5, 6, 7, 8};
    REQ(1, GET_CONFIG, F(OFFSET, 0) F(LENGTH, 8));
    RESP(1, GET_CONFIG, F(GENERATION, 10) F(OFFSET, 0) F(LENGTH, 8) B(DATA, before, 8));
    REQ(1, SET_CONFIG, F(GENERATION, 10) F(OFFSET, 0) F(LENGTH, 4) B(DATA, written, 4));
    RESP(1, SET_CONFIG, F(GENERATION, 10) F(OFFSET, 0) F(LENGTH, 4));
    REQ(1, GET_CONFIG, F(OFFSET, 0) F(LENGTH, 8));
    RESP(1, GET_CONFIG, F(GENERATION, 10) F(OFFSET, 0) F(LENGTH, 8) B(DATA, after, 8));
    /* DEVICE_NEEDS_RESET read first, its event after; the driver reads again and resets */
    REQ(1, GET_DEVICE_STATUS, );
    RESP(1, GET_DEVICE_STATUS, F(STATUS, ALL | nr));
    EVT(1, EVENT_CONFIG, F(STATUS, ALL | nr) F(GENERATION, 10) F(OFFSET, 0) F(LENGTH, 0));
    REQ(1, GET_DEVICE_STATUS, );
    RESP(1, GET_DEVICE_STATUS, F(STATUS, ALL | nr));
    status(t, 1, 0, 0);
    /* DEVICE_NEEDS_RESET in a SET_DEVICE_STATUS answer needs no event */
    status(t, 1, ST_A, ST_A | nr);
    status(t, 1, 0, 0);
    /* a driver writing DEVICE_NEEDS_RESET itself: the device echoing it owes no event */
    status(t, 1, ST_A | nr, ST_A | nr);
    REQ(1, GET_DEVICE_STATUS, );
    RESP(1, GET_DEVICE_STATUS, F(STATUS, ST_A | nr));
    status(t, 1, 0, 0);
    status(t, 1, 0, 0);
    vq_read(t, 1, 0, 0);
    struct vmsg_check_opts o;
    vmsg_check_opts_init(&o);
    o.complete = true;
    expect_clean(t, &o);
    free(t);
}

static void check_clean_notification_data(void **state)
{
    (void)state;
    struct trace *t = new_trace();
    static const uint8_t offer_nd[8] = {0, 0, 0, 0, 0x41, 0, 0, 0}; /* VERSION_1 + NOTIFICATION_DATA */
    info(t, 1);
    REQ(1, GET_DEVICE_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 2));
    RESP(1, GET_DEVICE_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 2) B(FEATURES, offer_nd, 8));
    write_features(t, 1, offer_nd);
    status(t, 1, ST_A | ST_D | ST_F, ST_A | ST_D | ST_F);
    vq_read(t, 1, 0, 0);
    vq_set(t, 1, 0, 128);
    status(t, 1, ALL, ALL);
    EVT(1, EVENT_AVAIL, F(INDEX, 0) F(NEXT_OFFSET, 0x80000011u));
    EVT(1, EVENT_AVAIL, F(INDEX, 0) F(NEXT_OFFSET, 0)); /* not the first: the index may have come round */
    /* packed ring: a full lap before the first notification brings offset and wrap back to 0 */
    static const uint8_t offer_packed[8] = {0, 0, 0, 0, 0x45, 0, 0, 0};
    info(t, 2);
    REQ(2, GET_DEVICE_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 2));
    RESP(2, GET_DEVICE_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 2) B(FEATURES, offer_packed, 8));
    write_features(t, 2, offer_packed);
    status(t, 2, ST_A | ST_D | ST_F, ST_A | ST_D | ST_F);
    vq_read(t, 2, 0, 0);
    vq_set(t, 2, 0, 128);
    status(t, 2, ALL, ALL);
    EVT(2, EVENT_AVAIL, F(INDEX, 0) F(NEXT_OFFSET, 0));
    /* PING sent by the device side and answered by the driver side */
    uint64_t f = BREQ(PING, F(DATA, 7));
    t->dir[f - 1] = VMSG_DIR_DEV_TO_DRV;
    f = BRESP(PING, F(DATA, 7));
    t->dir[f - 1] = VMSG_DIR_DRV_TO_DEV;
    expect_clean(t, NULL);
    free(t);
}

static void check_clean_mid_session(void **state)
{
    (void)state;
    struct trace *t = new_trace();
    /* the capture starts after initialization */
    EVT(1, EVENT_AVAIL, F(INDEX, 0));
    EVT(1, EVENT_USED, F(INDEX, 0));
    REQ(1, SET_CONFIG, F(GENERATION, 3) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    RESP(1, SET_CONFIG, F(GENERATION, 3) F(OFFSET, 0) F(LENGTH, 4));
    struct vmsg_check_opts o;
    vmsg_check_opts_init(&o);
    o.mid_session = true;
    expect_clean(t, &o);
    /* judged again from the reset on */
    status(t, 1, 0, 0);
    uint64_t bad = EVT(1, EVENT_AVAIL, F(INDEX, 0));
    struct found fd;
    tr_run(t, &o, false, &fd);
    assert_int_equal(fd.n, 2);
    assert_string_equal(fd.f[0].rule, "check.io-before-driver-ok");
    assert_int_equal(fd.f[0].frame, bad);
    assert_string_equal(fd.f[1].rule, "check.vq-unconfigured");
    free(t);
}

/* Garbage in: every frame of a full session mutated, cut and fed in every
 * direction; the checker must neither crash (sanitizers) nor lose count. */
static void check_mutated_frames_are_safe(void **state)
{
    (void)state;
    struct trace *t = new_trace();
    full_session(t);
    uint32_t seed = 12345;
    struct vmsg_check_opts o;
    vmsg_check_opts_init(&o);
    o.max_outstanding = 4;
    o.max_devices = 8;
    for (unsigned round = 0; round < 40; round++) {
        struct vmsg_check *c = vmsg_check_new(&o);
        assert_non_null(c);
        for (size_t i = 0; i < t->n; i++) {
            uint8_t b[320];
            memcpy(b, t->buf[i], t->len[i]);
            size_t len = t->len[i];
            for (int k = 0; k < 3; k++) {
                seed = seed * 1103515245u + 12345u;
                b[(seed >> 8) % len] ^= (uint8_t)(seed >> 16);
            }
            if (round % 4 == 3)
                len = (seed >> 4) % (len + 1);
            vmsg_check_feed(c, i + 1, (unsigned)((i + round) % 4), 0, b, len, (uint16_t)(round % 3));
        }
        vmsg_check_finish(c);
        assert_int_equal(vmsg_check_counts(c)->frames, t->n);
        vmsg_check_free(c);
    }
    free(t);
}

/* --- one faulty trace per rule -------------------------------------------- */

struct fault {
    const char *rule;
    const char *clause;
    unsigned verdict;
    /* builds the trace; returns the frame the finding must name (0: end of trace) */
    uint64_t (*build)(struct trace *t, struct vmsg_check_opts *o);
    const char *with;     /* a rule that necessarily fires first on the same trace, or NULL */
};

static uint64_t raw_hdr(struct trace *t, unsigned dir, uint8_t type, uint8_t id, uint16_t size)
{
    uint8_t b[16] = {type, id, 1, 0, 0, 0, (uint8_t)size, (uint8_t)(size >> 8)};
    return tr_raw(t, dir, b, size < sizeof b ? size : sizeof b);
}

static uint64_t f_malformed(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    return raw_hdr(t, VMSG_DIR_DRV_TO_DEV, 0x00, 0x30, 8);
}
static uint64_t f_malformed_dev(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    return raw_hdr(t, VMSG_DIR_DEV_TO_DRV, 0x01, 0x30, 8);
}
static uint64_t f_malformed_bus(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    uint8_t b[8] = {0x02, 0x30, 0, 0, 0, 0, 8, 0};
    return tr_raw(t, VMSG_DIR_DRV_TO_DEV, b, 8);
}
static uint64_t truncate_last(struct trace *t, size_t keep)
{
    t->len[t->n - 1] = keep;
    return t->n;
}
static uint64_t f_truncated(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    REQ(1, GET_CONFIG, F(OFFSET, 0) F(LENGTH, 4));
    return truncate_last(t, 10);
}
static uint64_t f_truncated_dev(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    REQ(1, GET_DEVICE_STATUS, );
    RESP(1, GET_DEVICE_STATUS, F(STATUS, 0));
    return truncate_last(t, 10);
}
static uint64_t f_truncated_bus(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    BREQ(PING, F(DATA, 1));
    return truncate_last(t, 9);
}
static uint64_t f_discard_dev(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    read_features(t, 1);
    /* num_blocks 5 with one word: the count runs past the bytes */
    REQ(1, SET_DRIVER_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 5) B(FEATURES, want_v1, 4));
    return RESP(1, SET_DRIVER_FEATURES, );
}
static uint64_t f_discard_bus(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    uint8_t b[10] = {0x02, 0x02, 0, 0, 0, 0, 10, 0, 0, 0}; /* GET_DEVICES with 2 of 4 payload bytes */
    tr_raw(t, VMSG_DIR_DRV_TO_DEV, b, sizeof b);
    uint8_t bitmap[1] = {0};
    return BRESP(GET_DEVICES, F(OFFSET, 0) F(COUNT, 8) F(NEXT_OFFSET, 0) B(BITMAP, bitmap, 1));
}
static uint64_t f_resp_event(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    uint64_t f = EVT(1, EVENT_USED, F(INDEX, 0));
    t->buf[f - 1][0] |= 1;
    return f;
}
static uint64_t f_resp_order(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    REQ(1, GET_DEVICE_STATUS, );
    REQ(1, GET_CONFIG, F(OFFSET, 0) F(LENGTH, 4));
    uint64_t f = RESP(1, GET_CONFIG, F(GENERATION, 1) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    RESP(1, GET_DEVICE_STATUS, F(STATUS, 0));
    return f;
}
static uint64_t f_resp_unmatched(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    return RESP(1, GET_DEVICE_STATUS, F(STATUS, 0));
}
static uint64_t f_unanswered(struct trace *t, struct vmsg_check_opts *o)
{
    o->complete = true;
    info(t, 1);
    REQ(1, GET_DEVICE_STATUS, );
    return 0;
}
static uint64_t f_overflow(struct trace *t, struct vmsg_check_opts *o)
{
    o->max_outstanding = 2;
    info(t, 1);
    REQ(1, GET_DEVICE_STATUS, );
    REQ(1, GET_DEVICE_STATUS, );
    uint64_t f = REQ(1, GET_DEVICE_STATUS, );
    RESP(1, GET_DEVICE_STATUS, F(STATUS, 0));
    RESP(1, GET_DEVICE_STATUS, F(STATUS, 0));
    return f;
}
static uint64_t f_msg_size_drv(struct trace *t, struct vmsg_check_opts *o)
{
    o->max_msg_size = 44;
    info_sz(t, 1, 64);
    get_config(t, 1, 1);
    uint64_t f = REQ(1, SET_CONFIG, F(GENERATION, 1) F(OFFSET, 0) F(LENGTH, 40) B(DATA, cfg, 40));
    RESP(1, SET_CONFIG, F(GENERATION, 1) F(OFFSET, 0) F(LENGTH, 0));
    return f;
}
static uint64_t f_msg_size_dev(struct trace *t, struct vmsg_check_opts *o)
{
    o->max_msg_size = 44;
    info_sz(t, 1, 64);
    REQ(1, GET_CONFIG, F(OFFSET, 0) F(LENGTH, 40));
    return RESP(1, GET_CONFIG, F(GENERATION, 1) F(OFFSET, 0) F(LENGTH, 40) B(DATA, cfg, 40));
}
static uint64_t f_msg_size_bus(struct trace *t, struct vmsg_check_opts *o)
{
    o->max_msg_size = 10;
    return BEVT(EVENT_DEVICE, F(DEVICE_NUMBER, 5) F(BUS_STATE, VMSG_BUS_STATE_READY));
}
static uint64_t f_info_first(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    uint64_t f = REQ(1, GET_DEVICE_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 2));
    RESP(1, GET_DEVICE_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 2) B(FEATURES, offer_b, 8));
    return f;
}
static uint64_t f_config_info_first(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    uint64_t f = REQ(1, GET_CONFIG, F(OFFSET, 0) F(LENGTH, 8));
    RESP(1, GET_CONFIG, F(GENERATION, 0) F(OFFSET, 0) F(LENGTH, 8) B(DATA, cfg, 8));
    return f;
}
static uint64_t f_features_unread(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    uint64_t f = REQ(1, SET_DRIVER_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 2) B(FEATURES, want_v1, 8));
    RESP(1, SET_DRIVER_FEATURES, );
    return f;
}
static uint64_t f_fok_unwritten(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    read_features(t, 1);
    uint64_t f = REQ(1, SET_DEVICE_STATUS, F(STATUS, ST_A | ST_D | ST_F));
    RESP(1, SET_DEVICE_STATUS, F(STATUS, ST_A | ST_D));
    return f;
}
static uint64_t f_not_offered(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    static const uint8_t w[8] = {0, 0, 0, 0, 0x03, 0, 0, 0};
    info(t, 1);
    read_features(t, 1);
    uint64_t f = REQ(1, SET_DRIVER_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 2) B(FEATURES, w, 8));
    RESP(1, SET_DRIVER_FEATURES, );
    return f;
}
static uint64_t f_vq_before_fok(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    status(t, 1, ST_A | ST_D, ST_A | ST_D);
    vq_read(t, 1, 0, 0);
    uint64_t f = vq_set_req(t, 1, 0, 128);
    RESP(1, SET_VQUEUE, );
    /* the device ignoring the early setup is no fault of its own */
    vq_read(t, 1, 0, 0);
    return f;
}
static uint64_t f_vq_unconfirmed(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    vq_read(t, 1, 1, 0);
    vq_set_req(t, 1, 1, 64);
    uint64_t f = EVT(1, EVENT_AVAIL, F(INDEX, 1));
    RESP(1, SET_VQUEUE, );
    return f;
}
static uint64_t f_vq_unconfigured(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    return EVT(1, EVENT_AVAIL, F(INDEX, 1));
}
static uint64_t f_io_before_dok(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_to_fok(t, 1, offer_b);
    vq_read(t, 1, 0, 0);
    vq_set(t, 1, 0, 128);
    return EVT(1, EVENT_AVAIL, F(INDEX, 0));
}
static uint64_t f_io_before_dok_ack(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_to_fok(t, 1, offer_b);
    vq_read(t, 1, 0, 0);
    vq_set(t, 1, 0, 128);
    REQ(1, SET_DEVICE_STATUS, F(STATUS, ALL));
    uint64_t f = EVT(1, EVENT_AVAIL, F(INDEX, 0));
    RESP(1, SET_DEVICE_STATUS, F(STATUS, ALL));
    return f;
}
static uint64_t f_driver_ok_early(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    read_features(t, 1);
    write_features(t, 1, want_v1);
    status(t, 1, ST_A | ST_D, ST_A | ST_D); /* FEATURES_OK never written */
    uint64_t f = REQ(1, SET_DEVICE_STATUS, F(STATUS, ST_A | ST_D | ST_K));
    RESP(1, SET_DEVICE_STATUS, F(STATUS, ST_A | ST_D | ST_K));
    return f;
}
static uint64_t f_fok_refused_dok(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    read_features(t, 1);
    write_features(t, 1, want_v1);
    status(t, 1, ST_A | ST_D | ST_F, ST_A | ST_D); /* refused */
    uint64_t f = REQ(1, SET_DEVICE_STATUS, F(STATUS, ST_A | ST_D | ST_K));
    RESP(1, SET_DEVICE_STATUS, F(STATUS, ST_A | ST_D | ST_K));
    return f;
}
static uint64_t f_fok_refused_vq(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    read_features(t, 1);
    write_features(t, 1, want_v1);
    status(t, 1, ST_A | ST_D | ST_F, ST_A | ST_D);
    vq_read(t, 1, 0, 0);
    uint64_t f = vq_set_req(t, 1, 0, 128);
    RESP(1, SET_VQUEUE, );
    return f;
}
static uint64_t f_set_vq_unread(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_to_fok(t, 1, offer_b);
    uint64_t f = vq_set_req(t, 1, 0, 128);
    RESP(1, SET_VQUEUE, );
    return f;
}
static uint64_t f_set_vq_size(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_to_fok(t, 1, offer_b);
    vq_read(t, 1, 0, 0);
    uint64_t f = vq_set_req(t, 1, 0, 512);
    RESP(1, SET_VQUEUE, );
    return f;
}
static uint64_t f_set_vq_addr(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_to_fok(t, 1, offer_b);
    vq_read(t, 1, 0, 0);
    uint64_t f = REQ(1, SET_VQUEUE, F(INDEX, 0) F(SIZE, 128) F(DESC_ADDR, 0) F(DRIVER_ADDR, 0x2000) F(DEVICE_ADDR, 0x3000));
    RESP(1, SET_VQUEUE, );
    return f;
}
static uint64_t f_reset_vq_unneg(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full_w(t, 1, 1, want_v1);
    uint64_t f = REQ(1, RESET_VQUEUE, F(INDEX, 0));
    RESP(1, RESET_VQUEUE, );
    /* the device keeping the queue is no fault of its own here */
    REQ(1, GET_VQUEUE, F(INDEX, 0));
    RESP(1, GET_VQUEUE, F(INDEX, 0) F(MAX_SIZE, 256) F(SIZE, 128) F(DESC_ADDR, 0x1000) F(DRIVER_ADDR, 0x2000)
                            F(DEVICE_ADDR, 0x3000));
    return f;
}
static uint64_t f_avail_next(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    return EVT(1, EVENT_AVAIL, F(INDEX, 0) F(NEXT_OFFSET, 5));
}
static uint64_t f_avail_index(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    return EVT(1, EVENT_AVAIL, F(INDEX, 5));
}
static uint64_t f_set_config_gen(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 7);
    uint64_t f = REQ(1, SET_CONFIG, F(GENERATION, 6) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    RESP(1, SET_CONFIG, F(GENERATION, 7) F(OFFSET, 0) F(LENGTH, 0));
    return f;
}
static uint64_t f_set_config_range(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 7);
    uint64_t f = REQ(1, SET_CONFIG, F(GENERATION, 7) F(OFFSET, 12) F(LENGTH, 8) B(DATA, cfg, 8));
    RESP(1, SET_CONFIG, F(GENERATION, 7) F(OFFSET, 12) F(LENGTH, 0));
    return f;
}
static uint64_t f_get_config_range(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 7);
    uint64_t f = REQ(1, GET_CONFIG, F(OFFSET, 16) F(LENGTH, 4));
    RESP(1, GET_CONFIG, F(GENERATION, 7) F(OFFSET, 16) F(LENGTH, 0));
    return f;
}
static uint64_t f_after_removed(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 7);
    BEVT(EVENT_DEVICE, F(DEVICE_NUMBER, 1) F(BUS_STATE, VMSG_BUS_STATE_REMOVED));
    uint64_t f = REQ(1, GET_DEVICE_STATUS, );
    RESP(1, GET_DEVICE_STATUS, F(STATUS, ALL));
    return f;
}
static uint64_t f_set_config_stale(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 4);
    EVT(1, EVENT_CONFIG, F(STATUS, ALL) F(GENERATION, 5) F(OFFSET, 0) F(LENGTH, 0));
    REQ(1, SET_CONFIG, F(GENERATION, 4) F(OFFSET, 0) F(LENGTH, 8) B(DATA, cfg, 8));
    return RESP(1, SET_CONFIG, F(GENERATION, 5) F(OFFSET, 0) F(LENGTH, 8));
}
static uint64_t f_get_config_gen(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 7);
    REQ(1, GET_CONFIG, F(OFFSET, 0) F(LENGTH, 8));
    return RESP(1, GET_CONFIG, F(GENERATION, 6) F(OFFSET, 0) F(LENGTH, 8) B(DATA, cfg, 8));
}
static uint64_t f_event_config_gen(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 7);
    return EVT(1, EVENT_CONFIG, F(STATUS, ALL) F(GENERATION, 5) F(OFFSET, 0) F(LENGTH, 0));
}
static uint64_t f_event_config_unique(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 7);
    EVT(1, EVENT_CONFIG, F(STATUS, ALL) F(GENERATION, 8) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    return EVT(1, EVENT_CONFIG, F(STATUS, ALL) F(GENERATION, 8) F(OFFSET, 4) F(LENGTH, 4) B(DATA, cfg, 4));
}
static uint64_t f_feature_blocks(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    static const uint8_t w[4] = {1, 0, 0, 0};
    info(t, 1);
    REQ(1, GET_DEVICE_FEATURES, F(BLOCK_INDEX, 2) F(NUM_BLOCKS, 1));
    return RESP(1, GET_DEVICE_FEATURES, F(BLOCK_INDEX, 2) F(NUM_BLOCKS, 1) B(FEATURES, w, 4));
}
static uint64_t f_resp_echo(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    REQ(1, GET_VQUEUE, F(INDEX, 0));
    return RESP(1, GET_VQUEUE, F(INDEX, 1) F(MAX_SIZE, 256) F(SIZE, 0));
}
/* a wrong block_index echo is the device's fault alone: the words still count
 * from the requested block, so the driver's later write is not judged against them */
static uint64_t f_resp_echo_block(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    static const uint8_t zero[8] = {0};
    info(t, 1);
    read_features(t, 1);
    REQ(1, GET_DEVICE_FEATURES, F(BLOCK_INDEX, 2) F(NUM_BLOCKS, 2));
    uint64_t f = RESP(1, GET_DEVICE_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 2) B(FEATURES, zero, 8));
    write_features(t, 1, offer_b);
    return f;
}
static uint64_t f_info_changed(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    REQ(1, GET_DEVICE_INFO, );
    return RESP(1, GET_DEVICE_INFO, F(DEVICE_ID, 1) F(VENDOR_ID, 0x1af4) F(NUM_FEATURE_BITS, 64) F(CONFIG_SIZE, 32)
                                        F(MAX_VIRTQUEUES, 2));
}
static uint64_t f_reset_status(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    REQ(1, SET_DEVICE_STATUS, F(STATUS, 0));
    return RESP(1, SET_DEVICE_STATUS, F(STATUS, ST_A));
}
static uint64_t f_status_extra(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    REQ(1, SET_DEVICE_STATUS, F(STATUS, ST_A));
    return RESP(1, SET_DEVICE_STATUS, F(STATUS, ST_A | ST_D));
}
static uint64_t f_status_inconsistent(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_to_fok(t, 1, offer_b);
    REQ(1, GET_DEVICE_STATUS, );
    return RESP(1, GET_DEVICE_STATUS, F(STATUS, ST_A | ST_D));
}
static uint64_t f_event_status(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_to_fok(t, 1, offer_b);
    return EVT(1, EVENT_CONFIG, F(STATUS, ST_A | ST_D) F(GENERATION, 3) F(OFFSET, 0) F(LENGTH, 0));
}
static uint64_t f_vq_size_unconfigured(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    REQ(1, GET_VQUEUE, F(INDEX, 0));
    return RESP(1, GET_VQUEUE, F(INDEX, 0) F(MAX_SIZE, 256) F(SIZE, 128));
}
static uint64_t f_vq_size_after_reset(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    status(t, 1, 0, 0);
    REQ(1, GET_VQUEUE, F(INDEX, 0));
    return RESP(1, GET_VQUEUE, F(INDEX, 0) F(MAX_SIZE, 256) F(SIZE, 128));
}
/* the recovery reset and the block's own reset back to back */
static uint64_t f_vq_size_after_two_resets(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    status(t, 1, 0, 0);
    info(t, 1);
    status(t, 1, 0, 0);
    REQ(1, GET_VQUEUE, F(INDEX, 0));
    return RESP(1, GET_VQUEUE, F(INDEX, 0) F(MAX_SIZE, 256) F(SIZE, 128));
}
static uint64_t f_vq_params(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    REQ(1, GET_VQUEUE, F(INDEX, 0));
    return RESP(1, GET_VQUEUE, F(INDEX, 0) F(MAX_SIZE, 256) F(SIZE, 64));
}
static uint64_t f_shm_changed(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    REQ(1, GET_SHM, F(INDEX, 0));
    RESP(1, GET_SHM, F(INDEX, 0) F(LENGTH, 0x1000) F(ADDRESS, 0x8000));
    REQ(1, GET_SHM, F(INDEX, 0));
    return RESP(1, GET_SHM, F(INDEX, 0) F(LENGTH, 0x2000) F(ADDRESS, 0x8000));
}
static uint64_t f_used_before_dok(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_to_fok(t, 1, offer_b);
    vq_read(t, 1, 0, 0);
    vq_set(t, 1, 0, 128);
    return EVT(1, EVENT_USED, F(INDEX, 0));
}
static uint64_t f_used_unconfigured(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    return EVT(1, EVENT_USED, F(INDEX, 1));
}
static uint64_t f_ping_echo(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    BREQ(PING, F(DATA, 1));
    return BRESP(PING, F(DATA, 2));
}
static uint64_t f_get_devices_window(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    uint8_t bitmap[1] = {1};
    BREQ(GET_DEVICES, F(OFFSET, 0) F(COUNT, 16));
    return BRESP(GET_DEVICES, F(OFFSET, 8) F(COUNT, 8) F(NEXT_OFFSET, 0) B(BITMAP, bitmap, 1));
}
static uint64_t f_codec(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    uint64_t f = REQ(1, GET_DEVICE_STATUS, );
    t->buf[f - 1][0] |= 0x04;
    RESP(1, GET_DEVICE_STATUS, F(STATUS, 0));
    return f;
}

static uint64_t f_resp_dev_num(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    info(t, 2);
    REQ(1, GET_DEVICE_STATUS, );
    return RESP(2, GET_DEVICE_STATUS, F(STATUS, 0));
}
static uint64_t f_vq_reprogram(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    uint64_t f = vq_set_req(t, 1, 0, 64);
    RESP(1, SET_VQUEUE, );
    return f;
}
static uint64_t f_config_unannounced(struct trace *t, struct vmsg_check_opts *o)
{
    o->complete = true;
    init_full(t, 1, 1);
    get_config(t, 1, 2);
    return 0;
}
/* the device-side change shows first in the answer to a rejected write */
static uint64_t f_config_unannounced_set(struct trace *t, struct vmsg_check_opts *o)
{
    o->complete = true;
    init_full(t, 1, 1);
    REQ(1, SET_CONFIG, F(GENERATION, 1) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    RESP(1, SET_CONFIG, F(GENERATION, 2) F(OFFSET, 0) F(LENGTH, 0));
    return 0;
}
static uint64_t f_vq_index(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_to_fok(t, 1, offer_b);
    uint64_t f = REQ(1, GET_VQUEUE, F(INDEX, 2));
    RESP(1, GET_VQUEUE, F(INDEX, 2) F(MAX_SIZE, 0) F(SIZE, 0));
    return f;
}
static uint64_t f_status_byte_order(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    status(t, 1, 0, 0);
    uint64_t f = REQ(1, SET_DEVICE_STATUS, F(STATUS, 0x01000000u));
    RESP(1, SET_DEVICE_STATUS, F(STATUS, 0));
    return f;
}
static uint64_t f_status_undefined(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    info(t, 1);
    status(t, 1, 0, 0);
    uint64_t f = REQ(1, SET_DEVICE_STATUS, F(STATUS, ST_A | 0x10));
    RESP(1, SET_DEVICE_STATUS, F(STATUS, ST_A));
    return f;
}
static uint64_t f_reinit_no_reset(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    EVT(1, EVENT_AVAIL, F(INDEX, 0));
    uint64_t f = REQ(1, SET_DEVICE_STATUS, F(STATUS, ST_A));
    RESP(1, SET_DEVICE_STATUS, F(STATUS, ST_A));
    return f;
}
static uint64_t f_io_before_refresh(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    EVT(1, EVENT_CONFIG, F(STATUS, ALL) F(GENERATION, 2) F(OFFSET, 0) F(LENGTH, 0));
    uint64_t f = EVT(1, EVENT_AVAIL, F(INDEX, 0));
    get_config(t, 1, 2);
    return f;
}
static uint64_t f_io_after_needs_reset(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    EVT(1, EVENT_CONFIG, F(STATUS, ALL | VMSG_STATUS_DEVICE_NEEDS_RESET) F(GENERATION, 1) F(OFFSET, 0) F(LENGTH, 0));
    return EVT(1, EVENT_AVAIL, F(INDEX, 0));
}
static uint64_t f_retry_unread(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    REQ(1, SET_CONFIG, F(GENERATION, 1) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    RESP(1, SET_CONFIG, F(GENERATION, 2) F(OFFSET, 0) F(LENGTH, 4));
    /* a second write with the GET_CONFIG generation: rejected, then retried blind */
    REQ(1, SET_CONFIG, F(GENERATION, 1) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    RESP(1, SET_CONFIG, F(GENERATION, 2) F(OFFSET, 0) F(LENGTH, 0));
    uint64_t f = REQ(1, SET_CONFIG, F(GENERATION, 2) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    RESP(1, SET_CONFIG, F(GENERATION, 3) F(OFFSET, 0) F(LENGTH, 4));
    return f;
}
static uint64_t f_resp_event_dev(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    uint64_t f = EVT(1, EVENT_AVAIL, F(INDEX, 0));
    f = RESP(1, GET_DEVICE_STATUS, F(STATUS, ALL)); /* placeholder frame, rewritten below */
    t->buf[f - 1][0] = 0x01;
    t->buf[f - 1][1] = t->buf[f - 2][1]; /* EVENT_AVAIL's id with the response bit */
    t->buf[f - 1][6] = 8;
    t->buf[f - 1][7] = 0;
    t->len[f - 1] = 8;
    return f;
}
static uint64_t f_info_unanswered(struct trace *t, struct vmsg_check_opts *o)
{
    o->complete = true;
    status(t, 1, 0, 0); /* the device is there and inactive */
    REQ(1, GET_DEVICE_INFO, );
    return 0;
}
/* nothing ever answered for the number: maybe no device there, the bus clause only */
static uint64_t f_info_no_device(struct trace *t, struct vmsg_check_opts *o)
{
    o->complete = true;
    REQ(1, GET_DEVICE_INFO, );
    return 0;
}
static uint64_t f_set_config_silent(struct trace *t, struct vmsg_check_opts *o)
{
    o->complete = true;
    init_full(t, 1, 4);
    REQ(1, SET_CONFIG, F(GENERATION, 4) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    RESP(1, SET_CONFIG, F(GENERATION, 5) F(OFFSET, 0) F(LENGTH, 4));
    /* the driver keeps its GET_CONFIG generation (allowed); the device now holds 5 */
    REQ(1, SET_CONFIG, F(GENERATION, 4) F(OFFSET, 0) F(LENGTH, 4) B(DATA, cfg, 4));
    return 0;
}
static uint64_t f_vq_late(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    /* a further queue after DRIVER_OK, ignored by the device */
    vq_read(t, 1, 1, 0);
    vq_set(t, 1, 1, 64);
    REQ(1, GET_VQUEUE, F(INDEX, 1));
    return RESP(1, GET_VQUEUE, F(INDEX, 1) F(MAX_SIZE, 256) F(SIZE, 0));
}
static uint64_t f_vq_reconfig(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    REQ(1, RESET_VQUEUE, F(INDEX, 0));
    RESP(1, RESET_VQUEUE, );
    vq_read(t, 1, 0, 0);
    vq_set(t, 1, 0, 64);
    REQ(1, GET_VQUEUE, F(INDEX, 0));
    return RESP(1, GET_VQUEUE, F(INDEX, 0) F(MAX_SIZE, 256) F(SIZE, 0));
}
static uint64_t f_reset_vq_kept(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    REQ(1, RESET_VQUEUE, F(INDEX, 0));
    RESP(1, RESET_VQUEUE, );
    REQ(1, GET_VQUEUE, F(INDEX, 0));
    return RESP(1, GET_VQUEUE, F(INDEX, 0) F(MAX_SIZE, 256) F(SIZE, 128) F(DESC_ADDR, 0x1000) F(DRIVER_ADDR, 0x2000)
                                   F(DEVICE_ADDR, 0x3000));
}
static uint64_t f_vq_params_addr(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    REQ(1, GET_VQUEUE, F(INDEX, 0));
    return RESP(1, GET_VQUEUE, F(INDEX, 0) F(MAX_SIZE, 256) F(SIZE, 128) F(DESC_ADDR, 0x1000) F(DRIVER_ADDR, 0)
                                   F(DEVICE_ADDR, 0x3000));
}
static uint64_t f_nr_hidden(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    EVT(1, EVENT_CONFIG, F(STATUS, ALL | VMSG_STATUS_DEVICE_NEEDS_RESET) F(GENERATION, 1) F(OFFSET, 0) F(LENGTH, 0));
    REQ(1, GET_DEVICE_STATUS, );
    return RESP(1, GET_DEVICE_STATUS, F(STATUS, ALL));
}
static uint64_t f_nr_unannounced(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    init_full(t, 1, 1);
    REQ(1, GET_DEVICE_STATUS, );
    RESP(1, GET_DEVICE_STATUS, F(STATUS, ALL | VMSG_STATUS_DEVICE_NEEDS_RESET));
    REQ(1, SET_DEVICE_STATUS, F(STATUS, 0));
    return RESP(1, SET_DEVICE_STATUS, F(STATUS, 0));
}
static uint64_t f_notify_data_zero(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    static const uint8_t offer_nd[8] = {0, 0, 0, 0, 0x41, 0, 0, 0}; /* VERSION_1 + NOTIFICATION_DATA, split ring */
    info(t, 1);
    REQ(1, GET_DEVICE_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 2));
    RESP(1, GET_DEVICE_FEATURES, F(BLOCK_INDEX, 0) F(NUM_BLOCKS, 2) B(FEATURES, offer_nd, 8));
    write_features(t, 1, offer_nd);
    status(t, 1, ST_A | ST_D | ST_F, ST_A | ST_D | ST_F);
    vq_read(t, 1, 0, 0);
    vq_set(t, 1, 0, 128);
    status(t, 1, ALL, ALL);
    return EVT(1, EVENT_AVAIL, F(INDEX, 0) F(NEXT_OFFSET, 0));
}
static uint64_t f_config_same_gen(struct trace *t, struct vmsg_check_opts *o)
{
    (void)o;
    static const uint8_t changed[2] = {0x14, 0x15};
    init_full(t, 1, 3);
    return EVT(1, EVENT_CONFIG, F(STATUS, ALL) F(GENERATION, 3) F(OFFSET, 2) F(LENGTH, 2) B(DATA, changed, 2));
}
static uint64_t f_nr_unannounced_end(struct trace *t, struct vmsg_check_opts *o)
{
    o->complete = true;
    init_full(t, 1, 1);
    REQ(1, GET_DEVICE_STATUS, );
    RESP(1, GET_DEVICE_STATUS, F(STATUS, ALL | VMSG_STATUS_DEVICE_NEEDS_RESET));
    return 0;
}

#define FAIL_ VMSG_CHECK_FAIL
#define WARN_ VMSG_CHECK_WARN
#define INFO_ VMSG_CHECK_INFO
static const struct fault faults[] = {
    {"check.malformed", "driver.header.2", FAIL_, f_malformed, NULL},
    {"check.malformed-device", "device.header.2", FAIL_, f_malformed_dev, NULL},
    {"check.malformed-bus", "bus.bus-messages.1", WARN_, f_malformed_bus, NULL},
    {"check.truncated", "driver.header.2", FAIL_, f_truncated, NULL},
    {"check.truncated-device", "device.header.2", FAIL_, f_truncated_dev, NULL},
    {"check.truncated-bus", "bus.bus-messages.1", WARN_, f_truncated_bus, NULL},
    {"check.discard-device", "device.errors.1", FAIL_, f_discard_dev, "check.malformed"},
    {"check.discard-bus", "bus.errors.2", FAIL_, f_discard_bus, "check.malformed-bus"},
    {"check.resp-to-event", "bus.errors.3", FAIL_, f_resp_event, NULL},
    {"check.resp-order", "bus.ordering.1", FAIL_, f_resp_order, NULL},
    {"check.resp-unmatched", "bus.ordering.2", FAIL_, f_resp_unmatched, NULL},
    {"check.unanswered", "bus.ordering.2", FAIL_, f_unanswered, NULL},
    {"check.track-overflow", "bus.ordering.2", INFO_, f_overflow, NULL},
    {"check.msg-size-max", "driver.limits.1", FAIL_, f_msg_size_drv, NULL},
    {"check.msg-size-max-device", "device.limits.1", FAIL_, f_msg_size_dev, NULL},
    {"check.msg-size-max-bus", "bus.advertise.2", FAIL_, f_msg_size_bus, NULL},
    {"check.init-info-first", "driver.init-order.1", FAIL_, f_info_first, NULL},
    {"check.config-info-first", "driver.device-info.1", FAIL_, f_config_info_first, NULL},
    {"check.features-unread", "driver.features.1", FAIL_, f_features_unread, NULL},
    {"check.features-unread", "driver.features.1", FAIL_, f_fok_unwritten, NULL},
    {"check.features-not-offered", "driver.set-features.1", FAIL_, f_not_offered, NULL},
    {"check.vq-before-features-ok", "driver.init-order.2", FAIL_, f_vq_before_fok, NULL},
    {"check.vq-unconfirmed", "driver.init-order.3", FAIL_, f_vq_unconfirmed, NULL},
    {"check.vq-unconfigured", "driver.finalize.3", FAIL_, f_vq_unconfigured, NULL},
    {"check.io-before-driver-ok", "driver.init-order.4", FAIL_, f_io_before_dok, NULL},
    {"check.io-before-driver-ok-ack", "driver.finalize.2", FAIL_, f_io_before_dok_ack, NULL},
    {"check.driver-ok-early", "driver.finalize.1", FAIL_, f_driver_ok_early, NULL},
    {"check.features-ok-refused", "driver.features.2", FAIL_, f_fok_refused_dok, NULL},
    {"check.features-ok-refused", "driver.features.2", FAIL_, f_fok_refused_vq, NULL},
    {"check.set-vqueue-unread", "driver.vq-setup.1", FAIL_, f_set_vq_unread, NULL},
    {"check.set-vqueue-size", "driver.set-vqueue.1", FAIL_, f_set_vq_size, NULL},
    {"check.set-vqueue-addr", "driver.vq-setup.2", FAIL_, f_set_vq_addr, NULL},
    {"check.reset-vqueue-unnegotiated", "driver.reset-vqueue.1", WARN_, f_reset_vq_unneg, NULL},
    {"check.event-avail-next", "driver.event-avail.1", FAIL_, f_avail_next, NULL},
    {"check.event-avail-index", "driver.notify.2", FAIL_, f_avail_index, NULL},
    {"check.set-config-gen", "driver.config-gen.1", FAIL_, f_set_config_gen, NULL},
    {"check.set-config-range", "driver.set-config.1", FAIL_, f_set_config_range, NULL},
    {"check.get-config-range", "driver.get-config.1", FAIL_, f_get_config_range, NULL},
    {"check.after-removed", "driver.device-removed.1", FAIL_, f_after_removed, NULL},
    {"check.set-config-stale", "device.set-config.1", FAIL_, f_set_config_stale, NULL},
    {"check.get-config-gen", "device.get-config.1", FAIL_, f_get_config_gen, NULL},
    {"check.event-config-gen", "device.event-config.1", FAIL_, f_event_config_gen, NULL},
    {"check.event-config-unique", "device.config-gen.1", FAIL_, f_event_config_unique, NULL},
    {"check.feature-blocks-zero", "device.feature-blocks.1", FAIL_, f_feature_blocks, NULL},
    {"check.resp-echo", "device.mandatory.1", FAIL_, f_resp_echo, NULL},
    {"check.resp-echo", "device.mandatory.1", FAIL_, f_resp_echo_block, NULL},
    {"check.info-changed", "device.get-device-info.1", FAIL_, f_info_changed, NULL},
    {"check.reset-status", "device.status.1", FAIL_, f_reset_status, NULL},
    {"check.status-extra-bits", "device.set-status.1", FAIL_, f_status_extra, NULL},
    {"check.status-inconsistent", "device.get-status.1", FAIL_, f_status_inconsistent, NULL},
    {"check.event-status-inconsistent", "device.event-config.1", FAIL_, f_event_status, NULL},
    {"check.get-vqueue-unconfigured", "device.get-vqueue.1", FAIL_, f_vq_size_unconfigured, NULL},
    {"check.get-vqueue-after-reset", "device.status.1", FAIL_, f_vq_size_after_reset, NULL},
    {"check.get-vqueue-after-reset", "device.status.1", FAIL_, f_vq_size_after_two_resets, NULL},
    {"check.get-vqueue-params", "device.vq-setup.1", FAIL_, f_vq_params, NULL},
    {"check.get-shm-changed", "device.get-shm.1", FAIL_, f_shm_changed, NULL},
    {"check.used-before-driver-ok", "device.finalize.1", FAIL_, f_used_before_dok, NULL},
    {"check.used-unconfigured", "device.finalize.2", FAIL_, f_used_unconfigured, NULL},
    {"check.ping-echo", "bus.ping.1", FAIL_, f_ping_echo, NULL},
    {"check.get-devices-window", "bus.get-devices.3", FAIL_, f_get_devices_window, NULL},
    {"check.resp-dev-num", "device.header.3", FAIL_, f_resp_dev_num, NULL},
    {"check.vq-reprogram", "driver.vq-setup.3", WARN_, f_vq_reprogram, NULL},
    {"check.config-change-unannounced", "device.config-change.1", FAIL_, f_config_unannounced, NULL},
    {"check.config-change-unannounced", "device.config-change.1", FAIL_, f_config_unannounced_set, NULL},
    {"check.get-vqueue-params", "device.vq-setup.1", FAIL_, f_vq_params_addr, NULL},
    {"check.vqueue-index", "driver.get-device-info.1", WARN_, f_vq_index, NULL},
    {"check.status-byte-order", "driver.endian.1", FAIL_, f_status_byte_order, NULL},
    {"check.status-undefined", "driver.status.2", FAIL_, f_status_undefined, NULL},
    {"check.reinit-without-reset", "driver.status.2", FAIL_, f_reinit_no_reset, NULL},
    {"check.io-before-refresh", "driver.dev-notify.1", WARN_, f_io_before_refresh, NULL},
    {"check.io-after-needs-reset", "driver.reset.2", WARN_, f_io_after_needs_reset, NULL},
    {"check.set-config-retry-unread", "driver.config-gen.2", WARN_, f_retry_unread, NULL},
    {"check.resp-to-event-device", "device.errors.1", FAIL_, f_resp_event_dev, NULL},
    {"check.info-unanswered", "device.get-device-info.1", FAIL_, f_info_unanswered, NULL},
    {"check.unanswered", "bus.ordering.2", FAIL_, f_info_no_device, NULL},
    {"check.set-config-stale-unanswered", "device.set-config.1", FAIL_, f_set_config_silent, NULL},
    {"check.get-vqueue-late", "device.vq-change.1", FAIL_, f_vq_late, NULL},
    {"check.get-vqueue-reconfig", "device.vq-setup.2", FAIL_, f_vq_reconfig, NULL},
    {"check.reset-vqueue-kept", "device.reset-vqueue.1", FAIL_, f_reset_vq_kept, NULL},
    {"check.status-inconsistent", "device.get-status.1", FAIL_, f_nr_hidden, NULL},
    {"check.needs-reset-unannounced", "device.notify.1", FAIL_, f_nr_unannounced, NULL},
    {"check.needs-reset-unannounced", "device.notify.1", FAIL_, f_nr_unannounced_end, NULL},
    {"check.notification-data-zero", "driver.notify.3", FAIL_, f_notify_data_zero, NULL},
    {"check.config-changed-same-generation", "device.config-gen.1", FAIL_, f_config_same_gen, NULL},
    {"wire.type-reserved", "driver.header.1", FAIL_, f_codec, NULL},
};
#define NFAULTS (sizeof faults / sizeof faults[0])

static void check_fault(void **state)
{
    const struct fault *ft = *state;
    struct trace *t = new_trace();
    struct vmsg_check_opts o;
    vmsg_check_opts_init(&o);
    uint64_t frame = ft->build(t, &o);
    struct found fd;
    for (int unknown = 0; unknown < 2; unknown++) {
        tr_run(t, &o, unknown, &fd);
        size_t want = ft->with ? 2 : 1, at = want - 1;
        if (fd.n != want || strcmp(fd.f[at].rule, ft->rule) != 0 || fd.f[at].frame != frame) {
            fprintf(stderr, "%s: expected exactly one finding at frame %llu (direction %s), got:\n", ft->rule,
                    (unsigned long long)frame, unknown ? "unknown" : "known");
            tr_print(&fd);
        }
        assert_int_equal(fd.n, want);
        if (ft->with)
            assert_string_equal(fd.f[0].rule, ft->with);
        assert_string_equal(fd.f[at].rule, ft->rule);
        assert_string_equal(fd.f[at].clause, ft->clause);
        assert_int_equal(fd.f[at].frame, frame);
        assert_int_equal(fd.f[at].verdict, ft->verdict);
        assert_true(fd.f[at].message[0] != 0);
    }
    free(t);
}

/* Every rule of the table has a faulty trace above. */
static void check_every_rule_fires(void **state)
{
    (void)state;
    size_t n;
    const struct vmsg_check_rule *r = vmsg_check_rules(&n);
    assert_true(n > 40);
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t k = 0; k < NFAULTS; k++)
            seen |= strcmp(faults[k].rule, r[i].id) == 0 && strcmp(faults[k].clause, r[i].clause) == 0;
        if (!seen)
            fprintf(stderr, "rule %s (%s) has no faulty trace\n", r[i].id, r[i].clause);
        assert_true(seen);
    }
}

/* The message example of the brief, value for value. */
static void check_message_text(void **state)
{
    (void)state;
    struct trace *t = new_trace();
    struct vmsg_check_opts o;
    vmsg_check_opts_init(&o);
    uint64_t f = f_set_config_stale(t, &o);
    struct found fd;
    tr_run(t, &o, false, &fd);
    assert_int_equal(fd.n, 1);
    char line[300];
    vmsg_finding_format(&fd.f[0], line, sizeof line);
    char want[200];
    snprintf(want, sizeof want, "frame %llu: device.set-config.1: length: expected 0 (stale generation 4, current 5), got 8",
             (unsigned long long)f);
    assert_string_equal(line, want);
    free(t);
}

/* Role filter and strictness. */
static void check_role_and_strict(void **state)
{
    (void)state;
    struct trace *t = new_trace();
    struct vmsg_check_opts o;
    vmsg_check_opts_init(&o);
    f_reset_vq_unneg(t, &o);
    struct found fd;
    o.role = VMSG_CHECK_ROLE_DEVICE;
    tr_run(t, &o, false, &fd);
    assert_int_equal(fd.n, 0);
    o.role = VMSG_CHECK_ROLE_DRIVER;
    o.strict = true;
    tr_run(t, &o, false, &fd);
    assert_int_equal(fd.n, 1);
    assert_int_equal(fd.f[0].verdict, VMSG_CHECK_FAIL);
    assert_int_equal(fd.f[0].level, VMSG_CHECK_SHOULD);
    free(t);
}

/* v0: header rules only; the same traffic judged as v1 semantics is not. */
static void check_v0_header_only(void **state)
{
    (void)state;
    struct trace *t = new_trace();
    t->profile = VMSG_PROFILE_V0;
    uint8_t b[40] = {0x01, 0x03, 1, 0}; /* an answer with no request: not judged in v0 */
    tr_raw(t, VMSG_DIR_DEV_TO_DRV, b, 40);
    expect_clean(t, NULL);
    b[0] |= 0x10; /* reserved type bit: a header rule */
    tr_raw(t, VMSG_DIR_DEV_TO_DRV, b, 40);
    struct found fd;
    tr_run(t, NULL, false, &fd);
    assert_int_equal(fd.n, 1);
    assert_string_equal(fd.f[0].rule, "wire.type-reserved");
    assert_int_equal(fd.f[0].frame, 2);
    free(t);
}

/* Bounded device table: past the cap one INFO, no crash. */
static void check_device_cap(void **state)
{
    (void)state;
    struct trace *t = new_trace();
    for (uint16_t d = 1; d <= 5; d++)
        info(t, d);
    struct vmsg_check_opts o;
    vmsg_check_opts_init(&o);
    o.max_devices = 3;
    struct found fd;
    tr_run(t, &o, false, &fd);
    assert_int_equal(fd.n, 1);
    assert_string_equal(fd.f[0].rule, "check.track-overflow");
    assert_int_equal(fd.f[0].verdict, VMSG_CHECK_INFO);
    assert_int_equal(fd.f[0].frame, 7);
    free(t);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(check_clean_full_session),
        cmocka_unit_test(check_clean_variants),
        cmocka_unit_test(check_clean_status_queue_config_variants),
        cmocka_unit_test(check_clean_notification_data),
        cmocka_unit_test(check_clean_mid_session),
        cmocka_unit_test(check_every_rule_fires),
        cmocka_unit_test(check_message_text),
        cmocka_unit_test(check_role_and_strict),
        cmocka_unit_test(check_v0_header_only),
        cmocka_unit_test(check_device_cap),
        cmocka_unit_test(check_mutated_frames_are_safe),
    };
    size_t nf = sizeof fixed / sizeof fixed[0];
    struct CMUnitTest *all = calloc(nf + NFAULTS, sizeof *all);
    static char names[NFAULTS][80];
    memcpy(all, fixed, sizeof fixed);
    for (size_t i = 0; i < NFAULTS; i++) {
        snprintf(names[i], sizeof names[i], "fault %s (%s)", faults[i].rule, faults[i].clause);
        all[nf + i].name = names[i];
        all[nf + i].test_func = check_fault;
        all[nf + i].initial_state = (void *)&faults[i];
    }
    int rc = _cmocka_run_group_tests("check_rules", all, nf + NFAULTS, NULL, NULL);
    free(all);
    return rc;
}
