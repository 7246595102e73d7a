/* vmsg run: the active suites against an implementation under test.
 *
 *   vmsg run [--suite device|driver|bus|all] [--iut URI] [-k GLOB] [--clause ID]
 *            [--tag T] [-l] [--strict] [--expect FILE] [--seed N] [--report DIR]
 *
 * Exit: 0 nothing unexpected, 1 conformance failures, 2 usage or input error,
 * 3 the harness could not run (IUT unreachable for every case, fork...). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vmsg/engine.h>
#include <vmsg/iut.h>
#include <vmsg/wire.h>

#include "cli.h"
#include "commands.h"
#include "run_out.h"
#include "suites.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vmsg run [OPTIONS]\n"
            "Run the conformance suites against an implementation under test (IUT).\n"
            "Without --iut, every suite runs against the built-in reference implementations.\n"
            "Before the device and bus suites the IUT's conformance statement (what it says about\n"
            "itself) is gathered, recorded and handed to the cases; the passive checker also judges\n"
            "the traffic of every case.\n\n"
            "  -s, --suite S        device, driver, bus or all (default: all)\n"
            "  -i, --iut URI        the IUT: builtin:refdev[?fault=NAME], exec:PROGRAM ARGS, unix:PATH,\n"
            "                       tcp:HOST:PORT, seqpacket:PATH, shm:DIR/NAME (see vmsg(1))\n"
            "      --driver-side URI  bus suite: where the harness plays the driver (with --device-side)\n"
            "      --device-side URI  bus suite: where the harness plays the devices\n"
            "                       (default: builtin:refbus, the in-process reference bus; --iut\n"
            "                       builtin:refbus?fault=NAME selects it with faults)\n"
            "      --bus-devices N,N  bus suite: device numbers behind the device side (default: dev-num, dev-num+1)\n"
            "      --ics KEY=VALUE  declare an entry of the IUT's conformance statement that the harness\n"
            "                       cannot ask (e.g. bus.event_avail=out-of-band); repeatable; a declared\n"
            "                       entry wins over a gathered one\n"
            "  -p, --profile P      wire profile (default v1)\n"
            "  -d, --dev-num N      device number under test (default 1)\n"
            "  -m, --max-size N     bus maximum message size (default 264)\n"
            "  -k, --case GLOB      only cases whose id matches GLOB\n"
            "  -c, --clause ID      only cases citing clause ID (a prefix ending in '.' matches a block)\n"
            "  -t, --tag T          only cases tagged T\n"
            "  -l, --list           list the selected cases and exit\n"
            "      --strict         a broken SHOULD (WARN) counts as a failure\n"
            "  -e, --expect FILE    expectations (YAML list of {case, verdict, reason}): XFAIL/XPASS\n"
            "      --seed N         seed of every random choice (default 1)\n"
            "      --reply-timeout MS  how long to wait for one answer (default 500; 50 for builtin:)\n"
            "  -r, --report DIR     write results.json and the reports into DIR\n"
            "      --no-fork        run cases in this process (debugging; no time box)\n"
            "      --no-check       the passive checker does not judge the cases' traffic (verdicts come\n"
            "                       from the cases' own checks and the codec only)\n"
            "  -v, --verbose        print every case, not only the unexpected ones\n"
            "  -q, --quiet          print only the closing line\n"
            "  -h, --help           this text\n\n"
            "environment: VMSG_TIMEOUT_MULTIPLIER scales every time box (slow machines, valgrind).\n\n"
            "examples:\n"
            "  vmsg run                                       # all suites, built-in references\n"
            "  vmsg run --suite device --iut exec:./my-device --report out/\n"
            "  vmsg run --suite bus --driver-side unix:/run/bus-drv.sock --device-side unix:/run/bus-dev.sock\n"
            "  vmsg run --suite device --iut builtin:refdev?fault=dev-ignore-generation -k 'device.config.*'\n"
            "  vmsg run --suite bus --driver-side unix:/d.sock --device-side unix:/v.sock --ics bus.event_avail=out-of-band\n\n"
            "exit: 0 nothing unexpected, 1 failures, 2 usage or input error, 3 harness or transport error\n");
}

/* KEY=VALUE of --ics: a "section.key" name and any value. */
static bool declare(struct vmsg_ics *ics, const char *arg)
{
    const char *eq = arg ? strchr(arg, '=') : NULL;
    char key[sizeof ics->e[0].key];
    size_t n = eq ? (size_t)(eq - arg) : 0;
    if (!eq || !n || n >= sizeof key || !memchr(arg, '.', n) || arg[0] == '.' || arg[n - 1] == '.') {
        fprintf(stderr, "vmsg: run: --ics: '%s' is not SECTION.KEY=VALUE (e.g. bus.event_avail=out-of-band)\n",
                arg ? arg : "");
        return false;
    }
    memcpy(key, arg, n);
    key[n] = 0;
    if (!vmsg_ics_set(ics, key, eq + 1)) {
        fprintf(stderr, "vmsg: run: --ics: too many entries (at most %u)\n", (unsigned)VMSG_ICS_MAX);
        return false;
    }
    return true;
}

