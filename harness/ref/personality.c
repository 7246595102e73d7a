/* Device personalities: the built-in default and the YAML loader. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <vmsg/hexparse.h>
#include <vmsg/ref.h>
#include <vmsg/wire.h>

#include "ref_internal.h"
#include "util/yamltree.h"

static void set_bit(uint32_t *w, unsigned bit) { w[bit / 32] |= 1u << (bit % 32); }

void vmsg_personality_default(struct vmsg_personality *p)
{
    static const uint8_t mac_cfg[8] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x01, 0x00};
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "default");
    p->profile = VMSG_PROFILE_V1;
    p->dev_nums[0] = 1;
    p->ndevs = 1;
    p->device_id = 1; /* network-like */
    p->vendor_id = 0x4d534756; /* "VGSM" */
    p->num_feature_bits = 64;
    set_bit(p->features, VMSG_FEATURE_VERSION_1);
    set_bit(p->features, VMSG_FEATURE_RING_RESET);
    p->config_size = sizeof mac_cfg;
    memcpy(p->config, mac_cfg, sizeof mac_cfg);
    p->nqueues = 2;
    p->queue_max[0] = p->queue_max[1] = 256;
    p->nshm = 1;
    p->shm[0] = (struct vmsg_shm_region){0, 0x40000000u, 0x1000};
    p->max_msg_size = 264;
    p->generation_start = 1;
    p->set_config_echo = true;
    p->event_config_data = true;
}

bool vmsg_personality_offers(const struct vmsg_personality *p, unsigned bit)
{
    return vmsg__bit(p->features, VMSG_PERS_FEATURE_WORDS, bit);
}

/* ---- YAML ------------------------------------------------------------- */
struct ld {
    struct vmsg__yaml y;
    char *err;
    size_t errlen;
};

__attribute__((format(printf, 3, 4))) static bool fail(struct ld *l, vmsg__ynode *n, const char *fmt, ...)
{
    char where[300];
    vmsg__yaml_where(&l->y, n, where, sizeof where);
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(l->err, l->errlen, "%s: %s", where, msg);
    return false;
}

static bool get_u(struct ld *l, vmsg__ynode *n, const char *key, uint64_t max, uint64_t *out)
{
    if (!vmsg__yaml_u64(n, out))
        return fail(l, n, "%s: expected an unsigned integer, got '%s'", key,
                    vmsg__yaml_str(n) ? vmsg__yaml_str(n) : "(not a scalar)");
    if (*out > max)
        return fail(l, n, "%s: %llu is above the maximum %llu", key, (unsigned long long)*out,
                    (unsigned long long)max);
    return true;
}

static bool get_b(struct ld *l, vmsg__ynode *n, const char *key, bool *out)
{
    if (!vmsg__yaml_bool(n, out))
        return fail(l, n, "%s: expected true or false", key);
    return true;
}

/* A feature by number or by name (VERSION_1, RING_RESET, ...). */
static bool get_feature(struct ld *l, vmsg__ynode *n, unsigned *bit)
{
    uint64_t v;
    if (vmsg__yaml_u64(n, &v)) {
        if (v >= 32 * VMSG_PERS_FEATURE_WORDS)
            return fail(l, n, "feature bit %llu is beyond %u", (unsigned long long)v, 32 * VMSG_PERS_FEATURE_WORDS);
        *bit = (unsigned)v;
        return true;
    }
    const char *s = vmsg__yaml_str(n);
    const struct vmsg_enum_def *e = &vmsg_enum_defs[VMSG_ENUM_FEATURE];
    for (unsigned i = 0; s && i < e->nvals; i++)
        if (strcmp(e->vals[i].name, s) == 0 ||
            (strncmp(s, "VIRTIO_F_", 9) == 0 && strcmp(e->vals[i].name, s + 9) == 0)) {
            *bit = e->vals[i].value;
            return true;
        }
    return fail(l, n, "unknown feature '%s' (a bit number or a name such as VERSION_1)", s ? s : "?");
}

