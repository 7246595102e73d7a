/* vmsg__peek_header (harness/wire/wire_internal.h, the replay's header read)
 * gives exactly the answers of vmsg_decode_header: the same ok / not ok,
 * and when ok the same dev_num, cls, msg_id and kind. Checked over every
 * layout of every profile and binding (encoded, then cut at every length),
 * every type byte and msg_id under every profile and binding with msg_size
 * below, at and beyond the bytes, unknown profiles and bindings, and
 * pseudo-random garbage. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <vmsg/cursor.h>
#include <vmsg/wire.h>

#include "wire/wire_internal.h"

/* The peek's tables, made once per profile and binding (one past each:
 * unknown). */
static struct vmsg__peek_ctx ctx[VMSG_PROFILE_COUNT + 1][VMSG_BINDING_COUNT + 1];

static int make_ctx(void **state)
{
    (void)state;
    for (unsigned p = 0; p <= VMSG_PROFILE_COUNT; p++)
        for (unsigned b = 0; b <= VMSG_BINDING_COUNT; b++)
            vmsg__peek_init(&ctx[p][b], p, b);
    return 0;
}

/* Both readings of buf[0..len) agree; a failure names the input. */
static unsigned agree(unsigned profile, unsigned binding, const uint8_t *buf, size_t len, const char *what)
{
    const struct vmsg__peek_ctx *k = &ctx[profile][binding];
    struct vmsg_msg m;
    enum vmsg_outcome o = vmsg_decode_header(profile, binding, buf, len, &m);
    struct vmsg__peek h, untouched;
    memset(&h, 0xa5, sizeof h);
    untouched = h;
    bool ok = vmsg__peek_header(k, buf, len, &h);
    unsigned bad = 0;
    if (ok != (o == VMSG_OK)) {
        fprintf(stderr, "peek: %s: profile %u binding %u len %zu: ok: expected %s (decode_header %s), got %s\n", what,
                profile, binding, len, o == VMSG_OK ? "true" : "false", vmsg_outcome_name(o), ok ? "true" : "false");
        bad++;
    } else if (ok && (h.dev_num != m.dev_num || h.cls != m.cls || h.msg_id != m.msg_id || h.kind != m.kind)) {
        fprintf(stderr,
                "peek: %s: profile %u binding %u len %zu: dev/cls/id/kind: expected %u/%u/0x%02x/%u, got "
                "%u/%u/0x%02x/%u\n",
                what, profile, binding, len, m.dev_num, m.cls, m.msg_id, m.kind, h.dev_num, h.cls, h.msg_id, h.kind);
        bad++;
    } else if (!ok && memcmp(&h, &untouched, sizeof h)) {
        fprintf(stderr, "peek: %s: profile %u binding %u len %zu: failed, but wrote its answer\n", what, profile,
                binding, len);
        bad++;
    }
    return bad;
}

/* Every layout the codec knows, encoded with its defaults in every profile
 * that has it (binding messages under their binding), whole and cut at
 * every length. */
static void every_layout(void **state)
{
    (void)state;
    unsigned bad = 0, checked = 0;
    for (unsigned i = 0; i < VMSG_MSGDEF_COUNT; i++) {
        const struct vmsg_msgdef *d = &vmsg_msgdefs[i];
        for (unsigned p = 0; p < VMSG_PROFILE_COUNT; p++) {
            struct vmsg_msg m;
            if (!(d->profiles & (1u << p)) && !d->binding)
                continue;
            if (!vmsg_msg_init(&m, p, d->binding, d->mname, d->cls, d->kind, (uint16_t)(0x1234 + i)))
                continue;
            m.token = (uint16_t)(7 + i);
            uint8_t buf[1024];
            size_t n = vmsg_encode(&m, buf, sizeof buf);
            assert_true(n > 0);
            char what[96];
            snprintf(what, sizeof what, "%s %s", d->name, vmsg_kind_name(d->kind));
            for (size_t len = 0; len <= n; len++)
                bad += agree(p, d->binding, buf, len, what);
            /* under the other bindings too: their tables differ for bus ids 0x80 and up */
            for (unsigned b = 0; b < VMSG_BINDING_COUNT; b++)
                bad += agree(p, b, buf, n, what);
            checked++;
        }
    }
    assert_true(checked >= VMSG_MSGDEF_COUNT); /* every layout was encoded at least once */
    assert_int_equal(bad, 0);
}

/* Every type byte and msg_id, with msg_size below the header, at it, at
 * the bytes there are and beyond them, and the bytes one short of the
 * header; for every profile and binding, and one past each (unknown). */
static void every_header(void **state)
{
    (void)state;
    unsigned bad = 0;
    for (unsigned p = 0; p <= VMSG_PROFILE_COUNT; p++)
        for (unsigned b = 0; b <= VMSG_BINDING_COUNT; b++) {
            const struct vmsg_profile_def *pd = vmsg_profile(p);
            unsigned hl = pd ? pd->header : 8;
            for (unsigned type = 0; type < 256; type++)
                for (unsigned id = 0; id < 256; id++) {
                    uint8_t buf[64];
                    memset(buf, 0, sizeof buf);
                    buf[0] = (uint8_t)type;
                    buf[1] = (uint8_t)id;
                    buf[2] = (uint8_t)(type ^ id);
                    buf[3] = (uint8_t)id;
                    buf[4] = 0x5a;
                    buf[5] = 0xc3;
                    static const unsigned extra[] = {0, 4, 32};
                    for (unsigned e = 0; e < sizeof extra / sizeof extra[0]; e++) {
                        size_t len = hl + extra[e];
                        /* msg_size (when the profile has one, the last header member) */
                        unsigned sizes[] = {0, hl - 1, hl, (unsigned)len, (unsigned)len + 1, 0xffff};
                        for (unsigned s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
                            if (pd && pd->size_field)
                                vmsg_put_le(buf + hl - 2, sizes[s], 2);
                            bad += agree(p, b, buf, len, "header sweep");
                            if (!pd || !pd->size_field)
                                break;
                        }
                    }
                    bad += agree(p, b, buf, hl - 1, "header sweep, one byte short");
                }
        }
    assert_int_equal(bad, 0);
}

/* Pseudo-random bytes and lengths (xorshift, fixed seed: reproducible). */
static void garbage(void **state)
{
    (void)state;
    uint64_t r = 0x9e3779b97f4a7c15ull;
    unsigned bad = 0;
    for (unsigned n = 0; n < 200000; n++) {
        uint8_t buf[48];
        for (size_t i = 0; i < sizeof buf; i++) {
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            buf[i] = (uint8_t)r;
        }
        /* a plausible msg_size half of the time, so that some pass the size checks */
        size_t len = (size_t)(r >> 8) % (sizeof buf + 1);
        if (r & 0x10000) {
            buf[4] = (uint8_t)len;
            buf[5] = 0;
            buf[6] = (uint8_t)len;
            buf[7] = 0;
            buf[0] &= 3;
        }
        bad += agree((unsigned)(r >> 32) % VMSG_PROFILE_COUNT, (unsigned)(r >> 40) % VMSG_BINDING_COUNT, buf, len,
                     "garbage");
    }
    bad += agree(VMSG_PROFILE_V1, 0, NULL, 0, "no bytes");
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_layout),
        cmocka_unit_test(every_header),
        cmocka_unit_test(garbage),
    };
    return cmocka_run_group_tests(tests, make_ctx, NULL);
}
