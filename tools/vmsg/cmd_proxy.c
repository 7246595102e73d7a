/* vmsg proxy: sit between a driver and a device, relay their frames (plainly
 * or through the reference bus), write a capture as it goes and judge the
 * traffic live with the passive checker. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <vmsg/bus.h>
#include <vmsg/capture.h>
#include <vmsg/proxy.h>
#include <vmsg/ref.h>
#include <vmsg/wire.h>

#include "cli.h"
#include "commands.h"
#include "live_out.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vmsg proxy --driver-side URI --device-side URI [--capture FILE] [--check]\n"
            "                  [--bus ref[?fault=NAME,...&dev=N,...&window=N]] [--profile P]\n"
            "                  [--max-size N] [--timeout S] [--strict] [--complete] [--serve] [--report DIR] [-q]\n"
            "Relay virtio-msg frames between a driver (--driver-side) and a device\n"
            "(--device-side), record them and judge them live. The proxy plays the device\n"
            "towards the driver side and the driver towards the device side; either URI may\n"
            "listen (unix-listen:, tcp-listen:, seqpacket-listen:, shm:), connect, spawn\n"
            "(exec:) or be in process (builtin:refdrv, builtin:refdev?fault=NAME).\n\n"
            "  -D, --driver-side URI   where the driver is\n"
            "  -E, --device-side URI   where the device is\n"
            "  -w, --capture FILE      write every relayed frame to FILE (pcap, streamed: a\n"
            "                          killed proxy leaves a readable prefix)\n"
            "  -c, --check             run the passive checker and print findings as they\n"
            "                          happen (implied by --report)\n"
            "  -b, --bus SPEC          put the reference bus in the middle: ref, with options\n"
            "                          fault= (bus faults), dev= (device numbers behind it),\n"
            "                          window= (GET_DEVICES window); its driver face is bus\n"
            "                          instance 0 of the capture, its device face instance 1\n"
            "  -p, --profile P         wire profile (default v1)\n"
            "  -m, --max-size N        bus maximum message size (default 264)\n"
            "  -t, --timeout S         stop after S seconds (default: when a side closes)\n"
            "  -s, --strict            SHOULD findings count as failures\n"
            "      --complete          requests left unanswered at the end are failures\n"
            "      --serve             both sides listen: after a session ends, accept the next\n"
            "                          pair of peers (a fresh bus each time) until stopped\n"
            "  -r, --report DIR        write DIR/results.json (mode \"proxy\")\n"
            "  -q, --quiet             no finding lines, only the summary\n"
            "  -h, --help              this text\n\n"
            "example:\n"
            "  vmsg proxy --driver-side unix-listen:/tmp/drv.sock \\\n"
            "             --device-side 'exec:vmsg refdev --stdio' --capture live.pcap --check &\n"
            "  vmsg refdrv --connect unix:/tmp/drv.sock\n"
            "  -> live.pcap:frame 12: driver.set-vqueue.1: size: expected 1..256, got 512\n\n"
            "  the reference bus on two sockets, for the bus suite (a new bus per case):\n"
            "  vmsg proxy --bus ref --serve --driver-side unix-listen:/tmp/bus-drv.sock \\\n"
            "             --device-side unix-listen:/tmp/bus-dev.sock &\n"
            "  vmsg run --suite bus --driver-side unix:/tmp/bus-drv.sock --device-side unix:/tmp/bus-dev.sock\n\n"
            "SIGINT/SIGTERM stop the relay and print the summary.\n"
            "exit: 0 no findings (or no --check), 1 findings (FAIL, or WARN with --strict),\n"
            "      2 usage error, 3 transport error (a side unreachable or broken)\n");
}

static volatile int g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

/* Real transports carry frames of any size, so that a frame above the bus
 * maximum is relayed and judged (check.msg-size-max) instead of breaking the
 * stream; a builtin: endpoint is told the maximum itself. */
static uint32_t carry_max(const char *uri, unsigned long max)
{
    return strncmp(uri, "builtin:", 8) == 0 ? (uint32_t)max : 65535u;
}

static const char *side_name(int s) { return s ? "device side" : "driver side"; }

