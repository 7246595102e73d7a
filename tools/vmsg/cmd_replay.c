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
            "                   [--strict-order | --window N] [--reply-timeout MS] [--max-size N]\n"
            "                   [--instance N] [--no-check] [--threads auto|1|2] [--report DIR] [-q]\n"
            "Play one side of a recorded session against a live implementation: the frames\n"
            "the capture says that side sent are sent to the IUT, the frames of the other\n"
            "side are waited for and compared with what the IUT sends (byte for byte, then\n"
            "field by field). The new traffic also goes through the passive checker.\n\n"
            "Answers may come in another interleaving than recorded: a response pairs with\n"
            "the oldest open response of its device number, an event with an open event of\n"
            "its device and message (the one it matches, else the oldest), within a window\n"
            "of records; an event that is not in by our next frame stays open until the\n"
            "window has passed it. --strict-order wants the capture's exact order instead.\n\n"
            "A capture made through the reference bus (vmsg proxy -b ref) holds both faces\n"
            "of the bus: the driver face as bus instance 0, the device face as instance 1.\n"
            "Replay one of them with --instance: without it, a capture of more than one bus\n"
            "is refused.\n\n"
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
            "                          (needed for a capture on standard input: -)\n"
            "  -1, --stop-at-first     stop at the first divergent frame\n"
            "  -S, --strict-order      pair answers in capture order only\n"
            "  -w, --window N          reorder window in records (default %u, at most %u)\n"
            "  -R, --reply-timeout MS  wait for each expected frame (default 1000)\n"
            "  -m, --max-size N        bus maximum message size (default 264)\n"
            "      --instance N        replay only the records of bus instance N; the others\n"
            "                          are skipped (counted in the statistics)\n"
            "      --no-check          do not run the passive checker on the new traffic\n"
            "      --threads N         auto (default): the passive checker moves to a second\n"
            "                          thread once answers come in under 2 us on average\n"
            "                          (and there are two CPUs); 1: everything on one\n"
            "                          thread; 2: the checker on a second thread from the\n"
            "                          start. A second thread that cannot keep up is stopped\n"
            "                          (the closing line says how many threads ran)\n"
            "  -r, --report DIR        write DIR/results.json (mode \"replay\": one case per\n"
            "                          device and message, checker findings) and the reports\n"
            "                          junit.xml, results.tap, summary.md, report.html\n"
            "  -q, --quiet             only the summary\n"
            "  -h, --help              this text\n\n"
            "examples:\n"
            "  vmsg replay session.pcap --iut 'exec:./my-device' --as driver --ignore token\n"
            "  -> session.pcap:frame 20: field generation: expected 5, got 6\n"
            "  vmsg replay two-devices.pcap --iut builtin:refdev --as driver --report out\n"
            "  vmsg replay session.pcap --iut unix:/run/dev.sock --as driver --strict-order\n"
            "  vmsg replay bus.pcap --iut builtin:refdev --as driver --instance 1\n\n"
            "exit: 0 no divergence and no findings, 1 divergences or findings, 2 usage error or\n"
            "      bad capture (the message names the frame), 3 transport failure (the IUT died\n"
            "      or could not be reached: the message names the frame reached)\n",
            VMSG_REPLAY_WINDOW_DEFAULT, VMSG_REPLAY_WINDOW_MAX);
}

struct ctx {
    struct vmsg__live_out out;
    const char *capture;
    bool quiet;
    bool as_device;
    int rc;                 /* 3 when a case could not be written */
};

static void on_div(void *user, const struct vmsg_replay_divergence *d)
{
    struct ctx *c = user;
    if (c->quiet)
        return;
    if (d->frame)
        printf("%s:frame %" PRIu64 ": ", c->capture, d->frame);
    else
        printf("%s:end: ", c->capture);
    printf("field %s: expected %s, got %s%s\n", d->field, d->expected, d->got, d->more ? " (and more fields)" : "");
    if (d->expected_msg[0])
        printf("    expected: %s\n", d->expected_msg);
    if (d->got_msg[0])
        printf("    got:      %s\n", d->got_msg);
    fflush(stdout);
}

/* "replay.dev1.GET_CONFIG", "replay.bus2.dev1.GET_CONFIG" (bus instance 2),
 * "replay.dev0.bus-GET_DEVICES" (bus message), "replay.dev1.end-of-session" */
static void case_id(const struct vmsg_replay_case *rc, char *out, size_t cap)
{
    char name[64];
    size_t n = 0;
    for (const char *p = rc->message; *p && n + 1 < sizeof name; p++)
        if (*p == ' ')
            name[n++] = '-';
        else if (*p != '(' && *p != ')')
            name[n++] = *p;
    name[n] = 0;
    int o = snprintf(out, cap, "replay.");
    if (rc->bus && o > 0 && (size_t)o < cap)
        o += snprintf(out + o, cap - (size_t)o, "bus%u.", (unsigned)rc->bus);
    if (o > 0 && (size_t)o < cap)
        snprintf(out + o, cap - (size_t)o, "dev%u.%s%s", (unsigned)rc->dev_num,
                 rc->cls == VMSG_CLASS_BUS ? "bus-" : "", name); /* the same msg_id may be both */
}

