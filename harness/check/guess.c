/* Profile auto-detection: decode the first frames with every profile and
 * score each (decodes cleanly, msg_size matches the frame, id has a layout). */
#include <stdio.h>

#include "check_internal.h"

#define GUESS_FRAMES 64

struct score {
    unsigned points, ok, sized, known;
};

static struct score score_profile(unsigned p, unsigned binding, const struct vmsg_frame_ref *f, size_t n)
{
    struct score s = {0, 0, 0, 0};
    const struct vmsg_profile_def *pd = vmsg_profile(p);
    for (size_t i = 0; i < n; i++) {
        struct vmsg_msg m;
        enum vmsg_outcome oc = vmsg_decode(p, binding, f[i].buf, f[i].len, &m, NULL);
        if (oc == VMSG_TRUNCATED || oc == VMSG_MALFORMED)
            continue;
        s.points += oc == VMSG_OK ? 3 : 1;
        s.ok += oc == VMSG_OK;
        /* frames carry exactly one message: its size should be the frame's */
        if (pd->fixed_size ? f[i].len == pd->fixed_size : m.msg_size == f[i].len) {
            s.points++;
            s.sized++;
        }
        if (m.def) {
            s.points++;
            s.known++;
        }
    }
    return s;
}

void vmsg_check_guess_profile(const struct vmsg_frame_ref *frames, size_t n, unsigned binding,
                              struct vmsg_profile_guess *g)
{
    if (n > GUESS_FRAMES)
        n = GUESS_FRAMES;
    g->profile = -1;
    g->confidence = 0;
    if (n == 0 || binding >= VMSG_BINDING_COUNT) {
        snprintf(g->reason, sizeof g->reason, "no frames to judge");
        return;
    }
    struct score sc[VMSG_PROFILE_COUNT];
    int best = -1, second = -1;
    /* profiles in table order: v1 first, so ties go to the normative one */
    for (unsigned p = 0; p < VMSG_PROFILE_COUNT; p++) {
        sc[p] = score_profile(p, binding, frames, n);
        if (best < 0 || sc[p].points > sc[best].points) {
            second = best;
            best = (int)p;
        } else if (second < 0 || sc[p].points > sc[second].points) {
            second = (int)p;
        }
    }
    unsigned max = (unsigned)(5 * n);
    if (sc[best].points == 0) {
        snprintf(g->reason, sizeof g->reason, "no profile decodes any of the first %zu frames", n);
        return;
    }
    unsigned pct = 100 * sc[best].points / max;
    unsigned margin = second >= 0 ? 100 * (sc[best].points - sc[second].points) / max : 100;
    unsigned conf = pct / 2 + (margin * 5 > 50 ? 50 : margin * 5);
    g->profile = best;
    g->confidence = (int)(conf > 100 ? 100 : conf);
    if (second >= 0 && margin == 0)
        snprintf(g->reason, sizeof g->reason,
                 "%s and %s decode the first %zu frames alike (%u clean, %u sizes match); %s assumed",
                 vmsg_profile(best)->name, vmsg_profile(second)->name, n, sc[best].ok, sc[best].sized,
                 vmsg_profile(best)->name);
    else
        snprintf(g->reason, sizeof g->reason, "%s: %u/%zu frames clean, %u sizes match, %u known ids; next best %s",
                 vmsg_profile(best)->name, sc[best].ok, n, sc[best].sized, sc[best].known,
                 second >= 0 ? vmsg_profile(second)->name : "-");
}
