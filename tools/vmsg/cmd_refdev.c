/* vmsg refdev: the reference device as a standalone program. It serves
 * over any bus adapter URI (--listen URI: one fresh device per peer, peer
 * after peer) or on its own stdin/stdout (--stdio: what `exec:` spawns);
 * --check and --list-faults inspect it without serving. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/bus.h>
#include <vmsg/ref.h>
#include <vmsg/wire.h>

#include "cli.h"
#include "commands.h"
#include "datadir.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vmsg refdev [--personality FILE] [--fault NAME[,NAME...]] [--profile P]\n"
            "                   [--max-size N] [--once] (--listen URI | --stdio)\n"
            "       vmsg refdev [--personality FILE] --check | --list-faults\n"
            "The reference virtio-msg v1 device. Its personality (ids, features, config,\n"
            "queues, shm regions, choices the spec leaves open) comes from a YAML file or the\n"
            "built-in default; named faults each break one clause.\n\n"
            "  -L, --listen URI        serve on URI (unix-listen:PATH, tcp-listen:[HOST:]PORT,\n"
            "                          seqpacket-listen:PATH, shm:DIR/NAME, or a connecting URI);\n"
            "                          every peer gets a fresh device, one peer after another,\n"
            "                          until SIGINT/SIGTERM (or after one peer with --once)\n"
            "  -s, --stdio             serve frames on stdin/stdout (for exec:); ends when stdin\n"
            "                          closes\n"
            "  -p, --personality FILE  load the personality (default: built-in)\n"
            "  -f, --fault LIST        comma-separated dev faults to inject\n"
            "  -P, --profile P         wire profile for framing (default: the personality's)\n"
            "  -m, --max-size N        bus maximum message size (default: the personality's;\n"
            "                          shm caps it at 64)\n"
            "  -1, --once              --listen: serve one peer, then exit\n"
            "  -c, --check             load, validate and print the personality, then exit\n"
            "  -l, --list-faults       print NAME  CLAUSE  description for every dev fault\n"
            "  -h, --help              this text\n\n"
            "examples:\n"
            "  vmsg refdev --personality harness/ref/personalities/big-config.yaml --check\n"
            "  vmsg run --suite device --iut 'exec:vmsg refdev --stdio --fault dev-big-endian'\n"
            "  vmsg refdev --listen unix-listen:/tmp/dev.sock &  vmsg run --iut unix:/tmp/dev.sock\n\n"
            "exit: 0 ok (peer closed, or stopped by a signal), 2 usage or personality error,\n"
            "      3 transport error\n");
}

static volatile sig_atomic_t g_stop; /* set by SIGINT/SIGTERM only */
static volatile int g_stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
    g_stop_flag = 1;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* One session: a fresh device on b until the peer closes. Returns the status
 * of vmsg_bus_serve. */
static int serve_one(struct vmsg_bus *b, const struct vmsg_personality *p, const struct vmsg_fault_set *fs)
{
    struct vmsg_personality pp = *p;
    uint32_t max = vmsg_bus_params(b)->max_msg_size;
    if (max && max < pp.max_msg_size)
        pp.max_msg_size = max; /* never answer above what the transport carries */
    struct vmsg_refdev *d = vmsg_refdev_new(&pp, fs);
    if (!d) {
        fprintf(stderr, "vmsg: refdev: out of memory\n");
        return VMSG_BUS_ERROR;
    }
    struct vmsg_endpoint ep = vmsg_refdev_endpoint(d);
    struct vmsg_serve_opts so = {&g_stop_flag, -1, -1, 10};
    int rc = vmsg_bus_serve(b, &ep, &so);
    vmsg_refdev_free(d);
    return rc;
}

static int serve(const char *uri, bool once, const struct vmsg_bus_opts *bo, const struct vmsg_personality *p,
                 const struct vmsg_fault_set *fs)
{
    char err[512];
    struct vmsg_bus *b = NULL;
    int rc = vmsg_bus_open(uri, bo, &b, err, sizeof err);
    if (rc != VMSG_BUS_OK) {
        fprintf(stderr, "vmsg: refdev: %s\n", err);
        return rc == VMSG_BUS_USAGE ? 2 : 3;
    }
    if (vmsg_bus_local_addr(b)[0])
        fprintf(stderr, "vmsg: refdev: listening on %s\n", vmsg_bus_local_addr(b));
    int status = 0;
    for (;;) {
        rc = serve_one(b, p, fs);
        if (g_stop)
            break;
        if (rc != VMSG_BUS_CLOSED && rc != VMSG_BUS_OK) {
            /* a peer that broke the framing or vanished: report it, serve the next */
            fprintf(stderr, "vmsg: refdev: %s\n", vmsg_bus_error(b));
            if (once || !bo->many_peers) {
                status = 3;
                break;
            }
        }
        if (once || !bo->many_peers)
            break;
        if (vmsg_bus_next_peer(b) == VMSG_BUS_OK)
            continue;
        /* transports without a backlog of peers (shm): start over */
        vmsg_bus_close(b);
        b = NULL;
        rc = vmsg_bus_open(uri, bo, &b, err, sizeof err);
        if (rc != VMSG_BUS_OK) {
            fprintf(stderr, "vmsg: refdev: %s\n", err);
            status = 3;
            break;
        }
    }
    vmsg_bus_close(b);
    return status;
}

