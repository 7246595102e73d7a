/* The passive checker through `vmsg proxy` (vmsg_proxy_run, the library
 * core of the command) sees the faults of the reference implementations:
 * refdrv against refdev, both in process behind builtin: adapters, relayed
 * by the library relay, one fault at a time. A fault is SEEN when the
 * checker reports a finding citing the fault's clause. Every dev/drv fault
 * not listed in unseen.txt (with the reason traffic cannot show it) must be
 * seen, every listed one must still be unseen; and the checker stays silent
 * on the clean traffic of every personality, plain and through refbus.
 *
 * The device side is wrapped so that device-initiated behaviour happens in
 * every run: a configuration change after the first EVENT_AVAIL and
 * DEVICE_NEEDS_RESET after the third (refdrv then resets and starts over).
 * refdrv runs each of its scripts (enum vmsg_refdrv_script: the default one
 * and the variants taking other choices v1 allows); a fault is seen when
 * some script shows it, and every script stays silent on clean traffic.
 *
 * usage: test_proxy_faults UNSEEN_FILE */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <vmsg/bus.h>
#include <vmsg/proxy.h>
#include <vmsg/ref.h>
#include <vmsg/wire.h>

static const char *g_unseen_file;

/* --- the scenario: personality and the device-side events ---------------- */

static struct vmsg_personality g_pers; /* the personality of the next device */
static bool g_events;                  /* device-side change + needs-reset during the run */
static bool g_complete;                /* the checker may require every answer */

struct dev_wrap {
    struct vmsg_refdev *d;
    struct vmsg_endpoint ep;
    unsigned avail;
    bool events;
};

static void wrap_receive(void *self, const uint8_t *f, size_t len, vmsg_emit_fn emit, void *ctx)
{
    struct dev_wrap *w = self;
    w->ep.ops->receive(w->ep.self, f, len, emit, ctx);
    struct vmsg_msg m;
    if (!w->events || vmsg_decode(g_pers.profile, 0, f, len, &m, NULL) != VMSG_OK || !m.def ||
        m.def->mname != VMSG_M_EVENT_AVAIL)
        return;
    w->avail++;
    if (w->avail == 1)
        vmsg_refdev_config_change(w->d, 0, 2, 2, emit, ctx);
    else if (w->avail == 3)
        vmsg_refdev_needs_reset(w->d, 0, emit, ctx);
}

static int wrap_poll(void *self, uint64_t now, vmsg_emit_fn emit, void *ctx)
{
    struct dev_wrap *w = self;
    return w->ep.ops->poll ? w->ep.ops->poll(w->ep.self, now, emit, ctx) : 0;
}

static void wrap_destroy(void *self)
{
    struct dev_wrap *w = self;
    vmsg_refdev_free(w->d);
    free(w);
}

static const struct vmsg_endpoint_ops wrap_ops = {"refdev-events", wrap_receive, wrap_poll, wrap_destroy};

static int faults_of(const char *query, enum vmsg_fault_role role, struct vmsg_fault_set *fs, char *err, size_t cap)
{
    memset(fs, 0, sizeof *fs);
    if (query && !strncmp(query, "fault=", 6))
        return vmsg_fault_set_parse(fs, role, query + 6, err, cap) ? 0 : -1;
    return 0;
}

static int make_dev(const char *query, const struct vmsg_bus_params *params, struct vmsg_endpoint *out, char *err,
                    size_t cap)
{
    (void)params;
    struct vmsg_fault_set fs;
    if (faults_of(query, VMSG_FAULT_DEV, &fs, err, cap))
        return -1;
    struct dev_wrap *w = calloc(1, sizeof *w);
    w->d = vmsg_refdev_new(&g_pers, &fs);
    w->ep = vmsg_refdev_endpoint(w->d);
    w->events = g_events;
    out->ops = &wrap_ops;
    out->self = w;
    return 0;
}

static bool g_drv_bus;   /* refdrv enumerates with GET_DEVICES (refbus in the middle) */
static unsigned g_script; /* enum vmsg_refdrv_script */

static int make_drv(const char *query, const struct vmsg_bus_params *params, struct vmsg_endpoint *out, char *err,
                    size_t cap)
{
    (void)params;
    struct vmsg_fault_set fs;
    if (faults_of(query, VMSG_FAULT_DRV, &fs, err, cap))
        return -1;
    struct vmsg_refdrv_opts o;
    vmsg_refdrv_opts_default(&o);
    o.profile = g_pers.profile;
    o.dev_num = g_pers.dev_nums[0];
    o.max_msg_size = g_pers.max_msg_size;
    o.bus = g_drv_bus;
    o.script = g_script;
    o.timeout_ms = 100; /* a device that stays silent fails the script quickly */
    *out = vmsg_refdrv_endpoint(vmsg_refdrv_new(&o, &fs));
    return 0;
}

static const struct vmsg_builtin k_builtins[] = {{"dev", make_dev}, {"drv", make_drv}, {NULL, NULL}};

/* --- one proxied session --------------------------------------------------- */

