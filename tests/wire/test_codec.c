/* Codec unit tests beyond the golden vectors: encoder edge cases, stream
 * framing, the cursor at every boundary, hex parsing, names and lookups, and
 * the text / JSON renderings (JSON checked by parsing it with jansson). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/cursor.h>
#include <vmsg/hexparse.h>
#include <vmsg/hook.h>
#include <vmsg/wire.h>

/* Decode hex text (must parse) in PROFILE. */
static enum vmsg_outcome dec(unsigned profile, unsigned binding, const char *hex, uint8_t *buf, struct vmsg_msg *m,
                             struct vmsg_diag *d)
{
    size_t len;
    char err[80];
    assert_true(vmsg_hex_parse(hex, buf, 512, &len, err, sizeof err));
    return vmsg_decode(profile, binding, buf, len, m, d);
}

/* Run FN(out, arg) into a string the caller frees. */
static char *capture_fields(const struct vmsg_msg *m)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    assert_non_null(f);
    vmsg_print_fields(f, m, 2);
    fclose(f);
    return s;
}

static char *capture_json(const struct vmsg_msg *m, const struct vmsg_diag *d)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    assert_non_null(f);
    vmsg_print_json(f, m, d);
    fclose(f);
    return s;
}

static char *capture_diag(const char *where, const struct vmsg_diag *d)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    assert_non_null(f);
    vmsg_print_diag(f, where, d);
    fclose(f);
    return s;
}

/* ---------------------------------------------------------------- encoder */

static void encode_cap_too_small(void **state)
{
    (void)state;
    struct vmsg_msg m;
    uint8_t buf[64];
    assert_true(vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, VMSG_M_GET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 1));
    assert_true(vmsg_set(&m, VMSG_FLD_OFFSET, 0));
    assert_true(vmsg_set(&m, VMSG_FLD_LENGTH, 4));
    assert_int_equal(vmsg_encoded_len(&m), 16);
    assert_int_equal(vmsg_encode(&m, buf, 15), 0);
    assert_int_equal(vmsg_encode(&m, buf, 0), 0);
    assert_int_equal(vmsg_encode(&m, buf, 16), 16);
    assert_int_equal(m.msg_size, 16);
    assert_int_equal(m.frame_len, 16);
}

static void encode_msg_size_override(void **state)
{
    (void)state;
    struct vmsg_msg m, d;
    struct vmsg_diag dg;
    uint8_t buf[64];
    assert_true(vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, VMSG_M_PING, VMSG_CLASS_BUS, VMSG_KIND_REQUEST, 0));
    assert_true(vmsg_set(&m, VMSG_FLD_DATA, 0xcafe));
    m.msg_size_override = true;
    m.msg_size = 100;
    assert_int_equal(vmsg_encode(&m, buf, sizeof buf), 12);
    assert_int_equal(buf[6], 100);
    assert_int_equal(buf[7], 0);
    assert_int_equal(vmsg_decode(VMSG_PROFILE_V1, 0, buf, 12, &d, &dg), VMSG_TRUNCATED);
    assert_non_null(strstr(dg.problem, "100"));
    /* the same message without the override gets its real size */
    m.msg_size_override = false;
    assert_int_equal(vmsg_encode(&m, buf, sizeof buf), 12);
    assert_int_equal(buf[6], 12);
    assert_int_equal(vmsg_decode(VMSG_PROFILE_V1, 0, buf, 12, &d, &dg), VMSG_OK);
    assert_int_equal(vmsg_get(&d, VMSG_FLD_DATA), 0xcafe);
}

static void encode_v0_fixed_size(void **state)
{
    (void)state;
    struct vmsg_msg m, d;
    uint8_t buf[64];
    memset(buf, 0xff, sizeof buf);
    assert_true(vmsg_msg_init(&m, VMSG_PROFILE_V0, 0, VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT,
                              VMSG_KIND_REQUEST, 2));
    assert_int_equal(vmsg_encoded_len(&m), 40);
    assert_int_equal(vmsg_encode(&m, buf, 39), 0);
    assert_int_equal(vmsg_encode(&m, buf, sizeof buf), 40);
    assert_int_equal(m.msg_size, 40);
    for (unsigned i = 4; i < 40; i++)
        assert_int_equal(buf[i], 0); /* unused bytes zeroed */
    assert_int_equal(buf[40], 0xff); /* nothing written past the frame */
    assert_int_equal(vmsg_decode(VMSG_PROFILE_V0, 0, buf, 40, &d, NULL), VMSG_OK);
    assert_int_equal(d.frame_len, 40);
    assert_int_equal(d.dev_num, 2);
    /* a v0 message that has no layout in v1 and vice versa */
    assert_false(vmsg_msg_init(&m, VMSG_PROFILE_V0, 0, VMSG_M_GET_DEVICES, VMSG_CLASS_BUS, VMSG_KIND_REQUEST, 0));
    assert_false(vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, VMSG_M_CONNECT, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 0));
    assert_false(vmsg_msg_init(&m, 99, 0, VMSG_M_PING, VMSG_CLASS_BUS, VMSG_KIND_REQUEST, 0));
}

