/* Transport-message rules: what a driver may send when (init order, feature
 * and config discipline, queue use) and what a device must answer (echoes,
 * generation, status, queue state). Each rule reads only fields the profile
 * has (vmsg_has), so profiles without a field skip the rule. */
#include <string.h>

#include "check_internal.h"

#define ST_FOK VMSG_STATUS_FEATURES_OK
#define ST_DOK VMSG_STATUS_DRIVER_OK
#define ST_NR VMSG_STATUS_DEVICE_NEEDS_RESET
/* status bits virtio defines; the ones a driver sets on its way up */
#define ST_KNOWN                                                                                          \
    (VMSG_STATUS_ACKNOWLEDGE | VMSG_STATUS_DRIVER | ST_DOK | ST_FOK | ST_NR | VMSG_STATUS_FAILED)
#define ST_DRIVER_SET (VMSG_STATUS_ACKNOWLEDGE | VMSG_STATUS_DRIVER | ST_DOK | ST_FOK | VMSG_STATUS_FAILED)

static bool older(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }

static unsigned mname_of(const struct vmsg_msg *m) { return m->def ? m->def->mname : 0xff; }

static uint32_t bswap32(uint32_t v) { return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24); }

/* A queue index GET_DEVICE_INFO did not offer (admin queues are offered too). */
static bool beyond_max_vq(const struct vmsg__dev *d, uint32_t idx)
{
    if (!d->info_known || idx < d->max_vq)
        return false;
    return !(d->admin_count && idx >= d->admin_start && idx - d->admin_start < d->admin_count);
}

void vmsg__fill_req(const struct vmsg_msg *m, struct vmsg__dev *d, struct vmsg__req *r)
{
    memset(r, 0, sizeof *r);
    r->msg_id = m->msg_id;
    r->mname = (uint8_t)mname_of(m);
    switch (r->mname) {
    case VMSG_M_GET_DEVICE_FEATURES:
    case VMSG_M_SET_DRIVER_FEATURES:
        r->a = (uint32_t)vmsg_get(m, VMSG_FLD_BLOCK_INDEX);
        r->b = (uint32_t)vmsg_get(m, VMSG_FLD_NUM_BLOCKS);
        break;
    case VMSG_M_GET_CONFIG:
    case VMSG_M_SET_CONFIG:
        r->a = (uint32_t)vmsg_get(m, VMSG_FLD_OFFSET);
        r->b = (uint32_t)vmsg_get(m, VMSG_FLD_LENGTH);
        r->c = (uint32_t)vmsg_get(m, VMSG_FLD_GENERATION);
        r->stale = r->mname == VMSG_M_SET_CONFIG && d->gen_known && r->c != d->gen;
        r->cur_gen = d->gen;
        r->in_range = !d->info_known || (uint64_t)r->a + r->b <= d->config_size;
        break;
    case VMSG_M_GET_DEVICE_INFO:
        /* status 0 last reported, or nothing yet in a trace that starts the session */
        r->inactive = d->status_known ? d->status == 0 && !d->status_pending : d->from_start;
        break;
    case VMSG_M_SET_DEVICE_STATUS:
        r->c = (uint32_t)vmsg_get(m, VMSG_FLD_STATUS);
        break;
    case VMSG_M_GET_VQUEUE:
    case VMSG_M_SET_VQUEUE:
    case VMSG_M_RESET_VQUEUE:
    case VMSG_M_GET_SHM:
        r->a = (uint32_t)vmsg_get(m, VMSG_FLD_INDEX);
        r->b = (uint32_t)vmsg_get(m, VMSG_FLD_SIZE);
        break;
    case VMSG_M_GET_DEVICES:
        r->a = (uint32_t)vmsg_get(m, VMSG_FLD_OFFSET);
        r->b = (uint32_t)vmsg_get(m, VMSG_FLD_COUNT);
        break;
    case VMSG_M_PING:
        r->c = (uint32_t)vmsg_get(m, VMSG_FLD_DATA);
        break;
    default:
        break;
    }
}

void vmsg__dev_reset(struct vmsg__dev *d)
{
    for (unsigned i = 0; i < VMSG__MAXQ; i++) {
        struct vmsg__vq *q = &d->vq[i];
        /* a second reset before any new setup keeps the memory of the first */
        q->was_configured = q->state == VQ_CONFIGURED || q->state == VQ_PENDING ||
                            (q->state == VQ_UNSEEN && q->was_configured);
        q->state = VQ_UNSEEN;
    }
    d->fok_refused = false;
    d->st_set = 0;
    d->nr_seen = d->nr_io_noted = d->nr_announced = false;
    d->drv_wrote_nr = false;
    d->refresh_due = d->reread_due = false;
    d->written_known = 0;
    d->features_written = false;
    d->fok_accepted = false;
    d->driver_ok = false;
    d->driver_ok_written = false;
    d->status = 0;
    d->status_known = true;
    d->judged = true;
    d->cfg_valid = false; /* a reset may restore defaults */
}

/* Configuration bytes the device reported in generation GEN: the same
 * generation must show the same bytes (device.config-gen.1), except those
 * the driver wrote (forgotten by forget_config). */