static bool get_features(struct ld *l, vmsg__ynode *n, const char *key, uint32_t *words)
{
    if (!vmsg__yaml_is_seq(n))
        return fail(l, n, "%s: expected a list of feature names or bit numbers", key);
    memset(words, 0, VMSG_PERS_FEATURE_WORDS * sizeof *words);
    for (size_t i = 0; i < vmsg__yaml_len(n); i++) {
        unsigned bit = 0;
        if (!get_feature(l, vmsg__yaml_item(&l->y, n, i), &bit))
            return false;
        set_bit(words, bit);
    }
    return true;
}

static bool get_u16_list(struct ld *l, vmsg__ynode *n, const char *key, uint16_t *out, unsigned cap,
                         unsigned *count, uint64_t max)
{
    if (!vmsg__yaml_is_seq(n) || vmsg__yaml_len(n) == 0)
        return fail(l, n, "%s: expected a non-empty list", key);
    if (vmsg__yaml_len(n) > cap)
        return fail(l, n, "%s: at most %u entries", key, cap);
    *count = (unsigned)vmsg__yaml_len(n);
    for (unsigned i = 0; i < *count; i++) {
        uint64_t v;
        if (!get_u(l, vmsg__yaml_item(&l->y, n, i), key, max, &v))
            return false;
        out[i] = (uint16_t)v;
    }
    return true;
}

static bool get_queues(struct ld *l, vmsg__ynode *n, struct vmsg_personality *p)
{
    if (!vmsg__yaml_is_seq(n) || vmsg__yaml_len(n) == 0)
        return fail(l, n, "queues: expected a list of maximum queue sizes");
    if (vmsg__yaml_len(n) > VMSG_PERS_MAX_QUEUES)
        return fail(l, n, "queues: at most %d queues", VMSG_PERS_MAX_QUEUES);
    p->nqueues = (unsigned)vmsg__yaml_len(n);
    for (unsigned i = 0; i < p->nqueues; i++) {
        vmsg__ynode *q = vmsg__yaml_item(&l->y, n, i);
        uint64_t v;
        if (!get_u(l, q, "queues", 32768, &v))
            return false;
        if (v == 0)
            return fail(l, q, "queues: a maximum size of 0 means no queue; give a size from 1 to 32768");
        p->queue_max[i] = (uint32_t)v;
    }
    return true;
}

static bool get_shm(struct ld *l, vmsg__ynode *n, struct vmsg_personality *p)
{
    if (!vmsg__yaml_is_seq(n))
        return fail(l, n, "shm: expected a list of {index, address, length}");
    if (vmsg__yaml_len(n) > VMSG_PERS_MAX_SHM)
        return fail(l, n, "shm: at most %d regions", VMSG_PERS_MAX_SHM);
    p->nshm = (unsigned)vmsg__yaml_len(n);
    for (unsigned i = 0; i < p->nshm; i++) {
        vmsg__ynode *r = vmsg__yaml_item(&l->y, n, i);
        if (!vmsg__yaml_is_map(r))
            return fail(l, r, "shm: expected {index, address, length}");
        static const char *keys[] = {"index", "address", "length"};
        uint32_t *dst[] = {&p->shm[i].index, &p->shm[i].address, &p->shm[i].length};
        for (unsigned k = 0; k < 3; k++) {
            vmsg__ynode *v = vmsg__yaml_get(&l->y, r, keys[k]);
            uint64_t u;
            if (!v)
                return fail(l, r, "shm: missing '%s'", keys[k]);
            if (!get_u(l, v, keys[k], UINT32_MAX, &u))
                return false;
            *dst[k] = (uint32_t)u;
        }
        if (p->shm[i].length == 0)
            return fail(l, r, "shm: length 0 is how a missing region is reported; give a non-zero length");
    }
    return true;
}

