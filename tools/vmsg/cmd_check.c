/* vmsg check: run the passive checker over a capture. Text output: one
 * finding per line, compiler style (FILE:frame N: clause: message), then a
 * summary per clause; --format json: the results schema (DESIGN.md 7b).
 * Exit 0 no findings, 1 findings (FAIL, or WARN with --strict), 2 bad
 * input (the message names file and frame). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vmsg/capture.h>
#include <vmsg/catalog.h>
#include <vmsg/check.h>
#include <vmsg/results.h>
#include <vmsg/wire.h>

#include "clause_count.h"
#include "cli.h"
#include "commands.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vmsg check [--profile P|auto] [--binding B] [--role R] [--format text|json]\n"
            "                  [--max-size N] [--strict] [--mid-session] [--complete] [--bare] FILE\n"
            "Judge the traffic of a vmsg capture (pcap; FILE '-' is stdin) against the clauses of\n"
            "virtio-msg that traffic alone can show: request/response pairing and order per\n"
            "device, initialization order, feature, configuration-generation, status and queue\n"
            "rules, bus messages, and every codec rule.\n\n"
            "  -p, --profile P     v1, v1-noresv, rfc2, v0, v2-draft, or auto (default): the\n"
            "                      capture header's profile, else a guess from the first 64\n"
            "                      frames (printed with its confidence)\n"
            "  -b, --binding B     bus-specific messages 0x80-0xff: none, ffa-b, ffa-c, ffa-d, ffa-e\n"
            "  -r, --role R        report clauses of: driver, device, bus, all (default)\n"
            "  -f, --format F      text (default) or json (the results schema, mode \"check\")\n"
            "  -m, --max-size N    the bus maximum message size, when known (size-limit rules)\n"
            "  -s, --strict        SHOULD findings count as failures\n"
            "      --mid-session   the capture may start inside a session: history rules apply\n"
            "                      to a device only from its first reset on\n"
            "      --complete      the capture holds every answer that was due: requests left\n"
            "                      unanswered at the end are failures (otherwise info)\n"
            "      --bare          USER0-USER15 link types carry bare messages\n"
            "  -h, --help          this text\n\n"
            "example:\n"
            "  vmsg check trace.pcap\n"
            "  -> trace.pcap:frame 17: device.set-config.1: length: expected 0 (stale generation 4,\n"
            "     current 5), got 8\n\n"
            "exit: 0 no findings, 1 findings (FAIL, or WARN with --strict), 2 usage error or bad\n"
            "      capture (reported after the findings of the records that could be read)\n");
}

#define GUESS_N 64

struct ctx {
    const char *file;
    char tmpdir[512], json_path[600]; /* the results file, closed before it is printed */
    bool json;
    struct vmsg_results *res;
    struct vmsg__clause_counts cc;
};

static void on_finding(void *user, const struct vmsg_finding *f)
{
    struct ctx *x = user;
    if (x->json) {
        if (f->clause)
            vmsg_results_cite(x->res, f->clause);
        static const enum vmsg_verdict v[] = {VMSG_FAIL, VMSG_WARN, VMSG_INFO};
        struct vmsg_results_finding rf = {f->frame, f->clause, vmsg_check_level_name(f->level),
                                          v[f->verdict < 3 ? f->verdict : 2], f->message};
        vmsg_results_add_finding(x->res, &rf);
        return;
    }
    if (!f->clause) {
        fprintf(stderr, "vmsg: %s: note: %s\n", x->file, f->message);
        return;
    }
    vmsg__clause_counts_add(&x->cc, f->clause, f->verdict);
    if (f->frame)
        printf("%s:frame %" PRIu64 ": %s: %s%s\n", x->file, f->frame, f->clause, f->message,
               f->verdict == VMSG_CHECK_WARN ? " [WARN]" : f->verdict == VMSG_CHECK_INFO ? " [INFO]" : "");
    else
        printf("%s:end: %s: %s%s\n", x->file, f->clause, f->message,
               f->verdict == VMSG_CHECK_WARN ? " [WARN]" : f->verdict == VMSG_CHECK_INFO ? " [INFO]" : "");
}

struct held {
    struct vmsg_cap_rec rec;
    uint8_t *bytes;
};

struct opts {
    int profile; /* -1: auto */
    int binding;
    int role;
    bool json, strict, mid, complete;
    unsigned long max_size;
    unsigned rflags;
};