/* Listening sides say where (tcp-listen:...:0 picks a port); exec: sides their pid. */
static void say_where(struct vmsg_bus *b, int s)
{
    const char *a = vmsg_bus_local_addr(b);
    if (!a[0])
        return;
    if (!strncmp(vmsg_bus_uri(b), "exec:", 5))
        fprintf(stderr, "vmsg: proxy: %s program started (%s)\n", side_name(s), a);
    else
        fprintf(stderr, "vmsg: proxy: %s listening on %s\n", side_name(s), a);
}

/* exec: sides: say how the child ended when it was not a clean exit. */
static void finish_side(struct vmsg_bus *b, int s, bool quiet)
{
    int st = vmsg_bus_finish(b, 500);
    if (!strncmp(vmsg_bus_uri(b), "exec:", 5) && st != -1 && !quiet) {
        if (WIFEXITED(st))
            fprintf(stderr, "vmsg: proxy: %s program exited with status %d\n", side_name(s), WEXITSTATUS(st));
        else if (WIFSIGNALED(st))
            fprintf(stderr, "vmsg: proxy: %s program killed by signal %d\n", side_name(s), WTERMSIG(st));
    }
}

static bool listens(const char *uri)
{
    return !strncmp(uri, "unix-listen:", 12) || !strncmp(uri, "tcp-listen:", 11) ||
           !strncmp(uri, "seqpacket-listen:", 17);
}

/* One relay session, or with serve one after another: when a side closes,
 * both connections are dropped and the next pair is accepted (a fresh
 * reference bus and checker each time), so that a harness opening a new
 * pair per case finds a clean bus. res: how the last session ended, with
 * the frame and finding counts of all of them. */
static int run_sessions(struct vmsg_bus *drv, struct vmsg_bus *dev, const struct vmsg_proxy_opts *po, bool serve,
                        bool quiet, struct vmsg_proxy_result *res)
{
    struct vmsg_proxy_result sum;
    memset(&sum, 0, sizeof sum);
    unsigned empty_errors = 0;
    for (unsigned session = 1;; session++) {
        if (vmsg_proxy_run(drv, dev, po, res) != 0)
            return -1;
        sum.frames += res->frames;
        sum.to_device += res->to_device;
        sum.to_driver += res->to_driver;
        sum.counts.frames += res->counts.frames;
        sum.counts.fail += res->counts.fail;
        sum.counts.warn += res->counts.warn;
        sum.counts.info += res->counts.info;
        if (res->capture_failed && !sum.capture_failed) {
            sum.capture_failed = true;
            memcpy(sum.capture_error, res->capture_error, sizeof sum.capture_error);
        }
        /* a peer's end (closed, broken, garbage) ends its session only; a
         * stop, the total timeout or a listening socket that fails twice in
         * a row without a frame end the proxy */
        bool peer_end = res->status == VMSG_BUS_CLOSED || res->status == VMSG_BUS_ERROR ||
                        res->status == VMSG_BUS_OVERSIZE || res->status == VMSG_BUS_MALFORMED;
        empty_errors = res->status != VMSG_BUS_CLOSED && res->frames == 0 ? empty_errors + 1 : 0;
        if (!serve || !peer_end || g_stop || empty_errors >= 2)
            break;
        if (!quiet && res->status == VMSG_BUS_CLOSED)
            fprintf(stderr, "vmsg: proxy: session %u ended (the %s closed, %" PRIu64 " frames); next pair\n", session,
                    side_name(res->ended_by), res->frames);
        else if (!quiet)
            fprintf(stderr, "vmsg: proxy: session %u ended (%s: %s, %" PRIu64 " frames); next pair\n", session,
                    side_name(res->ended_by), res->why, res->frames);
        for (int s = 0; s < 2; s++) {
            struct vmsg_bus *b = s ? dev : drv;
            if (vmsg_bus_next_peer(b) != VMSG_BUS_OK) {
                snprintf(res->why, sizeof res->why, "%s: cannot wait for the next peer: %s", side_name(s),
                         vmsg_bus_error(b));
                return -1;
            }
        }
    }
    res->frames = sum.frames, res->to_device = sum.to_device, res->to_driver = sum.to_driver;
    res->counts = sum.counts;
    res->capture_failed = sum.capture_failed;
    memcpy(res->capture_error, sum.capture_error, sizeof res->capture_error);
    return 0;
}