static bool load_root(struct ld *l, struct vmsg_personality *p)
{
    vmsg__ynode *root = vmsg__yaml_root(&l->y);
    if (!root || !vmsg__yaml_is_map(root))
        return fail(l, root, "expected a mapping of personality keys");
    vmsg__ynode *config_node = NULL;
    bool size_given = false;
    for (size_t i = 0; i < vmsg__yaml_len(root); i++) {
        vmsg__ynode *kn = vmsg__yaml_key(&l->y, root, i);
        vmsg__ynode *v = vmsg__yaml_val(&l->y, root, i);
        const char *k = vmsg__yaml_str(kn);
        uint64_t u;
        if (!k)
            return fail(l, kn, "expected a key");
        if (strcmp(k, "name") == 0) {
            const char *s = vmsg__yaml_str(v);
            if (!s)
                return fail(l, v, "name: expected text");
            snprintf(p->name, sizeof p->name, "%s", s);
        } else if (strcmp(k, "profile") == 0) {
            const char *s = vmsg__yaml_str(v);
            int pr = s ? vmsg_profile_by_name(s) : -1;
            if (pr < 0)
                return fail(l, v, "profile: unknown profile '%s' (v1, v1-noresv, rfc2, v2-draft)", s ? s : "?");
            if (pr == VMSG_PROFILE_V0)
                return fail(l, v, "profile: v0 has no layout for the v1 device model");
            p->profile = (unsigned)pr;
        } else if (strcmp(k, "dev_nums") == 0) {
            if (!get_u16_list(l, v, k, p->dev_nums, VMSG_PERS_MAX_DEVS, &p->ndevs, 0xffff))
                return false;
        } else if (strcmp(k, "device_id") == 0) {
            if (!get_u(l, v, k, UINT32_MAX, &u))
                return false;
            p->device_id = (uint32_t)u;
        } else if (strcmp(k, "vendor_id") == 0) {
            if (!get_u(l, v, k, UINT32_MAX, &u))
                return false;
            p->vendor_id = (uint32_t)u;
        } else if (strcmp(k, "num_feature_bits") == 0) {
            if (!get_u(l, v, k, 32 * VMSG_PERS_FEATURE_WORDS, &u))
                return false;
            if (u % 32)
                return fail(l, v, "num_feature_bits: expected a multiple of 32, got %llu", (unsigned long long)u);
            p->num_feature_bits = (uint32_t)u;
        } else if (strcmp(k, "features") == 0) {
            if (!get_features(l, v, k, p->features))
                return false;
        } else if (strcmp(k, "refuse") == 0) {
            if (!get_features(l, v, k, p->refuse))
                return false;
        } else if (strcmp(k, "config_size") == 0) {
            if (!get_u(l, v, k, VMSG_PERS_MAX_CONFIG, &u))
                return false;
            p->config_size = (uint32_t)u;
            size_given = true;
        } else if (strcmp(k, "config") == 0) {
            config_node = v;
        } else if (strcmp(k, "queues") == 0) {
            if (!get_queues(l, v, p))
                return false;
        } else if (strcmp(k, "shm") == 0) {
            if (!get_shm(l, v, p))
                return false;
        } else if (strcmp(k, "max_msg_size") == 0) {
            if (!get_u(l, v, k, 65535, &u))
                return false;
            p->max_msg_size = (uint32_t)u;
        } else if (strcmp(k, "generation_start") == 0) {
            if (!get_u(l, v, k, UINT32_MAX, &u))
                return false;
            p->generation_start = (uint32_t)u;
        } else if (strcmp(k, "set_config_echo") == 0) {
            if (!get_b(l, v, k, &p->set_config_echo))
                return false;
        } else if (strcmp(k, "event_config_data") == 0) {
            if (!get_b(l, v, k, &p->event_config_data))
                return false;
        } else if (strcmp(k, "bus_window") == 0) {
            if (!get_u(l, v, k, 0xfff8, &u))
                return false;
            if (u % 8)
                return fail(l, v, "bus_window: expected a multiple of 8, got %llu", (unsigned long long)u);
            p->bus_window = (uint16_t)u;
        } else if (strcmp(k, "config_change_at_ms") == 0) {
            if (!get_u(l, v, k, UINT64_MAX, &p->config_change_at_ms))
                return false;
        } else if (strcmp(k, "needs_reset_at_ms") == 0) {
            if (!get_u(l, v, k, UINT64_MAX, &p->needs_reset_at_ms))
                return false;
        } else {
            return fail(l, kn, "unknown key '%s'", k);
        }
    }
    if (config_node) {
        const char *s = vmsg__yaml_str(config_node);
        size_t n = 0;
        char herr[160];
        if (!s)
            return fail(l, config_node, "config: expected a hex string");
        uint8_t tmp[VMSG_PERS_MAX_CONFIG];
        if (!vmsg_hex_parse(s, tmp, sizeof tmp, &n, herr, sizeof herr))
            return fail(l, config_node, "config: %s", herr);
        if (!size_given)
            p->config_size = (uint32_t)n;
        if (n > p->config_size)
            return fail(l, config_node, "config: %zu bytes given, config_size is %u", n, p->config_size);
        memset(p->config, 0, sizeof p->config);
        memcpy(p->config, tmp, n);
    } else if (size_given) {
        /* no contents given: a recognisable pattern */
        for (uint32_t i = 0; i < p->config_size; i++)
            p->config[i] = (uint8_t)i;
    }
    const struct vmsg_profile_def *pd = vmsg_profile(p->profile);
    if (p->max_msg_size < pd->min_bus_max)
        return fail(l, root, "max_msg_size: %u is below the profile's minimum %u", p->max_msg_size,
                    pd->min_bus_max);
    if (p->num_feature_bits == 0)
        return fail(l, root, "num_feature_bits: at least 32");
    for (unsigned b = p->num_feature_bits; b < 32 * VMSG_PERS_FEATURE_WORDS; b++)
        if (vmsg_personality_offers(p, b))
            return fail(l, root, "features: bit %u is beyond num_feature_bits %u", b, p->num_feature_bits);
    return true;
}