struct seen {
    const char *want;      /* clause to look for, or NULL */
    bool hit;              /* a finding cites it */
    bool judged;           /* a finding of a rule that also judges it (vmsg_check_rules) */
    unsigned n;            /* findings with a clause */
    char text[4096];       /* the first findings, for messages */
};

/* The checker's rule table says which further clauses a rule judges. */
static bool rule_judges(const char *rule, const char *clause)
{
    size_t n;
    const struct vmsg_check_rule *r = vmsg_check_rules(&n);
    for (size_t i = 0; rule && i < n; i++)
        if (!strcmp(r[i].id, rule))
            for (unsigned k = 0; k < 4 && r[i].also[k]; k++)
                if (!strcmp(r[i].also[k], clause))
                    return true;
    return false;
}

static void on_finding(void *user, const struct vmsg_finding *f)
{
    struct seen *s = user;
    if (!f->clause)
        return; /* notes */
    s->n++;
    if (s->want && !strcmp(f->clause, s->want))
        s->hit = true;
    if (s->want && !s->hit && rule_judges(f->rule, s->want))
        s->judged = true;
    size_t l = strlen(s->text);
    if (l < sizeof s->text - 200) {
        char line[300];
        vmsg_finding_format(f, line, sizeof line);
        snprintf(s->text + l, sizeof s->text - l, "    %s [%s]\n", line, f->rule);
    }
}

static void run_session(const char *drv_query, const char *dev_query, bool refbus, struct seen *s)
{
    char err[512], uri[600];
    struct vmsg_bus_opts bo;
    vmsg_bus_opts_init(&bo);
    bo.profile = g_pers.profile;
    /* the proxy carries frames of any size, so that an oversize frame is
     * judged (against the bus maximum below) instead of cutting the link */
    bo.params.max_msg_size = 65535;
    bo.builtins = k_builtins;
    struct vmsg_bus *drv = NULL, *dev = NULL;
    snprintf(uri, sizeof uri, "builtin:dev%s%s", dev_query ? "?" : "", dev_query ? dev_query : "");
    bo.side = VMSG_BUS_SIDE_DRIVER;
    if (vmsg_bus_open(uri, &bo, &dev, err, sizeof err) != VMSG_BUS_OK)
        fail_msg("%s", err);
    snprintf(uri, sizeof uri, "builtin:drv%s%s", drv_query ? "?" : "", drv_query ? drv_query : "");
    bo.side = VMSG_BUS_SIDE_DEVICE;
    if (vmsg_bus_open(uri, &bo, &drv, err, sizeof err) != VMSG_BUS_OK)
        fail_msg("%s", err);
    struct vmsg_proxy_opts po;
    vmsg_proxy_opts_init(&po);
    po.profile = g_pers.profile;
    po.max_msg_size = g_pers.max_msg_size;
    po.on_finding = on_finding;
    po.user = s;
    po.timeout_ms = 10000;
    po.complete = g_complete;
    if (refbus) {
        po.refbus = true;
        po.bus.max_msg_size = g_pers.max_msg_size;
        po.bus.ndevs = g_pers.ndevs;
        memcpy(po.bus.dev_nums, g_pers.dev_nums, sizeof po.bus.dev_nums);
        po.bus.window = g_pers.bus_window;
    }
    struct vmsg_proxy_result r;
    assert_int_equal(vmsg_proxy_run(drv, dev, &po, &r), 0);
    if (r.status != VMSG_BUS_CLOSED)
        fail_msg("proxy ended with %s: %s", vmsg_bus_status_name(r.status), r.why);
    assert_true(r.frames > 0);
    vmsg_bus_close(drv);
    vmsg_bus_close(dev);
}

/* The personality a fault needs to show at all (the default otherwise). */
static void scenario(const struct vmsg_fault *f)
{
    vmsg_personality_default(&g_pers);
    g_events = true;
    switch (f->id) {
    case VMSG_FAULT_DRV_NO_NEXT_OFFSET_WITH_NOTIFICATION_DATA:
        g_pers.features[1] |= 1u << (VMSG_FEATURE_NOTIFICATION_DATA - 32);
        break;
    case VMSG_FAULT_DRV_NO_REFRESH_ON_EVENT_CONFIG:
    case VMSG_FAULT_DRV_IO_BEFORE_REFRESH:
    case VMSG_FAULT_DEV_EVENT_CONFIG_NO_RANGE:
        g_pers.event_config_data = false;
        break;
    case VMSG_FAULT_DRV_RESET_VQUEUE_WITHOUT_RING_RESET:
        g_pers.features[1] &= ~(1u << (VMSG_FEATURE_RING_RESET - 32));
        break;
    case VMSG_FAULT_DRV_OVERSIZE:
    case VMSG_FAULT_DEV_PARTIAL_EVENT_CONFIG:
        g_pers.config_size = 300;
        break;
    case VMSG_FAULT_DRV_IGNORE_FEATURES_OK_REFUSAL:
    case VMSG_FAULT_DEV_KEEP_FEATURES_OK_ON_REFUSAL:
        g_pers.refuse[1] |= 1u << (VMSG_FEATURE_RING_RESET - 32);
        break;
    default: break;
    }
}

