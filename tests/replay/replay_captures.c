/* Captures for the reorder tests (reorder.sh), made with the library:
 *
 *   replay-captures two-devices PERSONALITY OUT [corrupt]
 *       GET_DEVICE_INFO to devices 1, 9, 17, then GET_DEVICE_STATUS to 9
 *       and 1, answered by builtin:refdev with PERSONALITY (several dev_nums);
 *       written with the responses of each round in another order than
 *       refdev gives them (17, 9, 1 and 1, 9), as a bus with slower and
 *       faster devices would deliver them. corrupt: the device_id of dev 9's
 *       GET_DEVICE_INFO response is changed (a real divergence).
 *   replay-captures move IN OUT FRAME AFTER
 *       IN with record FRAME moved to just after record AFTER (0: first).
 *   replay-captures swap IN OUT A B [index=N] [token=N]
 *       IN with records A and B exchanged; index=N, token=N: the record
 *       taken from A (now at B's place) gets that index or token (a wrong
 *       field, or one the --ignore masks hide).
 *   replay-captures gap IN OUT FRAME MS
 *       IN with records FRAME onwards recorded MS milliseconds later (for
 *       --timing original).
 *
 * Exit 0, or 1 with a one-line message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/bus.h>
#include <vmsg/capture.h>
#include <vmsg/ref.h>
#include <vmsg/wire.h>

#define MAXREC 4096
#define MAXLEN 512

struct rec {
    struct vmsg_cap_meta meta;
    uint8_t b[MAXLEN];
    size_t n;
};

static int die(const char *what)
{
    fprintf(stderr, "replay-captures: %s\n", what);
    return 1;
}

/* Records 1 us apart, those from index gap_from on gap_us later. */
static bool write_all(const char *path, const struct rec *r, const unsigned *order, unsigned n, unsigned gap_from,
                      unsigned long gap_us)
{
    char err[512];
    struct vmsg_cap_writer *w = vmsg_cap_writer_open(path, NULL, err, sizeof err);
    if (!w) {
        fprintf(stderr, "replay-captures: %s\n", err);
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        uint64_t us = i + (i >= gap_from ? gap_us : 0);
        struct vmsg_cap_ts ts = {(int64_t)(1700000000u + us / 1000000u), (uint32_t)(us % 1000000u)};
        if (!vmsg_cap_write(w, &ts, &r[order[i]].meta, r[order[i]].b, r[order[i]].n))
            return false;
    }
    return vmsg_cap_writer_close(w, err, sizeof err);
}

/* One request to dev, its response from the IUT. */
static bool exchange(struct vmsg_bus *b, unsigned mname, uint16_t dev, uint16_t token, struct rec *q, struct rec *a)
{
    struct vmsg_msg m;
    if (!vmsg_msg_init(&m, VMSG_PROFILE_V1, 0, mname, VMSG_CLASS_TRANSPORT, VMSG_KIND_REQUEST, dev))
        return false;
    m.token = token;
    m.token_override = true;
    q->n = vmsg_encode(&m, q->b, sizeof q->b);
    q->meta = (struct vmsg_cap_meta){VMSG_DIR_DRV_TO_DEV, 0, VMSG_BUS_LOOPBACK, 0, 0};
    a->meta = (struct vmsg_cap_meta){VMSG_DIR_DEV_TO_DRV, 0, VMSG_BUS_LOOPBACK, 0, 0};
    return q->n && vmsg_bus_send(b, q->b, q->n) == VMSG_BUS_OK &&
           vmsg_bus_recv(b, a->b, sizeof a->b, &a->n, 2000) == VMSG_BUS_OK;
}

static int two_devices(const char *personality, const char *out, bool corrupt)
{
    char uri[1200], err[512];
    snprintf(uri, sizeof uri, "builtin:refdev?personality=%s", personality);
    struct vmsg_bus_opts bo;
    vmsg_bus_opts_init(&bo);
    bo.side = VMSG_BUS_SIDE_DRIVER;
    bo.builtins = vmsg_ref_builtins();
    struct vmsg_bus *b;
    if (vmsg_bus_open(uri, &bo, &b, err, sizeof err) != VMSG_BUS_OK)
        return die(err);
    static struct rec r[10];
    static const uint16_t devs[3] = {1, 9, 17};
    bool ok = true;
    for (unsigned i = 0; i < 3; i++) /* r[0..2] requests, r[3..5] responses */
        ok = ok && exchange(b, VMSG_M_GET_DEVICE_INFO, devs[i], (uint16_t)(i + 1), &r[i], &r[3 + i]);
    ok = ok && exchange(b, VMSG_M_GET_DEVICE_STATUS, 9, 4, &r[6], &r[8]);
    ok = ok && exchange(b, VMSG_M_GET_DEVICE_STATUS, 1, 5, &r[7], &r[9]);
    vmsg_bus_close(b);
    if (!ok)
        return die("refdev did not answer");
    if (corrupt) {
        struct vmsg_msg m;
        if (vmsg_decode(VMSG_PROFILE_V1, 0, r[4].b, r[4].n, &m, NULL) != VMSG_OK ||
            !vmsg_set(&m, VMSG_FLD_DEVICE_ID, vmsg_get(&m, VMSG_FLD_DEVICE_ID) + 1))
            return die("cannot change dev 9's device_id");
        uint8_t tmp[MAXLEN];
        size_t n = vmsg_encode(&m, tmp, sizeof tmp);
        memcpy(r[4].b, tmp, n);
        r[4].n = n;
    }
    /* requests 1, 9, 17, responses 17, 9, 1; requests 9, 1, responses 1, 9 */
    static const unsigned order[10] = {0, 1, 2, 5, 4, 3, 6, 7, 9, 8};
    return write_all(out, r, order, 10, 10, 0) ? 0 : 1;
}

