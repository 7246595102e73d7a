/* vmsg dump: print a capture one line per message, tcpdump style:
 *   FRAME TIME DIR PROFILE SUMMARY [marks]
 * TIME is seconds.microseconds since the first record (--absolute: since the
 * epoch). Marks: " [|vmsg]" truncated message, " (invalid: ...)" malformed,
 * " (non-conformant: CLAUSE, ...)". Exit 0, or 2 for a bad file (after
 * printing every record that could be read). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/capture.h>
#include <vmsg/wire.h>

#include "cli.h"
#include "commands.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vmsg dump [-v] [-x] [-a] [--profile P] [--binding B] [--bare] [-c COUNT] FILE\n"
            "Print a vmsg capture (pcap; FILE '-' is stdin), one line per message: frame number,\n"
            "time in seconds since the first record, direction (drv>dev, dev>drv, ? when the\n"
            "capture does not say), profile, then the decoded message. A truncated message ends\n"
            "in ' [|vmsg]', a malformed one in ' (invalid: why)', a non-conformant one in\n"
            "' (non-conformant: clause ids)'.\n\n"
            "  -v, --verbose      also print the capture header, every field and every issue\n"
            "  -x, --hex          also print the message bytes in hex\n"
            "  -a, --absolute     time since the epoch instead of since the first record\n"
            "  -p, --profile P    decode as P (v1, v1-noresv, rfc2, v0, v2-draft) whatever the\n"
            "                     capture header says; without it the header's profile is used,\n"
            "                     and v1 (with a note) when the capture does not name one\n"
            "  -b, --binding B    bus-specific messages 0x80-0xff: none, ffa-b, ffa-c, ffa-d, ffa-e\n"
            "      --bare         USER0-USER15 link types carry bare messages (no capture header)\n"
            "  -c, --count N      stop after N records\n"
            "  -h, --help         this text\n\n"
            "example:\n"
            "  vmsg dump vectors/captures/sample-v1.pcap\n"
            "  -> 1 0.000000 drv>dev v1 BUS GET_DEVICES req dev=0 tok=1 offset=0 count=8\n\n"
            "exit: 0 capture read, 2 usage error or bad capture file (reported after the records\n"
            "      that could be read)\n");
}

struct dump_opts {
    int profile;  /* -1: from the capture */
    int binding;
    bool verbose, hex, absolute;
    unsigned long long count;
};

static void print_time(const struct dump_opts *o, const struct vmsg_cap_ts *t, const struct vmsg_cap_ts *first)
{
    int64_t us = t->sec * 1000000 + t->usec;
    if (!o->absolute)
        us -= first->sec * 1000000 + first->usec;
    const char *sign = us < 0 ? "-" : "";
    if (us < 0)
        us = -us;
    printf(" %s%" PRId64 ".%06" PRId64, sign, us / 1000000, us % 1000000);
}

/* Header-level summary for messages whose payload could not be decoded. */
static void print_header_summary(const struct vmsg_cap_rec *rec, unsigned profile, unsigned binding,
                                 const struct vmsg_msg *m)
{
    const struct vmsg_profile_def *p = vmsg_profile(profile);
    if (rec->caplen < p->header)
        return;
    bool resp = m->type & 1;
    unsigned cls = (m->type >> 1) & 1;
    const struct vmsg_msgdef *def = vmsg_msgdef_lookup(profile, binding, cls, resp, m->msg_id);
    const char *kind = resp ? "resp" : def ? vmsg_kind_name(def->kind)
                                            : (p->event_bit && (m->msg_id & 0x40)) ? "event" : "req";
    printf(" %s", cls == VMSG_CLASS_BUS ? "BUS " : "");
    if (def)
        printf("%s", def->name);
    else
        printf("UNKNOWN_0x%02X", m->msg_id);
    printf(" %s dev=%u", kind, m->dev_num);
    if (p->token)
        printf(" tok=%u", m->token);
    if (p->size_field)
        printf(" size=%u", m->msg_size);
}

