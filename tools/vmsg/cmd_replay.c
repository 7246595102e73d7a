/* vmsg replay: play one side of a capture against a live implementation and
 * compare its answers with the recorded ones (vmsg/replay.h). */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/bus.h>
#include <vmsg/ref.h>
#include <vmsg/replay.h>
#include <vmsg/wire.h>

#include "cli.h"
#include "commands.h"
#include "live_out.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vmsg replay CAPTURE --iut URI --as driver|device [--ignore LIST]\n"
            "                   [--timing asap|original|scale=X] [--profile P] [--stop-at-first]\n"
            "                   [--reply-timeout MS] [--max-size N] [--no-check] [--report DIR] [-q]\n"
            "Play one side of a recorded session against a live implementation: the frames\n"
            "the capture says that side sent are sent to the IUT, the frames of the other\n"
            "side are waited for and compared field by field with what the IUT sends. The\n"
            "new traffic also goes through the passive checker.\n\n"
            "  -i, --iut URI           the implementation: builtin:refdev[?fault=NAME],\n"
            "                          exec:PROGRAM ARGS, unix:PATH, tcp:HOST:PORT, ...\n"
            "  -a, --as ROLE           driver: send the driver's frames (the IUT is a device);\n"
            "                          device: send the device's frames (the IUT is a driver)\n"
            "  -I, --ignore LIST       do not compare these (comma-separated): token, dev_num,\n"
            "                          generation, addresses, data, features, status, or any\n"
            "                          field name (vendor_id, max_size, ...)\n"
            "  -T, --timing T          asap (default), original (recorded gaps), scale=X\n"
            "                          (recorded gaps times X)\n"
            "  -p, --profile P         wire profile (default: the capture header's, else v1)\n"
            "  -1, --stop-at-first     stop at the first divergent frame\n"
            "  -R, --reply-timeout MS  wait for each expected frame (default 1000)\n"
            "  -m, --max-size N        bus maximum message size (default 264)\n"
            "      --no-check          do not run the passive checker on the new traffic\n"
            "  -r, --report DIR        write DIR/results.json (mode \"replay\")\n"
            "  -q, --quiet             only the summary\n"
            "  -h, --help              this text\n\n"
            "example:\n"
            "  vmsg replay session.pcap --iut 'exec:./my-device' --as driver --ignore token\n"
            "  -> session.pcap:frame 20: field generation: expected 5, got 6\n\n"
            "exit: 0 no divergence and no findings, 1 divergences or findings, 2 usage error or\n"
            "      bad capture (the message names the frame), 3 transport failure (the IUT died\n"
            "      or could not be reached: the message names the frame reached)\n");
}

struct ctx {
    struct vmsg__live_out out;
    const char *capture;
    bool quiet;
};

static void on_div(void *user, const struct vmsg_replay_divergence *d)
{
    struct ctx *c = user;
    char msg[900];
    snprintf(msg, sizeof msg, "field %s: expected %s, got %s%s", d->field, d->expected, d->got,
             d->more ? " (and more fields)" : "");
    c->out.quiet = true; /* printed here with the messages below it */
    vmsg__live_add(&c->out, (unsigned long long)d->frame, NULL, NULL, VMSG_FAIL, msg);
    c->out.quiet = c->quiet;
    if (c->quiet)
        return;
    if (d->frame)
        printf("%s:frame %" PRIu64 ": %s\n", c->capture, d->frame, msg);
    else
        printf("%s:end: %s\n", c->capture, msg);
    if (d->expected_msg[0])
        printf("    expected: %s\n", d->expected_msg);
    if (d->got_msg[0])
        printf("    got:      %s\n", d->got_msg);
    fflush(stdout);
}

/* The capture header's profile of the first record, or -1. */
static int capture_profile(const char *path)
{
    char err[300];
    struct vmsg_cap_reader *r = vmsg_cap_reader_open(path, 0, err, sizeof err);
    if (!r)
        return -1;
    struct vmsg_cap_rec rec;
    int p = -1;
    if (vmsg_cap_next(r, &rec) == 1 && rec.has_header)
        p = vmsg_cap_profile_from_code(rec.meta.profile);
    vmsg_cap_reader_close(r);
    return p;
}

