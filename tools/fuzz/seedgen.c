/* fuzz-seedgen: writes the generated seed corpora of the fuzz targets.
 *
 *   fuzz-seedgen OUTDIR
 *
 * OUTDIR/decode/: every message layout of every profile and binding, encoded
 * twice (fields zero; fields set to small legal-looking values with variable
 * parts filled), each prefixed by the selector byte fuzz_decode.c reads.
 * OUTDIR/hexparse/: the same messages as hex text in the separators
 * `vmsg decode` accepts.
 * Run at build time; the committed seeds under tools/fuzz/corpus/ are the
 * hand-written ones. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz-seedgen OUTDIR\nexample: fuzz-seedgen build/tools/fuzz/seeds\n");
        return 2;
    }
    char dec[900], hex[900];
    snprintf(dec, sizeof dec, "%s/decode", argv[1]);
    snprintf(hex, sizeof hex, "%s/hexparse", argv[1]);
    if (make_dir(argv[1]) || make_dir(dec) || make_dir(hex))
        return 2;
    static uint8_t pattern[4096];
    for (size_t i = 0; i < sizeof pattern; i++)
        pattern[i] = (uint8_t)(i * 7 + 1);
    static const char *const seps[] = {" ", "", ":", "-", ",", "."};
    unsigned files = 0;
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
                uint8_t buf[1 + 65536];
                buf[0] = (uint8_t)(p | def->binding << 3);
                size_t n = vmsg_encode(&m, buf + 1, sizeof buf - 1);
                if (!n)
                    continue;
                char name[160];
                snprintf(name, sizeof name, "%s-%s-%s-%s-%u", vmsg_profile_defs[p].name,
                         vmsg_binding_defs[def->binding].name, def->name, vmsg_kind_name(def->kind), variant);
                if (write_file(dec, name, buf, n + 1))
                    return 2;
                char text[4096];
                size_t t = 0;
                const char *sep = seps[files % (sizeof seps / sizeof seps[0])];
                for (size_t i = 0; i < n && t + 8 < sizeof text; i++)
                    t += (size_t)snprintf(text + t, sizeof text - t, "%s%02x", i ? sep : "", buf[1 + i]);
                t += (size_t)snprintf(text + t, sizeof text - t, " # %s\n", def->name);
                if (t >= sizeof text)
                    t = sizeof text - 1;
                if (write_file(hex, name, text, t))
                    return 2;
                files++;
            }
        }
    }
    printf("fuzz-seedgen: %u messages written to %s/{decode,hexparse}\n", files, argv[1]);
    return 0;
}