static void learn_config(struct vmsg__ctx *x, uint32_t gen, uint32_t off, const uint8_t *p, uint32_t n)
{
    struct vmsg__dev *d = x->d;
    if (!p)
        return;
    if (!d->cfg_valid || gen != d->cfg_gen) {
        memset(d->cfg_known, 0, sizeof d->cfg_known);
        d->cfg_valid = true;
        d->cfg_gen = gen;
    }
    bool told = false;
    for (uint32_t k = 0; k < n && off < VMSG__CFGSHADOW && k < VMSG__CFGSHADOW - off; k++) {
        uint32_t i = off + k;
        bool known = (d->cfg_known[i / 8] >> (i % 8)) & 1;
        if (known && d->cfg[i] != p[k] && !told) {
            told = true;
            vmsg__emit(x, R_CONFIG_SAME_GEN, d->cfg_frame,
                       "config[%u]: expected 0x%02x (as reported in generation %u up to frame %llu), got 0x%02x "
                       "with no new generation",
                       i, d->cfg[i], gen, (unsigned long long)d->cfg_frame, p[k]);
        }
        d->cfg[i] = p[k];
        d->cfg_known[i / 8] |= (uint8_t)(1u << (i % 8));
    }
    d->cfg_frame = x->frame;
}

static void forget_config(struct vmsg__dev *d, uint64_t off, uint64_t n)
{
    for (uint64_t i = off; i < off + n && i < VMSG__CFGSHADOW; i++)
        d->cfg_known[i / 8] &= (uint8_t) ~(1u << (i % 8));
}

/* --- requests (driver) --------------------------------------------------- */

static void info_first(struct vmsg__ctx *x, const char *what)
{
    struct vmsg__dev *d = x->d;
    if (!d->from_start || d->info_req || d->info_first_noted)
        return;
    d->info_first_noted = true;
    vmsg__emit(x, R_INFO_FIRST, 0, "%s: expected GET_DEVICE_INFO first, got none before it for dev %u", what,
               x->dev_num);
}

static void config_request(struct vmsg__ctx *x, bool set)
{
    struct vmsg__dev *d = x->d;
    const struct vmsg_msg *m = x->m;
    uint64_t off = vmsg_get(m, VMSG_FLD_OFFSET), len = vmsg_get(m, VMSG_FLD_LENGTH);
    if (d->from_start && !d->info_req && !d->config_info_noted) {
        d->config_info_noted = true;
        vmsg__emit(x, R_CONFIG_INFO_FIRST, 0, "%s: expected GET_DEVICE_INFO first (config_size unknown to the driver)",
                   set ? "SET_CONFIG" : "GET_CONFIG");
    }
    if (d->info_known && off + len > d->config_size)
        vmsg__emit(x, set ? R_SET_CONFIG_RANGE : R_GET_CONFIG_RANGE, d->info_frame,
                   "offset+length: expected at most config_size %u, got %llu+%llu", d->config_size,
                   (unsigned long long)off, (unsigned long long)len);
    if (!set || !d->gen_known || !vmsg_has(m, VMSG_FLD_GENERATION))
        return;
    uint32_t g = (uint32_t)vmsg_get(m, VMSG_FLD_GENERATION);
    /* a request that crossed the EVENT_CONFIG announcing d->gen may carry the previous one */
    if (g != d->gen && !(d->drv_gen_known && g == d->drv_gen) && !(d->gen_event_fresh && g == d->gen_prev))
        vmsg__emit(x, R_SET_CONFIG_GEN, 0, "generation: expected %u (latest seen), got %u", d->gen, g);
}

static void set_features(struct vmsg__ctx *x)
{
    struct vmsg__dev *d = x->d;
    const struct vmsg_msg *m = x->m;
    if (d->from_start && !d->features_read)
        vmsg__emit(x, R_FEATURES_UNREAD, 0,
                   "features: expected GET_DEVICE_FEATURES answered before SET_DRIVER_FEATURES, got none");
    d->features_written = true;
    uint32_t bi = (uint32_t)vmsg_get(m, VMSG_FLD_BLOCK_INDEX), nb = (uint32_t)vmsg_get(m, VMSG_FLD_NUM_BLOCKS);
    uint32_t have;
    vmsg_get_bytes(m, VMSG_FLD_FEATURES, &have);
    if (nb > have / 4)
        nb = have / 4; /* the codec already flagged the count; never loop past the bytes */
    for (uint32_t k = 0; k < nb; k++) {
        uint64_t blk = (uint64_t)bi + k;
        if (blk >= VMSG__MAXBLK)
            break;
        uint32_t w = vmsg_get_word(m, VMSG_FLD_FEATURES, k);
        d->written[blk] = w;
        d->written_known |= (uint8_t)(1u << blk);
        if ((d->offered_known >> blk) & 1 && (w & ~d->offered[blk]))
            vmsg__emit(x, R_FEATURES_NOT_OFFERED, d->offered_frame[blk],
                       "features[block %llu]: expected a subset of the offer 0x%08x, got 0x%08x (bits 0x%08x not offered)",
                       (unsigned long long)blk, d->offered[blk], w, w & ~d->offered[blk]);
    }
}