static void on_case(void *user, const struct vmsg_replay_case *rc)
{
    struct ctx *c = user;
    char id[120], title[160], expected[600], observed[900];
    case_id(rc, id, sizeof id);
    snprintf(title, sizeof title, "dev %u: %s frames replayed as recorded", (unsigned)rc->dev_num, rc->message);
    enum vmsg_verdict v = rc->divergences || rc->fail ? VMSG_FAIL : rc->warn ? VMSG_WARN : VMSG_PASS;
    const char *iut = c->as_device ? "driver" : "device", *harness = c->as_device ? "device" : "driver";
    struct vmsg_results_frame frames[2];
    size_t nframes = 0;
    char rec_sum[320], got_sum[320];
    const struct vmsg_replay_divergence *d = rc->first;
    if (d) {
        if (d->frame)
            snprintf(expected, sizeof expected, "frame %" PRIu64 ": %s %s", d->frame, d->field, d->expected);
        else
            snprintf(expected, sizeof expected, "end of capture: %s %s", d->field, d->expected);
        snprintf(observed, sizeof observed, "%s %s%s; %" PRIu64 " of %" PRIu64 " expected frames matched, %" PRIu64
                 " divergences", d->field, d->got, d->more ? " (and more fields)" : "", rc->matched, rc->expected,
                 rc->divergences);
        if (d->expected_bytes) {
            snprintf(rec_sum, sizeof rec_sum, "recorded: %s", d->expected_msg[0] ? d->expected_msg : "(undecodable)");
            frames[nframes++] = (struct vmsg_results_frame){iut, harness, d->expected_bytes, d->expected_len, rec_sum,
                                                            false};
        }
        if (d->got_bytes) {
            snprintf(got_sum, sizeof got_sum, "received: %s", d->got_msg[0] ? d->got_msg : "(undecodable)");
            frames[nframes++] = (struct vmsg_results_frame){iut, harness, d->got_bytes, d->got_len, got_sum, true};
        }
    } else {
        if (rc->expected)
            snprintf(expected, sizeof expected, "%" PRIu64 " frames as recorded, no FAIL finding", rc->expected);
        else
            snprintf(expected, sizeof expected, "%" PRIu64 " frames sent, no FAIL finding", rc->sent);
        snprintf(observed, sizeof observed, "%" PRIu64 " matched", rc->matched);
    }
    if (rc->fail || rc->warn || rc->info) {
        size_t n = strlen(observed);
        n += (size_t)snprintf(observed + n, sizeof observed - n,
                              "; checker: %" PRIu64 " FAIL, %" PRIu64 " WARN, %" PRIu64 " INFO", rc->fail, rc->warn,
                              rc->info);
        for (unsigned i = 0; i < rc->nclauses && n < sizeof observed; i++)
            n += (size_t)snprintf(observed + n, sizeof observed - n, "%s%s", i ? ", " : " (", rc->clauses[i]);
        if (rc->nclauses && n < sizeof observed)
            snprintf(observed + n, sizeof observed - n, ")");
    }
    struct vmsg_results_case rcase = {
        .id = id,
        .suite = "replay",
        .title = title,
        .clauses = rc->clauses,
        .nclauses = rc->nclauses,
        .verdict = v,
        .expected = expected,
        .observed = observed,
        .frames = frames,
        .nframes = nframes,
        .duration_ms = rc->duration_ms,
    };
    if (vmsg__live_case(&c->out, &rcase))
        c->rc = 3;
}