static void encode_setters_check_types(void **state)
{
    (void)state;
    struct vmsg_msg m;
    uint8_t data[4] = {1, 2, 3, 4};
    assert_true(vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, VMSG_M_SET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 1));
    assert_false(vmsg_set(&m, VMSG_FLD_DATA, 5));               /* bytes field */
    assert_false(vmsg_set_bytes(&m, VMSG_FLD_LENGTH, data, 4)); /* scalar field */
    assert_false(vmsg_set(&m, VMSG_FLD_STATUS, 1));             /* not in the layout */
    assert_false(vmsg_set_bytes(&m, VMSG_FLD_FEATURES, data, 4));
    assert_true(vmsg_set_bytes(&m, VMSG_FLD_DATA, data, 4));
    assert_true(vmsg_has(&m, VMSG_FLD_DATA));
    assert_true(vmsg_set_bytes(&m, VMSG_FLD_DATA, NULL, 0)); /* empty but present */
    assert_true(vmsg_has(&m, VMSG_FLD_DATA));
    assert_true(vmsg_set_bytes(&m, VMSG_FLD_DATA, NULL, 3)); /* no bytes: absent */
    assert_false(vmsg_has(&m, VMSG_FLD_DATA));
    struct vmsg_msg none;
    memset(&none, 0, sizeof none);
    assert_false(vmsg_set(&none, VMSG_FLD_DATA, 1));
    assert_false(vmsg_set_bytes(&none, VMSG_FLD_DATA, data, 1));
}

static void encode_size_limits(void **state)
{
    (void)state;
    static uint8_t big[70000], out[70100];
    struct vmsg_msg m;
    assert_true(vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, VMSG_M_SET_CONFIG, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, 1));
    assert_true(vmsg_set_bytes(&m, VMSG_FLD_DATA, big, sizeof big));
    assert_int_equal(vmsg_encoded_len(&m), 8 + 12 + sizeof big);
    assert_int_equal(vmsg_encode(&m, out, sizeof out), 0); /* msg_size cannot hold it */
    assert_true(vmsg_set_bytes(&m, VMSG_FLD_DATA, big, 65535 - 20));
    assert_int_equal(vmsg_encode(&m, out, sizeof out), 65535);
    m.profile = 99;
    assert_int_equal(vmsg_encoded_len(&m), 0);
    assert_int_equal(vmsg_encode(&m, out, sizeof out), 0);
}

static void encode_impl_defined_raw(void **state)
{
    (void)state;
    static const uint8_t pl[] = {9, 8, 7};
    struct vmsg_msg m, d;
    struct vmsg_diag dg;
    uint8_t buf[32];
    memset(&m, 0, sizeof m);
    m.profile = VMSG_PROFILE_RFC2;
    m.msg_id = 0x90;
    m.dev_num = 4;
    m.payload = pl;
    m.payload_len = sizeof pl;
    assert_int_equal(vmsg_encoded_len(&m), 9);
    assert_int_equal(vmsg_encode(&m, buf, sizeof buf), 9);
    assert_int_equal(vmsg_decode(VMSG_PROFILE_RFC2, 0, buf, 9, &d, &dg), VMSG_OK);
    assert_true(d.impl_defined);
    assert_null(d.def);
    assert_int_equal(d.kind, VMSG_KIND_REQUEST);
    assert_int_equal(d.payload_len, 3);
    assert_memory_equal(d.payload, pl, 3);
    assert_false(vmsg_has(&d, VMSG_FLD_DATA));
    assert_int_equal(vmsg_get(&d, VMSG_FLD_DATA), 0);
    uint32_t len = 99;
    assert_null(vmsg_get_bytes(&d, VMSG_FLD_DATA, &len));
    assert_int_equal(len, 0);
    assert_null(vmsg_get_bytes(&d, VMSG_FLD_DATA, NULL));
    assert_int_equal(vmsg_msg_sender(&d), VMSG_SENDER_ANY);
    char line[128];
    vmsg_summary(&d, line, sizeof line);
    assert_string_equal(line, "IMPL_0x90 req dev=4 len=3");
    char *f = capture_fields(&d);
    assert_non_null(strstr(f, "  msg_id: 0x90 (unknown)\n"));
    assert_non_null(strstr(f, "  payload: 09 08 07\n"));
    free(f);
    /* 0xc0+ is an event; bus class 0x80+ is sent by the bus */
    buf[1] = 0xc3;
    buf[0] = 2;
    assert_int_equal(vmsg_decode(VMSG_PROFILE_RFC2, 0, buf, 9, &d, &dg), VMSG_NONCONFORMANT); /* dev_num 4 */
    assert_int_equal(d.kind, VMSG_KIND_EVENT);
    assert_int_equal(vmsg_msg_sender(&d), VMSG_SENDER_BUS);
    assert_string_equal(dg.issues[0].rule, "wire.bus-dev-num");
}