static void set_status(struct vmsg__ctx *x)
{
    struct vmsg__dev *d = x->d;
    uint32_t s = (uint32_t)vmsg_get(x->m, VMSG_FLD_STATUS);
    d->status_pending++;
    if (s & ~(uint32_t)ST_KNOWN) {
        if (!(bswap32(s) & ~(uint32_t)ST_KNOWN))
            vmsg__emit(x, R_STATUS_BYTE_ORDER, 0, "status: expected 0x%02x little-endian, got 0x%08x (byte-swapped)",
                       bswap32(s), s);
        else
            vmsg__emit(x, R_STATUS_UNDEFINED, 0, "status: expected only defined bits (0x%02x), got 0x%08x",
                       (unsigned)ST_KNOWN, s);
        return; /* nothing else to read into such a value */
    }
    if (s == 0) {
        /* a reset: writes pipelined after it start afresh */
        d->zero_pending++;
        d->st_set = 0;
        d->refresh_due = d->reread_due = false;
        d->nr_seen = false;
        return;
    }
    if (s & ST_NR)
        d->drv_wrote_nr = true; /* then status answers echo it: not the device's doing */
    /* bits only ever go up; going back needs a status 0 write (driver.status.2) */
    uint32_t cleared = d->st_set & d->status & ~s & ST_DRIVER_SET;
    if (d->judged && cleared && !d->zero_pending)
        vmsg__emit(x, R_REINIT_NO_RESET, 0,
                   "status: expected a status 0 write first, got 0x%02x while the device is at 0x%02x (clears 0x%02x)", s,
                   d->status, cleared);
    if (s & ST_FOK && !(d->status & ST_FOK)) {
        info_first(x, "status FEATURES_OK");
        if (d->judged && !d->features_written)
            vmsg__emit(x, R_FEATURES_UNREAD, 0,
                       "status: FEATURES_OK written, expected SET_DRIVER_FEATURES since the reset, got none");
    }
    if (s & ST_DOK && !d->driver_ok_written) {
        if (d->judged && !d->fok_accepted && d->fok_refused)
            vmsg__emit(x, R_FOK_REFUSAL_IGNORED, 0,
                       "status: DRIVER_OK written (0x%02x) after the device refused FEATURES_OK, expected a reset first", s);
        else if (d->judged && !d->fok_accepted)
            vmsg__emit(x, R_DRIVER_OK_EARLY, 0,
                       "status: DRIVER_OK written (0x%02x) before the device accepted FEATURES_OK", s);
        d->driver_ok_written = true;
    }
}

static void vq_index(struct vmsg__ctx *x, const char *what, uint32_t idx)
{
    if (beyond_max_vq(x->d, idx))
        vmsg__emit(x, R_VQ_INDEX, x->d->info_frame, "%s index: expected below max_virtqueues %u, got %u", what,
                   x->d->max_vq, idx);
}

static void set_vqueue(struct vmsg__ctx *x)
{
    struct vmsg__dev *d = x->d;
    const struct vmsg_msg *m = x->m;
    uint32_t idx = (uint32_t)vmsg_get(m, VMSG_FLD_INDEX), size = (uint32_t)vmsg_get(m, VMSG_FLD_SIZE);
    info_first(x, "SET_VQUEUE");
    if (d->judged && !d->fok_accepted && d->fok_refused)
        vmsg__emit(x, R_FOK_REFUSAL_IGNORED, 0,
                   "SET_VQUEUE index %u: expected a reset after the device refused FEATURES_OK, status 0x%02x", idx,
                   d->status);
    else if (d->judged && !d->fok_accepted)
        vmsg__emit(x, R_VQ_BEFORE_FOK, 0, "SET_VQUEUE index %u: expected FEATURES_OK accepted first, status 0x%02x",
                   idx, d->status);
    vq_index(x, "SET_VQUEUE", idx);
    struct vmsg__vq *q = idx < VMSG__MAXQ ? &d->vq[idx] : NULL;
    if (q && d->from_start && !q->read)
        vmsg__emit(x, R_SET_VQ_NO_MAX, 0, "index %u: expected GET_VQUEUE (max size) before SET_VQUEUE, got none", idx);
    if (size == 0 || (q && q->max_known && size > q->max))
        vmsg__emit(x, R_SET_VQ_SIZE, q && q->max_known ? q->max_frame : 0,
                   "size: expected 1..%u (max_size of queue %u), got %u", q && q->max_known ? q->max : 65535u, idx,
                   size);
    static const unsigned addr[] = {VMSG_FLD_DESC_ADDR, VMSG_FLD_DRIVER_ADDR, VMSG_FLD_DEVICE_ADDR};
    for (unsigned i = 0; i < 3; i++)
        if (vmsg_has(m, addr[i]) && vmsg_get(m, addr[i]) == 0)
            vmsg__emit(x, R_SET_VQ_ADDR, 0, "%s: expected a valid area address for queue %u, got 0",
                       vmsg_fld_names[addr[i]], idx);
    bool known;
    bool rr = vmsg__feature(d, VMSG_FEATURE_RING_RESET, &known);
    if (q && d->judged && known && rr && q->state == VQ_CONFIGURED)
        vmsg__emit(x, R_VQ_REPROGRAM, 0, "index %u: expected RESET_VQUEUE before reprogramming a configured queue, got none",
                   idx);
    if (q) {
        q->p_late = d->driver_ok;
        q->p_rr = q->state == VQ_RING_RESET;
        /* what a device keeps from a request that breaks a driver clause is open */
        q->p_invalid = size == 0 || (q->max_known && size > q->max) || beyond_max_vq(d, idx) || !d->fok_accepted ||
                       q->state == VQ_CONFIGURED || q->state == VQ_PENDING || vmsg_get(m, VMSG_FLD_RESERVED0) != 0;
        for (unsigned i = 0; i < 3; i++)
            q->p_invalid = q->p_invalid || (vmsg_has(m, addr[i]) && vmsg_get(m, addr[i]) == 0);
        for (unsigned i = 0; i < 3; i++)
            q->p_addr[i] = vmsg_get(m, addr[i]);
        q->state = VQ_PENDING;
    }
}

