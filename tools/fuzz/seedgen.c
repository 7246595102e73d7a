/* fuzz-seedgen: writes the generated seed corpora of the fuzz targets.
 *
 *   fuzz-seedgen OUTDIR [VECTORS.tsv | CAPTURE.pcap]...
 *
 * Messages: every message layout of every profile and binding, encoded twice
 * (fields zero; fields set to small values with variable parts filled), plus
 * every vector of the given vector files (vectors/messages.tsv format: the
 * profile, binding and hex columns). Each message is written as
 *   OUTDIR/decode/:   the selector byte fuzz_decode.c reads, then the frame;
 *   OUTDIR/hexparse/: hex text in one of the separators `vmsg decode` accepts;
 *   OUTDIR/caprec/:   a capture record in the framing fuzz_caprec.c reads
 *                     (default form, USER form with header, USER bare, in turn).
 * Each capture (vectors/captures/sample-*.pcap) becomes one OUTDIR/check/ input: its
 * records as the frame sequence fuzz_check.c reads (profile from the file's
 * capture headers, directions and bus instances kept).
 * Run at build time; the committed seeds under tools/fuzz/corpus/ are the
 * hand-written ones. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <vmsg/capture.h>
#include <vmsg/cursor.h>
#include <vmsg/hexparse.h>
#include <vmsg/wire.h>

static int write_file(const char *dir, const char *name, const void *p, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "fuzz-seedgen: %s: %s\n", path, strerror(errno));
        return 2;
    }
    return 0;
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "fuzz-seedgen: %s: %s\n", path, strerror(errno));
        return 2;
    }
    return 0;
}

/* Number of bytes a variable field takes for count elements. */
static uint32_t var_bytes(const struct vmsg_fielddef *f, uint32_t count)
{
    uint32_t n = (count + f->len_div - 1) / f->len_div;
    return f->type == VMSG_FT_LE32_ARRAY ? n * 4 : n;
}

static void fill(struct vmsg_msg *m, const struct vmsg_msgdef *def, const uint8_t *pattern)
{
    for (unsigned i = 0; i < def->nfields; i++) {
        const struct vmsg_fielddef *f = &def->fields[i];
        if (f->flags & VMSG_FF_MBZ)
            continue;
        if (f->flags & VMSG_FF_VAR) {
            uint32_t count = 4;
            if (f->len_field >= 0)
                vmsg_set(m, def->fields[f->len_field].fld, count);
            uint32_t n = (f->flags & VMSG_FF_REST) ? 8 : var_bytes(f, count);
            vmsg_set_bytes(m, f->fld, pattern, n);
        } else if (f->type == VMSG_FT_BYTES || f->type == VMSG_FT_UUID) {
            vmsg_set_bytes(m, f->fld, pattern, f->size);
        } else if (f->type != VMSG_FT_LE32_ARRAY) {
            bool is_len = false;
            for (unsigned k = 0; k < def->nfields; k++)
                is_len |= def->fields[k].len_field == (int)i;
            if (!is_len)
                vmsg_set(m, f->fld, f->multiple_of ? f->multiple_of : 1);
        }
    }
}

struct out {
    char dec[900], hex[900], rec[900], chk[900];
    unsigned files;
};

/* Write one message (profile p, binding b, frame bytes) to every seed folder. */
static int emit(struct out *o, const char *name, unsigned p, unsigned b, const uint8_t *frame, size_t n)
{
    static const char *const seps[] = {" ", "", ":", "-", ",", "."};
    static uint8_t buf[2 + 64 + 65536];
    if (n > 65535 - 32)
        return 0;
    buf[0] = (uint8_t)(p | b << 3);
    memcpy(buf + 1, frame, n);
    if (write_file(o->dec, name, buf, n + 1))
        return 2;

    char text[4096];
    size_t t = 0;
    const char *sep = seps[o->files % (sizeof seps / sizeof seps[0])];
    for (size_t i = 0; i < n && t + 8 < sizeof text; i++)
        t += (size_t)snprintf(text + t, sizeof text - t, "%s%02x", i ? sep : "", frame[i]);
    if (t + 16 < sizeof text)
        t += (size_t)snprintf(text + t, sizeof text - t, " # seed\n");
    if (write_file(o->hex, name, text, t))
        return 2;

    /* caprec: selector, le16 record length, record */
    unsigned form = o->files % 3;
    size_t at = 3;
    buf[0] = form == 0 ? 0x00 : form == 1 ? 0x10 : 0x31;
    if (form == 0) {
        static const uint8_t tags[] = {0, 12, 0, 8, 'v', 'm', 's', 'g', 'c', 'a', 'p', 0, 0, 0, 0, 0};
        memcpy(buf + at, tags, sizeof tags);
        at += sizeof tags;
    }
    if (form != 2) {
        const uint8_t hdr[VMSG_CAP_HDR_LEN] = {VMSG_CAP_VERSION, (uint8_t)(o->files & 1),
                                               vmsg_profile_defs[p].code, VMSG_BUS_LOOPBACK, 0, 0, 0, 0};
        memcpy(buf + at, hdr, sizeof hdr);
        at += sizeof hdr;
    }
    memcpy(buf + at, frame, n);
    at += n;
    vmsg_put_le(buf + 1, at - 3, 2);
    if (write_file(o->rec, name, buf, at))
        return 2;
    o->files++;
    return 0;
}