/* ------------------------------------------------------------ framing */

static void frame_len_partial_headers(void **state)
{
    (void)state;
    const uint8_t v1[] = {0x00, 0x05, 0x01, 0x00, 0x07, 0x00, 0x10, 0x00};
    for (size_t n = 0; n < 8; n++)
        assert_int_equal(vmsg_frame_len(VMSG_PROFILE_V1, v1, n), 0);
    assert_int_equal(vmsg_frame_len(VMSG_PROFILE_V1, v1, 8), 16);
    const uint8_t rfc2[] = {0x00, 0x05, 0x01, 0x00, 0x0e, 0x00};
    for (size_t n = 0; n < 6; n++)
        assert_int_equal(vmsg_frame_len(VMSG_PROFILE_RFC2, rfc2, n), 0);
    assert_int_equal(vmsg_frame_len(VMSG_PROFILE_RFC2, rfc2, 6), 14);
    /* v0: every frame is 40 bytes, known without any byte */
    assert_int_equal(vmsg_frame_len(VMSG_PROFILE_V0, v1, 0), 40);
    /* a size below the header is returned as is, for the caller to reject */
    const uint8_t small[] = {0, 5, 0, 0, 0, 0, 3, 0};
    assert_int_equal(vmsg_frame_len(VMSG_PROFILE_V1, small, 8), 3);
    assert_int_equal(vmsg_frame_len(99, v1, 8), 0);
}

static void decode_bad_profile_binding(void **state)
{
    (void)state;
    uint8_t b[16] = {0};
    struct vmsg_msg m;
    struct vmsg_diag d;
    assert_int_equal(vmsg_decode(99, 0, b, 16, &m, &d), VMSG_MALFORMED);
    assert_non_null(strstr(d.problem, "profile"));
    assert_int_equal(vmsg_decode(VMSG_PROFILE_V1, VMSG_BINDING_COUNT, b, 16, &m, &d), VMSG_MALFORMED);
    assert_non_null(strstr(d.problem, "binding"));
    assert_int_equal(vmsg_decode(VMSG_PROFILE_V1, 0, b, 3, &m, NULL), VMSG_TRUNCATED);
}

/* Every header and field rule at once: eight issues, all kept. */
static void decode_many_issues(void **state)
{
    (void)state;
    struct vmsg_msg m;
    struct vmsg_diag d;
    uint8_t b[512];
    /* GET_DEVICES resp, reserved type bits, dev_num 5, offset 1, count 9, next 3,
     * 2 bitmap bytes + 2 extra bytes in msg_size, then non-zero padding */
    assert_int_equal(dec(VMSG_PROFILE_V1, 0, "ff02 0500 0100 1200 0100 0900 0300 ffff 0000 01", b, &m, &d),
                     VMSG_NONCONFORMANT);
    assert_int_equal(d.nissues, 8);
    assert_int_equal(d.dropped, 0);
    char *s = capture_diag("frame 3", &d);
    assert_non_null(strstr(s, "frame 3: bus.get-devices.2: next_offset: expected 0 or >= offset+count (10), got 3\n"));
    assert_non_null(strstr(s, "frame 3: bus.header.1: dev_num: bus message: expected 0, got 5\n"));
    free(s);
    /* the diagnostics printer reports issues beyond the array */
    d.dropped = 2;
    s = capture_diag("frame 3", &d);
    assert_non_null(strstr(s, "frame 3: 2 more issue(s) not shown\n"));
    free(s);
}

static void sender_roles(void **state)
{
    (void)state;
    struct vmsg_msg m;
    assert_true(vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, VMSG_M_GET_CONFIG, 0, VMSG_KIND_REQUEST, 1));
    assert_int_equal(vmsg_msg_sender(&m), VMSG_SENDER_DRIVER);
    assert_true(vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, VMSG_M_GET_CONFIG, 0, VMSG_KIND_RESPONSE, 1));
    assert_int_equal(vmsg_msg_sender(&m), VMSG_SENDER_DEVICE);
    assert_true(vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, VMSG_M_EVENT_USED, 0, VMSG_KIND_EVENT, 1));
    assert_int_equal(vmsg_msg_sender(&m), VMSG_SENDER_DEVICE);
    assert_true(vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, VMSG_M_GET_DEVICES, 1, VMSG_KIND_RESPONSE, 0));
    assert_int_equal(vmsg_msg_sender(&m), VMSG_SENDER_BUS);
    assert_true(vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, VMSG_M_PING, 1, VMSG_KIND_RESPONSE, 0));
    assert_int_equal(vmsg_msg_sender(&m), VMSG_SENDER_BUS);
    assert_true(vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, VMSG_M_EVENT_DEVICE, 1, VMSG_KIND_EVENT, 0));
    assert_int_equal(vmsg_msg_sender(&m), VMSG_SENDER_BUS);
    /* FF-A B: AREA_RELEASE is a device request; its response comes from the driver */
    assert_true(vmsg_msg_init(&m, VMSG_PROFILE_V1, VMSG_BINDING_FFA_B, VMSG_M_FFA_AREA_RELEASE, 1,
                              VMSG_KIND_RESPONSE, 0));
    assert_int_equal(vmsg_msg_sender(&m), VMSG_SENDER_DRIVER);
    m.def = NULL;
    m.cls = VMSG_CLASS_TRANSPORT;
    assert_int_equal(vmsg_msg_sender(&m), VMSG_SENDER_ANY);
}