void vmsg__transport_request(struct vmsg__ctx *x)
{
    struct vmsg__dev *d = x->d;
    const struct vmsg_msg *m = x->m;
    switch (mname_of(m)) {
    case VMSG_M_GET_DEVICE_INFO:
        d->info_req = true;
        break;
    case VMSG_M_GET_DEVICE_FEATURES:
        info_first(x, "GET_DEVICE_FEATURES");
        break;
    case VMSG_M_SET_DRIVER_FEATURES:
        info_first(x, "SET_DRIVER_FEATURES");
        set_features(x);
        break;
    case VMSG_M_GET_CONFIG:
        config_request(x, false);
        d->refresh_due = d->reread_due = false;
        break;
    case VMSG_M_SET_CONFIG:
        config_request(x, true);
        forget_config(d, vmsg_get(m, VMSG_FLD_OFFSET), vmsg_get(m, VMSG_FLD_LENGTH));
        if (d->reread_due) {
            d->reread_due = false;
            vmsg__emit(x, R_CONFIG_RETRY_UNREAD, d->reread_frame,
                       "SET_CONFIG: expected GET_CONFIG after the stale-generation rejection at frame %llu, got none",
                       (unsigned long long)d->reread_frame);
        }
        break;
    case VMSG_M_SET_DEVICE_STATUS:
        set_status(x);
        break;
    case VMSG_M_GET_VQUEUE:
        info_first(x, "GET_VQUEUE");
        vq_index(x, "GET_VQUEUE", (uint32_t)vmsg_get(m, VMSG_FLD_INDEX));
        break;
    case VMSG_M_SET_VQUEUE:
        set_vqueue(x);
        break;
    case VMSG_M_RESET_VQUEUE: {
        bool known;
        bool rr = vmsg__feature(d, VMSG_FEATURE_RING_RESET, &known);
        if (known && !rr)
            vmsg__emit(x, R_RESET_VQ_NO_RING_RESET, 0,
                       "RESET_VQUEUE index %u: expected VIRTIO_F_RING_RESET negotiated, driver features lack it",
                       (unsigned)vmsg_get(m, VMSG_FLD_INDEX));
        vq_index(x, "RESET_VQUEUE", (uint32_t)vmsg_get(m, VMSG_FLD_INDEX));
        break;
    }
    default:
        break;
    }
}

/* --- responses (device) -------------------------------------------------- */

static void echo(struct vmsg__ctx *x, const struct vmsg__req *req, const char *field, uint64_t want, uint64_t got)
{
    if (want != got)
        vmsg__emit(x, R_RESP_ECHO, req->frame, "%s: expected %llu (echo of the request at frame %llu), got %llu",
                   field, (unsigned long long)want, (unsigned long long)req->frame, (unsigned long long)got);
}

static void not_above(struct vmsg__ctx *x, const struct vmsg__req *req, const char *field, uint64_t max, uint64_t got)
{
    if (got > max)
        vmsg__emit(x, R_RESP_ECHO, req->frame, "%s: expected at most %llu (asked at frame %llu), got %llu", field,
                   (unsigned long long)max, (unsigned long long)req->frame, (unsigned long long)got);
}

static void learn_gen(struct vmsg__dev *d, uint32_t g, bool by_event)
{
    if (d->gen_known && g == d->gen)
        return;
    if (d->gen_known && older(g, d->gen))
        return;
    d->gen_prev = d->gen_known ? d->gen : g;
    d->gen = g;
    d->gen_known = true;
    d->gen_event_fresh = by_event;
}

static void device_info(struct vmsg__ctx *x)
{
    struct vmsg__dev *d = x->d;
    const struct vmsg_msg *m = x->m;
    uint32_t nfb = vmsg_has(m, VMSG_FLD_NUM_FEATURE_BITS) ? (uint32_t)vmsg_get(m, VMSG_FLD_NUM_FEATURE_BITS)
                                                          : (uint32_t)vmsg_get(m, VMSG_FLD_NUM_FEATURE_BLOCKS) * 32;
    uint32_t v[5] = {(uint32_t)vmsg_get(m, VMSG_FLD_DEVICE_ID), (uint32_t)vmsg_get(m, VMSG_FLD_VENDOR_ID), nfb,
                     (uint32_t)vmsg_get(m, VMSG_FLD_CONFIG_SIZE), (uint32_t)vmsg_get(m, VMSG_FLD_MAX_VIRTQUEUES)};
    uint32_t old[5] = {d->device_id, d->vendor_id, d->nfb, d->config_size, d->max_vq};
    static const char *const names[5] = {"device_id", "vendor_id", "num_feature_bits", "config_size", "max_virtqueues"};
    if (d->info_known)
        for (int i = 0; i < 5; i++)
            if (v[i] != old[i]) {
                vmsg__emit(x, R_INFO_CHANGED, d->info_frame, "%s: expected %u (as at frame %llu), got %u", names[i],
                           old[i], (unsigned long long)d->info_frame, v[i]);
                break;
            }
    d->device_id = v[0];
    d->vendor_id = v[1];
    d->nfb = v[2];
    d->config_size = v[3];
    d->max_vq = v[4];
    d->admin_start = (uint32_t)vmsg_get(m, VMSG_FLD_ADMIN_VQ_START);
    d->admin_count = (uint32_t)vmsg_get(m, VMSG_FLD_ADMIN_VQ_COUNT);
    d->info_known = true;
    d->info_frame = x->frame;
}

