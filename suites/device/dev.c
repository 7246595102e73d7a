/* Device-suite helpers: build a driver request, send it, wait for the answer. */
#include <stdio.h>
#include <string.h>

#include <vmsg/cursor.h>
#include <vmsg/hook.h>

#include "dev.h"

static unsigned dev_num(struct vmsg_case *c) { return vmsg_case_link(c)->dev_num; }

bool dev_call(struct vmsg_case *c, unsigned mname, const struct dev_kv *kv, unsigned n, unsigned bfld,
              const void *bytes, uint32_t blen, struct dev_resp *r, const char *clause)
{
    const struct vmsg_link *l = vmsg_case_link(c);
    struct vmsg_msg req;
    if (!vmsg_msg_init(&req, l->profile, l->binding, mname, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST,
                       (uint16_t)dev_num(c))) {
        vmsg_case_na(c, "profile %s has no %s request", vmsg_profile(l->profile)->name, vmsg_mname_names[mname]);
        vmsg_case_abort(c);
    }
    for (unsigned i = 0; i < n; i++)
        vmsg_set(&req, kv[i].fld, kv[i].v);
    if (bytes || blen)
        vmsg_set_bytes(&req, bfld, bytes, blen);
    return vmsg_case_request(c, &req, r->buf, sizeof r->buf, &r->m, clause);
}

void dev_send(struct vmsg_case *c, unsigned mname, unsigned kind, const struct dev_kv *kv, unsigned n)
{
    const struct vmsg_link *l = vmsg_case_link(c);
    struct vmsg_msg m;
    if (!vmsg_msg_init(&m, l->profile, l->binding, mname, VMSG_CLASS_TRANSPORT, kind, (uint16_t)dev_num(c))) {
        vmsg_case_na(c, "profile has no %s", vmsg_mname_names[mname]);
        vmsg_case_abort(c);
    }
    for (unsigned i = 0; i < n; i++)
        vmsg_set(&m, kv[i].fld, kv[i].v);
    vmsg_case_send_msg(c, &m);
}

bool dev_get_info(struct vmsg_case *c, struct dev_info *info)
{
    struct dev_resp r;
    memset(info, 0, sizeof *info);
    if (!dev_call(c, VMSG_M_GET_DEVICE_INFO, DEV_NOKV, 0, NULL, 0, &r, "device.get-device-info.1"))
        vmsg_case_abort(c); /* nothing else can be judged without it */
    info->device_id = (uint32_t)vmsg_get(&r.m, VMSG_FLD_DEVICE_ID);
    info->vendor_id = (uint32_t)vmsg_get(&r.m, VMSG_FLD_VENDOR_ID);
    info->num_feature_bits = (uint32_t)vmsg_get(&r.m, VMSG_FLD_NUM_FEATURE_BITS);
    if (vmsg_has(&r.m, VMSG_FLD_NUM_FEATURE_BLOCKS))
        info->num_feature_bits = (uint32_t)vmsg_get(&r.m, VMSG_FLD_NUM_FEATURE_BLOCKS) * 32;
    info->config_size = (uint32_t)vmsg_get(&r.m, VMSG_FLD_CONFIG_SIZE);
    info->max_virtqueues = (uint32_t)vmsg_get(&r.m, VMSG_FLD_MAX_VIRTQUEUES);
    /* the values are static: the same as the device gave before the cases */
    struct dev_info was;
    if (dev_ics_info(c, &was) && memcmp(&was, info, sizeof was)) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.get-device-info.1", "the values the device gave before the cases (ICS)",
                       "device_id %u/%u vendor_id 0x%x/0x%x num_feature_bits %u/%u config_size %u/%u "
                       "max_virtqueues %u/%u (ICS/now)",
                       was.device_id, info->device_id, was.vendor_id, info->vendor_id, was.num_feature_bits,
                       info->num_feature_bits, was.config_size, info->config_size, was.max_virtqueues,
                       info->max_virtqueues);
    }
    return true;
}

bool dev_ics_info(struct vmsg_case *c, struct dev_info *info)
{
    const char *answered = vmsg_case_ics(c, "device.info");
    memset(info, 0, sizeof *info);
    return answered && !strcmp(answered, "answered") && vmsg_case_ics_u32(c, "device.device_id", &info->device_id) &&
           vmsg_case_ics_u32(c, "device.vendor_id", &info->vendor_id) &&
           vmsg_case_ics_u32(c, "device.num_feature_bits", &info->num_feature_bits) &&
           vmsg_case_ics_u32(c, "device.config_size", &info->config_size) &&
           vmsg_case_ics_u32(c, "device.max_virtqueues", &info->max_virtqueues);
}

