/* The reference implementations as `builtin:` endpoints for the bus
 * adapters: builtin:refdev?fault=A,B&personality=FILE, builtin:refdrv?fault=A&script=NAME. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/bus.h>
#include <vmsg/ref.h>

/* Value of KEY in a query "a=1&b=2" into out; false when absent. */
static bool query_get(const char *query, const char *key, char *out, size_t cap)
{
    size_t klen = strlen(key);
    for (const char *p = query; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        if (n > klen && !strncmp(p, key, klen) && p[klen] == '=') {
            snprintf(out, cap, "%.*s", (int)(n - klen - 1), p + klen + 1);
            return true;
        }
        p = amp ? amp + 1 : NULL;
    }
    return false;
}

/* Only the keys this builtin knows: a typo must not pass silently. */
static int check_keys(const char *query, const char *const *keys, char *err, size_t errlen)
{
    for (const char *p = query; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        size_t klen = eq ? (size_t)(eq - p) : n;
        bool known = false;
        for (unsigned i = 0; keys[i]; i++)
            if (strlen(keys[i]) == klen && !strncmp(keys[i], p, klen))
                known = true;
        if (!known) {
            snprintf(err, errlen, "unknown option '%.*s' (known: fault, personality)", (int)klen, p);
            return -1;
        }
        p = amp ? amp + 1 : NULL;
    }
    return 0;
}

static int faults_from(const char *query, enum vmsg_fault_role role, struct vmsg_fault_set *fs, char *err,
                       size_t errlen)
{
    char list[512];
    memset(fs, 0, sizeof *fs);
    if (query_get(query, "fault", list, sizeof list) && !vmsg_fault_set_parse(fs, role, list, err, errlen))
        return -1;
    return 0;
}

static int make_refdev(const char *query, const struct vmsg_bus_params *params, struct vmsg_endpoint *out,
                       char *err, size_t errcap)
{
    static const char *const keys[] = {"fault", "personality", "max", "side", NULL};
    struct vmsg_fault_set fs;
    char path[1024];
    if (check_keys(query, keys, err, errcap) || faults_from(query, VMSG_FAULT_DEV, &fs, err, errcap))
        return -1;
    struct vmsg_personality *p = malloc(sizeof *p);
    if (!p) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    vmsg_personality_default(p);
    if (query_get(query, "personality", path, sizeof path) && !vmsg_personality_load(p, path, err, errcap)) {
        free(p);
        return -1;
    }
    if (params && params->max_msg_size)
        p->max_msg_size = params->max_msg_size;
    struct vmsg_refdev *d = vmsg_refdev_new(p, &fs);
    free(p);
    if (!d) {
        snprintf(err, errcap, "refdev: out of memory");
        return -1;
    }
    *out = vmsg_refdev_endpoint(d);
    return 0;
}

static int make_refdrv(const char *query, const struct vmsg_bus_params *params, struct vmsg_endpoint *out,
                       char *err, size_t errcap)
{
    static const char *const keys[] = {"fault", "max", "side", "script", NULL};
    struct vmsg_refdrv_opts o;
    struct vmsg_fault_set fs;
    if (check_keys(query, keys, err, errcap) || faults_from(query, VMSG_FAULT_DRV, &fs, err, errcap))
        return -1;
    vmsg_refdrv_opts_default(&o);
    char name[64];
    if (query_get(query, "script", name, sizeof name)) {
        int s = vmsg_refdrv_script_by_name(name);
        if (s < 0) {
            snprintf(err, errcap, "refdrv: script: expected default, verify, late-queues, features-all, write-twice or "
                                  "poll-config, got '%s'", name);
            return -1;
        }
        o.script = (unsigned)s;
    }
    if (params && params->max_msg_size)
        o.max_msg_size = params->max_msg_size;
    struct vmsg_refdrv *d = vmsg_refdrv_new(&o, &fs);
    if (!d) {
        snprintf(err, errcap, "refdrv: out of memory");
        return -1;
    }
    *out = vmsg_refdrv_endpoint(d);
    return 0;
}

const struct vmsg_builtin *vmsg_ref_builtins(void)
{
    static const struct vmsg_builtin table[] = {{"refdev", make_refdev}, {"refdrv", make_refdrv}, {NULL, NULL}};
    return table;
}