static void device_features(struct vmsg__ctx *x, const struct vmsg__req *req)
{
    struct vmsg__dev *d = x->d;
    const struct vmsg_msg *m = x->m;
    uint32_t bi = (uint32_t)vmsg_get(m, VMSG_FLD_BLOCK_INDEX), nb = (uint32_t)vmsg_get(m, VMSG_FLD_NUM_BLOCKS);
    echo(x, req, "block_index", req->a, bi);
    not_above(x, req, "num_blocks", req->b, nb);
    uint32_t have;
    vmsg_get_bytes(m, VMSG_FLD_FEATURES, &have);
    if (nb > have / 4)
        nb = have / 4;
    d->features_read = true;
    if (nb > req->b)
        nb = req->b;
    /* the words count from the requested block, as the driver reads them
     * (driver.get-features.1), whatever block_index the answer echoes */
    for (uint32_t k = 0; k < nb; k++) {
        uint64_t blk = (uint64_t)req->a + k;
        uint32_t w = vmsg_get_word(m, VMSG_FLD_FEATURES, k);
        if (d->info_known && blk * 32 >= d->nfb && w)
            vmsg__emit(x, R_FEATURE_BLOCKS_ZERO, d->info_frame,
                       "features[block %llu]: expected 0 (beyond num_feature_bits %u), got 0x%08x",
                       (unsigned long long)blk, d->nfb, w);
        if (blk < VMSG__MAXBLK) {
            d->offered[blk] = w;
            d->offered_known |= (uint8_t)(1u << blk);
            d->offered_frame[blk] = x->frame;
        }
    }
}

static void config_response(struct vmsg__ctx *x, const struct vmsg__req *req, bool set)
{
    struct vmsg__dev *d = x->d;
    const struct vmsg_msg *m = x->m;
    uint32_t g = (uint32_t)vmsg_get(m, VMSG_FLD_GENERATION), len = (uint32_t)vmsg_get(m, VMSG_FLD_LENGTH);
    echo(x, req, "offset", req->a, vmsg_get(m, VMSG_FLD_OFFSET));
    if (!set) {
        not_above(x, req, "length", req->b, len);
        uint32_t have = 0;
        const uint8_t *p = vmsg_get_bytes(m, VMSG_FLD_DATA, &have);
        learn_config(x, g, req->a, p, have < len ? have : len);
        if (d->gen_known && older(g, d->gen))
            vmsg__emit(x, R_GET_CONFIG_GEN, 0, "generation: expected %u or newer (current), got %u", d->gen, g);
        if (d->judged && d->driver_ok && d->gen_known && older(d->gen, g) && !d->unannounced) {
            d->unannounced = true;
            d->unannounced_gen = g;
            d->unannounced_frame = x->frame;
        }
        learn_gen(d, g, false);
        d->drv_gen = g;
        d->drv_gen_known = true;
        return;
    }
    if (len != 0 && len != req->b)
        vmsg__emit(x, R_RESP_ECHO, req->frame, "length: expected %u (applied) or 0 (rejected), got %u", req->b, len);
    if (req->stale && len != 0)
        vmsg__emit(x, R_SET_CONFIG_STALE, req->frame, "length: expected 0 (stale generation %u, current %u), got %u",
                   req->c, req->cur_gen, len);
    if (req->stale && len == 0 && req->b != 0) {
        d->reread_due = true;
        d->reread_frame = x->frame;
    }
    /* a rejected write changes nothing: a newer generation in its answer is
     * a device-side change, owed an EVENT_CONFIG after DRIVER_OK */
    if (len == 0 && d->judged && d->driver_ok && d->gen_known && older(d->gen, g) && !d->unannounced) {
        d->unannounced = true;
        d->unannounced_gen = g;
        d->unannounced_frame = x->frame;
    }
    learn_gen(d, g, false);
}

/* DEVICE_NEEDS_RESET reported (by EVENT_CONFIG or a status answer). */
static void note_needs_reset(struct vmsg__ctx *x, bool announced)
{
    struct vmsg__dev *d = x->d;
    if (!d->nr_seen) {
        d->nr_seen = true;
        d->nr_io_noted = false;
        d->nr_frame = x->frame;
    }
    if (announced) {
        d->nr_announced = true;
        d->nr_unannounced = false;
    } else if (d->judged && !d->nr_announced && !d->nr_unannounced && !d->drv_wrote_nr) {
        d->nr_unannounced = true;
        d->nr_unannounced_frame = x->frame;
    }
}