/* The conformance statement of ROLE's IUT before its cases: gathered (when
 * the suite has a gathering body) on top of the declared entries, which
 * win; recorded; handed to the cases through ro->ics. Returns 3 when the
 * gathering ended in ERROR (the IUT hung or crashed: the cases still run),
 * 0 otherwise. */
static int gather_ics(unsigned role, struct vmsg_run_opts *ro, const struct vmsg_ics *declared, struct vmsg_ics *ics,
                      struct vmsg_run_output *out)
{
    const struct vmsg_case_def *def = vmsg_suite_ics(role);
    struct vmsg_case_result *r = def ? malloc(sizeof *r) : NULL;
    *ics = *declared;
    ro->ics = vmsg_ics_pairs(ics);
    if (def && r) {
        vmsg_run_ics(def, ro, ics, r);
        for (unsigned i = 0; i < declared->n; i++)
            vmsg_ics_set(ics, declared->e[i].key, declared->e[i].value);
    }
    vmsg__run_output_ics_all(out, role, ics, r);
    ro->ics = vmsg_ics_pairs(ics);
    int rc = r && r->verdict == VMSG_ERROR ? 3 : 0;
    free(r);
    return rc;
}

static int parse_uint(const char *opt, const char *s, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    unsigned long v = strtoul(s, &end, 0);
    if (!*s || *end || v > max) {
        fprintf(stderr, "vmsg: run: %s: '%s' is not a number up to %lu\n", opt, s, max);
        return 2;
    }
    *out = v;
    return 0;
}

