/* vmsg refdrv: the reference driver as a standalone program. It connects
 * over any bus adapter URI (--connect URI) or talks on its own stdin/stdout
 * (--stdio: what `exec:` spawns), runs its script once and says whether the
 * script succeeded. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/bus.h>
#include <vmsg/ref.h>
#include <vmsg/wire.h>

#include "commands.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vmsg refdrv [--fault NAME[,NAME...]] [--bus] [--dev-num N] [--profile P]\n"
            "                   [--max-size N] [--timeout MS] (--connect URI | --stdio)\n"
            "       vmsg refdrv --list-faults\n"
            "The reference virtio-msg v1 driver: GET_DEVICES (with --bus), GET_DEVICE_INFO,\n"
            "feature negotiation, queue setup, DRIVER_OK, I/O, runtime SET_CONFIG, reset and\n"
            "re-init. Named faults each break one driver clause.\n\n"
            "  -C, --connect URI       run the script over URI (unix:PATH, tcp:HOST:PORT,\n"
            "                          seqpacket:PATH, shm:DIR/NAME, exec:PROGRAM ARGS, a\n"
            "                          listening URI, builtin:refdev...)\n"
            "  -s, --stdio             run the script on stdin/stdout (for exec:)\n"
            "  -f, --fault LIST        comma-separated drv faults to inject\n"
            "  -b, --bus               a bus is present: enumerate with GET_DEVICES first\n"
            "  -d, --dev-num N         device to drive (default 1)\n"
            "  -P, --profile P         wire profile (default v1)\n"
            "  -m, --max-size N        bus maximum message size (default 264)\n"
            "  -t, --timeout MS        wait for each answer at most MS (default 1000)\n"
            "  -l, --list-faults       print NAME  CLAUSE  description for every drv fault\n"
            "  -h, --help              this text\n\n"
            "examples:\n"
            "  vmsg refdrv --list-faults | grep features\n"
            "  vmsg refdrv --connect 'exec:vmsg refdev --stdio'\n\n"
            "exit: 0 the script succeeded, 1 it failed (reason on stderr), 2 usage error,\n"
            "      3 transport error (unreachable, closed before the script ended)\n");
}

static volatile int g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

int vmsg_cmd_refdrv(int argc, char **argv)
{
    static const struct option lo[] = {{"fault", required_argument, 0, 'f'},
                                       {"list-faults", no_argument, 0, 'l'},
                                       {"connect", required_argument, 0, 'C'},
                                       {"stdio", no_argument, 0, 's'},
                                       {"bus", no_argument, 0, 'b'},
                                       {"dev-num", required_argument, 0, 'd'},
                                       {"profile", required_argument, 0, 'P'},
                                       {"max-size", required_argument, 0, 'm'},
                                       {"timeout", required_argument, 0, 't'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    struct vmsg_fault_set fs;
    memset(&fs, 0, sizeof fs);
    struct vmsg_refdrv_opts o;
    vmsg_refdrv_opts_default(&o);
    const char *uri = NULL;
    bool stdio_mode = false;
    char err[512];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:lC:sbd:P:m:t:h", lo, NULL)) != -1) {
        char *end = NULL;
        unsigned long v = 0;
        if (c == 'd' || c == 'm' || c == 't') {
            v = strtoul(optarg, &end, 10);
            if (!*optarg || *end || optarg[0] == '-' || v > (c == 't' ? 3600000ul : 65535ul) ||
                (c == 'm' && v < 8)) {
                fprintf(stderr, "vmsg: refdrv: -%c: '%s' is out of range\n", c, optarg);
                return 2;
            }
        }
        switch (c) {
        case 'f':
            if (!vmsg_fault_set_parse(&fs, VMSG_FAULT_DRV, optarg, err, sizeof err)) {
                fprintf(stderr, "vmsg: refdrv: --fault: %s\n", err);
                return 2;
            }
            break;
        case 'l': vmsg_faults_print(stdout, VMSG_FAULT_DRV); return 0;
        case 'C': uri = optarg; break;
        case 's': stdio_mode = true; break;
        case 'b': o.bus = true; break;
        case 'd': o.dev_num = (uint16_t)v; break;
        case 'P': {
            int p = vmsg_profile_by_name(optarg);
            if (p < 0) {
                fprintf(stderr, "vmsg: refdrv: --profile: unknown profile '%s'\n", optarg);
                return 2;
            }
            o.profile = (unsigned)p;
            break;
        }
        case 'm': o.max_msg_size = (uint32_t)v; break;
        case 't': o.timeout_ms = v; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "vmsg: refdrv: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (!uri == !stdio_mode) {
        fprintf(stderr, "vmsg: refdrv: give exactly one of --connect URI and --stdio (see vmsg refdrv --help)\n");
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct vmsg_bus_opts bo;
    vmsg_bus_opts_init(&bo);
    bo.profile = o.profile;
    bo.side = VMSG_BUS_SIDE_DRIVER;
    bo.params.max_msg_size = o.max_msg_size;
    bo.builtins = vmsg_ref_builtins();
    struct vmsg_bus *b = NULL;
    int rc = vmsg_bus_open(stdio_mode ? "stdio:" : uri, &bo, &b, err, sizeof err);
    if (rc != VMSG_BUS_OK) {
        fprintf(stderr, "vmsg: refdrv: %s\n", err);
        return rc == VMSG_BUS_USAGE ? 2 : 3;
    }
    uint32_t max = vmsg_bus_params(b)->max_msg_size;
    if (max && max < o.max_msg_size)
        o.max_msg_size = max;
    struct vmsg_refdrv *d = vmsg_refdrv_new(&o, &fs);
    if (!d) {
        vmsg_bus_close(b);
        fprintf(stderr, "vmsg: refdrv: out of memory\n");
        return 3;
    }
    struct vmsg_endpoint ep = vmsg_refdrv_endpoint(d);
    struct vmsg_serve_opts so = {&g_stop, -1, -1, 5};
    rc = vmsg_bus_serve(b, &ep, &so);
    const char *why = "";
    int r = vmsg_refdrv_result(d, &why);
    int status;
    if (r == 1) {
        status = 0;
    } else if (r < 0) {
        fprintf(stderr, "vmsg: refdrv: script failed: %s\n", why);
        status = 1;
    } else if (g_stop) {
        fprintf(stderr, "vmsg: refdrv: stopped by a signal before the script ended\n");
        status = 3;
    } else {
        fprintf(stderr, "vmsg: refdrv: %s (%s before the script ended)\n", vmsg_bus_error(b),
                vmsg_bus_status_name(rc));
        status = 3;
    }
    vmsg_bus_finish(b, 200);
    vmsg_bus_close(b);
    vmsg_refdrv_free(d);
    return status;
}