static void status_response(struct vmsg__ctx *x, const struct vmsg__req *req, bool set)
{
    struct vmsg__dev *d = x->d;
    uint32_t s = (uint32_t)vmsg_get(x->m, VMSG_FLD_STATUS);
    if (set) {
        if (d->status_pending)
            d->status_pending--;
        if (req->c == 0) {
            if (d->zero_pending)
                d->zero_pending--;
            if (s != 0)
                vmsg__emit(x, R_RESET_STATUS, req->frame, "status: expected 0 after a reset, got 0x%02x", s);
            /* the device processed the reset: an event for its earlier state is no longer to come */
            if (d->nr_unannounced) {
                d->nr_unannounced = false;
                vmsg__emit(x, R_NR_UNANNOUNCED, d->nr_unannounced_frame,
                           "EVENT_CONFIG: expected one carrying DEVICE_NEEDS_RESET (shown at frame %llu), got none "
                           "before the reset",
                           (unsigned long long)d->nr_unannounced_frame);
            }
            vmsg__dev_reset(d);
            return;
        }
        uint32_t extra = s & ~req->c & ~(uint32_t)ST_NR;
        if (extra)
            vmsg__emit(x, R_STATUS_EXTRA, req->frame, "status: expected a subset of 0x%02x (+DEVICE_NEEDS_RESET), got 0x%02x",
                       req->c, s);
        if ((req->c & ST_FOK) && !(s & ST_FOK))
            d->fok_refused = true;
        else if (s & ST_FOK)
            d->fok_refused = false;
        if (!d->zero_pending && !(req->c & ~(uint32_t)ST_KNOWN))
            d->st_set = req->c & s;
    } else if (d->status_known && ((s ^ d->status) & ~(uint32_t)ST_NR)) {
        vmsg__emit(x, R_STATUS_INCONSISTENT, 0, "status: expected 0x%02x (as last reported), got 0x%02x", d->status, s);
    } else if (d->nr_seen && !(s & ST_NR) && !d->zero_pending && !d->drv_wrote_nr) {
        vmsg__emit(x, R_STATUS_INCONSISTENT, d->nr_frame,
                   "status: expected DEVICE_NEEDS_RESET still set (reported at frame %llu, no reset since), got 0x%02x",
                   (unsigned long long)d->nr_frame, s);
    }
    if (!set && (s & ST_NR))
        note_needs_reset(x, false);
    else if (s & ST_NR)
        note_needs_reset(x, true); /* a SET_DEVICE_STATUS answer may report it: v1 names that case */
    d->status = s;
    d->status_known = true;
    d->fok_accepted = s & ST_FOK;
    d->driver_ok = s & ST_DOK;
}

static bool rr_negotiated(const struct vmsg__dev *d)
{
    bool known;
    return vmsg__feature(d, VMSG_FEATURE_RING_RESET, &known) && d->fok_accepted;
}

static void get_vqueue(struct vmsg__ctx *x, const struct vmsg__req *req)
{
    struct vmsg__dev *d = x->d;
    const struct vmsg_msg *m = x->m;
    uint32_t idx = (uint32_t)vmsg_get(m, VMSG_FLD_INDEX);
    echo(x, req, "index", req->a, idx);
    if (req->a >= VMSG__MAXQ)
        return;
    struct vmsg__vq *q = &d->vq[req->a];
    uint32_t max = (uint32_t)vmsg_get(m, VMSG_FLD_MAX_SIZE), size = (uint32_t)vmsg_get(m, VMSG_FLD_SIZE);
    q->read = true;
    if (q->max_known && max != q->max)
        vmsg__emit(x, R_VQ_PARAMS, q->max_frame, "max_size: expected %u (as at frame %llu), got %u", q->max,
                   (unsigned long long)q->max_frame, max);
    q->max = max;
    q->max_known = true;
    q->max_frame = x->frame;
    if (!d->judged)
        return;
    static const unsigned fld[3] = {VMSG_FLD_DESC_ADDR, VMSG_FLD_DRIVER_ADDR, VMSG_FLD_DEVICE_ADDR};
    uint64_t a[3];
    bool have = true;
    for (unsigned i = 0; i < 3; i++) {
        have = have && vmsg_has(m, fld[i]);
        a[i] = vmsg_get(m, fld[i]);
    }
    if (q->state == VQ_UNSEEN && size != 0) {
        vmsg__emit(x, q->was_configured ? R_VQ_SIZE_AFTER_RESET : R_VQ_SIZE_UNCONFIGURED, 0,
                   "size: expected 0 (queue %u %s), got %u", req->a,
                   q->was_configured ? "dropped by the device reset" : "not configured", size);
    } else if (q->state == VQ_CONFIGURED && !q->invalid) {
        /* the clause depends on how the queue was last set up */
        enum vmsg__rule_id r = q->after_rr ? R_VQ_RECONFIG : q->late ? R_VQ_LATE : R_VQ_PARAMS;
        const char *how = q->after_rr ? ", after RESET_VQUEUE" : q->late ? ", after DRIVER_OK" : "";
        if (size != q->size) {
            vmsg__emit(x, r, q->set_frame, "size: expected %u (SET_VQUEUE at frame %llu%s), got %u", q->size,
                       (unsigned long long)q->set_frame, how, size);
            return;
        }
        for (unsigned i = 0; have && i < 3; i++)
            if (a[i] != q->addr[i]) {
                vmsg__emit(x, r, q->set_frame, "%s: expected 0x%llx (SET_VQUEUE at frame %llu%s), got 0x%llx",
                           vmsg_fld_names[fld[i]], (unsigned long long)q->addr[i], (unsigned long long)q->set_frame,
                           how, (unsigned long long)a[i]);
                return;
            }
    } else if (q->state == VQ_RING_RESET && !q->invalid && rr_negotiated(d) && size != 0 && size == q->size && have &&
               a[0] == q->addr[0] && a[1] == q->addr[1] && a[2] == q->addr[2] && a[0] && a[1] && a[2]) {
        vmsg__emit(x, R_RESET_VQ_KEPT, q->set_frame,
                   "size/addresses: expected the queue cleared by RESET_VQUEUE, got size %u and the rings of "
                   "frame %llu (desc 0x%llx)",
                   size, (unsigned long long)q->set_frame, (unsigned long long)a[0]);
    }
}