/* The IUT died or could not be reached mid-replay: one ERROR case. */
static void transport_case(struct ctx *c, const char *error)
{
    struct vmsg_results_case rcase = {
        .id = "replay.transport",
        .suite = "replay",
        .title = "the implementation stays reachable through the replay",
        .verdict = VMSG_ERROR,
        .expected = "every frame sent and every expected frame received",
        .observed = error,
        .reason = error,
    };
    if (vmsg__live_case(&c->out, &rcase))
        c->rc = 3;
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
    enum { OPT_NOCHECK = 256, OPT_INSTANCE, OPT_THREADS };
    static const struct option lo[] = {{"iut", required_argument, 0, 'i'},
                                       {"as", required_argument, 0, 'a'},
                                       {"ignore", required_argument, 0, 'I'},
                                       {"timing", required_argument, 0, 'T'},
                                       {"profile", required_argument, 0, 'p'},
                                       {"stop-at-first", no_argument, 0, '1'},
                                       {"strict-order", no_argument, 0, 'S'},
                                       {"window", required_argument, 0, 'w'},
                                       {"reply-timeout", required_argument, 0, 'R'},
                                       {"max-size", required_argument, 0, 'm'},
                                       {"no-check", no_argument, 0, OPT_NOCHECK},
                                       {"instance", required_argument, 0, OPT_INSTANCE},
                                       {"threads", required_argument, 0, OPT_THREADS},
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
    unsigned window = 0;
    char err[512];
    int c;
    vmsg__cli_begin();
    while ((c = getopt_long(argc, argv, ":i:a:I:T:p:1Sw:R:m:r:qh", lo, NULL)) != -1) {
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
        case 'S': ro.strict_order = true; break;
        case 'w':
        case 'R':
        case 'm': {
            char *end;
            unsigned long v = strtoul(optarg, &end, 10);
            unsigned long top = c == 'm' ? 65535ul : c == 'w' ? VMSG_REPLAY_WINDOW_MAX : 3600000ul;
            if (!*optarg || *end || optarg[0] == '-' || v == 0 || v > top) {
                fprintf(stderr, "vmsg: replay: %s: expected 1..%lu, got '%s'\n",
                        c == 'm' ? "--max-size" : c == 'w' ? "--window" : "--reply-timeout", top, optarg);
                return 2;
            }
            if (c == 'm')
                max = v;
            else if (c == 'w')
                window = (unsigned)v;
            else
                ro.reply_timeout_ms = (int)v;
            break;
        }
        case OPT_NOCHECK: ro.check = false; break;
        case OPT_INSTANCE: {
            char *end;
            unsigned long v = strtoul(optarg, &end, 10);
            if (!*optarg || *end || optarg[0] == '-' || v > 65535ul) {
                fprintf(stderr, "vmsg: replay: --instance: expected a bus instance 0..65535, got '%s'\n", optarg);
                return 2;
            }
            ro.instance = (int)v;
            break;
        }
        case OPT_THREADS:
            if (strcmp(optarg, "auto") && strcmp(optarg, "1") && strcmp(optarg, "2")) {
                fprintf(stderr, "vmsg: replay: --threads: expected auto, 1 or 2, got '%s'\n", optarg);
                return 2;
            }
            ro.threads = strcmp(optarg, "auto") ? (unsigned)(optarg[0] - '0') : 0;
            break;
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
    if (window && ro.strict_order) {
        fprintf(stderr, "vmsg: replay: --window: has no use with --strict-order (nothing is reordered)\n");
        return 2;
    }
    if (window)
        ro.window = window;
    const char *capture = argv[optind];
    if (profile < 0 && !strcmp(capture, "-")) {
        /* the profile comes from a first look at the capture, which a stream cannot take */
        fprintf(stderr, "vmsg: replay: -: standard input is read only once: give the capture's profile with --profile\n");
        return 2;
    }
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
    x.as_device = as == VMSG_REPLAY_AS_DEVICE;
    int rc = vmsg__live_open(&x.out, "replay", capture, report, "replay", vmsg_profile(ro.profile)->name, iut);
    if (rc)
        return rc;
    x.out.quiet = quiet;
    x.out.render = true;
    ro.on_finding = vmsg__live_finding;
    ro.on_divergence = on_div;
    ro.on_case = on_case;
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
    if (status == 3)
        transport_case(&x, st.error);
    vmsg__live_summary(&x.out);
    printf("replay: %" PRIu64 " records, %" PRIu64 " sent, %" PRIu64 " received, %" PRIu64
           " divergences in %.3f s (%.0f messages/s, %u thread%s)\n",
           st.records, st.sent, st.received, st.divergences, st.elapsed_s,
           st.elapsed_s > 0 ? (double)(st.sent + st.received) / st.elapsed_s : 0.0, st.threads, st.threads == 1 ? "" : "s");
    if (ro.instance >= 0)
        printf("replay: bus instance %d: %" PRIu64 " records of other instances skipped\n", ro.instance, st.skipped);
    if (st.reordered || st.deferred)
        printf("replay: %" PRIu64 " frames paired out of capture order, %" PRIu64
               " events came after our next frame (window %u records)\n",
               st.reordered, st.deferred, ro.window);
    if (st.lat_n)
        printf("replay: answer latency min %.1f us, avg %.1f us, max %.1f us, p99 %.1f us (%" PRIu64 " of %" PRIu64
               " answers timed)\n",
               st.lat_min_us, st.lat_avg_us, st.lat_max_us, st.lat_p99_us, st.lat_n, st.lat_answers);
    if (status < 2 && st.counts.fail)
        status = 1;
    if ((vmsg__live_close(&x.out) || x.rc) && status < 3)
        status = 3;
    return status;
}