/* ------------------------------------------------------------- cursor */

static void cursor_boundaries(void **state)
{
    (void)state;
    const uint8_t b[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
    struct vmsg_cur c = vmsg_cur_make(b, 8);
    assert_int_equal(vmsg_cur_left(&c), 8);
    assert_int_equal(vmsg_cur_le64(&c), 0x0807060504030201ull);
    assert_int_equal(vmsg_cur_left(&c), 0);
    assert_false(c.bad);
    assert_non_null(vmsg_cur_take(&c, 0)); /* zero bytes at the end: fine */
    assert_int_equal(vmsg_cur_u8(&c), 0);  /* one past: fails */
    assert_true(c.bad);
    assert_null(vmsg_cur_take(&c, 0)); /* once bad, stays bad */

    for (size_t n = 0; n <= 8; n++) { /* every width at every end position */
        static const unsigned widths[] = {1, 2, 3, 4, 8};
        for (unsigned w = 0; w < 5; w++) {
            c = vmsg_cur_make(b, 8);
            assert_true(vmsg_cur_seek(&c, n));
            uint64_t v = 0;
            switch (widths[w]) {
            case 1: v = vmsg_cur_u8(&c); break;
            case 2: v = vmsg_cur_le16(&c); break;
            case 3: v = vmsg_cur_le24(&c); break;
            case 4: v = vmsg_cur_le32(&c); break;
            default: v = vmsg_cur_le64(&c); break;
            }
            bool fits = n + widths[w] <= 8;
            assert_int_equal(c.bad, !fits);
            if (!fits) {
                assert_int_equal(v, 0);
                assert_int_equal(c.pos, n); /* a failed read does not move */
            } else {
                assert_int_equal(v & 0xff, b[n]);
                assert_int_equal(c.pos, n + widths[w]);
            }
        }
    }
    c = vmsg_cur_make(b, 8);
    assert_int_equal(vmsg_cur_le24(&c), 0x030201);
    assert_int_equal(vmsg_cur_be16(&c), 0x0405);
    assert_int_equal(vmsg_cur_le16(&c), 0x0706);
    assert_int_equal(vmsg_cur_be16(&c), 0);
    assert_true(c.bad);
    c = vmsg_cur_make(b, 8);
    assert_int_equal(vmsg_cur_be32(&c), 0x01020304);
    assert_int_equal(vmsg_cur_be32(&c), 0x05060708);
    assert_int_equal(vmsg_cur_be32(&c), 0);
    assert_true(c.bad);
    c = vmsg_cur_make(b, 8);
    assert_true(vmsg_cur_seek(&c, 8));
    assert_false(vmsg_cur_seek(&c, 9));
    assert_true(c.bad);
    c = vmsg_cur_make(NULL, 0);
    assert_int_equal(vmsg_cur_left(&c), 0);
    assert_null(vmsg_cur_take(&c, 1));
    uint8_t out[3];
    vmsg_put_le(out, 0xabcdef, 3);
    assert_int_equal(out[0], 0xef);
    assert_int_equal(out[2], 0xab);
}

/* ------------------------------------------------------------ hexparse */

static void hexparse_forms(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t len;
        const char *bytes;
    } ok[] = {
        {"0005010007001000", 8, "\x00\x05\x01\x00\x07\x00\x10\x00"},
        {"00:05:01-00,07.00\t10 00", 8, "\x00\x05\x01\x00\x07\x00\x10\x00"},
        {"0x00 0x05 0X0a 0xFF", 4, "\x00\x05\x0a\xff"},
        {"0x0005", 2, "\x00\x05"},
        {"ab cd # a comment 12", 2, "\xab\xcd"},
        {"AbCd\r\n", 2, "\xab\xcd"},
        {"# only a comment", 0, ""},
        {"", 0, ""},
        {"12\n34", 1, "\x12"},
    };
    uint8_t out[16];
    size_t len;
    char err[80];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        err[0] = 0;
        assert_true(vmsg_hex_parse(ok[i].text, out, sizeof out, &len, err, sizeof err));
        assert_int_equal(len, ok[i].len);
        assert_memory_equal(out, ok[i].bytes, len);
    }
    static const struct {
        const char *text;
        const char *err;
    } bad[] = {
        {"012", "column 3: odd number of hex digits"},
        {"01 zz", "column 4: 'z' is not a hex digit"},
        {"01 0g", "column 4: odd number of hex digits"},
        {"01\x01", "column 3: '?' is not a hex digit"},
        {"00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01", "column 49: more than 16 bytes"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(vmsg_hex_parse(bad[i].text, out, sizeof out, &len, err, sizeof err));
        assert_string_equal(err, bad[i].err);
        assert_int_equal(len, 0);
    }
}

