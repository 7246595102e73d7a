/* Fuzz target: the passive checker over message sequences (vmsg_check_*),
 * built only when harness/include/vmsg/check.h exists.
 *
 * Input:
 *   byte 0: profile (bits 0-2), binding (bits 3-5), mid_session (bit 6),
 *           complete (bit 7);
 *   byte 1: strict (bit 0), role filter (bits 1-2), small caps (bit 3: two
 *           devices, two outstanding requests, to reach the cap paths; else
 *           16 devices: the default 1024 costs a 5 MB calloc per input,
 *           which would slow the fuzzer 50-fold under ASan);
 *   then frames: a byte (bits 0-1 direction, bit 2 bus instance 1), a le16
 *   length and that many bytes.
 * Checked: every finding cites a clause (or is a note), has a NUL-terminated
 * message and formats; the frame count is the number fed; the profile guess
 * is in range. */
#include <string.h>

#include <vmsg/check.h>
#include <vmsg/cursor.h>
#include <vmsg/wire.h>

#include "fuzz.h"

#define MAX_GUESS_FRAMES 64

static void on_finding(void *user, const struct vmsg_finding *f)
{
    (void)user;
    char line[400];
    if (!f->rule || (!f->clause && strcmp(f->rule, "check.note") != 0))
        vmsg__fuzz_fail("check", "finding without clause or rule");
    if (!memchr(f->message, 0, sizeof f->message))
        vmsg__fuzz_fail("check", "finding message not terminated");
    if (f->level > VMSG_CHECK_MAY || f->verdict > VMSG_CHECK_INFO)
        vmsg__fuzz_fail("check", "finding level or verdict out of range");
    vmsg_finding_format(f, line, sizeof line);
    vmsg_finding_format(f, line, 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    struct vmsg_check_opts o;
    vmsg_check_opts_init(&o);
    o.profile = (data[0] & 7) % VMSG_PROFILE_COUNT;
    o.binding = ((data[0] >> 3) & 7) % VMSG_BINDING_COUNT;
    o.mid_session = data[0] & 0x40;
    o.complete = data[0] & 0x80;
    o.strict = data[1] & 1;
    o.role = (data[1] >> 1) & 3;
    o.max_devices = 16;
    if (data[1] & 8) {
        o.max_devices = 2;
        o.max_outstanding = 2;
    }
    o.on_finding = on_finding;
    struct vmsg_check *c = vmsg_check_new(&o);
    if (!c)
        return 0;
    struct vmsg_frame_ref guess[MAX_GUESS_FRAMES];
    size_t nguess = 0;
    struct vmsg_cur cur = vmsg_cur_make(data + 2, size - 2);
    uint64_t frame = 0;
    while (vmsg_cur_left(&cur) >= 3) {
        uint8_t how = vmsg_cur_u8(&cur);
        uint16_t n = vmsg_cur_le16(&cur);
        if (n > vmsg_cur_left(&cur))
            n = (uint16_t)vmsg_cur_left(&cur);
        const uint8_t *buf = vmsg_cur_take(&cur, n);
        frame++;
        vmsg_check_feed(c, frame, how & 3, frame * 1000, buf, n, (how >> 2) & 1);
        if (nguess < MAX_GUESS_FRAMES)
            guess[nguess++] = (struct vmsg_frame_ref){buf, n};
    }
    vmsg_check_finish(c);
    if (vmsg_check_counts(c)->frames != frame)
        vmsg__fuzz_fail("check", "frame count differs from the frames fed");
    vmsg_check_free(c);
    struct vmsg_profile_guess g;
    vmsg_check_guess_profile(guess, nguess, o.binding, &g);
    if (g.profile < -1 || g.profile >= VMSG_PROFILE_COUNT || g.confidence < 0 || g.confidence > 100)
        vmsg__fuzz_fail("check", "profile guess out of range");
    return 0;
}