static void print_hex(const uint8_t *b, uint32_t n)
{
    for (uint32_t off = 0; off < n; off += 16) {
        printf("    0x%04x: ", off);
        for (uint32_t i = off; i < off + 16 && i < n; i++)
            printf("%s%02x", (i - off) % 2 ? "" : " ", b[i]);
        putchar('\n');
    }
}

static void print_capture_line(const struct vmsg_cap_rec *rec)
{
    printf("    capture: %s", vmsg_cap_form_name(rec->form));
    if (rec->has_header) {
        const char *bk = vmsg_cap_bus_kind_name(rec->meta.bus_kind);
        const char *pn = vmsg_cap_profile_name(rec->meta.profile);
        if (bk)
            printf(", bus %s %u", bk, rec->meta.bus_instance);
        else
            printf(", bus kind %u %u", rec->meta.bus_kind, rec->meta.bus_instance);
        if (pn)
            printf(", profile %s", pn);
        else
            printf(", profile code %u", rec->meta.profile);
        if (rec->meta.direction > VMSG_DIR_UNKNOWN)
            printf(", direction code %u", rec->meta.direction);
        printf(", flags 0x%04x", rec->meta.flags);
        if (rec->meta.flags & VMSG_CAP_F_INJECTED)
            printf(" injected");
        if (rec->meta.flags & VMSG_CAP_F_TRUNCATED)
            printf(" truncated");
    }
    if (rec->caplen < rec->len)
        printf(", %u of %u bytes\n", rec->caplen, rec->len);
    else
        printf(", %u bytes\n", rec->caplen);
}

struct notes {
    bool profile; /* "no profile, decoding as v1" said */
    bool binding; /* "FF-A bus messages need --binding" said */
};

static void dump_record(const struct dump_opts *o, const struct vmsg_cap_rec *rec, const struct vmsg_cap_ts *first,
                        const char *file, struct notes *noted)
{
    int profile = o->profile;
    if (profile < 0) {
        profile = rec->has_header ? vmsg_cap_profile_from_code(rec->meta.profile) : -1;
        if (profile < 0) {
            if (!noted->profile) {
                fflush(stdout);
                if (rec->has_header && rec->meta.profile != VMSG_CAP_PROFILE_UNKNOWN)
                    fprintf(stderr, "vmsg: %s: frame %" PRIu64 ": note: unknown profile code %u, decoding as v1 "
                            "(use --profile)\n", file, rec->frame, rec->meta.profile);
                else
                    fprintf(stderr, "vmsg: %s: frame %" PRIu64 ": note: the capture does not name the profile, "
                            "decoding as v1 (use --profile)\n", file, rec->frame);
                noted->profile = true;
            }
            profile = VMSG_PROFILE_V1;
        }
    }
    struct vmsg_msg m;
    struct vmsg_diag d;
    memset(&m, 0, sizeof m);
    enum vmsg_outcome oc = vmsg_decode((unsigned)profile, (unsigned)o->binding, rec->msg, rec->caplen, &m, &d);

    printf("%" PRIu64, rec->frame);
    print_time(o, &rec->ts, first);
    printf(" %s %s", vmsg_cap_dir_name(rec->has_header ? rec->meta.direction : VMSG_DIR_UNKNOWN),
           vmsg_profile(profile)->name);
    if (oc == VMSG_OK || oc == VMSG_NONCONFORMANT) {
        char line[1024];
        vmsg_summary(&m, line, sizeof line);
        printf(" %s", line);
        if (oc == VMSG_NONCONFORMANT) {
            printf(" (non-conformant:");
            for (unsigned i = 0; i < d.nissues; i++) {
                bool dup = false;
                for (unsigned j = 0; j < i; j++)
                    dup = dup || !strcmp(d.issues[j].clause, d.issues[i].clause);
                if (!dup)
                    printf("%s %s", i ? "," : "", d.issues[i].clause);
            }
            printf(")");
        }
    } else {
        print_header_summary(rec, (unsigned)profile, (unsigned)o->binding, &m);
        if (oc == VMSG_TRUNCATED)
            printf(" [|vmsg]");
        else
            printf(" (invalid: %s)", d.problem);
    }
    putchar('\n');
    if (!noted->binding && !o->binding && m.impl_defined && m.cls == VMSG_CLASS_BUS && rec->has_header &&
        rec->meta.bus_kind == VMSG_BUS_FFA) {
        fflush(stdout);
        fprintf(stderr, "vmsg: %s: frame %" PRIu64 ": note: FF-A bus messages are shown raw; name the "
                "generation with --binding ffa-b, ffa-c, ffa-d or ffa-e\n", file, rec->frame);
        noted->binding = true;
    }
    if (o->verbose) {
        print_capture_line(rec);
        if (oc == VMSG_OK || oc == VMSG_NONCONFORMANT)
            vmsg_print_fields(stdout, &m, 4);
        char where[64];
        snprintf(where, sizeof where, "    frame %" PRIu64, rec->frame);
        vmsg_print_diag(stdout, where, &d);
    }
    if (o->hex)
        print_hex(rec->msg, rec->caplen);
}