/* -------------------------------------------------------- names, lookups */

static void names_and_lookups(void **state)
{
    (void)state;
    assert_int_equal(vmsg_profile_by_name("v1"), VMSG_PROFILE_V1);
    assert_int_equal(vmsg_profile_by_name("v2-draft"), VMSG_PROFILE_V2_DRAFT);
    assert_int_equal(vmsg_profile_by_name("v3"), -1);
    assert_int_equal(vmsg_profile_by_name(NULL), -1);
    assert_int_equal(vmsg_binding_by_name("ffa-d"), VMSG_BINDING_FFA_D);
    assert_int_equal(vmsg_binding_by_name("ffa-z"), -1);
    assert_null(vmsg_profile(VMSG_PROFILE_COUNT));
    assert_string_equal(vmsg_kind_name(VMSG_KIND_EVENT), "event");
    assert_string_equal(vmsg_kind_name(3), "?");
    assert_string_equal(vmsg_class_name(VMSG_CLASS_BUS), "bus");
    assert_string_equal(vmsg_sender_name(VMSG_SENDER_BUS), "bus");
    assert_string_equal(vmsg_sender_name(4), "?");
    assert_string_equal(vmsg_outcome_name(VMSG_TRUNCATED), "truncated");
    assert_string_equal(vmsg_outcome_name((enum vmsg_outcome)7), "?");
    assert_string_equal(vmsg_enum_value_name(VMSG_ENUM_STATUS, VMSG_STATUS_DRIVER_OK), "DRIVER_OK");
    assert_null(vmsg_enum_value_name(VMSG_ENUM_STATUS, 0x3));
    assert_null(vmsg_enum_value_name(0, 1));
    assert_null(vmsg_enum_value_name(VMSG_ENUM__COUNT, 1));
    assert_null(vmsg_msgdef_lookup(VMSG_PROFILE_COUNT, 0, 0, false, 5));
    assert_null(vmsg_msgdef_lookup(VMSG_PROFILE_V1, 0, 2, false, 5));
    const struct vmsg_msgdef *d = vmsg_msgdef_lookup(VMSG_PROFILE_V1, 0, 0, false, 5);
    assert_non_null(d);
    assert_string_equal(d->name, "GET_CONFIG");
    assert_int_equal(vmsg_msgdef_min_payload(d), 8);
    assert_int_equal(vmsg_msgdef_field(d, VMSG_FLD_LENGTH), 1);
    assert_int_equal(vmsg_msgdef_field(d, VMSG_FLD_DATA), -1);
    /* a binding's layout wins in 0x80+ of the bus class only */
    d = vmsg_msgdef_lookup(VMSG_PROFILE_V1, VMSG_BINDING_FFA_D, 1, false, 0x86);
    assert_non_null(d);
    assert_string_equal(d->name, "FFA_FIFO_CONFIGURE");
    assert_null(vmsg_msgdef_lookup(VMSG_PROFILE_V1, VMSG_BINDING_FFA_D, 0, false, 0x86));
    assert_null(vmsg_msgdef_lookup(VMSG_PROFILE_V1, 0, 1, false, 0x86));
    assert_null(vmsg_msgdef_find(VMSG_PROFILE_COUNT, 0, VMSG_M_PING, 1, 0));
    size_t n;
    const struct vmsg_wire_rule *r = vmsg_wire_rules(&n);
    assert_true(n >= 10);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(r[i].id);
        assert_non_null(r[i].clause);
        assert_true(strlen(r[i].summary) > 10);
    }
}

/* ------------------------------------------------------------ renderings */