static bool is_listening(const char *uri)
{
    static const char *const l[] = {"unix-listen:", "tcp-listen:", "seqpacket-listen:", "shm:", NULL};
    for (unsigned i = 0; l[i]; i++)
        if (!strncmp(uri, l[i], strlen(l[i])))
            return true;
    return false;
}

int vmsg_cmd_refdev(int argc, char **argv)
{
    static const struct option lo[] = {{"personality", required_argument, 0, 'p'},
                                       {"check", no_argument, 0, 'c'},
                                       {"fault", required_argument, 0, 'f'},
                                       {"list-faults", no_argument, 0, 'l'},
                                       {"listen", required_argument, 0, 'L'},
                                       {"stdio", no_argument, 0, 's'},
                                       {"profile", required_argument, 0, 'P'},
                                       {"max-size", required_argument, 0, 'm'},
                                       {"once", no_argument, 0, '1'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    const char *pers = NULL, *listen = NULL;
    bool check = false, stdio_mode = false, once = false;
    int profile = -1;
    unsigned long max = 0;
    struct vmsg_fault_set fs;
    memset(&fs, 0, sizeof fs);
    char err[512];
    int c;
    vmsg__cli_begin();
    while ((c = getopt_long(argc, argv, ":p:cf:lL:sP:m:1h", lo, NULL)) != -1) {
        switch (c) {
        case 'p': pers = optarg; break;
        case 'c': check = true; break;
        case 'f':
            if (!vmsg_fault_set_parse(&fs, VMSG_FAULT_DEV, optarg, err, sizeof err)) {
                fprintf(stderr, "vmsg: refdev: --fault: %s\n", err);
                return 2;
            }
            break;
        case 'l': vmsg_faults_print(stdout, VMSG_FAULT_DEV); return 0;
        case 'L': listen = optarg; break;
        case 's': stdio_mode = true; break;
        case 'P':
            profile = vmsg_profile_by_name(optarg);
            if (profile < 0) {
                fprintf(stderr, "vmsg: refdev: --profile: unknown profile '%s'\n", optarg);
                return 2;
            }
            break;
        case 'm': {
            char *end;
            max = strtoul(optarg, &end, 10);
            if (!*optarg || *end || max < 8 || max > 65535) {
                fprintf(stderr, "vmsg: refdev: --max-size: expected 8..65535, got '%s'\n", optarg);
                return 2;
            }
            break;
        }
        case '1': once = true; break;
        case 'h': usage(stdout); return 0;
        default: return vmsg__cli_bad_option("refdev", c, argv);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "vmsg: refdev: unexpected argument '%s' (see vmsg refdev --help)\n", argv[optind]);
        return 2;
    }
    struct vmsg_personality p;
    if (pers) {
        char ppath[4096];
        vmsg__personality_path(pers, ppath, sizeof ppath); /* a file, or NAME in share/vmsg/personalities */
        if (!vmsg_personality_load(&p, ppath, err, sizeof err)) {
            fprintf(stderr, "vmsg: %s\n", err);
            return 2;
        }
    } else {
        vmsg_personality_default(&p);
    }
    if (check) {
        vmsg_personality_print(stdout, &p);
        return 0;
    }
    if (!listen == !stdio_mode) {
        fprintf(stderr, "vmsg: refdev: give exactly one of --listen URI and --stdio (or --check, "
                        "--list-faults; see vmsg refdev --help)\n");
        return 2;
    }
    if (profile >= 0)
        p.profile = (unsigned)profile;
    if (max)
        p.max_msg_size = (uint32_t)max;
    struct vmsg_bus_opts bo;
    vmsg_bus_opts_init(&bo);
    bo.profile = p.profile;
    bo.side = VMSG_BUS_SIDE_DEVICE;
    bo.params.max_msg_size = p.max_msg_size;
    install_signals();
    if (stdio_mode)
        return serve("stdio:", true, &bo, &p, &fs);
    bo.many_peers = !once && is_listening(listen);
    return serve(listen, once, &bo, &p, &fs);
}
