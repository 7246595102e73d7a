/* Helpers of the device suite: the harness plays the driver. */
#ifndef VMSG_SUITE_DEV_H
#define VMSG_SUITE_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include <vmsg/engine.h>

#define DEV_MAX_BLOCKS 8 /* feature bits 0..255 */

struct dev_kv {
    unsigned fld;
    uint64_t v;
};

/* A response with its own buffer (vmsg_msg points into buf). */
struct dev_resp {
    struct vmsg_msg m;
    uint8_t buf[1024];
};

struct dev_info {
    uint32_t device_id, vendor_id, num_feature_bits, config_size, max_virtqueues;
};

/* Send request MNAME with fields kv[0..n) (and optional bytes for field bfld)
 * to the device under test, wait for its response. On timeout the case gets a
 * FAIL against clause and false comes back. */
bool dev_call(struct vmsg_case *c, unsigned mname, const struct dev_kv *kv, unsigned n, unsigned bfld,
              const void *bytes, uint32_t blen, struct dev_resp *r, const char *clause);
#define DEV_KV(...) ((const struct dev_kv[]){__VA_ARGS__}), (sizeof((const struct dev_kv[]){__VA_ARGS__}) / sizeof(struct dev_kv))
#define DEV_NOKV NULL, 0

/* Send an event or any message without waiting. */
void dev_send(struct vmsg_case *c, unsigned mname, unsigned kind, const struct dev_kv *kv, unsigned n);

bool dev_get_info(struct vmsg_case *c, struct dev_info *info);
/* SET_DEVICE_STATUS; returns the status the device reports, or -1. */
int64_t dev_set_status(struct vmsg_case *c, uint32_t status, const char *clause);
int64_t dev_get_status(struct vmsg_case *c, const char *clause);
/* Read the offered feature blocks into feat[0..DEV_MAX_BLOCKS). */
bool dev_read_features(struct vmsg_case *c, const struct dev_info *info, uint32_t feat[DEV_MAX_BLOCKS]);
bool dev_feature(const uint32_t feat[DEV_MAX_BLOCKS], unsigned bit);
/* ACKNOWLEDGE, DRIVER, read features, write back want & offered, FEATURES_OK.
 * Returns the status after FEATURES_OK (or -1); negotiated set in *neg. */
int64_t dev_negotiate(struct vmsg_case *c, const struct dev_info *info, const uint32_t want[DEV_MAX_BLOCKS],
                      uint32_t neg[DEV_MAX_BLOCKS]);
/* Negotiate every offered feature and reach FEATURES_OK; NA when refused. */
void dev_to_features_ok(struct vmsg_case *c, struct dev_info *info, uint32_t neg[DEV_MAX_BLOCKS]);
/* GET_CONFIG; returns false on timeout. gen and data (len bytes) filled. */
bool dev_get_config(struct vmsg_case *c, uint32_t off, uint32_t len, uint32_t *gen, uint8_t *data,
                    uint32_t *got_len, const char *clause);
/* GET_VQUEUE: max size and current size. */
bool dev_get_vqueue(struct vmsg_case *c, uint32_t index, uint32_t *max, uint32_t *size, struct dev_resp *r,
                    const char *clause);
bool dev_set_vqueue(struct vmsg_case *c, uint32_t index, uint32_t size, uint64_t base, const char *clause);
/* Largest config data a single GET_CONFIG response can carry on this link. */
uint32_t dev_config_chunk(struct vmsg_case *c);

/* The harness test hook (vmsg/hook.h). dev_hook_send sends ACTION with its
 * arguments (false, with NA, when the profile has no room for it);
 * dev_hook_response tells whether m answers ACTION and gives its result. */
bool dev_hook_send(struct vmsg_case *c, uint32_t action, uint32_t a0, uint32_t a1);
bool dev_hook_response(const struct vmsg_msg *m, uint32_t action, uint32_t *result);

/* What the implementation conformance statement (ics.c, gathered before the
 * cases) says; cases decide NA from it without asking again, and fall back
 * to asking when it says nothing (no ICS, or the device did not answer). */
/* Its GET_DEVICE_INFO answer; false when it has none. */
bool dev_ics_info(struct vmsg_case *c, struct dev_info *info);
/* 1: the device offers feature BIT, 0: it does not (or BIT lies past
 * num_feature_bits), -1: the ICS does not say. */
int dev_ics_offers(struct vmsg_case *c, unsigned bit);
/* The maximum size of queue Q (0: the queue does not exist); false when the
 * ICS does not say. */
bool dev_ics_queue_max(struct vmsg_case *c, uint32_t q, uint32_t *max);
/* NA and abort when the ICS says queue Q does not exist. */
void dev_ics_need_queue(struct vmsg_case *c, uint32_t q);
/* NA and abort when the ICS says the configuration space is smaller than
 * MIN bytes (1: there is none). */
void dev_ics_need_config(struct vmsg_case *c, uint32_t min);

#endif