int vmsg_cmd_run(int argc, char **argv)
{
    enum {
        OPT_STRICT = 256, OPT_SEED, OPT_NOFORK, OPT_REPLY, OPT_DRIVER_SIDE, OPT_DEVICE_SIDE, OPT_BUS_DEVICES,
        OPT_ICS, OPT_NO_CHECK
    };
    static const struct option lopts[] = {
        {"suite", required_argument, 0, 's'},  {"iut", required_argument, 0, 'i'},
        {"profile", required_argument, 0, 'p'}, {"dev-num", required_argument, 0, 'd'},
        {"max-size", required_argument, 0, 'm'}, {"case", required_argument, 0, 'k'},
        {"clause", required_argument, 0, 'c'}, {"tag", required_argument, 0, 't'},
        {"list", no_argument, 0, 'l'},           {"strict", no_argument, 0, OPT_STRICT},
        {"expect", required_argument, 0, 'e'}, {"seed", required_argument, 0, OPT_SEED},
        {"reply-timeout", required_argument, 0, OPT_REPLY},
        {"report", required_argument, 0, 'r'}, {"no-fork", no_argument, 0, OPT_NOFORK},
        {"verbose", no_argument, 0, 'v'},        {"quiet", no_argument, 0, 'q'},
        {"driver-side", required_argument, 0, OPT_DRIVER_SIDE}, {"device-side", required_argument, 0, OPT_DEVICE_SIDE},
        {"bus-devices", required_argument, 0, OPT_BUS_DEVICES}, {"ics", required_argument, 0, OPT_ICS},
        {"no-check", no_argument, 0, OPT_NO_CHECK},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
    struct vmsg_run_opts o;
    memset(&o, 0, sizeof o);
    o.role = -1;
    o.isolate = true;
    o.seed = 1;
    o.link.profile = VMSG_PROFILE_V1;
    o.link.dev_num = 1;
    o.link.max_msg_size = 264;
    o.timeout_multiplier = vmsg_timeout_multiplier_from_env();
    const char *iut = NULL, *expect = NULL, *report = NULL;
    const char *drv_side = NULL, *dev_side = NULL, *bus_devices = NULL;
    const char *declared_args[64];
    unsigned ndeclared = 0;
    bool list = false;
    int verbosity = 1, c;
    unsigned long v;
    vmsg__cli_begin();
    while ((c = getopt_long(argc, argv, ":s:i:p:d:m:k:c:t:le:r:vqh", lopts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (!strcmp(optarg, "all"))
                o.role = -1;
            else if (!strcmp(optarg, "device"))
                o.role = VMSG_IUT_DEVICE;
            else if (!strcmp(optarg, "driver"))
                o.role = VMSG_IUT_DRIVER;
            else if (!strcmp(optarg, "bus"))
                o.role = VMSG_IUT_BUS;
            else {
                fprintf(stderr, "vmsg: run: --suite: unknown suite '%s' (device, driver, bus, all)\n", optarg);
                return 2;
            }
            break;
        case 'i': iut = optarg; break;
        case 'p': {
            int p = vmsg_profile_by_name(optarg);
            if (p < 0) {
                fprintf(stderr, "vmsg: run: --profile: unknown profile '%s'\n", optarg);
                return 2;
            }
            o.link.profile = (unsigned)p;
            break;
        }
        case 'd':
            if (parse_uint("--dev-num", optarg, 0xffff, &v))
                return 2;
            o.link.dev_num = (uint16_t)v;
            break;
        case 'm':
            if (parse_uint("--max-size", optarg, 65535, &v))
                return 2;
            o.link.max_msg_size = (uint32_t)v;
            break;
        case 'k': o.id_glob = optarg; break;
        case 'c': o.clause = optarg; break;
        case 't': o.tag = optarg; break;
        case 'l': list = true; break;
        case OPT_STRICT: o.strict = true; break;
        case 'e': expect = optarg; break;
        case OPT_SEED:
            if (parse_uint("--seed", optarg, ~0ul, &v))
                return 2;
            o.seed = v;
            break;
        case 'r': report = optarg; break;
        case OPT_NOFORK: o.isolate = false; break;
        case OPT_REPLY:
            if (parse_uint("--reply-timeout", optarg, 600000, &v) || v == 0) {
                fprintf(stderr, "vmsg: run: --reply-timeout: give 1 to 600000 ms\n");
                return 2;
            }
            o.reply_timeout_ms = (unsigned)v;
            break;
        case OPT_DRIVER_SIDE: drv_side = optarg; break;
        case OPT_DEVICE_SIDE: dev_side = optarg; break;
        case OPT_BUS_DEVICES: bus_devices = optarg; break;
        case OPT_ICS:
            if (ndeclared == sizeof declared_args / sizeof declared_args[0]) {
                fprintf(stderr, "vmsg: run: --ics: at most %zu entries\n", sizeof declared_args / sizeof declared_args[0]);
                return 2;
            }
            declared_args[ndeclared++] = optarg;
            break;
        case OPT_NO_CHECK: o.no_check = true; break;
        case 'v': verbosity = 2; break;
        case 'q': verbosity = 0; break;
        case 'h': usage(stdout); return 0;
        default: return vmsg__cli_bad_option("run", c, argv);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "vmsg: run: unexpected argument '%s' (see vmsg run --help)\n", argv[optind]);
        return 2;
    }
    if (o.clause && !o.clause[0]) {
        fprintf(stderr, "vmsg: run: --clause: empty clause id\n");
        return 2;
    }
    if (!drv_side != !dev_side) {
        fprintf(stderr, "vmsg: run: --driver-side and --device-side go together (both ends of the bus)\n");
        return 2;
    }
    if (bus_devices) {
        if (strspn(bus_devices, "0123456789,") != strlen(bus_devices) || !bus_devices[0]) {
            fprintf(stderr, "vmsg: run: --bus-devices: '%s' is not a list of numbers like 1,2,9\n", bus_devices);
            return 2;
        }
    }
    /* declared entries of the conformance statement, handed to every suite */
    struct vmsg_ics *declared = calloc(2, sizeof *declared);
    if (!declared) {
        fprintf(stderr, "vmsg: run: out of memory\n");
        return 3;
    }
    struct vmsg_ics *ics = &declared[1]; /* the statement of the suite being run */
    vmsg_ics_init(declared);
    if (bus_devices)
        vmsg_ics_set(declared, "bus.devices", bus_devices);
    for (unsigned i = 0; i < ndeclared; i++)
        if (!declare(declared, declared_args[i])) {
            free(declared);
            return 2;
        }
    o.ics = vmsg_ics_pairs(declared);
    struct vmsg_expectation *ex = NULL;
    if (expect) {
        char err[512];
        ex = vmsg_expectations_load(expect, &o.nexpect, err, sizeof err);
        if (!ex) {
            fprintf(stderr, "vmsg: %s\n", err);
            free(declared);
            return 2;
        }
        o.expect = ex;
    }
    if (list) {
        for (unsigned role = 0; role <= VMSG_IUT_BUS; role++) {
            size_t n = 0;
            const struct vmsg_case_def *cases = vmsg_suite_cases(role, &n);
            for (size_t i = 0; i < n; i++)
                if (vmsg_case_selected(&cases[i], &o)) {
                    printf("%-44s %s [", cases[i].id, cases[i].title);
                    for (unsigned k = 0; k < VMSG_CASE_MAX_CLAUSES && cases[i].clauses[k]; k++)
                        printf("%s%s", k ? " " : "", cases[i].clauses[k]);
                    printf("]\n");
                }
        }
        free(ex);
        free(declared);
        return 0;
    }
    /* Check every IUT before any output: a typo in a URI, a fault name or a
     * personality is one usage error, not one ERROR per case. In-process IUTs
     * are cheap to build once; others are reached per case. */
    for (unsigned role = 0; role <= VMSG_IUT_BUS; role++) {
        size_t n = 0;
        if ((o.role >= 0 && (unsigned)o.role != role) || !vmsg_suite_cases(role, &n) || !n)
            continue;
        if (role == VMSG_IUT_BUS || vmsg_iut_is_refbus(iut))
            continue; /* both ends of a bus are checked by vmsg_iut_pair_init below */
        struct vmsg_iut_bus probe;
        char err[512];
        if (vmsg_iut_bus_init(&probe, iut, role, &o.link, err, sizeof err) != 0) {
            fprintf(stderr, "vmsg: run: %s\n", err);
            free(ex);
            free(declared);
            return 2;
        }
        if (vmsg_iut_bus_is_builtin(&probe)) {
            struct vmsg_bus *b = NULL;
            if (vmsg_bus_open(probe.uri, &probe.bopts, &b, err, sizeof err) != VMSG_BUS_OK) {
                fprintf(stderr, "vmsg: run: --iut: %s\n", err);
                free(ex);
                free(declared);
                return 2;
            }
            vmsg_bus_close(b);
        }
    }
    struct vmsg_run_output out;
    if (vmsg__run_output_open(&out, report, iut ? iut : drv_side ? drv_side : "builtin", &o, verbosity) != 0) {
        free(ex);
        free(declared);
        return 2;
    }
    int rc = 0;
    struct vmsg_run_summary total;
    memset(&total, 0, sizeof total);
    for (unsigned role = 0; role <= VMSG_IUT_BUS; role++) {
        if (o.role >= 0 && (unsigned)o.role != role)
            continue;
        size_t n = 0;
        const struct vmsg_case_def *cases = vmsg_suite_cases(role, &n);
        if (!n)
            continue;
        struct vmsg_run_opts ro = o;
        struct vmsg_iut_bus iutv;
        struct vmsg_iut_pair pair;
        char err[512];
        bool builtin;
        if (role == VMSG_IUT_BUS) {
            /* both ends of the bus: --driver-side/--device-side, or the reference bus */
            const char *ref = vmsg_iut_is_refbus(iut) ? iut : NULL;
            if (iut && !ref && !drv_side) {
                fprintf(stderr, "vmsg: run: %s: --iut names one party; a bus needs --driver-side and --device-side%s\n",
                        iut, o.role < 0 ? " (bus suite skipped)" : "");
                if (o.role >= 0)
                    rc = rc > 2 ? rc : 2;
                continue;
            }
            if (vmsg_iut_pair_init(&pair, drv_side ? drv_side : ref, dev_side, &ro.link, err, sizeof err) != 0) {
                fprintf(stderr, "vmsg: run: %s\n", err);
                rc = rc > 2 ? rc : 2;
                continue;
            }
            vmsg_iut_pair_apply(&pair, &ro);
            builtin = pair.builtin;
        } else {
            if (vmsg_iut_is_refbus(iut))
                continue; /* the reference bus is only an IUT of the bus suite */
            if (vmsg_iut_bus_init(&iutv, iut, role, &ro.link, err, sizeof err) != 0) {
                fprintf(stderr, "vmsg: run: %s\n", err);
                rc = rc > 2 ? rc : 2;
                continue;
            }
            ro.iut = &vmsg_iut_bus_ops;
            ro.iut_arg = &iutv;
            builtin = vmsg_iut_bus_is_builtin(&iutv);
        }
        /* in-process references answer at once; real IUTs get half a second */
        if (!ro.reply_timeout_ms)
            ro.reply_timeout_ms = builtin ? 50 : 500;
        if (gather_ics(role, &ro, declared, ics, &out) == 3)
            rc = 3;
        ro.on_result = vmsg__run_output_case;
        ro.on_result_arg = &out;
        struct vmsg_run_summary sum;
        int r = vmsg_run_cases(cases, n, &ro, &sum);
        for (int k = 0; k < VMSG_VERDICT_COUNT; k++)
            total.counts[k] += sum.counts[k];
        total.selected += sum.selected;
        total.unexpected += sum.unexpected;
        if (r == 3 || (sum.selected && sum.counts[VMSG_ERROR] == sum.selected))
            rc = rc > 3 ? rc : 3;
        else if (r == 1 && rc < 1)
            rc = 1;
    }
    int wrc = vmsg__run_output_close(&out, &total);
    free(ex);
    free(declared);
    if (wrc && rc < 3)
        rc = 3;
    return rc;
}
