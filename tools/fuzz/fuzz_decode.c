/* Fuzz target: the message decoder of every profile and bus binding.
 *
 * Input: byte 0 selects the profile (bits 0-2) and the binding (bits 3-5);
 * values past the known ones must be refused as MALFORMED. The rest is the
 * frame (with any trailing bytes as bus padding).
 *
 * Checked besides memory safety:
 *   - the outcome is one of the four, and a failed decode says why;
 *   - vmsg_frame_len agrees with the frame length of a parsed message;
 *   - every OK decode re-encodes to exactly the frame's bytes, and the
 *     re-encoded frame decodes OK to the same header and field values;
 *   - the printers (summary, fields, JSON, diagnostics) run over every result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/wire.h>

#include "fuzz.h"

static FILE *sink(void)
{
    static FILE *devnull; /* opened once per process: the printers need a FILE */
    if (!devnull)
        devnull = fopen("/dev/null", "w");
    return devnull;
}

static void same_fields(const struct vmsg_msg *a, const struct vmsg_msg *b)
{
    if (a->type != b->type || a->msg_id != b->msg_id || a->dev_num != b->dev_num || a->token != b->token ||
        a->msg_size != b->msg_size || a->def != b->def || a->kind != b->kind || a->cls != b->cls)
        vmsg__fuzz_fail("decode", "re-decoded header differs");
    if (!a->def)
        return;
    for (unsigned i = 0; i < a->def->nfields; i++) {
        const struct vmsg_val *x = &a->v[i], *y = &b->v[i];
        if (x->present != y->present || x->u != y->u || x->len != y->len ||
            (!x->p != !y->p) || (x->p && x->len && memcmp(x->p, y->p, x->len)))
            vmsg__fuzz_fail("decode", "re-decoded field differs");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned profile = data[0] & 7, binding = (data[0] >> 3) & 7;
    const uint8_t *frame = data + 1;
    size_t len = size - 1;

    struct vmsg_msg m;
    struct vmsg_diag d;
    enum vmsg_outcome o = vmsg_decode(profile, binding, frame, len, &m, &d);
    if (o != d.outcome)
        vmsg__fuzz_fail("decode", "returned outcome differs from diag outcome");
    if (profile >= VMSG_PROFILE_COUNT || binding >= VMSG_BINDING_COUNT) {
        if (o != VMSG_MALFORMED)
            vmsg__fuzz_fail("decode", "unknown profile or binding not refused");
        return 0;
    }
    /* Same input without diagnostics: the outcome may not depend on diag. */
    struct vmsg_msg m2;
    if (vmsg_decode(profile, binding, frame, len, &m2, NULL) != o)
        vmsg__fuzz_fail("decode", "outcome differs when diag is NULL");

    char text[512];
    FILE *out = sink();
    switch (o) {
    case VMSG_TRUNCATED:
    case VMSG_MALFORMED:
        if (!d.problem[0])
            vmsg__fuzz_fail("decode", "truncated or malformed without a problem text");
        if (out)
            vmsg_print_diag(out, "fuzz", &d);
        return 0;
    case VMSG_OK:
    case VMSG_NONCONFORMANT:
        break;
    default:
        vmsg__fuzz_fail("decode", "unknown outcome");
    }
    if (o == VMSG_NONCONFORMANT && !d.nissues && !d.dropped)
        vmsg__fuzz_fail("decode", "nonconformant without an issue");
    if (m.frame_len > len)
        vmsg__fuzz_fail("decode", "frame_len past the input");
    size_t fl = vmsg_frame_len(profile, frame, len);
    if (fl != m.frame_len)
        vmsg__fuzz_fail("decode", "vmsg_frame_len disagrees with the decoder");

    vmsg_summary(&m, text, sizeof text);
    vmsg_summary(&m, text, 8); /* truncating path */
    if (out) {
        vmsg_print_fields(out, &m, 2);
        vmsg_print_json(out, &m, &d);
        vmsg_print_diag(out, "fuzz", &d);
    }
    for (unsigned f = 0; f < VMSG_FLD__COUNT; f++) {
        uint32_t n;
        (void)vmsg_has(&m, f);
        (void)vmsg_get(&m, f);
        (void)vmsg_get_bytes(&m, f, &n);
        (void)vmsg_get_word(&m, f, 0);
        (void)vmsg_get_word(&m, f, 1000);
    }
    if (o != VMSG_OK)
        return 0;

    /* decode -> encode -> decode. */
    uint8_t *enc = malloc(m.frame_len ? m.frame_len : 1);
    if (!enc)
        return 0;
    struct vmsg_msg e = m;
    size_t n = vmsg_encode(&e, enc, m.frame_len);
    if (n != m.frame_len)
        vmsg__fuzz_fail("decode", "OK message does not re-encode to its frame length");
    if (memcmp(enc, frame, n))
        vmsg__fuzz_fail("decode", "OK message re-encodes to different bytes");
    struct vmsg_msg r;
    struct vmsg_diag rd;
    if (vmsg_decode(profile, binding, enc, n, &r, &rd) != VMSG_OK)
        vmsg__fuzz_fail("decode", "re-encoded message does not decode OK");
    same_fields(&m, &r);
    free(enc);
    return 0;
}