static int from_schema(struct out *o)
{
    static uint8_t pattern[4096];
    for (size_t i = 0; i < sizeof pattern; i++)
        pattern[i] = (uint8_t)(i * 7 + 1);
    for (unsigned d = 0; d < VMSG_MSGDEF_COUNT; d++) {
        const struct vmsg_msgdef *def = &vmsg_msgdefs[d];
        for (unsigned p = 0; p < VMSG_PROFILE_COUNT; p++) {
            if (!(def->profiles & (1u << p)))
                continue;
            for (unsigned variant = 0; variant < 2; variant++) {
                struct vmsg_msg m;
                uint16_t dev = def->cls == VMSG_CLASS_BUS ? 0 : 1;
                if (!vmsg_msg_init(&m, p, def->binding, def->mname, def->cls, def->kind, dev))
                    continue;
                m.token = (uint16_t)(d + 1);
                if (variant)
                    fill(&m, def, pattern);
                static uint8_t frame[65536];
                size_t n = vmsg_encode(&m, frame, sizeof frame);
                if (!n)
                    continue;
                char name[160];
                snprintf(name, sizeof name, "%s-%s-%s-%s-%u", vmsg_profile_defs[p].name,
                         vmsg_binding_defs[def->binding].name, def->name, vmsg_kind_name(def->kind), variant);
                if (emit(o, name, p, def->binding, frame, n))
                    return 2;
            }
        }
    }
    return 0;
}

/* Columns of a vectors TSV line (tab-separated, '#' comments). */
#define TSV_ID 0
#define TSV_PROFILE 1
#define TSV_BINDING 2
#define TSV_HEX 10

static int from_tsv(struct out *o, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "fuzz-seedgen: %s: %s\n", path, strerror(errno));
        return 2;
    }
    static char line[1 << 17];
    unsigned lineno = 0;
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *col[16] = {0};
        unsigned ncol = 0;
        for (char *s = line; ncol < 16;) {
            col[ncol++] = s;
            char *tab = strchr(s, '\t');
            if (!tab)
                break;
            *tab = 0;
            s = tab + 1;
        }
        if (ncol <= TSV_HEX) {
            fprintf(stderr, "fuzz-seedgen: %s:%u: expected at least %d columns\n", path, lineno, TSV_HEX + 1);
            rc = 2;
            break;
        }
        col[TSV_HEX][strcspn(col[TSV_HEX], "\r\n")] = 0;
        int p = vmsg_profile_by_name(col[TSV_PROFILE]);
        int b = vmsg_binding_by_name(col[TSV_BINDING]);
        static uint8_t frame[65536];
        size_t n;
        char err[128];
        if (p < 0 || b < 0 || !vmsg_hex_parse(col[TSV_HEX], frame, sizeof frame, &n, err, sizeof err)) {
            fprintf(stderr, "fuzz-seedgen: %s:%u: bad profile, binding or hex\n", path, lineno);
            rc = 2;
            break;
        }
        char name[200];
        snprintf(name, sizeof name, "vec-%.150s", col[TSV_ID]);
        for (char *c = name; *c; c++)
            if (*c == '/')
                *c = '_';
        rc = emit(o, name, (unsigned)p, (unsigned)b, frame, n);
    }
    fclose(f);
    return rc;
}

/* A capture as one checker input (see fuzz_check.c for the framing). */
static int from_pcap(struct out *o, const char *path)
{
    char err[400];
    struct vmsg_cap_reader *r = vmsg_cap_reader_open(path, 0, err, sizeof err);
    if (!r) {
        fprintf(stderr, "fuzz-seedgen: %s\n", err);
        return 2;
    }
    static uint8_t buf[1 << 16];
    size_t at = 2;
    int profile = -1;
    struct vmsg_cap_rec rec;
    int rc;
    while ((rc = vmsg_cap_next(r, &rec)) == 1 && at + 3 + rec.caplen <= sizeof buf && rec.caplen <= 0xffff) {
        if (profile < 0)
            profile = vmsg_cap_profile_from_code(rec.meta.profile);
        buf[at] = (uint8_t)((rec.meta.direction & 3) | (rec.meta.bus_instance & 1) << 2);
        vmsg_put_le(buf + at + 1, rec.caplen, 2);
        memcpy(buf + at + 3, rec.msg, rec.caplen);
        at += 3 + rec.caplen;
    }
    if (rc < 0)
        fprintf(stderr, "fuzz-seedgen: %s (records before it kept)\n", vmsg_cap_reader_error(r));
    vmsg_cap_reader_close(r);
    buf[0] = (uint8_t)(profile < 0 ? 0 : profile);
    buf[1] = 0;
    const char *base = strrchr(path, '/');
    char name[200];
    snprintf(name, sizeof name, "capture-%.150s", base ? base + 1 : path);
    return write_file(o->chk, name, buf, at);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: fuzz-seedgen OUTDIR [VECTORS.tsv | CAPTURE.pcap]...\n"
                        "example: fuzz-seedgen build/tools/fuzz/seeds vectors/messages.tsv\n");
        return 2;
    }
    struct out o = {.files = 0};
    snprintf(o.dec, sizeof o.dec, "%s/decode", argv[1]);
    snprintf(o.hex, sizeof o.hex, "%s/hexparse", argv[1]);
    snprintf(o.rec, sizeof o.rec, "%s/caprec", argv[1]);
    snprintf(o.chk, sizeof o.chk, "%s/check", argv[1]);
    if (make_dir(argv[1]) || make_dir(o.dec) || make_dir(o.hex) || make_dir(o.rec) || make_dir(o.chk))
        return 2;
    if (from_schema(&o))
        return 2;
    for (int i = 2; i < argc; i++) {
        size_t n = strlen(argv[i]);
        bool pcap = n > 5 && !strcmp(argv[i] + n - 5, ".pcap");
        if (pcap ? from_pcap(&o, argv[i]) : from_tsv(&o, argv[i]))
            return 2;
    }
    printf("fuzz-seedgen: %u messages written to %s/{decode,hexparse,caprec,check}\n", o.files, argv[1]);
    return 0;
}
