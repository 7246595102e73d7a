/* The bus's implementation conformance statement: what can be learnt about
 * the bus under test before the bus suite's cases (vmsg_run_ics): the
 * parameters it advertises (through its test hook; v1 leaves the channel to
 * the platform, so an external bus may not tell the harness), the device
 * numbers the harness serves behind it, what GET_DEVICES reports when
 * walked from offset 0, and whether it answers PING. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "cases.h"

#define ICS_WALK_STEPS 64

static void params(struct vmsg_case *c)
{
    char reply[200];
    if (!vmsg_case_control(c, "params", reply, sizeof reply)) {
        vmsg_case_set_ics(c, "bus.params", "not advertised to the harness (--max-size %u assumed)",
                          vmsg_case_link(c)->max_msg_size);
        return;
    }
    static const char *const keys[] = {"revision", "max_msg_size", "features"};
    static const char *const names[] = {"bus.revision", "bus.max_msg_size", "bus.transport_features"};
    for (unsigned i = 0; i < 3; i++) {
        char pat[32];
        snprintf(pat, sizeof pat, "%s=", keys[i]);
        const char *s = strstr(reply, pat);
        if (!s)
            continue;
        s += strlen(pat);
        size_t n = strcspn(s, " ");
        vmsg_case_set_ics(c, names[i], "%.*s", (int)n, s);
    }
}

static void devices(struct vmsg_case *c)
{
    uint16_t devs[BUS_MAX_DEVS];
    unsigned n = bus_devices(c, devs);
    char list[64] = "";
    size_t nl = 0;
    for (unsigned i = 0; i < n; i++) {
        int k = snprintf(list + nl, sizeof list - nl, "%s%u", i ? "," : "", devs[i]);
        if (k > 0 && (size_t)k < sizeof list - nl)
            nl += (size_t)k;
    }
    vmsg_case_set_ics(c, "bus.devices", "%s", list);
}

/* Walk GET_DEVICES from offset 0 along next_offset; record the numbers it
 * reports present and the window size of its first answer. */
static void get_devices(struct vmsg_case *c)
{
    struct bus_frame *f = malloc(sizeof *f);
    struct bus_window w;
    char list[128] = "";
    size_t nl = 0;
    uint32_t off = 0;
    if (!f) {
        vmsg_case_error(c, "harness: out of memory");
        vmsg_case_abort(c);
    }
    for (unsigned step = 0; step < ICS_WALK_STEPS; step++) {
        if (!bus_get_devices(c, off, 64, f, &w)) {
            vmsg_case_set_ics(c, "bus.get_devices", step ? "no answer at offset %u (after %s)" : "no answer", off,
                              nl ? list : "none");
            free(f);
            return;
        }
        if (!step)
            vmsg_case_set_ics(c, "bus.get_devices_window", "%u", w.cnt);
        uint32_t slots = w.cnt < w.blen * 8 ? w.cnt : w.blen * 8;
        for (uint32_t i = 0; i < slots; i++)
            if ((w.bitmap[i / 8] >> (i % 8)) & 1) {
                int k = snprintf(list + nl, sizeof list - nl, "%s%u", nl ? "," : "", w.off + i);
                if (k > 0 && (size_t)k < sizeof list - nl)
                    nl += (size_t)k;
            }
        if (w.next == 0 || w.next <= off || w.next > 0xfff8)
            break;
        off = w.next;
    }
    vmsg_case_set_ics(c, "bus.get_devices", "%s", nl ? list : "none");
    free(f);
}

static void ping(struct vmsg_case *c)
{
    struct vmsg_msg m;
    struct bus_frame *f = malloc(sizeof *f);
    if (!f) {
        vmsg_case_error(c, "harness: out of memory");
        vmsg_case_abort(c);
    }
    bus_msg(c, &m, VMSG_M_PING, VMSG_CLASS_BUS, VMSG_KIND_REQUEST, 0);
    vmsg_set(&m, VMSG_FLD_DATA, 0x1c5u);
    bus_send(c, VMSG_SIDE_DRIVER, &m);
    bool answered = false;
    while (!answered && bus_recv(c, VMSG_SIDE_DRIVER, f, false))
        answered = f->m.cls == VMSG_CLASS_BUS && f->m.kind == VMSG_KIND_RESPONSE && f->m.msg_id == m.msg_id;
    vmsg_case_set_ics(c, "bus.ping", "%s", answered ? "answered" : "no answer");
    free(f);
}

void bcase_ics(struct vmsg_case *c)
{
    vmsg_case_set_ics(c, "bus.sides", "%s", vmsg_case_two_sided(c) ? "driver and device" : "driver side only");
    params(c);
    devices(c);
    get_devices(c);
    ping(c);
}