static void summary_lines(void **state)
{
    (void)state;
    struct vmsg_msg m;
    struct vmsg_diag d;
    uint8_t b[512];
    char line[200];
    assert_int_equal(dec(VMSG_PROFILE_V1, 0, "00:05:01:00:07:00:10:00:00:00:00:00:04:00:00:00", b, &m, &d), VMSG_OK);
    assert_int_equal(vmsg_summary(&m, line, sizeof line), strlen("GET_CONFIG req dev=1 tok=7 offset=0 length=4"));
    assert_string_equal(line, "GET_CONFIG req dev=1 tok=7 offset=0 length=4");
    /* cut to the buffer, always terminated */
    assert_true(vmsg_summary(&m, line, 11) <= 10);
    assert_string_equal(line, "GET_CONFIG");
    assert_int_equal(vmsg_summary(&m, line, 0), 0);
    assert_int_equal(dec(VMSG_PROFILE_V1, 0, "030200000100 1000 0000 1000 1000 2500", b, &m, &d), VMSG_OK);
    vmsg_summary(&m, line, sizeof line);
    assert_string_equal(line, "BUS GET_DEVICES resp dev=0 tok=1 offset=0 count=16 next_offset=16 bitmap[2]");
    /* hex fields; rfc2 has no token; mbz fields left out while zero */
    assert_int_equal(dec(VMSG_PROFILE_RFC2, 0, "02 03 0000 0a00 efbeadde", b, &m, &d), VMSG_OK);
    vmsg_summary(&m, line, sizeof line);
    assert_string_equal(line, "BUS PING req dev=0 data=0xdeadbeef");
    assert_int_equal(dec(VMSG_PROFILE_V1, 0,
                         "000a 0100 0200 3000 00000000 00000000 00010000 00000000 0010000000000000 "
                         "0020000000000000 0030000000000000",
                         b, &m, &d),
                     VMSG_OK);
    vmsg_summary(&m, line, sizeof line);
    assert_string_equal(line, "SET_VQUEUE req dev=1 tok=2 index=0 size=256 desc_addr=0x1000 driver_addr=0x2000 "
                              "device_addr=0x3000");
}

static void fields_listing(void **state)
{
    (void)state;
    struct vmsg_msg m;
    struct vmsg_diag d;
    uint8_t b[512];
    char *s;
    /* the spec's GET_DEVICES example: devices 0, 2 and 5 */
    assert_int_equal(dec(VMSG_PROFILE_V1, 0, "030200000100 1000 0000 1000 1000 2500", b, &m, &d), VMSG_OK);
    s = capture_fields(&m);
    assert_string_equal(s, "  type: 0x03 (bus resp)\n"
                           "  msg_id: 0x02 (GET_DEVICES)\n"
                           "  dev_num: 0\n"
                           "  token: 1\n"
                           "  msg_size: 16\n"
                           "  offset: 0\n"
                           "  count: 16\n"
                           "  next_offset: 16\n"
                           "  bitmap: [2] 25 00 (present: 0 2 5)\n");
    free(s);
    /* feature words named by bit number: block 1, bit 0 = feature 32 */
    assert_int_equal(dec(VMSG_PROFILE_V1, 0, "0103 0100 0000 1400 01000000 01000000 05000000", b, &m, &d), VMSG_OK);
    s = capture_fields(&m);
    assert_non_null(strstr(s, "  features: 0x00000005(VERSION_1)(RING_PACKED)\n"));
    free(s);
    /* status bits, bus_state value names, an absent optional part */
    assert_int_equal(dec(VMSG_PROFILE_V1, 0, "0108 0100 0000 0c00 0f000000", b, &m, &d), VMSG_OK);
    s = capture_fields(&m);
    assert_non_null(strstr(s, "  status: 15 (ACKNOWLEDGE|DRIVER|DRIVER_OK|FEATURES_OK)\n"));
    free(s);
    assert_int_equal(dec(VMSG_PROFILE_V1, 0, "0240 0000 0000 0c00 0300 0100", b, &m, &d), VMSG_OK);
    s = capture_fields(&m);
    assert_non_null(strstr(s, "  bus_state: 1 (READY)\n"));
    free(s);
    assert_int_equal(dec(VMSG_PROFILE_V1, 0, "0106 0100 0000 1400 00000000 00000000 04000000", b, &m, &d), VMSG_OK);
    s = capture_fields(&m);
    assert_non_null(strstr(s, "  data: (absent)\n"));
    free(s);
    /* reserved type bits are pointed out */
    assert_int_equal(dec(VMSG_PROFILE_V1, 0, "0407 0100 0000 0800", b, &m, &d), VMSG_NONCONFORMANT);
    s = capture_fields(&m);
    assert_non_null(strstr(s, "  type: 0x04 (transport req, reserved bits set)\n"));
    free(s);
}

static void fields_long_bytes_cut(void **state)
{
    (void)state;
    static uint8_t data[100];
    struct vmsg_msg m, d;
    uint8_t b[256];
    memset(data, 0xab, sizeof data);
    assert_true(vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, VMSG_M_SET_CONFIG, 0, VMSG_KIND_REQUEST, 1));
    vmsg_set(&m, VMSG_FLD_LENGTH, sizeof data);
    vmsg_set_bytes(&m, VMSG_FLD_DATA, data, sizeof data);
    size_t n = vmsg_encode(&m, b, sizeof b);
    assert_int_equal(vmsg_decode(VMSG_PROFILE_V1, 0, b, n, &d, NULL), VMSG_OK);
    char *s = capture_fields(&d);
    assert_non_null(strstr(s, "  data: [100] ab ab"));
    assert_non_null(strstr(s, " ab ...\n"));
    free(s);
}