/* --- unseen.txt ------------------------------------------------------------ */

static bool listed_unseen(const char *name)
{
    FILE *f = fopen(g_unseen_file, "r");
    if (!f)
        fail_msg("%s: cannot open", g_unseen_file);
    char line[512];
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, " \t\r\n");
        if (line[0] != '#' && n == strlen(name) && !strncmp(line, name, n))
            found = true;
    }
    fclose(f);
    return found;
}

static void proxy_checker_sees_faults(void **state)
{
    (void)state;
    size_t n;
    const struct vmsg_fault *all = vmsg_faults(&n);
    unsigned seen = 0, unseen = 0, total = 0, wrong = 0, judged = 0;
    for (size_t i = 0; i < n; i++) {
        const struct vmsg_fault *f = &all[i];
        if (f->role == VMSG_FAULT_BUS)
            continue;
        total++;
        char q[200];
        snprintf(q, sizeof q, "fault=%s", f->name);
        struct seen s;
        unsigned script = 0;
        const char *only = getenv("VMSG_PROXY_FAULTS_SCRIPT"); /* diagnosis: one script */
        for (; script < VMSG_REFDRV_SCRIPT__COUNT; script++) {
            if (only && strcmp(only, vmsg_refdrv_script_name(script)))
                continue;
            scenario(f);
            g_drv_bus = false;
            g_script = script;
            memset(&s, 0, sizeof s);
            s.want = f->clause;
            run_session(f->role == VMSG_FAULT_DRV ? q : NULL, f->role == VMSG_FAULT_DEV ? q : NULL, false, &s);
            if (s.hit || s.judged)
                break; /* the first script that shows it */
        }
        bool listed = listed_unseen(f->name), hit = s.hit || s.judged;
        if (hit)
            seen++;
        else
            unseen++;
        if (s.judged)
            judged++;
        const char *verbose = getenv("VMSG_PROXY_FAULTS_VERBOSE");
        if (verbose)
            fprintf(stderr, "%-8s %-44s %-26s %s\n", s.hit ? "cited" : s.judged ? "judged" : "unseen", f->name, f->clause,
                    hit ? vmsg_refdrv_script_name(script) : "");
        if (verbose && !strcmp(verbose, "2"))
            fprintf(stderr, "%s", s.text);
        if (hit && listed) {
            fprintf(stderr, "%s (%s): seen now: remove it from unseen.txt\n", f->name, f->clause);
            wrong++;
        } else if (!hit && !listed) {
            fprintf(stderr, "%s (%s): no finding cites the clause; findings:\n%s", f->name, f->clause,
                    s.text[0] ? s.text : "    (none)\n");
            wrong++;
        }
    }
    /* every listed name is a dev/drv fault that still exists */
    FILE *uf = fopen(g_unseen_file, "r");
    assert_non_null(uf);
    char line[512];
    while (fgets(line, sizeof line, uf)) {
        size_t l = strcspn(line, " \t\r\n");
        if (line[0] == '#' || l == 0)
            continue;
        line[l] = 0;
        const struct vmsg_fault *lf = vmsg_fault_by_name(line);
        if (!lf || lf->role == VMSG_FAULT_BUS) {
            fprintf(stderr, "%s: '%s' is not a dev/drv fault\n", g_unseen_file, line);
            wrong++;
        }
    }
    fclose(uf);
    fprintf(stderr,
            "proxy checker: %u of %u dev/drv faults seen (%u by a finding citing the clause, %u by a rule that "
            "also judges it), %u unseen (listed in %s)\n",
            seen, total, seen - judged, judged, unseen, g_unseen_file);
    assert_int_equal(wrong, 0);
}

static void proxy_checker_silent_on_clean_personalities(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/harness/ref/personalities", VMSG_SOURCE_DIR);
    DIR *d = opendir(dir);
    assert_non_null(d);
    unsigned runs = 0, noisy = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".yaml"))
            continue;
        char path[1400], err[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        for (int mode = 0; mode < 4 * VMSG_REFDRV_SCRIPT__COUNT; mode++) {
            if (!vmsg_personality_load(&g_pers, path, err, sizeof err))
                fail_msg("%s", err);
            g_events = mode & 1;
            bool refbus = mode & 2;
            g_drv_bus = refbus;
            g_script = (unsigned)mode / 4;
            struct seen s;
            memset(&s, 0, sizeof s);
            run_session(NULL, NULL, refbus, &s);
            runs++;
            if (s.n) {
                fprintf(stderr, "%s (%s, %s, script %s): %u findings on clean traffic:\n%s", e->d_name,
                        refbus ? "refbus" : "relay", g_events ? "device events" : "no events",
                        vmsg_refdrv_script_name(g_script), s.n, s.text);
                noisy++;
            }
        }
    }
    closedir(d);
    assert_true(runs >= 8 * 4 * VMSG_REFDRV_SCRIPT__COUNT);
    assert_int_equal(noisy, 0);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s UNSEEN_FILE\n", argv[0]);
        return 2;
    }
    g_unseen_file = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(proxy_checker_silent_on_clean_personalities),
        cmocka_unit_test(proxy_checker_sees_faults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