int vmsg_cmd_dump(int argc, char **argv)
{
    enum { OPT_BARE = 256 };
    static const struct option lopts[] = {{"verbose", no_argument, 0, 'v'},
                                          {"hex", no_argument, 0, 'x'},
                                          {"absolute", no_argument, 0, 'a'},
                                          {"profile", required_argument, 0, 'p'},
                                          {"binding", required_argument, 0, 'b'},
                                          {"bare", no_argument, 0, OPT_BARE},
                                          {"count", required_argument, 0, 'c'},
                                          {"help", no_argument, 0, 'h'},
                                          {0, 0, 0, 0}};
    struct dump_opts o = {-1, 0, false, false, false, 0};
    unsigned rflags = 0;
    int c;
    vmsg__cli_begin();
    while ((c = getopt_long(argc, argv, ":vxap:b:c:h", lopts, NULL)) != -1) {
        switch (c) {
        case 'v': o.verbose = true; break;
        case 'x': o.hex = true; break;
        case 'a': o.absolute = true; break;
        case 'p':
            o.profile = vmsg_profile_by_name(optarg);
            if (o.profile < 0) {
                fprintf(stderr, "vmsg: dump: --profile: unknown profile '%s' (v1, v1-noresv, rfc2, v0, v2-draft)\n",
                        optarg);
                return 2;
            }
            break;
        case 'b':
            o.binding = vmsg_binding_by_name(optarg);
            if (o.binding < 0) {
                fprintf(stderr, "vmsg: dump: --binding: unknown binding '%s' (none, ffa-b, ffa-c, ffa-d, ffa-e)\n",
                        optarg);
                return 2;
            }
            break;
        case OPT_BARE: rflags |= VMSG_CAP_READ_BARE; break;
        case 'c': {
            char *end;
            o.count = strtoull(optarg, &end, 10);
            if (!*optarg || *end || optarg[0] == '-' || o.count == 0) {
                fprintf(stderr, "vmsg: dump: --count: expected a positive number, got '%s'\n", optarg);
                return 2;
            }
            break;
        }
        case 'h': usage(stdout); return 0;
        default: return vmsg__cli_bad_option("dump", c, argv);
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "vmsg: dump: expected one capture file (see vmsg dump --help)\n");
        return 2;
    }
    const char *file = argv[optind];
    char err[512];
    struct vmsg_cap_reader *r = vmsg_cap_reader_open(file, rflags, err, sizeof err);
    if (!r) {
        fprintf(stderr, "vmsg: %s\n", err);
        return 2;
    }
    struct vmsg_cap_rec rec;
    struct vmsg_cap_ts first = {0, 0};
    struct notes noted = {false, false};
    unsigned long long n = 0;
    int rc = 0;
    while ((!o.count || n < o.count) && (rc = vmsg_cap_next(r, &rec)) == 1) {
        if (n++ == 0)
            first = rec.ts;
        dump_record(&o, &rec, &first, file, &noted);
    }
    int status = 0;
    if ((!o.count || n < o.count) && rc < 0) {
        fflush(stdout);
        fprintf(stderr, "vmsg: %s\n", vmsg_cap_reader_error(r));
        status = 2;
    }
    vmsg_cap_reader_close(r);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "vmsg: dump: write error on stdout\n");
        status = 2;
    }
    return status;
}
