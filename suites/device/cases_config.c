/* Device suite: configuration space and its generation count. */
#include <stdio.h>
#include <string.h>

#include "cases.h"
#include "dev.h"

/* GET_CONFIG echoes the window, returns that many bytes and the current
 * generation; with nothing changing, the generation stays put. */
void dcase_config_read(struct vmsg_case *c)
{
    struct dev_info info;
    dev_ics_need_config(c, 1);
    dev_get_info(c, &info);
    if (!info.config_size) {
        vmsg_case_na(c, "the device has no configuration space");
        return;
    }
    uint32_t chunk = dev_config_chunk(c), gen0 = 0;
    bool first = true;
    for (uint32_t off = 0; off < info.config_size; off += chunk) {
        uint32_t len = info.config_size - off < chunk ? info.config_size - off : chunk;
        struct dev_resp r;
        if (!dev_call(c, VMSG_M_GET_CONFIG, DEV_KV({VMSG_FLD_OFFSET, off}, {VMSG_FLD_LENGTH, len}), 0, NULL, 0, &r,
                      "device.get-config.1"))
            return;
        uint32_t got = 0;
        vmsg_get_bytes(&r.m, VMSG_FLD_DATA, &got);
        uint32_t gen = (uint32_t)vmsg_get(&r.m, VMSG_FLD_GENERATION);
        if (vmsg_get(&r.m, VMSG_FLD_OFFSET) != off || vmsg_get(&r.m, VMSG_FLD_LENGTH) != len || got != len) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "device.get-config.1", "offset and length echoed with that many data bytes",
                           "offset %llu length %llu with %u bytes (asked %u, %u)",
                           (unsigned long long)vmsg_get(&r.m, VMSG_FLD_OFFSET),
                           (unsigned long long)vmsg_get(&r.m, VMSG_FLD_LENGTH), got, off, len);
            return;
        }
        if (!first && gen != gen0) {
            vmsg_case_mark_frame(c);
            vmsg_case_fail(c, "device.config.2", "the same generation while nothing changes",
                           "generation %u after %u", gen, gen0);
            return;
        }
        first = false;
        gen0 = gen;
    }
    uint32_t again = 0;
    if (dev_get_config(c, 0, 1, &again, NULL, NULL, "device.get-config.1") && again != gen0) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.get-config.1", "the current generation in every GET_CONFIG response",
                       "generation %u after %u with no change", again, gen0);
    }
}

/* SET_CONFIG with a generation other than the current one is rejected
 * (length 0 in the response) and leaves the configuration untouched. */
void dcase_config_stale_set(struct vmsg_case *c)
{
    struct dev_info info;
    uint32_t neg[DEV_MAX_BLOCKS];
    dev_ics_need_config(c, 1);
    dev_to_features_ok(c, &info, neg);
    if (!info.config_size) {
        vmsg_case_na(c, "the device has no configuration space");
        return;
    }
    uint32_t gen = 0, len = info.config_size < 4 ? info.config_size : 4;
    uint8_t before[4] = {0}, after[4] = {0}, write[4];
    if (!dev_get_config(c, 0, len, &gen, before, NULL, "device.get-config.1"))
        return;
    for (unsigned i = 0; i < 4; i++)
        write[i] = (uint8_t)~before[i];
    uint32_t stale = gen + 1 + (vmsg_case_rand(c) % 7);
    struct dev_resp r;
    if (!dev_call(c, VMSG_M_SET_CONFIG,
                  DEV_KV({VMSG_FLD_GENERATION, stale}, {VMSG_FLD_OFFSET, 0}, {VMSG_FLD_LENGTH, len}), VMSG_FLD_DATA,
                  write, len, &r, "device.set-config.1"))
        return;
    if (vmsg_get(&r.m, VMSG_FLD_LENGTH) != 0) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.set-config.1", "length 0 (rejected: generation mismatch)",
                       "length %llu for generation %u while the current one is %u",
                       (unsigned long long)vmsg_get(&r.m, VMSG_FLD_LENGTH), stale, gen);
    }
    uint32_t gen2 = 0;
    if (!dev_get_config(c, 0, len, &gen2, after, NULL, "device.get-config.1"))
        return;
    if (memcmp(before, after, len)) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.config-gen.3", "configuration unchanged after a rejected SET_CONFIG",
                       "bytes 0-%u changed from %02x%02x%02x%02x to %02x%02x%02x%02x", len - 1, before[0],
                       before[1], before[2], before[3], after[0], after[1], after[2], after[3]);
    }
}

/* SET_CONFIG with the current generation: the device may apply or refuse
 * (read-only fields), may echo the data or not; the response echoes the
 * offset and reports the resulting generation. */
void dcase_config_current_set(struct vmsg_case *c)
{
    struct dev_info info;
    uint32_t neg[DEV_MAX_BLOCKS];
    dev_ics_need_config(c, 1);
    dev_to_features_ok(c, &info, neg);
    if (!info.config_size) {
        vmsg_case_na(c, "the device has no configuration space");
        return;
    }
    uint32_t gen = 0, len = 1;
    uint8_t cur[1] = {0};
    if (!dev_get_config(c, 0, len, &gen, cur, NULL, "device.get-config.1"))
        return;
    struct dev_resp r;
    if (!dev_call(c, VMSG_M_SET_CONFIG, DEV_KV({VMSG_FLD_GENERATION, gen}, {VMSG_FLD_OFFSET, 0}, {VMSG_FLD_LENGTH, len}),
                  VMSG_FLD_DATA, cur, len, &r, "device.set-config.1"))
        return;
    uint32_t dlen = 0;
    vmsg_get_bytes(&r.m, VMSG_FLD_DATA, &dlen);
    uint64_t applied = vmsg_get(&r.m, VMSG_FLD_LENGTH);
    if (vmsg_get(&r.m, VMSG_FLD_OFFSET) != 0 || applied > len || (dlen && dlen != applied)) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.set-config.1", "offset echoed, length 0..requested, data absent or as long",
                       "offset %llu length %llu data %u bytes", (unsigned long long)vmsg_get(&r.m, VMSG_FLD_OFFSET),
                       (unsigned long long)applied, dlen);
        return;
    }
    uint32_t now = 0;
    if (dev_get_config(c, 0, 1, &now, NULL, NULL, "device.get-config.1") &&
        now != (uint32_t)vmsg_get(&r.m, VMSG_FLD_GENERATION)) {
        vmsg_case_mark_frame(c);
        vmsg_case_fail(c, "device.get-config.1", "the generation SET_CONFIG reported",
                       "GET_CONFIG generation %u, SET_CONFIG said %llu", now,
                       (unsigned long long)vmsg_get(&r.m, VMSG_FLD_GENERATION));
    }
    vmsg_case_info(c, "device.set-config.1", "write of the current value %s (%u bytes applied, data %s)",
                   applied ? "applied" : "refused", (unsigned)applied, dlen ? "echoed" : "not echoed");
}
