/* vmsg refdrv: the reference driver as a program. --stdio runs it on
 * stdin/stdout (for `vmsg run --suite driver --iut "exec:vmsg refdrv
 * --stdio"`), --connect URI over any bus adapter; --list-faults lists the
 * faults it can carry. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vmsg/bus.h>
#include <vmsg/ref.h>
#include <vmsg/wire.h>

#include "cli.h"
#include "commands.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vmsg refdrv (--stdio | --connect URI) [options]\n"
            "       vmsg refdrv --list-faults\n"
            "The reference virtio-msg v1 driver: GET_DEVICES (with --bus), GET_DEVICE_INFO,\n"
            "feature negotiation, queue setup, DRIVER_OK, I/O, runtime SET_CONFIG, reset and\n"
            "re-init, then it exits. Named faults each break one driver clause.\n\n"
            "      --stdio             frames on stdin/stdout (for exec: IUT URIs)\n"
            "  -c, --connect URI       run over a bus adapter (unix:PATH, tcp:HOST:PORT, ...)\n"
            "  -f, --fault LIST        comma-separated drv faults to inject\n"
            "      --dev-num N         device to drive (default 1)\n"
            "      --max N             bus maximum message size (default 264)\n"
            "      --io N              I/O rounds per initialization (default 4)\n"
            "      --reinit N          resets and re-initializations at the end (default 1)\n"
            "  -s, --script NAME       default, verify, late-queues, features-all, write-twice,\n"
            "                          poll-config: other choices v1 allows (see vmsg-refdrv(1))\n"
            "      --bus               enumerate with GET_DEVICES first\n"
            "      --timeout MS        per request (default 1000)\n"
            "  -l, --list-faults       print NAME  CLAUSE  description for every drv fault\n"
            "  -h, --help              this text\n\n"
            "example:\n"
            "  vmsg run --suite driver --iut \"exec:vmsg refdrv --stdio --fault drv-skip-get-vqueue\"\n\n"
            "exit: 0 script done, 1 the driver gave up (reason on stderr), 2 usage error,\n"
            "      3 transport error\n");
}

static bool num(const char *opt, const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (!*s || *end || errno || v > max) {
        fprintf(stderr, "vmsg: refdrv: %s: expected a number up to %lu, got '%s'\n", opt, max, s);
        return false;
    }
    *out = v;
    return true;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct out {
    bool broken;
};

static void emit_stdout(void *ctx, const uint8_t *f, size_t len)
{
    struct out *o = ctx;
    while (len && !o->broken) {
        ssize_t n = write(1, f, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            o->broken = true;
            return;
        }
        f += n;
        len -= (size_t)n;
    }
}

/* Frames on stdin/stdout; the length of each comes from its msg_size. */
static int run_stdio(struct vmsg_endpoint *ep, unsigned profile, size_t max)
{
    static uint8_t buf[65536 + 64];
    size_t have = 0;
    struct out o = {false};
    for (;;) {
        int r;
        while ((r = ep->ops->poll(ep->self, now_ms(), emit_stdout, &o)) > 0 && !o.broken)
            ;
        if (r < 0 || o.broken)
            return o.broken ? 3 : 0;
        struct pollfd pfd = {0, POLLIN, 0};
        if (poll(&pfd, 1, 10) < 0 && errno != EINTR) {
            fprintf(stderr, "vmsg: refdrv: stdin: poll: %s\n", strerror(errno));
            return 3;
        }
        if (!(pfd.revents & (POLLIN | POLLHUP)))
            continue;
        ssize_t n = read(0, buf + have, sizeof buf - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0; /* the device side closed */
        have += (size_t)n;
        for (;;) {
            size_t fl = vmsg_frame_len(profile, buf, have);
            if (fl == 0 && have < sizeof buf)
                break;
            if (fl < vmsg_profile(profile)->header || fl > max) {
                fprintf(stderr, "vmsg: refdrv: stdin: frame with msg_size %zu (header %u, maximum %zu): framing lost\n",
                        fl, vmsg_profile(profile)->header, max);
                return 3;
            }
            if (fl > have)
                break;
            ep->ops->receive(ep->self, buf, fl, emit_stdout, &o);
            memmove(buf, buf + fl, have - fl);
            have -= fl;
        }
    }
}

int vmsg_cmd_refdrv(int argc, char **argv)
{
    enum { O_STDIO = 256, O_DEVNUM, O_MAX, O_IO, O_REINIT, O_BUS, O_TIMEOUT };
    int script;
    static const struct option lo[] = {{"stdio", no_argument, 0, O_STDIO},
                                       {"connect", required_argument, 0, 'c'},
                                       {"fault", required_argument, 0, 'f'},
                                       {"dev-num", required_argument, 0, O_DEVNUM},
                                       {"max", required_argument, 0, O_MAX},
                                       {"io", required_argument, 0, O_IO},
                                       {"reinit", required_argument, 0, O_REINIT},
                                       {"script", required_argument, 0, 's'},
                                       {"bus", no_argument, 0, O_BUS},
                                       {"timeout", required_argument, 0, O_TIMEOUT},
                                       {"list-faults", no_argument, 0, 'l'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    struct vmsg_fault_set fs;
    struct vmsg_refdrv_opts o;
    const char *uri = NULL;
    bool stdio_mode = false;
    unsigned long v;
    char err[512];
    int c;
    memset(&fs, 0, sizeof fs);
    vmsg_refdrv_opts_default(&o);
    vmsg__cli_begin();
    while ((c = getopt_long(argc, argv, ":c:f:s:lh", lo, NULL)) != -1) {
        switch (c) {
        case O_STDIO: stdio_mode = true; break;
        case 'c': uri = optarg; break;
        case 'f':
            if (!vmsg_fault_set_parse(&fs, VMSG_FAULT_DRV, optarg, err, sizeof err)) {
                fprintf(stderr, "vmsg: refdrv: --fault: %s\n", err);
                return 2;
            }
            break;
        case O_DEVNUM:
            if (!num("--dev-num", optarg, 0xffff, &v))
                return 2;
            o.dev_num = (uint16_t)v;
            break;
        case O_MAX:
            if (!num("--max", optarg, 65535, &v))
                return 2;
            if (v < 64) {
                fprintf(stderr, "vmsg: refdrv: --max: at least 64, got %lu\n", v);
                return 2;
            }
            o.max_msg_size = (uint32_t)v;
            break;
        case O_IO:
            if (!num("--io", optarg, 64, &v))
                return 2;
            o.io_rounds = (unsigned)v;
            break;
        case O_REINIT:
            if (!num("--reinit", optarg, 15, &v))
                return 2;
            o.reinit = (unsigned)v;
            break;
        case 's':
            script = vmsg_refdrv_script_by_name(optarg);
            if (script < 0) {
                fprintf(stderr,
                        "vmsg: refdrv: --script: expected default, verify, late-queues, features-all, write-twice or "
                        "poll-config, got '%s'\n",
                        optarg);
                return 2;
            }
            o.script = (unsigned)script;
            break;
        case O_BUS: o.bus = true; break;
        case O_TIMEOUT:
            if (!num("--timeout", optarg, 3600000, &v))
                return 2;
            o.timeout_ms = v;
            break;
        case 'l': vmsg_faults_print(stdout, VMSG_FAULT_DRV); return 0;
        case 'h': usage(stdout); return 0;
        default: return vmsg__cli_bad_option("refdrv", c, argv);
        }
    }
    if (optind < argc || stdio_mode == (uri != NULL)) {
        if (optind < argc)
            fprintf(stderr, "vmsg: refdrv: unexpected argument '%s' (see vmsg refdrv --help)\n", argv[optind]);
        else
            fprintf(stderr, "vmsg: refdrv: give exactly one of --stdio and --connect URI (see vmsg refdrv --help)\n");
        return 2;
    }
    struct vmsg_refdrv *d = vmsg_refdrv_new(&o, &fs);
    if (!d) {
        fprintf(stderr, "vmsg: refdrv: out of memory\n");
        return 3;
    }
    struct vmsg_endpoint ep = vmsg_refdrv_endpoint(d);
    int rc;
    if (stdio_mode) {
        rc = run_stdio(&ep, o.profile, o.max_msg_size);
    } else {
        struct vmsg_bus_opts bo;
        struct vmsg_bus *b;
        vmsg_bus_opts_init(&bo);
        bo.profile = o.profile;
        bo.side = VMSG_BUS_SIDE_DRIVER;
        bo.params.max_msg_size = o.max_msg_size;
        int st = vmsg_bus_open(uri, &bo, &b, err, sizeof err);
        if (st != VMSG_BUS_OK) {
            fprintf(stderr, "vmsg: refdrv: %s\n", err);
            vmsg_refdrv_free(d);
            return st == VMSG_BUS_USAGE ? 2 : 3;
        }
        struct vmsg_serve_opts so = {NULL, -1, -1, 10};
        st = vmsg_bus_serve(b, &ep, &so);
        rc = st == VMSG_BUS_OK || st == VMSG_BUS_CLOSED ? 0 : 3;
        if (rc)
            fprintf(stderr, "vmsg: refdrv: %s\n", vmsg_bus_error(b));
        vmsg_bus_close(b);
    }
    const char *why = NULL;
    if (rc == 0 && vmsg_refdrv_result(d, &why) < 0) {
        fprintf(stderr, "vmsg: refdrv: %s\n", why);
        rc = 1;
    }
    vmsg_refdrv_free(d);
    return rc;
}