static int parse(int argc, char **argv, struct opts *o)
{
    enum { OPT_MID = 256, OPT_COMPLETE, OPT_BARE };
    static const struct option lopts[] = {{"profile", required_argument, 0, 'p'},
                                          {"binding", required_argument, 0, 'b'},
                                          {"role", required_argument, 0, 'r'},
                                          {"format", required_argument, 0, 'f'},
                                          {"max-size", required_argument, 0, 'm'},
                                          {"strict", no_argument, 0, 's'},
                                          {"mid-session", no_argument, 0, OPT_MID},
                                          {"complete", no_argument, 0, OPT_COMPLETE},
                                          {"bare", no_argument, 0, OPT_BARE},
                                          {"help", no_argument, 0, 'h'},
                                          {0, 0, 0, 0}};
    int c;
    vmsg__cli_begin();
    while ((c = getopt_long(argc, argv, ":p:b:r:f:m:sh", lopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            o->profile = strcmp(optarg, "auto") == 0 ? -1 : vmsg_profile_by_name(optarg);
            if (o->profile < 0 && strcmp(optarg, "auto") != 0) {
                fprintf(stderr, "vmsg: check: --profile: unknown profile '%s' (v1, v1-noresv, rfc2, v0, v2-draft, auto)\n",
                        optarg);
                return 2;
            }
            break;
        case 'b':
            o->binding = vmsg_binding_by_name(optarg);
            if (o->binding < 0) {
                fprintf(stderr, "vmsg: check: --binding: unknown binding '%s' (none, ffa-b, ffa-c, ffa-d, ffa-e)\n",
                        optarg);
                return 2;
            }
            break;
        case 'r':
            o->role = vmsg_check_role_by_name(optarg);
            if (o->role < 0) {
                fprintf(stderr, "vmsg: check: --role: unknown role '%s' (driver, device, bus, all)\n", optarg);
                return 2;
            }
            break;
        case 'f':
            if (strcmp(optarg, "json") && strcmp(optarg, "text")) {
                fprintf(stderr, "vmsg: check: --format: expected text or json, got '%s'\n", optarg);
                return 2;
            }
            o->json = strcmp(optarg, "json") == 0;
            break;
        case 'm': {
            char *end;
            o->max_size = strtoul(optarg, &end, 10);
            if (!*optarg || *end || optarg[0] == '-' || o->max_size == 0 || o->max_size > 65535) {
                fprintf(stderr, "vmsg: check: --max-size: expected 1..65535, got '%s'\n", optarg);
                return 2;
            }
            break;
        }
        case 's': o->strict = true; break;
        case OPT_MID: o->mid = true; break;
        case OPT_COMPLETE: o->complete = true; break;
        case OPT_BARE: o->rflags |= VMSG_CAP_READ_BARE; break;
        case 'h': usage(stdout); return 0;
        default: return vmsg__cli_bad_option("check", c, argv);
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "vmsg: check: expected one capture file (see vmsg check --help)\n");
        return 2;
    }
    return -1;
}

/* Read up to GUESS_N records (copied: the reader reuses its buffer) so that
 * the profile can be chosen before anything is judged. */
static size_t read_ahead(struct vmsg_cap_reader *r, struct held *h, int *rc)
{
    size_t n = 0;
    while (n < GUESS_N && (*rc = vmsg_cap_next(r, &h[n].rec)) == 1) {
        h[n].bytes = malloc(h[n].rec.caplen ? h[n].rec.caplen : 1);
        if (!h[n].bytes) {
            *rc = -2;
            break;
        }
        memcpy(h[n].bytes, h[n].rec.msg, h[n].rec.caplen);
        h[n].rec.msg = h[n].bytes;
        n++;
    }
    return n;
}

static int choose_profile(const struct opts *o, const struct held *h, size_t n, const char *file, bool quiet)
{
    if (o->profile >= 0)
        return o->profile;
    if (n && h[0].rec.has_header && vmsg_cap_profile_from_code(h[0].rec.meta.profile) >= 0)
        return vmsg_cap_profile_from_code(h[0].rec.meta.profile);
    struct vmsg_frame_ref f[GUESS_N];
    for (size_t i = 0; i < n; i++) {
        f[i].buf = h[i].rec.msg;
        f[i].len = h[i].rec.caplen;
    }
    struct vmsg_profile_guess g;
    vmsg_check_guess_profile(f, n, (unsigned)o->binding, &g);
    if (g.profile < 0) {
        if (!quiet)
            fprintf(stderr, "vmsg: %s: note: profile: %s; judging as v1\n", file, g.reason);
        return VMSG_PROFILE_V1;
    }
    if (!quiet)
        fprintf(stderr, "vmsg: %s: note: profile %s guessed (confidence %d%%): %s\n", file,
                vmsg_profile(g.profile)->name, g.confidence, g.reason);
    return g.profile;
}

static void feed(struct vmsg_check *chk, const struct vmsg_cap_rec *rec, const char *file, bool *noted_cut)
{
    if (rec->caplen < rec->len || (rec->meta.flags & VMSG_CAP_F_TRUNCATED)) {
        /* cut by the capture, not by the implementation: not judged */
        if (!*noted_cut)
            fprintf(stderr, "vmsg: %s: frame %" PRIu64 ": note: message cut by the capture (%u of %u bytes); "
                    "such frames are not judged\n", file, rec->frame, rec->caplen, rec->len);
        *noted_cut = true;
        return;
    }
    uint64_t ts = (uint64_t)rec->ts.sec * 1000000000u + (uint64_t)rec->ts.usec * 1000u;
    vmsg_check_feed(chk, rec->frame, rec->meta.direction, ts, rec->msg, rec->caplen, rec->meta.bus_instance);
}

static int copy_out(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "vmsg: check: %s: cannot read the results back\n", path);
        return -1;
    }
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, stdout);
    fclose(f);
    return 0;
}

