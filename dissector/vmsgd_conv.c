/* Request/response matching. Responses of one device come back in the order
 * of its requests (the v1 bus ordering rule), so pending requests are kept
 * in a FIFO per (conversation, bus instance, dev_num, class). A response
 * takes the oldest pending request with its msg_id, or, when the profile has
 * a token, the oldest with its msg_id and token. The result is stored per
 * message in file scope on the first pass, so single-pass tshark, two-pass
 * tshark (-2) and the GUI's re-dissection all show the same links. */
#include <epan/conversation.h>
#include <epan/packet.h>
#include <epan/proto_data.h>
#include <epan/wmem_scopes.h>

#include "vmsgd.h"

/* Bound per queue: a capture full of unanswered requests must not make
 * matching quadratic; the oldest request is dropped and marked. */
#define QUEUE_MAX 1024

struct pending {
    guint32 frame;
    guint16 token;
    guint8 msg_id;
    nstime_t ts;
    struct vmsgd_match *rec;
};

static wmem_map_t *queues; /* vmsgd_conv_key -> wmem_list of struct pending */

static guint key_hash(gconstpointer k)
{
    const struct vmsgd_conv_key *x = (const struct vmsgd_conv_key *)k;
    return x->conv * 2654435761u ^ x->bus_instance * 40503u ^ ((guint)x->dev_num << 1) ^ x->cls;
}

static gboolean key_equal(gconstpointer a, gconstpointer b)
{
    const struct vmsgd_conv_key *x = (const struct vmsgd_conv_key *)a, *y = (const struct vmsgd_conv_key *)b;
    return x->conv == y->conv && x->bus_instance == y->bus_instance && x->dev_num == y->dev_num && x->cls == y->cls;
}

static wmem_list_t *queue_for(const struct vmsgd_conv_key *key)
{
    wmem_list_t *q = (wmem_list_t *)wmem_map_lookup(queues, key);
    if (!q) {
        struct vmsgd_conv_key *k = wmem_new(wmem_file_scope(), struct vmsgd_conv_key);
        *k = *key;
        q = wmem_list_new(wmem_file_scope());
        wmem_map_insert(queues, k, q);
    }
    return q;
}

static void on_request(packet_info *pinfo, wmem_list_t *q, const struct vmsg_msg *m, struct vmsgd_match *rec)
{
    if (wmem_list_count(q) >= QUEUE_MAX) {
        wmem_list_frame_t *old = wmem_list_head(q);
        struct pending *o = (struct pending *)wmem_list_frame_data(old);
        o->rec->flags |= VMSGD_M_EVICTED;
        wmem_list_remove_frame(q, old);
    }
    struct pending *e = wmem_new(wmem_file_scope(), struct pending);
    e->frame = pinfo->num;
    e->token = m->token;
    e->msg_id = m->msg_id;
    e->ts = pinfo->abs_ts;
    e->rec = rec;
    wmem_list_append(q, e);
}

static void on_response(packet_info *pinfo, wmem_list_t *q, const struct vmsg_msg *m, gboolean use_token,
                        struct vmsgd_match *rec)
{
    wmem_list_frame_t *hit = NULL;
    for (int pass = use_token ? 0 : 1; pass < 2 && !hit; pass++)
        for (wmem_list_frame_t *f = wmem_list_head(q); f; f = wmem_list_frame_next(f)) {
            const struct pending *e = (const struct pending *)wmem_list_frame_data(f);
            if (e->msg_id == m->msg_id && (pass == 1 || e->token == m->token)) {
                hit = f;
                break;
            }
        }
    if (!hit) {
        rec->flags |= VMSGD_M_UNMATCHED;
        return;
    }
    struct pending *e = (struct pending *)wmem_list_frame_data(hit);
    if (hit != wmem_list_head(q))
        rec->flags |= VMSGD_M_OUT_OF_ORDER;
    nstime_delta(&rec->rt, &pinfo->abs_ts, &e->ts);
    rec->req_frame = e->frame;
    e->rec->resp_frame = pinfo->num;
    e->rec->rt = rec->rt;
    wmem_list_remove_frame(q, hit);
}

const struct vmsgd_match *vmsgd_conv_match(packet_info *pinfo, const struct vmsgd_conv_key *key, unsigned idx,
                                           const struct vmsg_msg *m, gboolean use_token)
{
    /* Key 0 of our proto data is the per-frame message counter (packet
     * scope); match records use 1 + the message index (file scope). */
    struct vmsgd_match *rec = (struct vmsgd_match *)p_get_proto_data(wmem_file_scope(), pinfo, vmsgd_proto, idx + 1);
    if (rec || PINFO_FD_VISITED(pinfo))
        return rec;
    rec = wmem_new0(wmem_file_scope(), struct vmsgd_match);
    p_add_proto_data(wmem_file_scope(), pinfo, vmsgd_proto, idx + 1, rec);
    wmem_list_t *q = queue_for(key);
    if (m->kind == VMSG_KIND_RESPONSE)
        on_response(pinfo, q, m, use_token, rec);
    else
        on_request(pinfo, q, m, rec);
    return rec;
}

void vmsgd_conv_register(void)
{
    queues = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), key_hash, key_equal);
}
