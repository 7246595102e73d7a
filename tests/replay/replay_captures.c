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

static bool write_all(const char *path, const struct rec *r, const unsigned *order, unsigned n)
{
    char err[512];
    struct vmsg_cap_writer *w = vmsg_cap_writer_open(path, NULL, err, sizeof err);
    if (!w) {
        fprintf(stderr, "replay-captures: %s\n", err);
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        struct vmsg_cap_ts ts = {1700000000, i};
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
    return write_all(out, r, order, 10) ? 0 : 1;
}

static int move(const char *in, const char *out, unsigned long from, unsigned long after)
{
    char err[512];
    struct vmsg_cap_reader *rd = vmsg_cap_reader_open(in, 0, err, sizeof err);
    if (!rd)
        return die(err);
    static struct rec r[MAXREC];
    unsigned n = 0;
    struct vmsg_cap_rec c;
    int k;
    while ((k = vmsg_cap_next(rd, &c)) == 1 && n < MAXREC && c.caplen <= MAXLEN) {
        r[n].meta = c.meta;
        memcpy(r[n].b, c.msg, c.caplen);
        r[n].n = c.caplen;
        n++;
    }
    vmsg_cap_reader_close(rd);
    if (k != 0)
        return die("cannot read the whole input (bad, or too many or too long records)");
    if (from < 1 || from > n || after > n || after == from)
        return die("frame numbers out of range");
    static unsigned order[MAXREC];
    unsigned o = 0;
    if (after == 0)
        order[o++] = (unsigned)from - 1;
    for (unsigned i = 0; i < n; i++) {
        if (i + 1 != from)
            order[o++] = i;
        if (i + 1 == after)
            order[o++] = (unsigned)from - 1;
    }
    return write_all(out, r, order, n) ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && !strcmp(argv[1], "two-devices"))
        return two_devices(argv[2], argv[3], argc > 4 && !strcmp(argv[4], "corrupt"));
    if (argc == 6 && !strcmp(argv[1], "move"))
        return move(argv[2], argv[3], strtoul(argv[4], NULL, 10), strtoul(argv[5], NULL, 10));
    return die("usage: replay-captures two-devices PERSONALITY OUT [corrupt] | move IN OUT FRAME AFTER");
}