int dev_ics_offers(struct vmsg_case *c, unsigned bit)
{
    struct dev_info info;
    uint32_t w, blocks;
    char key[32];
    if (!dev_ics_info(c, &info))
        return -1;
    if (bit >= info.num_feature_bits)
        return 0;
    snprintf(key, sizeof key, "features.%u", bit / 32);
    if (vmsg_case_ics_u32(c, key, &w))
        return (int)((w >> (bit % 32)) & 1);
    /* past the standard blocks the ICS keeps only non-zero ones */
    if (bit / 32 >= DEV_MAX_BLOCKS && vmsg_case_ics_u32(c, "features.blocks", &blocks) && bit / 32 < blocks)
        return 0;
    return -1;
}

bool dev_ics_queue_max(struct vmsg_case *c, uint32_t q, uint32_t *max)
{
    struct dev_info info;
    char key[32];
    if (!dev_ics_info(c, &info))
        return false;
    if (q >= info.max_virtqueues) {
        *max = 0;
        return true;
    }
    snprintf(key, sizeof key, "queues.%u.max_size", q);
    return vmsg_case_ics_u32(c, key, max);
}

void dev_ics_need_config(struct vmsg_case *c, uint32_t min)
{
    struct dev_info info;
    if (!dev_ics_info(c, &info) || info.config_size >= min)
        return;
    if (!info.config_size)
        vmsg_case_na(c, "the device has no configuration space (ICS)");
    else
        vmsg_case_na(c, "configuration space smaller than %u bytes (ICS: %u)", min, info.config_size);
    vmsg_case_abort(c);
}

void dev_ics_need_queue(struct vmsg_case *c, uint32_t q)
{
    uint32_t max;
    if (dev_ics_queue_max(c, q, &max) && !max) {
        vmsg_case_na(c, "queue %u does not exist (ICS)", q);
        vmsg_case_abort(c);
    }
}

int64_t dev_set_status(struct vmsg_case *c, uint32_t status, const char *clause)
{
    struct dev_resp r;
    if (!dev_call(c, VMSG_M_SET_DEVICE_STATUS, DEV_KV({VMSG_FLD_STATUS, status}), 0, NULL, 0, &r, clause))
        return -1;
    if (!vmsg_has(&r.m, VMSG_FLD_STATUS))
        return status; /* layouts without a status in the response (v0) */
    return (int64_t)vmsg_get(&r.m, VMSG_FLD_STATUS);
}

int64_t dev_get_status(struct vmsg_case *c, const char *clause)
{
    struct dev_resp r;
    if (!dev_call(c, VMSG_M_GET_DEVICE_STATUS, DEV_NOKV, 0, NULL, 0, &r, clause))
        return -1;
    return (int64_t)vmsg_get(&r.m, VMSG_FLD_STATUS);
}

bool dev_read_features(struct vmsg_case *c, const struct dev_info *info, uint32_t feat[DEV_MAX_BLOCKS])
{
    memset(feat, 0, sizeof(uint32_t) * DEV_MAX_BLOCKS);
    uint32_t blocks = (info->num_feature_bits + 31) / 32;
    if (blocks > DEV_MAX_BLOCKS)
        blocks = DEV_MAX_BLOCKS;
    if (!blocks)
        return true;
    struct dev_resp r;
    if (!dev_call(c, VMSG_M_GET_DEVICE_FEATURES, DEV_KV({VMSG_FLD_BLOCK_INDEX, 0}, {VMSG_FLD_NUM_BLOCKS, blocks}), 0,
                  NULL, 0, &r, "device.get-features.1"))
        return false;
    for (uint32_t k = 0; k < blocks; k++)
        feat[k] = vmsg_get_word(&r.m, VMSG_FLD_FEATURES, k);
    return true;
}

bool dev_feature(const uint32_t feat[DEV_MAX_BLOCKS], unsigned bit)
{
    return bit < 32 * DEV_MAX_BLOCKS && (feat[bit / 32] >> (bit % 32)) & 1;
}

int64_t dev_negotiate(struct vmsg_case *c, const struct dev_info *info, const uint32_t want[DEV_MAX_BLOCKS],
                      uint32_t neg[DEV_MAX_BLOCKS])
{
    uint32_t offered[DEV_MAX_BLOCKS];
    if (dev_set_status(c, VMSG_STATUS_ACKNOWLEDGE, "device.set-status.1") < 0 ||
        dev_set_status(c, VMSG_STATUS_ACKNOWLEDGE | VMSG_STATUS_DRIVER, "device.set-status.1") < 0 ||
        !dev_read_features(c, info, offered))
        return -1;
    uint32_t blocks = (info->num_feature_bits + 31) / 32;
    if (blocks > DEV_MAX_BLOCKS)
        blocks = DEV_MAX_BLOCKS;
    uint8_t words[4 * DEV_MAX_BLOCKS];
    for (uint32_t k = 0; k < DEV_MAX_BLOCKS; k++) {
        neg[k] = offered[k] & want[k];
        vmsg_put_le(words + 4 * k, neg[k], 4);
    }
    if (blocks) {
        struct dev_resp r;
        if (!dev_call(c, VMSG_M_SET_DRIVER_FEATURES, DEV_KV({VMSG_FLD_BLOCK_INDEX, 0}, {VMSG_FLD_NUM_BLOCKS, blocks}),
                      VMSG_FLD_FEATURES, words, 4 * blocks, &r, "device.set-features.1"))
            return -1;
    }
    return dev_set_status(c, VMSG_STATUS_ACKNOWLEDGE | VMSG_STATUS_DRIVER | VMSG_STATUS_FEATURES_OK,
                          "device.features.2");
}

