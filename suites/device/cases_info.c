/* Device suite: device information, header rules, feature negotiation. */
#include <stdio.h>
#include <string.h>

#include "cases.h"
#include <vmsg/cursor.h>

#include "dev.h"

/* GET_DEVICE_INFO is answered first thing, twice the same, with a feature
 * count that is a multiple of 32. */
void dcase_info_inactive(struct vmsg_case *c)
{
    struct dev_info a, b;
    dev_get_info(c, &a);
    if (a.num_feature_bits % 32) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.get-device-info.1", "num_feature_bits a multiple of 32", "%u", a.num_feature_bits);
    }
    /* virtio device ids are small numbers: one that only has its top byte set
     * reads like a little-endian field written big-endian */
    uint32_t swapped = (a.device_id >> 24) | ((a.device_id >> 8) & 0xff00) | ((a.device_id << 8) & 0xff0000) |
                       (a.device_id << 24);
    if (a.device_id > 0xffff && swapped <= 0xffff) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.endian.1", "a little-endian device_id",
                       "0x%08x, which is device id %u written big-endian", a.device_id, swapped);
    }
    dev_get_info(c, &b);
    if (memcmp(&a, &b, sizeof a)) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.get-device-info.1", "the same answer twice",
                       "device_id 0x%x/0x%x config_size %u/%u max_virtqueues %u/%u", a.device_id, b.device_id,
                       a.config_size, b.config_size, a.max_virtqueues, b.max_virtqueues);
    }
}

/* Every response carries the device's own number; reserved bits, msg_size and
 * padding are judged on every received frame by the runner's decode. */
void dcase_header_responses(struct vmsg_case *c)
{
    struct dev_resp r;
    static const unsigned asks[] = {VMSG_M_GET_DEVICE_INFO, VMSG_M_GET_DEVICE_STATUS};
    for (unsigned i = 0; i < sizeof asks / sizeof asks[0]; i++) {
        if (!dev_call(c, asks[i], DEV_NOKV, 0, NULL, 0, &r, "device.header.3"))
            return;
        if (r.m.dev_num != vmsg_case_link(c)->dev_num) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "device.header.3", "dev_num of the device under test", "dev_num %u in %s response",
                           r.m.dev_num, vmsg_mname_names[asks[i]]);
        }
    }
}

/* The token belongs to the bus: any value, even 0 or 0xffff, gets an answer. */
void dcase_header_token_opaque(struct vmsg_case *c)
{
    const struct vmsg_link *l = vmsg_case_link(c);
    if (!vmsg_profile(l->profile)->token) {
        vmsg_case_na(c, "profile %s has no token", vmsg_profile(l->profile)->name);
        return;
    }
    static const uint16_t tokens[] = {0, 0xffff, 0x8000, 1};
    for (unsigned i = 0; i < sizeof tokens / sizeof tokens[0]; i++) {
        struct vmsg_msg req, resp;
        uint8_t buf[512];
        vmsg_msg_init(&req, l->profile, l->binding, VMSG_M_GET_DEVICE_STATUS, VMSG_CLASS_TRANSPORT,
                      VMSG_KIND_REQUEST, l->dev_num);
        req.token = tokens[i];
        req.token_override = true;
        if (!vmsg_case_request(c, &req, buf, sizeof buf, &resp, "device.header.5"))
            return;
    }
}

/* Feature blocks beyond the implemented bits read as zero, and the response
 * echoes the window it describes. */
void dcase_features_beyond(struct vmsg_case *c)
{
    struct dev_info info;
    struct dev_resp r;
    dev_get_info(c, &info);
    uint32_t first = (info.num_feature_bits + 31) / 32;
    const uint32_t n = 4;
    if (!dev_call(c, VMSG_M_GET_DEVICE_FEATURES, DEV_KV({VMSG_FLD_BLOCK_INDEX, first}, {VMSG_FLD_NUM_BLOCKS, n}), 0,
                  NULL, 0, &r, "device.get-features.1"))
        return;
    uint64_t bi = vmsg_get(&r.m, VMSG_FLD_BLOCK_INDEX), nb = vmsg_get(&r.m, VMSG_FLD_NUM_BLOCKS);
    uint32_t flen = 0;
    vmsg_get_bytes(&r.m, VMSG_FLD_FEATURES, &flen);
    if (bi != first || nb != n || flen != 4 * n) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.get-features.1", "block_index and num_blocks echoed with that many words",
                       "block_index %llu, num_blocks %llu, %u feature bytes (asked %u, %u)", (unsigned long long)bi,
                       (unsigned long long)nb, flen, first, n);
        return;
    }
    for (uint32_t k = 0; k < n; k++) {
        uint32_t w = vmsg_get_word(&r.m, VMSG_FLD_FEATURES, k);
        if (w) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "device.feature-blocks.1", "zero beyond the implemented feature bits",
                           "block %u (bits %u-%u) = 0x%08x with num_feature_bits %u", first + k, 32 * (first + k),
                           32 * (first + k) + 31, w, info.num_feature_bits);
            return;
        }
    }
}

/* The offered set, written back as is, is accepted: FEATURES_OK stays set and
 * GET_DEVICE_STATUS says so. */
