/* Case bodies of the bus suite (the table is in suite.c). */
#ifndef VMSG_SUITE_BUS_CASES_H
#define VMSG_SUITE_BUS_CASES_H

#include <vmsg/engine.h>

void bcase_forward_addressed(struct vmsg_case *c);
void bcase_forward_unknown(struct vmsg_case *c);
void bcase_token_transparent(struct vmsg_case *c);
void bcase_ordering(struct vmsg_case *c);
void bcase_events(struct vmsg_case *c);
void bcase_events_no_answer(struct vmsg_case *c);
void bcase_errors_discard(struct vmsg_case *c);
void bcase_reserved_bits(struct vmsg_case *c);
void bcase_framing(struct vmsg_case *c);
void bcase_limits_both_ways(struct vmsg_case *c);
void bcase_get_devices_window(struct vmsg_case *c);
void bcase_get_devices_walk(struct vmsg_case *c);
void bcase_ping(struct vmsg_case *c);
void bcase_hotplug(struct vmsg_case *c);
void bcase_msg_size(struct vmsg_case *c);
void bcase_later_revision(struct vmsg_case *c);
void bcase_get_devices_full_count(struct vmsg_case *c);

/* The implementation conformance statement (ics.c), gathered before the cases. */
void bcase_ics(struct vmsg_case *c);

#endif
