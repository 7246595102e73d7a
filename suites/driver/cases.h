/* Case bodies of the driver suite (the table is in suite.c). */
#ifndef VMSG_SUITE_DRIVER_CASES_H
#define VMSG_SUITE_DRIVER_CASES_H

#include <vmsg/engine.h>

void drvcase_init_order(struct vmsg_case *c);
void drvcase_init_queues(struct vmsg_case *c);
void drvcase_init_many_queues(struct vmsg_case *c);
void drvcase_finalize_wait(struct vmsg_case *c);
void drvcase_header(struct vmsg_case *c);
void drvcase_token_opaque(struct vmsg_case *c);
void drvcase_status(struct vmsg_case *c);
void drvcase_features_refused(struct vmsg_case *c);
void drvcase_config_bounds(struct vmsg_case *c);
void drvcase_config_big(struct vmsg_case *c);
void drvcase_config_stale(struct vmsg_case *c);
void drvcase_event_config_data(struct vmsg_case *c);
void drvcase_event_config_refresh(struct vmsg_case *c);
void drvcase_needs_reset(struct vmsg_case *c);
void drvcase_notify_plain(struct vmsg_case *c);
void drvcase_notify_data(struct vmsg_case *c);
void drvcase_vqueue_reprogram(struct vmsg_case *c);
void drvcase_vqueue_no_ring_reset(struct vmsg_case *c);
void drvcase_removed(struct vmsg_case *c);
void drvcase_vqueue_confirmed(struct vmsg_case *c);
void drvcase_notify_added_buffer(struct vmsg_case *c);

#endif