static void get_shm(struct vmsg__ctx *x, const struct vmsg__req *req)
{
    struct vmsg__dev *d = x->d;
    const struct vmsg_msg *m = x->m;
    echo(x, req, "index", req->a, vmsg_get(m, VMSG_FLD_INDEX));
    if (req->a >= VMSG__MAXSHM)
        return;
    uint64_t len = vmsg_get(m, VMSG_FLD_LENGTH), addr = vmsg_get(m, VMSG_FLD_ADDRESS);
    unsigned i = req->a;
    if (d->shm_known[i] && (len != d->shm_len[i] || (len && addr != d->shm_addr[i])))
        vmsg__emit(x, R_SHM_CHANGED, d->shm_frame[i],
                   "length/address: expected %llu/0x%llx (as at frame %llu), got %llu/0x%llx",
                   (unsigned long long)d->shm_len[i], (unsigned long long)d->shm_addr[i],
                   (unsigned long long)d->shm_frame[i], (unsigned long long)len, (unsigned long long)addr);
    d->shm_known[i] = true;
    d->shm_len[i] = len;
    d->shm_addr[i] = addr;
    d->shm_frame[i] = x->frame;
}

void vmsg__transport_response(struct vmsg__ctx *x, const struct vmsg__req *req)
{
    struct vmsg__dev *d = x->d;
    switch (mname_of(x->m)) {
    case VMSG_M_GET_DEVICE_INFO:
        device_info(x);
        break;
    case VMSG_M_GET_DEVICE_FEATURES:
        device_features(x, req);
        break;
    case VMSG_M_GET_CONFIG:
        config_response(x, req, false);
        break;
    case VMSG_M_SET_CONFIG:
        config_response(x, req, true);
        break;
    case VMSG_M_GET_DEVICE_STATUS:
        status_response(x, req, false);
        break;
    case VMSG_M_SET_DEVICE_STATUS:
        status_response(x, req, true);
        break;
    case VMSG_M_GET_VQUEUE:
        get_vqueue(x, req);
        break;
    case VMSG_M_SET_VQUEUE:
        if (req->a < VMSG__MAXQ && d->vq[req->a].state == VQ_PENDING) {
            struct vmsg__vq *q = &d->vq[req->a];
            q->state = VQ_CONFIGURED;
            q->notified = false;
            q->size = req->b;
            q->late = q->p_late;
            q->after_rr = q->p_rr;
            q->invalid = q->p_invalid;
            q->set_frame = req->frame;
            memcpy(q->addr, q->p_addr, sizeof q->addr);
        }
        break;
    case VMSG_M_RESET_VQUEUE:
        if (req->a < VMSG__MAXQ)
            d->vq[req->a].state = VQ_RING_RESET;
        break;
    case VMSG_M_GET_SHM:
        get_shm(x, req);
        break;
    default:
        break;
    }
}

/* --- events --------------------------------------------------------------- */

static void event_avail(struct vmsg__ctx *x)
{
    struct vmsg__dev *d = x->d;
    const struct vmsg_msg *m = x->m;
    uint32_t idx = (uint32_t)vmsg_get(m, VMSG_FLD_INDEX);
    if (beyond_max_vq(d, idx))
        vmsg__emit(x, R_EVENT_AVAIL_INDEX, d->info_frame, "index: expected below max_virtqueues %u, got %u", d->max_vq,
                   idx);
    if (d->refresh_due && !d->refresh_noted) {
        d->refresh_noted = true;
        vmsg__emit(x, R_IO_BEFORE_REFRESH, d->refresh_frame,
                   "EVENT_AVAIL index %u: expected GET_CONFIG first (EVENT_CONFIG without data at frame %llu), got none",
                   idx, (unsigned long long)d->refresh_frame);
    }
    if (d->nr_seen && !d->nr_io_noted) {
        d->nr_io_noted = true;
        vmsg__emit(x, R_IO_AFTER_NEEDS_RESET, d->nr_frame,
                   "EVENT_AVAIL index %u: expected a status 0 write first (DEVICE_NEEDS_RESET at frame %llu), got none",
                   idx, (unsigned long long)d->nr_frame);
    }
    if (d->judged) {
        if (!d->driver_ok_written)
            vmsg__emit(x, R_IO_BEFORE_DRIVER_OK, 0, "EVENT_AVAIL index %u: expected DRIVER_OK written first, status 0x%02x",
                       idx, d->status);
        else if (!d->driver_ok)
            vmsg__emit(x, R_IO_BEFORE_DRIVER_OK_ACK, 0,
                       "EVENT_AVAIL index %u: expected the device to report DRIVER_OK first, status 0x%02x", idx,
                       d->status);
        if (idx < VMSG__MAXQ && d->vq[idx].state == VQ_PENDING)
            vmsg__emit(x, R_VQ_UNCONFIRMED, 0, "index %u: expected the SET_VQUEUE answered before use, got no answer yet",
                       idx);
        else if (idx < VMSG__MAXQ && d->vq[idx].state != VQ_CONFIGURED && !beyond_max_vq(d, idx))
            vmsg__emit(x, R_VQ_UNCONFIGURED, 0, "index %u: expected a queue configured by SET_VQUEUE%s, got none",
                       idx, d->vq[idx].state == VQ_RING_RESET ? " after its RESET_VQUEUE" : " since the reset");
    }
    bool known, pknown;
    bool nd = vmsg__feature(d, VMSG_FEATURE_NOTIFICATION_DATA, &known);
    bool packed = vmsg__feature(d, VMSG_FEATURE_RING_PACKED, &pknown);
    uint64_t next = vmsg_get(m, VMSG_FLD_NEXT_OFFSET) | vmsg_get(m, VMSG_FLD_NEXT_WRAP);
    if (known && !nd && next)
        vmsg__emit(x, R_EVENT_AVAIL_NEXT, 0, "next_offset: expected 0 (NOTIFICATION_DATA not negotiated), got 0x%llx",
                   (unsigned long long)next);
    struct vmsg__vq *q = idx < VMSG__MAXQ ? &d->vq[idx] : NULL;
    /* split ring: the avail index of the first notification is past 0 (a
     * full 16-bit lap needs more buffers than a queue holds) */
    if (q && q->state == VQ_CONFIGURED && !q->notified && known && nd && pknown && !packed && !next && d->judged)
        vmsg__emit(x, R_NOTIFY_DATA_ZERO, 0,
                   "next_offset: expected the avail position of the new buffers (NOTIFICATION_DATA negotiated), got 0 "
                   "in the first EVENT_AVAIL on queue %u",
                   idx);
    if (q)
        q->notified = true;
}