static struct rec g_r[MAXREC];
static unsigned g_order[MAXREC];

/* IN into g_r; the number of records, or 0 with a message. */
static unsigned read_all(const char *in)
{
    char err[512];
    struct vmsg_cap_reader *rd = vmsg_cap_reader_open(in, 0, err, sizeof err);
    if (!rd) {
        die(err);
        return 0;
    }
    unsigned n = 0;
    struct vmsg_cap_rec c;
    int k;
    while ((k = vmsg_cap_next(rd, &c)) == 1 && n < MAXREC && c.caplen <= MAXLEN) {
        g_r[n].meta = c.meta;
        memcpy(g_r[n].b, c.msg, c.caplen);
        g_r[n].n = c.caplen;
        n++;
    }
    vmsg_cap_reader_close(rd);
    if (k != 0 || n == 0) {
        die("cannot read the whole input (bad, empty, or too many or too long records)");
        return 0;
    }
    return n;
}

static int move(const char *in, const char *out, unsigned long from, unsigned long after)
{
    unsigned n = read_all(in);
    if (!n)
        return 1;
    if (from < 1 || from > n || after > n || after == from)
        return die("frame numbers out of range");
    unsigned o = 0;
    if (after == 0)
        g_order[o++] = (unsigned)from - 1;
    for (unsigned i = 0; i < n; i++) {
        if (i + 1 != from)
            g_order[o++] = i;
        if (i + 1 == after)
            g_order[o++] = (unsigned)from - 1;
    }
    return write_all(out, g_r, g_order, n, n, 0) ? 0 : 1;
}

/* "index=N" or "token=N" applied to record r. */
static bool change(struct rec *r, const char *what)
{
    struct vmsg_msg m;
    const char *eq = strchr(what, '=');
    unsigned long v = strtoul(eq ? eq + 1 : "", NULL, 0);
    if (vmsg_decode(VMSG_PROFILE_V1, 0, r->b, r->n, &m, NULL) != VMSG_OK)
        return false;
    if (!strncmp(what, "token=", 6)) {
        m.token = (uint16_t)v;
        m.token_override = true;
    } else if (strncmp(what, "index=", 6) || !vmsg_set(&m, VMSG_FLD_INDEX, v)) {
        return false;
    }
    uint8_t tmp[MAXLEN];
    size_t n = vmsg_encode(&m, tmp, sizeof tmp);
    if (!n)
        return false;
    memcpy(r->b, tmp, n);
    r->n = n;
    return true;
}

static int swap(int argc, char **argv)
{
    unsigned n = read_all(argv[2]);
    if (!n)
        return 1;
    unsigned long a = strtoul(argv[4], NULL, 10), b = strtoul(argv[5], NULL, 10);
    if (a < 1 || a > n || b < 1 || b > n || a == b)
        return die("frame numbers out of range");
    for (int i = 6; i < argc; i++)
        if (!change(&g_r[a - 1], argv[i]))
            return die("cannot apply a change (index=N or token=N, on a message that has the field)");
    for (unsigned i = 0; i < n; i++)
        g_order[i] = i;
    g_order[a - 1] = (unsigned)b - 1;
    g_order[b - 1] = (unsigned)a - 1;
    return write_all(argv[3], g_r, g_order, n, n, 0) ? 0 : 1;
}

static int gap(const char *in, const char *out, unsigned long frame, unsigned long ms)
{
    unsigned n = read_all(in);
    if (!n)
        return 1;
    if (frame < 1 || frame > n || ms > 60000)
        return die("frame out of range, or a gap above 60 s");
    for (unsigned i = 0; i < n; i++)
        g_order[i] = i;
    return write_all(out, g_r, g_order, n, (unsigned)frame - 1, ms * 1000u) ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && !strcmp(argv[1], "two-devices"))
        return two_devices(argv[2], argv[3], argc > 4 && !strcmp(argv[4], "corrupt"));
    if (argc == 6 && !strcmp(argv[1], "move"))
        return move(argv[2], argv[3], strtoul(argv[4], NULL, 10), strtoul(argv[5], NULL, 10));
    if (argc >= 6 && argc <= 8 && !strcmp(argv[1], "swap"))
        return swap(argc, argv);
    if (argc == 6 && !strcmp(argv[1], "gap"))
        return gap(argv[2], argv[3], strtoul(argv[4], NULL, 10), strtoul(argv[5], NULL, 10));
    return die("usage: replay-captures two-devices PERSONALITY OUT [corrupt] | move IN OUT FRAME AFTER |\n"
               "       swap IN OUT A B [index=N] [token=N] | gap IN OUT FRAME MS");
}