void dev_to_features_ok(struct vmsg_case *c, struct dev_info *info, uint32_t neg[DEV_MAX_BLOCKS])
{
    uint32_t all[DEV_MAX_BLOCKS];
    memset(all, 0xff, sizeof all);
    dev_get_info(c, info);
    int64_t st = dev_negotiate(c, info, all, neg);
    if (st < 0)
        vmsg_case_abort(c);
    if (!(st & VMSG_STATUS_FEATURES_OK)) {
        vmsg_case_na(c, "the device refused FEATURES_OK for its own offered feature set (status 0x%llx)",
                     (unsigned long long)st);
        vmsg_case_abort(c);
    }
}

bool dev_get_config(struct vmsg_case *c, uint32_t off, uint32_t len, uint32_t *gen, uint8_t *data,
                    uint32_t *got_len, const char *clause)
{
    struct dev_resp r;
    if (!dev_call(c, VMSG_M_GET_CONFIG, DEV_KV({VMSG_FLD_OFFSET, off}, {VMSG_FLD_LENGTH, len}), 0, NULL, 0, &r,
                  clause))
        return false;
    uint32_t blen = 0;
    const uint8_t *p = vmsg_get_bytes(&r.m, VMSG_FLD_DATA, &blen);
    if (gen)
        *gen = (uint32_t)vmsg_get(&r.m, VMSG_FLD_GENERATION);
    if (data && p)
        memcpy(data, p, blen < len ? blen : len);
    if (got_len)
        *got_len = blen;
    return true;
}

bool dev_get_vqueue(struct vmsg_case *c, uint32_t index, uint32_t *max, uint32_t *size, struct dev_resp *r,
                    const char *clause)
{
    if (!dev_call(c, VMSG_M_GET_VQUEUE, DEV_KV({VMSG_FLD_INDEX, index}), 0, NULL, 0, r, clause))
        return false;
    *max = (uint32_t)vmsg_get(&r->m, VMSG_FLD_MAX_SIZE);
    *size = (uint32_t)vmsg_get(&r->m, VMSG_FLD_SIZE);
    return true;
}

bool dev_set_vqueue(struct vmsg_case *c, uint32_t index, uint32_t size, uint64_t base, const char *clause)
{
    struct dev_resp r;
    return dev_call(c, VMSG_M_SET_VQUEUE,
                    DEV_KV({VMSG_FLD_INDEX, index}, {VMSG_FLD_SIZE, size}, {VMSG_FLD_DESC_ADDR, base},
                           {VMSG_FLD_DRIVER_ADDR, base + 0x1000}, {VMSG_FLD_DEVICE_ADDR, base + 0x2000},
                           {VMSG_FLD_VQ_FLAGS, 1}),
                    0, NULL, 0, &r, clause);
}

uint32_t dev_config_chunk(struct vmsg_case *c)
{
    const struct vmsg_link *l = vmsg_case_link(c);
    const struct vmsg_profile_def *p = vmsg_profile(l->profile);
    uint32_t max = l->max_msg_size ? l->max_msg_size : p->rec_bus_max;
    uint32_t fixed = p->header + 12; /* GET_CONFIG response: generation, offset, length */
    return max > fixed ? max - fixed : 0;
}

bool dev_hook_send(struct vmsg_case *c, uint32_t action, uint32_t a0, uint32_t a1)
{
    const struct vmsg_link *l = vmsg_case_link(c);
    struct vmsg_hook h = {action, a0, a1, 0};
    uint8_t f[64];
    size_t n = vmsg_hook_encode(l->profile, false, l->dev_num, (uint16_t)(0x4000 | (vmsg_case_rand(c) & 0xfff)), &h,
                                f, sizeof f);
    if (!n) {
        vmsg_case_na(c, "profile %s has no implementation-defined range for the test hook",
                     vmsg_profile(l->profile)->name);
        return false;
    }
    return vmsg_case_send(c, f, n);
}

bool dev_hook_response(const struct vmsg_msg *m, uint32_t action, uint32_t *result)
{
    struct vmsg_hook r;
    if (m->kind != VMSG_KIND_RESPONSE || !vmsg_hook_parse(m, &r) || r.action != action)
        return false;
    *result = r.result;
    return true;
}