static json_t *parse_json(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, JSON_REJECT_DUPLICATES, &e);
    if (!j)
        fprintf(stderr, "json: column %d: %s\n  %s\n", e.column, e.text, s);
    assert_non_null(j);
    return j;
}

static void json_output(void **state)
{
    (void)state;
    struct vmsg_msg m;
    struct vmsg_diag d;
    uint8_t b[512];
    char *s;
    json_t *j;
    /* valid: header, fields, value names, hex bytes */
    assert_int_equal(dec(VMSG_PROFILE_V1, 0, "030200000100 1000 0000 1000 1000 2500", b, &m, &d), VMSG_OK);
    s = capture_json(&m, &d);
    j = parse_json(s);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "GET_DEVICES");
    assert_string_equal(json_string_value(json_object_get(j, "class")), "bus");
    assert_string_equal(json_string_value(json_object_get(j, "kind")), "resp");
    assert_int_equal(json_integer_value(json_object_get(j, "msg_size")), 16);
    assert_int_equal(json_integer_value(json_object_get(j, "token")), 1);
    json_t *f = json_object_get(j, "fields");
    assert_int_equal(json_integer_value(json_object_get(f, "next_offset")), 16);
    assert_string_equal(json_string_value(json_object_get(f, "bitmap")), "2500");
    assert_string_equal(json_string_value(json_object_get(j, "outcome")), "ok");
    assert_int_equal(json_array_size(json_object_get(j, "issues")), 0);
    json_decref(j);
    free(s);
    /* non-conformant: the issue with rule, clause, field, message */
    assert_int_equal(dec(VMSG_PROFILE_V1, 0, "0108 0100 0000 0c00 0f000000 5a", b, &m, &d), VMSG_NONCONFORMANT);
    s = capture_json(&m, &d);
    j = parse_json(s);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "fields"), "status_name")),
                        "ACKNOWLEDGE|DRIVER|DRIVER_OK|FEATURES_OK");
    json_t *is = json_array_get(json_object_get(j, "issues"), 0);
    assert_string_equal(json_string_value(json_object_get(is, "rule")), "wire.padding");
    assert_string_equal(json_string_value(json_object_get(is, "clause")), "device.header.4");
    assert_string_equal(json_string_value(json_object_get(is, "field")), "padding");
    json_decref(j);
    free(s);
    /* malformed: outcome and problem only */
    assert_int_equal(dec(VMSG_PROFILE_V1, 0, "0001 0100 0000 0800", b, &m, &d), VMSG_MALFORMED);
    s = capture_json(&m, &d);
    j = parse_json(s);
    assert_string_equal(json_string_value(json_object_get(j, "outcome")), "malformed");
    assert_non_null(strstr(json_string_value(json_object_get(j, "problem")), "0x01"));
    assert_null(json_object_get(j, "fields"));
    json_decref(j);
    free(s);
    /* implementation-defined: raw payload; no diag: no outcome */
    assert_int_equal(dec(VMSG_PROFILE_V0, 0, "0001 0200 " "00000000000000000000000000000000000000000000000000000000000000000000000a",
                         b, &m, &d), VMSG_NONCONFORMANT); /* v0 CONNECT with a non-zero unused byte */
    assert_int_equal(dec(VMSG_PROFILE_V1, 0, "0090 0100 0000 0a00 beef", b, &m, &d), VMSG_OK);
    s = capture_json(&m, NULL);
    j = parse_json(s);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "IMPL_0x90");
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "fields"), "payload")), "beef");
    assert_null(json_object_get(j, "outcome"));
    json_decref(j);
    free(s);
    /* every valid layout renders as JSON that parses */
    for (unsigned i = 0; i < VMSG_MSGDEF_COUNT; i++) {
        const struct vmsg_msgdef *md = &vmsg_msgdefs[i];
        unsigned p = md->binding ? VMSG_PROFILE_V1 : (unsigned)__builtin_ctz(md->profiles);
        struct vmsg_msg e, x;
        assert_true(vmsg_msg_init(&e, p, md->binding, md->mname, md->cls, md->kind, 0));
        size_t n = vmsg_encode(&e, b, sizeof b);
        assert_true(n > 0);
        vmsg_decode(p, md->binding, b, n, &x, &d);
        s = capture_json(&x, &d);
        j = parse_json(s);
        json_decref(j);
        free(s);
    }
}

