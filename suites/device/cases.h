/* Case bodies of the device suite (the table is in suite.c). */
#ifndef VMSG_SUITE_DEVICE_CASES_H
#define VMSG_SUITE_DEVICE_CASES_H

#include <vmsg/engine.h>

void dcase_info_inactive(struct vmsg_case *c);
void dcase_header_responses(struct vmsg_case *c);
void dcase_header_token_opaque(struct vmsg_case *c);
void dcase_features_beyond(struct vmsg_case *c);
void dcase_features_accept(struct vmsg_case *c);
void dcase_features_unoffered(struct vmsg_case *c);
void dcase_mandatory(struct vmsg_case *c);
void dcase_config_read(struct vmsg_case *c);
void dcase_config_stale_set(struct vmsg_case *c);
void dcase_config_current_set(struct vmsg_case *c);
void dcase_status_reset(struct vmsg_case *c);
void dcase_status_report(struct vmsg_case *c);
void dcase_vqueue_unconfigured(struct vmsg_case *c);
void dcase_vqueue_set_get(struct vmsg_case *c);
void dcase_vqueue_reset(struct vmsg_case *c);
void dcase_shm(struct vmsg_case *c);
void dcase_errors_discard(struct vmsg_case *c);
void dcase_events_before_driver_ok(struct vmsg_case *c);
void dcase_limits_response_size(struct vmsg_case *c);
void dcase_vqueue_reset_unnegotiated(struct vmsg_case *c);
void dcase_io_after_driver_ok(struct vmsg_case *c);
void dcase_io_used_notification(struct vmsg_case *c);
void dcase_vqueue_after_driver_ok(struct vmsg_case *c);
void dcase_status_driver_ok(struct vmsg_case *c);
void dcase_config_change_event(struct vmsg_case *c);
void dcase_config_change_large(struct vmsg_case *c);
void dcase_needs_reset(struct vmsg_case *c);
/* The implementation conformance statement (ics.c), gathered before the cases. */
void dcase_ics(struct vmsg_case *c);

#endif
