/* The device's implementation conformance statement: what it says about
 * itself, asked once before the device suite's cases (vmsg_run_ics).
 *
 * Only questions a driver may ask of a device at status 0 are used, in the
 * order v1 sets: GET_DEVICE_INFO first, then GET_DEVICE_STATUS,
 * GET_DEVICE_FEATURES over the whole num_feature_bits range, GET_VQUEUE for
 * every queue below max_virtqueues and GET_SHM; nothing is written, except
 * the status write of 0 at the end that leaves the device reset for the
 * cases. A question without an answer is recorded as "no answer" and the
 * questions of the same kind that would follow are not asked (each would
 * cost a reply timeout). */
#include <stdio.h>
#include <string.h>

#include "cases.h"
#include "dev.h"

#define ICS_MAX_BLOCKS 64 /* feature bits 0..2047 */
#define ICS_MAX_QUEUES 64
#define ICS_SHM_REGIONS 8 /* region ids asked: 0..7 */

/* One request and its answer; false (recorded as "no answer" under KEY when
 * given) when none came. */
static bool ask(struct vmsg_case *c, unsigned mname, const struct dev_kv *kv, unsigned n, struct dev_resp *r,
                const char *key)
{
    if (dev_call(c, mname, kv, n, 0, NULL, 0, r, "device.mandatory.1"))
        return true;
    if (key)
        vmsg_case_set_ics(c, key, "no answer");
    return false;
}

static void link_params(struct vmsg_case *c)
{
    const struct vmsg_link *l = vmsg_case_link(c);
    struct vmsg_bus_params p;
    vmsg_case_set_ics(c, "link.profile", "%s", vmsg_profile(l->profile)->name);
    vmsg_case_set_ics(c, "link.dev_num", "%u", l->dev_num);
    if (!vmsg_case_bus_params(c, VMSG_SIDE_DRIVER, &p)) {
        vmsg_case_set_ics(c, "link.max_msg_size", "%u", l->max_msg_size);
        return;
    }
    /* the transport may cap the maximum (shm slots are 64 bytes) */
    vmsg_case_set_ics(c, "link.revision", "%u", (unsigned)p.revision);
    vmsg_case_set_ics(c, "link.max_msg_size", "%u", (unsigned)p.max_msg_size);
    vmsg_case_set_ics(c, "link.transport_features", "0x%llx", (unsigned long long)p.transport_features);
}

static void features(struct vmsg_case *c, uint32_t nfb)
{
    const struct vmsg_link *l = vmsg_case_link(c);
    const struct vmsg_profile_def *p = vmsg_profile(l->profile);
    uint32_t max = l->max_msg_size ? l->max_msg_size : p->rec_bus_max;
    uint32_t fixed = p->header + 8; /* response: block_index, num_blocks, then the words */
    uint32_t per = max > fixed + 4 ? (max - fixed) / 4 : 1;
    uint32_t blocks = (nfb + 31) / 32, asked = blocks < ICS_MAX_BLOCKS ? blocks : ICS_MAX_BLOCKS;
    char names[160] = "";
    size_t nl = 0;
    uint32_t got = 0;
    for (uint32_t b = 0; b < asked;) {
        uint32_t n = asked - b < per ? asked - b : per;
        struct dev_resp r;
        char key[32];
        snprintf(key, sizeof key, "features.%u", b);
        if (!ask(c, VMSG_M_GET_DEVICE_FEATURES, DEV_KV({VMSG_FLD_BLOCK_INDEX, b}, {VMSG_FLD_NUM_BLOCKS, n}), &r, key))
            break;
        uint32_t have = 0;
        vmsg_get_bytes(&r.m, VMSG_FLD_FEATURES, &have);
        uint32_t words = have / 4 < n ? have / 4 : n;
        if (!words) {
            vmsg_case_set_ics(c, key, "answered with no feature words");
            break;
        }
        for (uint32_t k = 0; k < words; k++) {
            uint32_t w = vmsg_get_word(&r.m, VMSG_FLD_FEATURES, k), blk = b + k;
            snprintf(key, sizeof key, "features.%u", blk);
            if (blk < DEV_MAX_BLOCKS || w) /* past the standard 256 bits, only the non-zero blocks */
                vmsg_case_set_ics(c, key, "0x%08x", w);
            for (unsigned bit = 0; bit < 32; bit++)
                if ((w >> bit) & 1) {
                    const char *nm = vmsg_enum_value_name(VMSG_ENUM_FEATURE, 32 * blk + bit);
                    char one[40];
                    int len = nm ? snprintf(one, sizeof one, "%s%s", nl ? " " : "", nm)
                                 : snprintf(one, sizeof one, "%sbit%u", nl ? " " : "", 32 * blk + bit);
                    if (len > 0 && nl + (size_t)len < sizeof names - 4) {
                        memcpy(names + nl, one, (size_t)len + 1);
                        nl += (size_t)len;
                    } else if (nl + 4 < sizeof names && strcmp(names + nl - 4, " ...")) {
                        memcpy(names + nl, " ...", 5);
                        nl += 4;
                    }
                }
        }
        got = b + words;
        b += words;
    }
    if (asked < blocks)
        vmsg_case_set_ics(c, "features.blocks", "%u of %u (the first %u asked)", got, blocks, asked);
    else
        vmsg_case_set_ics(c, "features.blocks", "%u", got);
    vmsg_case_set_ics(c, "features.offered", "%s", nl ? names : "none");
}

