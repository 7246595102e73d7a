/* vmsg decode: hex messages in (arguments, or one per line on stdin), decoded
 * fields out as text or JSON. Exit 0 all conformant, 1 non-conformant
 * messages seen, 2 bad input (non-hex, truncated, malformed, bad options). */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/hexparse.h>
#include <vmsg/wire.h>

#include "cli.h"
#include "commands.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vmsg decode [--profile P] [--binding B] [--json] [HEX...]\n"
            "Decode virtio-msg messages given as hex, one message per argument or, without\n"
            "arguments, one per line on stdin. Bytes may be separated by spaces, colons,\n"
            "dashes or commas, as pasted from a dump; '#' starts a comment.\n\n"
            "  -p, --profile P   wire profile: v1 (default), v1-noresv, rfc2, v0, v2-draft\n"
            "  -b, --binding B   bus-specific messages to decode in 0x80-0xff: none, ffa-b..ffa-e\n"
            "  -j, --json        one JSON object per message\n"
            "  -h, --help        this text\n\n"
            "example:\n"
            "  vmsg decode 00:05:01:00:07:00:10:00:00:00:00:00:04:00:00:00\n"
            "  -> GET_CONFIG req dev=1 tok=7 offset=0 length=4\n\n"
            "exit: 0 all conformant, 1 non-conformant messages, 2 bad input or malformed message\n");
}

struct opts {
    int profile;
    int binding;
    bool json;
    int worst;
};

static int decode_one(struct opts *o, const char *where, const char *text)
{
    uint8_t buf[65536 + 64];
    char err[160];
    size_t len;
    if (!vmsg_hex_parse(text, buf, sizeof buf, &len, err, sizeof err)) {
        fprintf(stderr, "vmsg: %s: %s\n", where, err);
        return 2;
    }
    if (len == 0)
        return -1; /* blank or comment line */
    struct vmsg_msg m;
    struct vmsg_diag d;
    enum vmsg_outcome oc = vmsg_decode((unsigned)o->profile, (unsigned)o->binding, buf, len, &m, &d);
    if (o->json) {
        vmsg_print_json(stdout, &m, &d);
        fputc('\n', stdout);
    }
    if (oc == VMSG_TRUNCATED || oc == VMSG_MALFORMED) {
        fprintf(stderr, "vmsg: %s: %s: %s\n", where, vmsg_outcome_name(oc), d.problem);
        return 2;
    }
    if (!o->json) {
        char line[512];
        vmsg_summary(&m, line, sizeof line);
        printf("%s%s\n", line, oc == VMSG_NONCONFORMANT ? " (non-conformant)" : "");
        vmsg_print_fields(stdout, &m, 2);
        vmsg_print_diag(stdout, where, &d);
    }
    return oc == VMSG_NONCONFORMANT ? 1 : 0;
}

int vmsg_cmd_decode(int argc, char **argv)
{
    static const struct option lopts[] = {{"profile", required_argument, 0, 'p'},
                                          {"binding", required_argument, 0, 'b'},
                                          {"json", no_argument, 0, 'j'},
                                          {"help", no_argument, 0, 'h'},
                                          {0, 0, 0, 0}};
    struct opts o = {0, 0, false, 0};
    int c;
    vmsg__cli_begin();
    while ((c = getopt_long(argc, argv, ":p:b:jh", lopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            o.profile = vmsg_profile_by_name(optarg);
            if (o.profile < 0) {
                fprintf(stderr, "vmsg: decode: --profile: unknown profile '%s' (v1, v1-noresv, rfc2, v0, v2-draft)\n",
                        optarg);
                return 2;
            }
            break;
        case 'b':
            o.binding = vmsg_binding_by_name(optarg);
            if (o.binding < 0) {
                fprintf(stderr, "vmsg: decode: --binding: unknown binding '%s'\n", optarg);
                return 2;
            }
            break;
        case 'j': o.json = true; break;
        case 'h': usage(stdout); return 0;
        default: return vmsg__cli_bad_option("decode", c, argv);
        }
    }
    int worst = 0, seen = 0;
    char where[64];
    if (optind < argc) {
        for (int i = optind; i < argc; i++) {
            snprintf(where, sizeof where, "argument %d", i - optind + 1);
            int r = decode_one(&o, where, argv[i]);
            if (r >= 0)
                seen++;
            if (r > worst)
                worst = r;
        }
    } else {
        char *line = NULL;
        size_t cap = 0;
        unsigned long lineno = 0;
        while (getline(&line, &cap, stdin) > 0) {
            lineno++;
            snprintf(where, sizeof where, "<stdin>:%lu", lineno);
            int r = decode_one(&o, where, line);
            if (r >= 0)
                seen++;
            if (r > worst)
                worst = r;
        }
        free(line);
    }
    if (!seen && worst == 0) {
        fprintf(stderr, "vmsg: decode: no message given\n");
        return 2;
    }
    return worst;
}