bool vmsg_personality_load(struct vmsg_personality *p, const char *path, char *err, size_t errlen)
{
    struct ld l = {.err = err, .errlen = errlen};
    vmsg_personality_default(p);
    if (!vmsg__yaml_load_file(&l.y, path, err, errlen))
        return false;
    bool ok = load_root(&l, p);
    vmsg__yaml_free(&l.y);
    return ok;
}

void vmsg_personality_print(FILE *out, const struct vmsg_personality *p)
{
    fprintf(out, "name: %s\nprofile: %s\ndev_nums: [", p->name, vmsg_profile(p->profile)->name);
    for (unsigned i = 0; i < p->ndevs; i++)
        fprintf(out, "%s%u", i ? ", " : "", p->dev_nums[i]);
    fprintf(out, "]\ndevice_id: %u\nvendor_id: 0x%08x\nnum_feature_bits: %u\nfeatures: [", p->device_id,
            p->vendor_id, p->num_feature_bits);
    for (int pass = 0; pass < 2; pass++) {
        const uint32_t *w = pass ? p->refuse : p->features;
        if (pass)
            fprintf(out, "]\nrefuse: [");
        bool first = true;
        for (unsigned b = 0; b < 32 * VMSG_PERS_FEATURE_WORDS; b++) {
            if (!vmsg__bit(w, VMSG_PERS_FEATURE_WORDS, b))
                continue;
            const char *nm = vmsg_enum_value_name(VMSG_ENUM_FEATURE, b);
            fprintf(out, first ? "" : ", ");
            if (nm)
                fprintf(out, "%s", nm);
            else
                fprintf(out, "%u", b);
            first = false;
        }
    }
    fprintf(out, "]\nconfig_size: %u\nconfig: \"", p->config_size);
    for (uint32_t i = 0; i < p->config_size; i++)
        fprintf(out, "%02x", p->config[i]);
    fprintf(out, "\"\nqueues: [");
    for (unsigned i = 0; i < p->nqueues; i++)
        fprintf(out, "%s%u", i ? ", " : "", p->queue_max[i]);
    fprintf(out, "]\nshm:\n");
    for (unsigned i = 0; i < p->nshm; i++)
        fprintf(out, "  - {index: %u, address: 0x%08x, length: 0x%x}\n", p->shm[i].index, p->shm[i].address,
                p->shm[i].length);
    fprintf(out,
            "max_msg_size: %u\ngeneration_start: %u\nset_config_echo: %s\nevent_config_data: %s\n"
            "bus_window: %u\nconfig_change_at_ms: %llu\nneeds_reset_at_ms: %llu\n",
            p->max_msg_size, p->generation_start, p->set_config_echo ? "true" : "false",
            p->event_config_data ? "true" : "false", p->bus_window,
            (unsigned long long)p->config_change_at_ms, (unsigned long long)p->needs_reset_at_ms);
}