int vmsg_cmd_proxy(int argc, char **argv)
{
    enum { OPT_COMPLETE = 256, OPT_SERVE };
    static const struct option lo[] = {{"driver-side", required_argument, 0, 'D'},
                                       {"device-side", required_argument, 0, 'E'},
                                       {"capture", required_argument, 0, 'w'},
                                       {"check", no_argument, 0, 'c'},
                                       {"bus", required_argument, 0, 'b'},
                                       {"profile", required_argument, 0, 'p'},
                                       {"max-size", required_argument, 0, 'm'},
                                       {"timeout", required_argument, 0, 't'},
                                       {"strict", no_argument, 0, 's'},
                                       {"complete", no_argument, 0, OPT_COMPLETE},
                                       {"serve", no_argument, 0, OPT_SERVE},
                                       {"report", required_argument, 0, 'r'},
                                       {"quiet", no_argument, 0, 'q'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    const char *drv_uri = NULL, *dev_uri = NULL, *cap_path = NULL, *report = NULL;
    bool quiet = false, serve = false;
    unsigned long max = 264;
    struct vmsg_proxy_opts po;
    vmsg_proxy_opts_init(&po);
    po.check = false;
    char err[512];
    int c;
    vmsg__cli_begin();
    while ((c = getopt_long(argc, argv, ":D:E:w:cb:p:m:t:sr:qh", lo, NULL)) != -1) {
        switch (c) {
        case 'D': drv_uri = optarg; break;
        case 'E': dev_uri = optarg; break;
        case 'w': cap_path = optarg; break;
        case 'c': po.check = true; break;
        case 'b':
            if (!vmsg_proxy_parse_bus(optarg, &po, err, sizeof err)) {
                fprintf(stderr, "vmsg: proxy: %s\n", err);
                return 2;
            }
            break;
        case 'p': {
            int p = vmsg_profile_by_name(optarg);
            if (p < 0) {
                fprintf(stderr, "vmsg: proxy: --profile: unknown profile '%s'\n", optarg);
                return 2;
            }
            po.profile = (unsigned)p;
            break;
        }
        case 'm':
        case 't': {
            char *end;
            unsigned long v = strtoul(optarg, &end, 10);
            if (!*optarg || *end || optarg[0] == '-' || v == 0 || v > (c == 'm' ? 65535ul : 86400ul)) {
                fprintf(stderr, "vmsg: proxy: %s: '%s' is out of range\n", c == 'm' ? "--max-size" : "--timeout",
                        optarg);
                return 2;
            }
            if (c == 'm')
                max = v;
            else
                po.timeout_ms = (int)(v * 1000);
            break;
        }
        case 's': po.strict = true; break;
        case OPT_COMPLETE: po.complete = true; break;
        case OPT_SERVE: serve = true; break;
        case 'r': report = optarg; po.check = true; break;
        case 'q': quiet = true; break;
        case 'h': usage(stdout); return 0;
        default: return vmsg__cli_bad_option("proxy", c, argv);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "vmsg: proxy: unexpected argument '%s' (see vmsg proxy --help)\n", argv[optind]);
        return 2;
    }
    if (!drv_uri || !dev_uri) {
        fprintf(stderr, "vmsg: proxy: both --driver-side URI and --device-side URI are needed\n");
        return 2;
    }
    if (serve && (!listens(drv_uri) || !listens(dev_uri))) {
        fprintf(stderr,
                "vmsg: proxy: --serve: '%s' does not listen (both sides must be unix-listen:, tcp-listen: or "
                "seqpacket-listen:)\n",
                listens(drv_uri) ? dev_uri : drv_uri);
        return 2;
    }
    po.max_msg_size = (uint32_t)max;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    po.stop = &g_stop;

    char iut[4200];
    snprintf(iut, sizeof iut, "%s <-> %s", drv_uri, dev_uri);
    struct vmsg__live_out out;
    int rc = vmsg__live_open(&out, "proxy", cap_path ? cap_path : "proxy", report, "proxy",
                             vmsg_profile(po.profile)->name, iut);
    if (rc)
        return rc;
    out.quiet = quiet;
    po.on_finding = vmsg__live_finding;
    po.user = &out;

    /* the capture first: a bad path is a usage error before anything runs */
    FILE *cf = NULL;
    if (cap_path) {
        cf = fopen(cap_path, "wb");
        struct vmsg_cap_wopts wo = {0, 0, true, 0};
        if (!cf || !(po.capture = vmsg_cap_writer_stream(cf, cap_path, &wo, err, sizeof err))) {
            if (!cf)
                snprintf(err, sizeof err, "%s: cannot create the capture", cap_path);
            fprintf(stderr, "vmsg: proxy: %s\n", err);
            if (cf)
                fclose(cf);
            vmsg__live_close(&out);
            return 2;
        }
    }
    struct vmsg_bus_opts bo;
    vmsg_bus_opts_init(&bo);
    bo.profile = po.profile;
    bo.params.max_msg_size = (uint32_t)max;
    bo.builtins = vmsg_ref_builtins();
    bo.many_peers = serve;
    struct vmsg_bus *dev = NULL, *drv = NULL;
    /* the device first, so that it is there when the driver arrives */
    bo.side = VMSG_BUS_SIDE_DRIVER;
    bo.params.max_msg_size = carry_max(dev_uri, max);
    rc = vmsg_bus_open(dev_uri, &bo, &dev, err, sizeof err);
    if (rc == VMSG_BUS_OK) {
        bo.side = VMSG_BUS_SIDE_DEVICE;
        bo.params.max_msg_size = carry_max(drv_uri, max);
        rc = vmsg_bus_open(drv_uri, &bo, &drv, err, sizeof err);
    }
    int status = 0;
    if (rc != VMSG_BUS_OK) {
        fprintf(stderr, "vmsg: proxy: %s\n", err);
        status = rc == VMSG_BUS_USAGE ? 2 : 3;
    } else {
        say_where(drv, 0);
        say_where(dev, 1);
        struct vmsg_proxy_result res;
        if (run_sessions(drv, dev, &po, serve, quiet, &res) != 0) {
            fprintf(stderr, "vmsg: proxy: %s\n", res.why);
            status = 3;
        } else {
            finish_side(drv, 0, quiet);
            finish_side(dev, 1, quiet);
            if (res.status == VMSG_BUS_CLOSED)
                fprintf(stderr, "vmsg: proxy: the %s closed\n", side_name(res.ended_by));
            else if (res.status == VMSG_BUS_TIMEOUT || res.status == VMSG_BUS_OK)
                fprintf(stderr, "vmsg: proxy: %s\n", res.status == VMSG_BUS_OK ? "stopped" : res.why);
            else {
                fprintf(stderr, "vmsg: proxy: %s: %s\n", side_name(res.ended_by), res.why);
                status = 3;
            }
            if (res.capture_failed) {
                fprintf(stderr, "vmsg: proxy: capture: %s\n", res.capture_error);
                status = 3;
            }
            if (po.check)
                vmsg__live_summary(&out);
            printf("proxy: %" PRIu64 " frames (%" PRIu64 " to the device, %" PRIu64 " to the driver)%s%s\n",
                   res.frames, res.to_device, res.to_driver, cap_path ? ", capture " : "", cap_path ? cap_path : "");
            if (status == 0 && po.check && (res.counts.fail || (po.strict && res.counts.warn)))
                status = 1;
        }
    }
    vmsg_bus_close(drv);
    vmsg_bus_close(dev);
    if (po.capture && !vmsg_cap_writer_close(po.capture, err, sizeof err)) {
        fprintf(stderr, "vmsg: proxy: %s\n", err);
        status = 3;
    }
    if (cf && fclose(cf) != 0) {
        fprintf(stderr, "vmsg: proxy: %s: write error\n", cap_path);
        status = 3;
    }
    if (po.check || report) {
        if (vmsg__live_close(&out) && status < 3)
            status = 3;
    } else {
        vmsg__clause_counts_free(&out.cc);
    }
    return status;
}
