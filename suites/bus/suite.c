/* The bus suite: the harness holds both ends of the bus under test, plays
 * the driver on its driver side and the devices on its device side, and
 * judges what the bus delivers (helpers in bus.c check every frame for size,
 * padding and the header rules of bus messages). */
#include "../suites.h"
#include "cases.h"

#define B VMSG_IUT_BUS
static const struct vmsg_case_def cases[] = {
    {"bus.forward.addressed", "each device gets its own messages, payload and dev_num as sent, and answers back", B,
     {"bus.forwarding.1", "bus.forwarding.2", "bus.header.1", "bus.ordering.2"}, "forwarding quick",
     bcase_forward_addressed, 0},
    {"bus.forward.unknown-device", "nothing is forwarded for a device number the bus never validated", B,
     {"bus.dev-num.1", "bus.errors.1"}, "forwarding", bcase_forward_unknown, 0},
    {"bus.header.token", "the driver's token comes back in every response, whatever the bus uses inside", B,
     {"bus.header.4", "bus.forwarding.1", "bus.ordering.2", "prose.token-overwrite.1"}, "header",
     bcase_token_transparent, 0},
    {"bus.ordering.per-device", "one response per request, per device in request order, two devices interleaved", B,
     {"bus.ordering.1", "bus.ordering.2", "bus.forwarding.1"}, "ordering", bcase_ordering, 0},
    {"bus.notify.relayed", "EVENT_AVAIL reaches the device, EVENT_USED and EVENT_CONFIG reach the driver, intact", B,
     {"bus.notify.1", "bus.notify.2", "bus.dev-notify.1", "bus.header.1", "bus.forwarding.2"}, "events",
     bcase_events, 0},
    {"bus.errors.no-answer-to-events", "events get no answer of any kind from the bus", B, {"bus.errors.3"}, "events",
     bcase_events_no_answer, 0},
    {"bus.errors.discard", "malformed headers and undefined ids are dropped without traffic, both ways", B,
     {"bus.errors.2"}, "errors", bcase_errors_discard, 0},
    {"bus.versioning.later-revision", "messages of a later revision are dropped or reported, never forwarded, both ways", B,
     {"bus.versioning.2"}, "errors versioning", bcase_later_revision, 0},
    {"bus.header.reserved-bits", "reserved type bits: zero in bus messages, ignored when forwarding", B,
     {"bus.header.2", "bus.forwarding.1"}, "header", bcase_reserved_bits, 0},
    {"bus.header.padding", "odd-sized messages both ways: any bytes past msg_size are zero", B,
     {"bus.header.3", "bus.forwarding.2", "bus.dev-notify.1"}, "header", bcase_framing, 0},
    {"bus.limits.both-ways", "the advertised maximum passes and is enforced the same in both directions", B,
     {"bus.advertise.2", "bus.forwarding.1", "bus.dev-notify.1"}, "limits", bcase_limits_both_ways, 0},
    {"bus.limits.advertised", "the advertised maximum lies between the minimum and 264 bytes", B,
     {"bus.msg-size.1", "bus.msg-size.2"}, "limits quick", bcase_msg_size, 0},
    {"bus.get-devices.window", "GET_DEVICES: aligned window, count/8-byte LSB-first bitmap of the devices present", B,
     {"bus.get-devices.1", "bus.get-devices.3", "bus.discovery.1", "bus.header.1", "bus.header.2", "bus.bus-messages.1"},
     "discovery", bcase_get_devices_window, 0},
    {"bus.get-devices.walk", "following next_offset from 0 finds every device; next_offset 0 or past the window", B,
     {"bus.get-devices.2", "bus.get-devices.3", "bus.dev-num.2", "bus.discovery.1"}, "discovery",
     bcase_get_devices_walk, 0},
    {"bus.get-devices.full-count", "GET_DEVICES returns the whole window asked for unless constrained", B,
     {"prose.get-devices.1", "bus.get-devices.3", "bus.get-devices.1"}, "discovery", bcase_get_devices_full_count, 0},
    {"bus.ping.echo", "PING is answered with its 32-bit data unchanged, from a clean bus header", B,
     {"bus.ping.1", "bus.header.1", "bus.header.2", "bus.bus-messages.1"}, "ping quick", bcase_ping, 0},
    {"bus.hotplug.event-device", "a device appearing and going away is announced with EVENT_DEVICE", B,
     {"bus.hotplug.1", "bus.dev-num.1", "bus.forwarding.1", "bus.discovery.1", "bus.bus-messages.1"}, "hotplug",
     bcase_hotplug, 0},
};

/* Gathered before the cases by vmsg_run_ics (no verdict, no clause). */
static const struct vmsg_case_def ics = {"bus.ics", "what can be learnt about the bus", B, {NULL}, "ics", bcase_ics, 0};

const struct vmsg_case_def *vmsg_suite_bus_ics(void) { return &ics; }

const struct vmsg_case_def *vmsg_suite_bus(size_t *n)
{
    *n = sizeof cases / sizeof cases[0];
    return cases;
}