static void diag_lines(void **state)
{
    (void)state;
    struct vmsg_msg m;
    struct vmsg_diag d;
    uint8_t b[512];
    char *s;
    assert_int_equal(dec(VMSG_PROFILE_V1, 0, "0005 0100 0700 1000 0000", b, &m, &d), VMSG_TRUNCATED);
    s = capture_diag("<stdin>:4", &d);
    assert_string_equal(s, "<stdin>:4: truncated: msg_size: message says 16 bytes, only 10 captured\n");
    free(s);
    assert_int_equal(dec(VMSG_PROFILE_V1, 0, "000a 0100 0200 3000 00000000 07000000 00010000 00000000 "
                                             "0010000000000000 0020000000000000 0030000000000000",
                         b, &m, &d),
                     VMSG_NONCONFORMANT);
    s = capture_diag("argument 1", &d);
    assert_string_equal(s, "argument 1: common.reserved-zero.1: reserved0: expected 0, got 0x7\n");
    free(s);
    d.issues[0].field = NULL;
    s = capture_diag("x", &d);
    assert_string_equal(s, "x: common.reserved-zero.1: -: expected 0, got 0x7\n");
    free(s);
}

/* The harness test hook (vmsg/hook.h): every action round-trips as request
 * and response, with the layout the header documents; other messages and
 * v0 are refused. */
static void hook_round_trip(void **state)
{
    (void)state;
    uint8_t b[64];
    struct vmsg_msg m;
    for (uint32_t a = VMSG_HOOK_CONFIG_CHANGE; a <= VMSG_HOOK_ADD_BUFFER; a++) {
        struct vmsg_hook h = {a, 7, 9, 0}, got;
        size_t n = vmsg_hook_encode(VMSG_PROFILE_V1, false, 3, 0x4b01, &h, b, sizeof b);
        assert_int_equal(n, 8 + 16);
        assert_int_equal(b[1], VMSG_HOOK_MSG_ID);
        assert_int_equal(vmsg_decode(VMSG_PROFILE_V1, 0, b, n, &m, NULL), VMSG_OK);
        assert_int_equal(m.kind, VMSG_KIND_REQUEST);
        assert_true(vmsg_hook_parse(&m, &got));
        assert_int_equal(got.action, a);
        assert_int_equal(got.arg0, 7);
        assert_int_equal(got.arg1, 9);
        assert_non_null(vmsg_hook_action_name(a));
        h.result = VMSG_HOOK_NOT_NOW;
        n = vmsg_hook_encode(VMSG_PROFILE_V1, true, 3, 0x4b01, &h, b, sizeof b);
        assert_int_equal(n, 8 + 12);
        assert_int_equal(vmsg_decode(VMSG_PROFILE_V1, 0, b, n, &m, NULL), VMSG_OK);
        assert_int_equal(m.kind, VMSG_KIND_RESPONSE);
        assert_int_equal(m.token, 0x4b01);
        assert_true(vmsg_hook_parse(&m, &got));
        assert_int_equal(got.action, a);
        assert_int_equal(got.result, VMSG_HOOK_NOT_NOW);
    }
    assert_string_equal(vmsg_hook_action_name(VMSG_HOOK_USE_BUFFER), "use-buffer");
    assert_string_equal(vmsg_hook_action_name(VMSG_HOOK_ADD_BUFFER), "add-buffer");
    assert_null(vmsg_hook_action_name(0));
    assert_null(vmsg_hook_action_name(5));
    struct vmsg_hook h = {VMSG_HOOK_USE_BUFFER, 1, 0, 0}, got;
    assert_int_equal(vmsg_hook_encode(VMSG_PROFILE_V0, false, 1, 0, &h, b, sizeof b), 0);
    assert_int_equal(vmsg_hook_encode(VMSG_PROFILE_V1, false, 1, 0, &h, b, 10), 0);
    size_t n = vmsg_hook_encode(VMSG_PROFILE_V1, false, 1, 0, &h, b, sizeof b);
    b[8] ^= 1; /* wrong magic: some other implementation-defined request */
    assert_int_equal(vmsg_decode(VMSG_PROFILE_V1, 0, b, n, &m, NULL), VMSG_OK);
    assert_false(vmsg_hook_parse(&m, &got));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encode_cap_too_small),
        cmocka_unit_test(encode_msg_size_override),
        cmocka_unit_test(encode_v0_fixed_size),
        cmocka_unit_test(encode_setters_check_types),
        cmocka_unit_test(encode_size_limits),
        cmocka_unit_test(encode_impl_defined_raw),
        cmocka_unit_test(frame_len_partial_headers),
        cmocka_unit_test(decode_bad_profile_binding),
        cmocka_unit_test(decode_many_issues),
        cmocka_unit_test(sender_roles),
        cmocka_unit_test(cursor_boundaries),
        cmocka_unit_test(hexparse_forms),
        cmocka_unit_test(names_and_lookups),
        cmocka_unit_test(summary_lines),
        cmocka_unit_test(fields_listing),
        cmocka_unit_test(fields_long_bytes_cut),
        cmocka_unit_test(json_output),
        cmocka_unit_test(diag_lines),
        cmocka_unit_test(hook_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