static void queues(struct vmsg_case *c, uint32_t maxvq)
{
    uint32_t asked = maxvq < ICS_MAX_QUEUES ? maxvq : ICS_MAX_QUEUES;
    uint32_t q = 0;
    for (; q < asked; q++) {
        struct dev_resp r;
        char key[32];
        snprintf(key, sizeof key, "queues.%u.max_size", q);
        if (!ask(c, VMSG_M_GET_VQUEUE, DEV_KV({VMSG_FLD_INDEX, q}), &r, key))
            break;
        if (vmsg_get(&r.m, VMSG_FLD_INDEX) != q)
            vmsg_case_set_ics(c, key, "answered for index %llu", (unsigned long long)vmsg_get(&r.m, VMSG_FLD_INDEX));
        else
            vmsg_case_set_ics(c, key, "%llu", (unsigned long long)vmsg_get(&r.m, VMSG_FLD_MAX_SIZE));
    }
    if (asked < maxvq)
        vmsg_case_set_ics(c, "queues.asked", "%u of %u", q, maxvq);
    else
        vmsg_case_set_ics(c, "queues.asked", "%u", q);
}

static void shm(struct vmsg_case *c)
{
    const struct vmsg_link *l = vmsg_case_link(c);
    if (!vmsg_msgdef_find(l->profile, l->binding, VMSG_M_GET_SHM, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST)) {
        vmsg_case_set_ics(c, "shm.regions", "no GET_SHM in profile %s", vmsg_profile(l->profile)->name);
        return;
    }
    char list[64] = "";
    size_t nl = 0;
    for (uint32_t i = 0; i < ICS_SHM_REGIONS; i++) {
        struct dev_resp r;
        if (!ask(c, VMSG_M_GET_SHM, DEV_KV({VMSG_FLD_INDEX, i}), &r, "shm.regions"))
            return;
        uint64_t len = vmsg_get(&r.m, VMSG_FLD_LENGTH);
        if (!len || vmsg_get(&r.m, VMSG_FLD_INDEX) != i)
            continue;
        char key[32];
        snprintf(key, sizeof key, "shm.%u", i);
        vmsg_case_set_ics(c, key, "length 0x%llx address 0x%llx", (unsigned long long)len,
                          (unsigned long long)vmsg_get(&r.m, VMSG_FLD_ADDRESS));
        int n = snprintf(list + nl, sizeof list - nl, "%s%u", nl ? "," : "", i);
        if (n > 0 && (size_t)n < sizeof list - nl)
            nl += (size_t)n;
    }
    vmsg_case_set_ics(c, "shm.asked", "0-%u", ICS_SHM_REGIONS - 1);
    vmsg_case_set_ics(c, "shm.regions", "%s", nl ? list : "none");
}

void dcase_ics(struct vmsg_case *c)
{
    const struct vmsg_link *l = vmsg_case_link(c);
    link_params(c);
    if (!vmsg_msgdef_find(l->profile, l->binding, VMSG_M_GET_DEVICE_INFO, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST)) {
        vmsg_case_set_ics(c, "device.info", "no GET_DEVICE_INFO in profile %s", vmsg_profile(l->profile)->name);
        return;
    }
    struct dev_resp r;
    if (!ask(c, VMSG_M_GET_DEVICE_INFO, DEV_NOKV, &r, "device.info"))
        return; /* nothing else may be asked before it */
    vmsg_case_set_ics(c, "device.info", "answered");
    uint32_t nfb = vmsg_has(&r.m, VMSG_FLD_NUM_FEATURE_BITS)
                       ? (uint32_t)vmsg_get(&r.m, VMSG_FLD_NUM_FEATURE_BITS)
                       : (uint32_t)vmsg_get(&r.m, VMSG_FLD_NUM_FEATURE_BLOCKS) * 32;
    uint32_t maxvq = (uint32_t)vmsg_get(&r.m, VMSG_FLD_MAX_VIRTQUEUES);
    vmsg_case_set_ics(c, "device.device_id", "%llu", (unsigned long long)vmsg_get(&r.m, VMSG_FLD_DEVICE_ID));
    vmsg_case_set_ics(c, "device.vendor_id", "0x%08llx", (unsigned long long)vmsg_get(&r.m, VMSG_FLD_VENDOR_ID));
    vmsg_case_set_ics(c, "device.num_feature_bits", "%u", nfb);
    vmsg_case_set_ics(c, "device.config_size", "%llu", (unsigned long long)vmsg_get(&r.m, VMSG_FLD_CONFIG_SIZE));
    vmsg_case_set_ics(c, "device.max_virtqueues", "%u", maxvq);
    if (vmsg_has(&r.m, VMSG_FLD_ADMIN_VQ_START)) {
        vmsg_case_set_ics(c, "device.admin_vq_start", "%llu",
                          (unsigned long long)vmsg_get(&r.m, VMSG_FLD_ADMIN_VQ_START));
        vmsg_case_set_ics(c, "device.admin_vq_count", "%llu",
                          (unsigned long long)vmsg_get(&r.m, VMSG_FLD_ADMIN_VQ_COUNT));
    }
    if (ask(c, VMSG_M_GET_DEVICE_STATUS, DEV_NOKV, &r, "device.status"))
        vmsg_case_set_ics(c, "device.status", "0x%02llx", (unsigned long long)vmsg_get(&r.m, VMSG_FLD_STATUS));
    features(c, nfb);
    queues(c, maxvq);
    shm(c);
    /* leave the device as the cases expect to find it */
    if (ask(c, VMSG_M_SET_DEVICE_STATUS, DEV_KV({VMSG_FLD_STATUS, 0}), &r, "device.reset"))
        vmsg_case_set_ics(c, "device.reset", "status 0x%02llx after writing 0",
                          (unsigned long long)vmsg_get(&r.m, VMSG_FLD_STATUS));
}