static void event_config(struct vmsg__ctx *x)
{
    struct vmsg__dev *d = x->d;
    const struct vmsg_msg *m = x->m;
    uint32_t g = (uint32_t)vmsg_get(m, VMSG_FLD_GENERATION), len = (uint32_t)vmsg_get(m, VMSG_FLD_LENGTH);
    uint32_t s = (uint32_t)vmsg_get(m, VMSG_FLD_STATUS);
    if (d->gen_known && older(g, d->gen))
        vmsg__emit(x, R_EVENT_CONFIG_GEN, 0, "generation: expected %u or newer (current), got %u", d->gen, g);
    /* a new generation without its data: the driver re-reads before more I/O */
    bool nr = vmsg_has(m, VMSG_FLD_STATUS) && (s & ST_NR);
    if (len == 0 && d->gen_known && older(d->gen, g) && !nr && !(d->info_known && d->config_size == 0)) {
        d->refresh_due = true;
        d->refresh_noted = false;
        d->refresh_frame = x->frame;
    }
    if (nr)
        note_needs_reset(x, true);
    if (len) {
        for (unsigned i = 0; i < d->gen_ring_n; i++)
            if (d->gen_ring[i] == g) {
                vmsg__emit(x, R_EVENT_CONFIG_UNIQUE, d->gen_ring_frame[i],
                           "generation: expected a new value, got %u again (EVENT_CONFIG with data at frame %llu)", g,
                           (unsigned long long)d->gen_ring_frame[i]);
                break;
            }
        d->gen_ring[d->gen_ring_at] = g;
        d->gen_ring_frame[d->gen_ring_at] = x->frame;
        d->gen_ring_at = (uint8_t)((d->gen_ring_at + 1) % VMSG__GENRING);
        if (d->gen_ring_n < VMSG__GENRING)
            d->gen_ring_n++;
    }
    if (d->unannounced && !older(g, d->unannounced_gen))
        d->unannounced = false;
    learn_gen(d, g, true);
    d->drv_gen = g;
    d->drv_gen_known = true;
    if (vmsg_has(m, VMSG_FLD_STATUS)) {
        if (d->status_known && !d->status_pending && ((s ^ d->status) & ~(uint32_t)ST_NR))
            vmsg__emit(x, R_EVENT_STATUS_INCONSISTENT, 0, "status: expected 0x%02x (as last reported), got 0x%02x",
                       d->status, s);
        if (!d->status_pending) {
            d->status = s;
            d->status_known = true;
        }
    }
    if (len) {
        uint32_t have = 0;
        const uint8_t *p = vmsg_get_bytes(m, VMSG_FLD_DATA, &have);
        learn_config(x, g, (uint32_t)vmsg_get(m, VMSG_FLD_OFFSET), p, have < len ? have : len);
    }
}

static void event_used(struct vmsg__ctx *x)
{
    struct vmsg__dev *d = x->d;
    uint32_t idx = (uint32_t)vmsg_get(x->m, VMSG_FLD_INDEX);
    if (!d->judged)
        return;
    /* a DRIVER_OK write in flight may already be in effect on the device */
    if (!d->driver_ok && !(d->driver_ok_written && d->status_pending))
        vmsg__emit(x, R_USED_BEFORE_DRIVER_OK, 0, "EVENT_USED index %u: expected DRIVER_OK first, status 0x%02x", idx,
                   d->status);
    else if (idx < VMSG__MAXQ && (d->vq[idx].state == VQ_UNSEEN || d->vq[idx].state == VQ_RING_RESET))
        vmsg__emit(x, R_USED_UNCONFIGURED, 0, "index %u: expected a configured queue, got one not set up", idx);
}

void vmsg__transport_event(struct vmsg__ctx *x)
{
    switch (mname_of(x->m)) {
    case VMSG_M_EVENT_AVAIL:
        event_avail(x);
        break;
    case VMSG_M_EVENT_CONFIG:
        event_config(x);
        break;
    case VMSG_M_EVENT_USED:
        event_used(x);
        break;
    default:
        break;
    }
}