int vmsg_cmd_replay(int argc, char **argv)
{
    enum { OPT_NOCHECK = 256 };
    static const struct option lo[] = {{"iut", required_argument, 0, 'i'},
                                       {"as", required_argument, 0, 'a'},
                                       {"ignore", required_argument, 0, 'I'},
                                       {"timing", required_argument, 0, 'T'},
                                       {"profile", required_argument, 0, 'p'},
                                       {"stop-at-first", no_argument, 0, '1'},
                                       {"reply-timeout", required_argument, 0, 'R'},
                                       {"max-size", required_argument, 0, 'm'},
                                       {"no-check", no_argument, 0, OPT_NOCHECK},
                                       {"report", required_argument, 0, 'r'},
                                       {"quiet", no_argument, 0, 'q'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    struct vmsg_replay_opts ro;
    vmsg_replay_opts_init(&ro);
    const char *iut = NULL, *report = NULL;
    int as = -1, profile = -1;
    unsigned long max = 264;
    bool quiet = false;
    char err[512];
    int c;
    vmsg__cli_begin();
    while ((c = getopt_long(argc, argv, ":i:a:I:T:p:1R:m:r:qh", lo, NULL)) != -1) {
        switch (c) {
        case 'i': iut = optarg; break;
        case 'a':
            as = !strcmp(optarg, "driver") ? VMSG_REPLAY_AS_DRIVER : !strcmp(optarg, "device") ? VMSG_REPLAY_AS_DEVICE : -2;
            if (as == -2) {
                fprintf(stderr, "vmsg: replay: --as: expected driver or device, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'I':
            if (!vmsg_replay_ignore_parse(&ro.ignore, optarg, err, sizeof err)) {
                fprintf(stderr, "vmsg: replay: %s\n", err);
                return 2;
            }
            break;
        case 'T':
            if (!strcmp(optarg, "asap"))
                ro.timing = VMSG_REPLAY_ASAP;
            else if (!strcmp(optarg, "original"))
                ro.timing = VMSG_REPLAY_ORIGINAL;
            else if (!strncmp(optarg, "scale=", 6)) {
                char *end;
                ro.scale = strtod(optarg + 6, &end);
                if (!optarg[6] || *end || !(ro.scale >= 0.0) || ro.scale > 1000.0) {
                    fprintf(stderr, "vmsg: replay: --timing: scale=X with X in 0..1000, got '%s'\n", optarg);
                    return 2;
                }
                ro.timing = VMSG_REPLAY_SCALE;
            } else {
                fprintf(stderr, "vmsg: replay: --timing: expected asap, original or scale=X, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'p':
            profile = vmsg_profile_by_name(optarg);
            if (profile < 0) {
                fprintf(stderr, "vmsg: replay: --profile: unknown profile '%s'\n", optarg);
                return 2;
            }
            break;
        case '1': ro.stop_at_first = true; break;
        case 'R':
        case 'm': {
            char *end;
            unsigned long v = strtoul(optarg, &end, 10);
            if (!*optarg || *end || optarg[0] == '-' || v == 0 || v > (c == 'm' ? 65535ul : 3600000ul)) {
                fprintf(stderr, "vmsg: replay: %s: '%s' is out of range\n", c == 'm' ? "--max-size" : "--reply-timeout",
                        optarg);
                return 2;
            }
            if (c == 'm')
                max = v;
            else
                ro.reply_timeout_ms = (int)v;
            break;
        }
        case OPT_NOCHECK: ro.check = false; break;
        case 'r': report = optarg; break;
        case 'q': quiet = true; break;
        case 'h': usage(stdout); return 0;
        default: return vmsg__cli_bad_option("replay", c, argv);
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "vmsg: replay: expected one capture file (see vmsg replay --help)\n");
        return 2;
    }
    if (!iut || as < 0) {
        fprintf(stderr, "vmsg: replay: --iut URI and --as driver|device are needed\n");
        return 2;
    }
    const char *capture = argv[optind];
    if (profile < 0)
        profile = capture_profile(capture);
    ro.profile = profile >= 0 ? (unsigned)profile : VMSG_PROFILE_V1;
    ro.as = (enum vmsg_replay_as)as;
    ro.max_msg_size = (uint32_t)max;

    signal(SIGPIPE, SIG_IGN);
    struct ctx x;
    memset(&x, 0, sizeof x);
    x.capture = capture;
    x.quiet = quiet;
    int rc = vmsg__live_open(&x.out, "replay", capture, report, "replay", vmsg_profile(ro.profile)->name, iut);
    if (rc)
        return rc;
    x.out.quiet = quiet;
    ro.on_finding = vmsg__live_finding;
    ro.on_divergence = on_div;
    ro.user = &x;

    struct vmsg_bus_opts bo;
    vmsg_bus_opts_init(&bo);
    bo.profile = ro.profile;
    bo.side = as == VMSG_REPLAY_AS_DRIVER ? VMSG_BUS_SIDE_DRIVER : VMSG_BUS_SIDE_DEVICE;
    bo.params.max_msg_size = (uint32_t)max;
    bo.builtins = vmsg_ref_builtins();
    struct vmsg_bus *b = NULL;
    rc = vmsg_bus_open(iut, &bo, &b, err, sizeof err);
    if (rc != VMSG_BUS_OK) {
        fprintf(stderr, "vmsg: replay: %s\n", err);
        vmsg__live_close(&x.out);
        return rc == VMSG_BUS_USAGE ? 2 : 3;
    }
    struct vmsg_replay_stats st;
    int status = vmsg_replay_run(capture, b, &ro, &st);
    vmsg_bus_finish(b, 200);
    vmsg_bus_close(b);
    if (status >= 2) {
        fflush(stdout);
        fprintf(stderr, "vmsg: replay: %s\n", st.error);
    }
    vmsg__live_summary(&x.out);
    printf("replay: %" PRIu64 " records, %" PRIu64 " sent, %" PRIu64 " received, %" PRIu64
           " divergences in %.3f s (%.0f messages/s)\n",
           st.records, st.sent, st.received, st.divergences, st.elapsed_s,
           st.elapsed_s > 0 ? (double)(st.sent + st.received) / st.elapsed_s : 0.0);
    if (st.lat_n)
        printf("replay: answer latency min %.1f us, avg %.1f us, max %.1f us, p99 %.1f us (%" PRIu64 " answers)\n",
               st.lat_min_us, st.lat_avg_us, st.lat_max_us, st.lat_p99_us, st.lat_n);
    if (status < 2 && st.counts.fail)
        status = 1;
    if (vmsg__live_close(&x.out) && status < 3)
        status = 3;
    return status;
}