int vmsg_cmd_check(int argc, char **argv)
{
    struct opts o = {-1, 0, 0, false, false, false, false, 0, 0};
    int pr = parse(argc, argv, &o);
    if (pr >= 0)
        return pr;
    const char *file = argv[optind];
    char err[512];
    struct vmsg_cap_reader *r = vmsg_cap_reader_open(file, o.rflags, err, sizeof err);
    if (!r) {
        fprintf(stderr, "vmsg: %s\n", err);
        return 2;
    }
    struct held *h = calloc(GUESS_N, sizeof *h);
    if (!h) {
        vmsg_cap_reader_close(r);
        fprintf(stderr, "vmsg: check: out of memory\n");
        return 3;
    }
    int rc = 0;
    size_t nh = read_ahead(r, h, &rc);
    int profile = choose_profile(&o, h, nh, file, false);

    struct ctx x;
    memset(&x, 0, sizeof x);
    x.file = file;
    x.json = o.json;
    int status = 0;
    if (o.json) {
        /* the writer completes a document only when it closes it: write it to a
         * private temporary directory, then copy it to stdout */
        const char *td = getenv("TMPDIR");
        snprintf(x.tmpdir, sizeof x.tmpdir, "%s/vmsg-check-XXXXXX", td && *td ? td : "/tmp");
        if (!mkdtemp(x.tmpdir)) {
            fprintf(stderr, "vmsg: check: %s: cannot create a temporary directory\n", x.tmpdir);
            x.tmpdir[0] = 0;
            status = 3;
            goto out;
        }
        snprintf(x.json_path, sizeof x.json_path, "%s/results.json", x.tmpdir);
        struct vmsg_results_info info = {"check", vmsg_profile(profile)->name, file, NULL, NULL, 0, 0, true};
        if (vmsg_results_open(&x.res, x.json_path, &info, err, sizeof err) != 0) {
            fprintf(stderr, "vmsg: check: %s\n", err);
            status = 3;
            goto out;
        }
    }
    struct vmsg_check_opts co;
    vmsg_check_opts_init(&co);
    co.profile = (unsigned)profile;
    co.binding = (unsigned)o.binding;
    co.max_msg_size = (uint32_t)o.max_size;
    co.role = (unsigned)o.role;
    co.strict = o.strict;
    co.mid_session = o.mid;
    co.complete = o.complete;
    co.on_finding = on_finding;
    co.user = &x;
    struct vmsg_check *chk = vmsg_check_new(&co);
    if (!chk) {
        fprintf(stderr, "vmsg: check: out of memory\n");
        status = 3;
        goto out;
    }
    bool noted_cut = false;
    for (size_t i = 0; i < nh; i++)
        feed(chk, &h[i].rec, file, &noted_cut);
    struct vmsg_cap_rec rec;
    while (rc == 1 && (rc = vmsg_cap_next(r, &rec)) == 1)
        feed(chk, &rec, file, &noted_cut);
    vmsg_check_finish(chk);
    const struct vmsg_check_counts *cn = vmsg_check_counts(chk);
    status = cn->fail ? 1 : 0; /* strict already made WARN into FAIL */
    if (!o.json) {
        vmsg__clause_counts_print(stdout, &x.cc);
        printf("%s: %" PRIu64 " frames, %" PRIu64 " failures, %" PRIu64 " warnings, %" PRIu64 " info (profile %s)\n",
               file, cn->frames, cn->fail, cn->warn, cn->info, vmsg_profile(profile)->name);
    }
    vmsg_check_free(chk);
    if (rc < 0) {
        fflush(stdout);
        fprintf(stderr, "vmsg: %s\n", rc == -2 ? "check: out of memory" : vmsg_cap_reader_error(r));
        status = rc == -2 ? 3 : 2;
    }
out:
    if (x.res) {
        if (vmsg_results_close(x.res, NULL, err, sizeof err) != 0) {
            fprintf(stderr, "vmsg: check: %s\n", err);
            status = 3;
        } else if (copy_out(x.json_path) != 0) {
            status = 3;
        }
    }
    if (x.json_path[0])
        unlink(x.json_path);
    if (x.tmpdir[0])
        rmdir(x.tmpdir);
    for (size_t i = 0; i < nh; i++)
        free(h[i].bytes);
    free(h);
    vmsg__clause_counts_free(&x.cc);
    vmsg_cap_reader_close(r);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "vmsg: check: write error on stdout\n");
        status = 2;
    }
    return status;
}