void dcase_features_accept(struct vmsg_case *c)
{
    struct dev_info info;
    uint32_t all[DEV_MAX_BLOCKS], neg[DEV_MAX_BLOCKS];
    memset(all, 0xff, sizeof all);
    dev_get_info(c, &info);
    int64_t st = dev_negotiate(c, &info, all, neg);
    if (st < 0)
        return;
    if (!(st & VMSG_STATUS_FEATURES_OK)) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.features.2", "FEATURES_OK kept for the device's own offered set",
                       "status 0x%llx", (unsigned long long)st);
        return;
    }
    int64_t now = dev_get_status(c, "device.get-status.1");
    if (now >= 0 && now != st) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.status.2", "GET_DEVICE_STATUS equal to the SET_DEVICE_STATUS result",
                       "0x%llx after 0x%llx", (unsigned long long)now, (unsigned long long)st);
    }
}

/* A feature bit the device did not offer cannot be supported: the device
 * should clear FEATURES_OK (a SHOULD of the set-features block). */
void dcase_features_unoffered(struct vmsg_case *c)
{
    struct dev_info info;
    uint32_t offered[DEV_MAX_BLOCKS];
    if (dev_ics_info(c, &info)) {
        uint32_t nbits = info.num_feature_bits < 32 * DEV_MAX_BLOCKS ? info.num_feature_bits : 32 * DEV_MAX_BLOCKS;
        bool all = true;
        for (unsigned b = 0; b < nbits && all; b++)
            all = b == 32 || dev_ics_offers(c, b) == 1; /* -1 (the ICS does not say): ask below */
        if (all) {
            vmsg_case_na(c, "every implemented feature bit is offered (ICS)");
            return;
        }
    }
    dev_get_info(c, &info);
    if (dev_set_status(c, VMSG_STATUS_ACKNOWLEDGE | VMSG_STATUS_DRIVER, "device.set-status.1") < 0 ||
        !dev_read_features(c, &info, offered))
        return;
    uint32_t blocks = (info.num_feature_bits + 31) / 32;
    if (blocks > DEV_MAX_BLOCKS)
        blocks = DEV_MAX_BLOCKS;
    int bit = -1;
    for (unsigned b = 0; b < 32 * blocks && bit < 0; b++)
        if (!dev_feature(offered, b) && b != 32 /* keep VERSION_1 honest */)
            bit = (int)b;
    if (bit < 0) {
        vmsg_case_na(c, "every implemented feature bit is offered");
        return;
    }
    uint8_t words[4 * DEV_MAX_BLOCKS];
    for (uint32_t k = 0; k < blocks; k++)
        vmsg_put_le(words + 4 * k, offered[k] | ((unsigned)bit / 32 == k ? 1u << (bit % 32) : 0), 4);
    struct dev_resp r;
    if (!dev_call(c, VMSG_M_SET_DRIVER_FEATURES, DEV_KV({VMSG_FLD_BLOCK_INDEX, 0}, {VMSG_FLD_NUM_BLOCKS, blocks}),
                  VMSG_FLD_FEATURES, words, 4 * blocks, &r, "device.set-features.1"))
        return;
    int64_t st = dev_set_status(c, VMSG_STATUS_ACKNOWLEDGE | VMSG_STATUS_DRIVER | VMSG_STATUS_FEATURES_OK,
                                "device.set-features.1");
    if (st >= 0 && (st & VMSG_STATUS_FEATURES_OK)) {
        vmsg_case_mark_frame(c);
        vmsg_case_warn(c, "device.set-features.1", "FEATURES_OK cleared for an unoffered feature bit",
                       "bit %d written, status 0x%llx", bit, (unsigned long long)st);
    }
}

/* The ten core requests each get their response. */
void dcase_mandatory(struct vmsg_case *c)
{
    struct dev_info info;
    uint32_t neg[DEV_MAX_BLOCKS];
    struct dev_resp r;
    const char *cl = "device.mandatory.1";
    dev_to_features_ok(c, &info, neg);
    uint32_t gen = 0;
    uint8_t data[8] = {0};
    uint32_t len = info.config_size < 4 ? info.config_size : 4;
    if (!dev_get_config(c, 0, len, &gen, data, NULL, cl))
        return;
    if (!dev_call(c, VMSG_M_SET_CONFIG, DEV_KV({VMSG_FLD_GENERATION, gen}, {VMSG_FLD_OFFSET, 0}, {VMSG_FLD_LENGTH, len}),
                  VMSG_FLD_DATA, data, len, &r, cl))
        return;
    uint32_t max = 0, size = 0;
    if (info.max_virtqueues && dev_get_vqueue(c, 0, &max, &size, &r, cl) && max) {
        if (!dev_set_vqueue(c, 0, max < 64 ? max : 64, 0x100000, cl))
            return;
        if (dev_feature(neg, VMSG_FEATURE_RING_RESET) &&
            !dev_call(c, VMSG_M_RESET_VQUEUE, DEV_KV({VMSG_FLD_INDEX, 0}), 0, NULL, 0, &r, cl))
            return;
    }
    dev_get_status(c, cl);
}
