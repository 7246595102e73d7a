/* Dissection of one virtio-msg message of any profile and FF-A binding.
 * The tree is built from the wire through tvb accessors (Wireshark's own
 * bounds-checked cursor), field by field from the schema layout; validation
 * comes from the codec's vmsg_decode, so the plugin and `vmsg check` share one
 * oracle. Issues become expert items whose text starts with the clause id. */
#include <string.h>

#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/proto_data.h>
#include <epan/packet.h>
#include <epan/proto.h>

#include "vmsgd.h"

static int hf_type = -1, hf_type_resp = -1, hf_type_bus = -1, hf_type_reserved = -1;
static int hf_msg_id = -1, hf_msg_name = -1, hf_kind = -1, hf_class = -1, hf_profile = -1, hf_binding = -1;
static int hf_dev_num = -1, hf_token = -1, hf_msg_size = -1, hf_payload = -1, hf_extra = -1, hf_padding = -1;
static int hf_device = -1, hf_outcome = -1, hf_response_in = -1, hf_request_in = -1, hf_time = -1, hf_unmatched = -1;
static gint ett_msg = -1, ett_type = -1, ett_payload = -1;

static expert_field ei_truncated = EI_INIT, ei_cap_truncated = EI_INIT, ei_malformed = EI_INIT;
static expert_field ei_unknown_id = EI_INIT, ei_event_response = EI_INIT, ei_unmatched_resp = EI_INIT;
static expert_field ei_unanswered = EI_INIT, ei_out_of_order = EI_INIT, ei_dropped = EI_INIT;
/* One expert field per codec rule id (vmsg_wire_rules): filterable as
 * virtio-msg.wire.<rule>. */
#define MAX_RULES 32
static expert_field ei_rule[MAX_RULES];
static const char *rule_ids[MAX_RULES];
static unsigned nrules;

static const true_false_string tfs_resp = {"response", "request or event"};
static const true_false_string tfs_bus = {"bus", "transport"};

static const value_string kind_vals[] = {
    {VMSG_KIND_REQUEST, "request"}, {VMSG_KIND_RESPONSE, "response"}, {VMSG_KIND_EVENT, "event"}, {0, NULL}};
static const value_string class_vals[] = {{VMSG_CLASS_TRANSPORT, "transport"}, {VMSG_CLASS_BUS, "bus"}, {0, NULL}};
static const value_string outcome_vals[] = {{VMSG_OK, "ok"},
                                            {VMSG_NONCONFORMANT, "non-conformant"},
                                            {VMSG_TRUNCATED, "truncated"},
                                            {VMSG_MALFORMED, "malformed"},
                                            {0, NULL}};

static expert_field *rule_ei(const char *rule)
{
    for (unsigned i = 0; i < nrules; i++)
        if (!strcmp(rule_ids[i], rule))
            return &ei_rule[i];
    return &ei_malformed;
}

/* Clause of a header rule for the role that sent the message. */
static const char *role_clause(unsigned sender, const char *what)
{
    static const char *const drv[] = {"driver.header.2", "bus.errors.2"};
    static const char *const dev[] = {"device.header.2", "bus.errors.2"};
    unsigned w = !strcmp(what, "size") ? 0 : 1;
    if (sender == VMSG_SENDER_DRIVER)
        return drv[w];
    if (sender == VMSG_SENDER_DEVICE)
        return dev[w];
    return w ? "bus.errors.2" : "bus.bus-messages.1";
}

static guint64 read_le(tvbuff_t *tvb, int off, unsigned width)
{
    switch (width) {
    case 1: return tvb_get_guint8(tvb, off);
    case 2: return tvb_get_letohs(tvb, off);
    case 3: return tvb_get_letoh24(tvb, off);
    case 4: return tvb_get_letohl(tvb, off);
    default: return tvb_get_letoh64(tvb, off);
    }
}

static unsigned scalar_width(unsigned t)
{
    switch (t) {
    case VMSG_FT_U8: return 1;
    case VMSG_FT_LE16: return 2;
    case VMSG_FT_LE24: return 3;
    case VMSG_FT_LE32: return 4;
    case VMSG_FT_LE64: return 8;
    default: return 0;
    }
}

static int field_value_index(const struct vmsg_msgdef *d, unsigned fld)
{
    return vmsg_msgdef_field(d, fld);
}

/* Named bits of a scalar bit-enum field under its item. */
static void add_bits(proto_tree *t, tvbuff_t *tvb, int off, int len, const struct vmsg_fielddef *f, guint64 v)
{
    const struct vmsg_enum_def *e = &vmsg_enum_defs[f->enum_id];
    for (unsigned k = 0; k < e->nvals; k++) {
        int hf = vmsgd_hf_bit(f->enum_id, k);
        if (hf >= 0)
            proto_tree_add_boolean(t, hf, tvb, off, len, (guint32)v);
    }
}

/* le32[] words: the word, then every set bit as a named bit number. */
static void add_words(proto_tree *pt, tvbuff_t *tvb, int off, int n, const struct vmsg_fielddef *f, guint64 base)
{
    for (int k = 0; k + 4 <= n; k += 4) {
        proto_item *wi = proto_tree_add_item(pt, vmsgd_hf_scalar(f->fld), tvb, off + k, 4, ENC_LITTLE_ENDIAN);
        int hf = vmsgd_hf_bitnum(f->enum_id);
        if (hf < 0)
            continue;
        proto_tree *wt = proto_item_add_subtree(wi, vmsgd_ett_fld(f->fld));
        guint32 w = tvb_get_letohl(tvb, off + k);
        for (unsigned j = 0; j < 32; j++)
            if (w & (1u << j))
                proto_tree_add_uint(wt, hf, tvb, off + k, 4, (guint32)(32 * (base + (guint64)k / 4) + j));
    }
}

/* GET_DEVICES bitmap: bit j of byte k is device offset + 8k + j. */
static void add_devices(proto_tree *t, tvbuff_t *tvb, int off, int n, guint64 base)
{
    for (int k = 0; k < n; k++) {
        guint8 b = tvb_get_guint8(tvb, off + k);
        for (unsigned j = 0; j < 8; j++)
            if (b & (1u << j))
                proto_tree_add_uint(t, hf_device, tvb, off + k, 1, (guint32)(base + 8u * (guint64)k + j));
    }
}

/* Payload fields of layout D in [start, end) of tvb. Returns the offset
 * after the last field shown. Fields that do not fit are left to the
 * decoder's verdict (truncated / malformed). */
static int add_payload(proto_tree *pt, tvbuff_t *tvb, int start, int end, const struct vmsg_msgdef *d)
{
    guint64 vals[VMSG_MAX_FIELDS] = {0};
    int off = start;
    for (unsigned i = 0; i < d->nfields; i++) {
        const struct vmsg_fielddef *f = &d->fields[i];
        unsigned w = scalar_width(f->type);
        int n;
        if (f->flags & VMSG_FF_VAR) {
            guint64 want = end - off;
            if (!(f->flags & VMSG_FF_REST) && f->len_field >= 0) {
                guint64 cnt = vals[f->len_field];
                want = (cnt + f->len_div - 1) / f->len_div;
                if (f->type == VMSG_FT_LE32_ARRAY)
                    want *= 4;
            }
            if ((f->flags & VMSG_FF_OPTIONAL) && off == end)
                continue;
            if (want > (guint64)(end - off))
                return off;
            n = (int)want;
        } else {
            n = f->size;
            if (n > end - off)
                return off;
        }
        if (f->type == VMSG_FT_LE32_ARRAY) {
            int bi = field_value_index(d, VMSG_FLD_BLOCK_INDEX);
            add_words(pt, tvb, off, n, f, bi >= 0 ? vals[bi] : 0);
        } else if (w) {
            vals[i] = read_le(tvb, off, w);
            proto_item *it = proto_tree_add_item(pt, vmsgd_hf_scalar(f->fld), tvb, off, n, ENC_LITTLE_ENDIAN);
            if (f->enum_id && (f->flags & VMSG_FF_BITS))
                add_bits(proto_item_add_subtree(it, vmsgd_ett_fld(f->fld)), tvb, off, n, f, vals[i]);
        } else {
            proto_item *it = proto_tree_add_item(pt, vmsgd_hf_bytes(f->fld), tvb, off, n,
                                                 f->type == VMSG_FT_UUID ? ENC_BIG_ENDIAN : ENC_NA);
            if (f->fld == VMSG_FLD_BITMAP) {
                int oi = field_value_index(d, VMSG_FLD_OFFSET);
                add_devices(proto_item_add_subtree(it, vmsgd_ett_fld(f->fld)), tvb, off, n, oi >= 0 ? vals[oi] : 0);
            }
        }
        off += n;
    }
    return off;
}

/* The event layout a response names by mistake, or NULL. */
static const struct vmsg_msgdef *event_response(const struct vmsg_msg *m, unsigned profile, unsigned binding)
{
    const struct vmsg_msgdef *d = vmsg_msgdef_lookup(profile, binding, m->cls, false, m->msg_id);
    return (m->type & 1) && !m->def && d && d->kind == VMSG_KIND_EVENT ? d : NULL;
}

static void report_issues(packet_info *pinfo, proto_item *ti, const struct vmsg_diag *dg)
{
    for (unsigned i = 0; i < dg->nissues; i++) {
        const struct vmsg_issue *is = &dg->issues[i];
        expert_add_info_format(pinfo, ti, rule_ei(is->rule), "%s: %s: %s", is->clause, is->field ? is->field : "-",
                               is->text);
    }
    if (dg->dropped)
        expert_add_info_format(pinfo, ti, &ei_dropped, "%u more issue(s) not shown", dg->dropped);
}

static void add_match(proto_tree *t, packet_info *pinfo, proto_item *ti, const struct vmsg_msg *m,
                      const struct vmsgd_match *r)
{
    proto_item *it;
    if (!r)
        return;
    if (m->kind == VMSG_KIND_REQUEST) {
        if (r->resp_frame) {
            it = proto_tree_add_uint(t, hf_response_in, NULL, 0, 0, r->resp_frame);
            proto_item_set_generated(it);
            it = proto_tree_add_time(t, hf_time, NULL, 0, 0, &r->rt);
            proto_item_set_generated(it);
        } else if (PINFO_FD_VISITED(pinfo) || (r->flags & VMSGD_M_EVICTED)) {
            /* Only known once every frame has been seen (two passes, GUI). */
            it = proto_tree_add_boolean(t, hf_unmatched, NULL, 0, 0, TRUE);
            proto_item_set_generated(it);
            expert_add_info_format(pinfo, ti, &ei_unanswered, "bus.ordering.2: request has no response in the capture");
        }
        return;
    }
    if (r->req_frame) {
        it = proto_tree_add_uint(t, hf_request_in, NULL, 0, 0, r->req_frame);
        proto_item_set_generated(it);
        it = proto_tree_add_time(t, hf_time, NULL, 0, 0, &r->rt);
        proto_item_set_generated(it);
    }
    if (r->flags & VMSGD_M_UNMATCHED) {
        it = proto_tree_add_boolean(t, hf_unmatched, NULL, 0, 0, TRUE);
        proto_item_set_generated(it);
        expert_add_info_format(pinfo, ti, &ei_unmatched_resp,
                               "bus.ordering.2: response without a pending request (dev_num %u, msg_id 0x%02x)",
                               m->dev_num, m->msg_id);
    }
    if (r->flags & VMSGD_M_OUT_OF_ORDER)
        expert_add_info_format(pinfo, ti, &ei_out_of_order,
                               "bus.ordering.1: response overtakes an older pending request of dev_num %u", m->dev_num);
}

/* Message number within this frame (TCP may carry several). */
static unsigned msg_index(packet_info *pinfo)
{
    unsigned *n = (unsigned *)p_get_proto_data(pinfo->pool, pinfo, vmsgd_proto, 0);
    if (!n) {
        n = wmem_new0(pinfo->pool, unsigned);
        p_add_proto_data(pinfo->pool, pinfo, vmsgd_proto, 0, n);
    }
    return (*n)++;
}

int vmsgd_dissect_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const struct vmsgd_ctx *ctx)
{
    unsigned binding = vmsgd_pref_binding();
    guint caplen = tvb_captured_length(tvb);
    const guint8 *buf = tvb_get_ptr(tvb, 0, caplen);
    unsigned profile = ctx->profile >= 0 && ctx->profile < VMSG_PROFILE_COUNT ? (unsigned)ctx->profile
                                                                               : vmsgd_pick_profile(buf, caplen, binding);
    const struct vmsg_profile_def *p = vmsg_profile(profile);
    unsigned idx = msg_index(pinfo);
    struct vmsg_msg m;
    struct vmsg_diag dg;
    char sum[256];

    memset(&m, 0, sizeof m);
    enum vmsg_outcome oc = vmsg_decode(profile, binding, buf, caplen, &m, &dg);
    /* The decoder stops early on truncated and malformed messages: complete
     * what the header alone tells (layout, kind, sender) for the tree. */
    const struct vmsg_msgdef *def = NULL, *evdef = NULL;
    unsigned sender = VMSG_SENDER_ANY;
    if (caplen >= p->header) {
        def = vmsg_msgdef_lookup(profile, binding, m.cls, m.type & 1, m.msg_id);
        evdef = event_response(&m, profile, binding);
        m.kind = (m.type & 1) ? VMSG_KIND_RESPONSE : def ? def->kind : m.kind;
        struct vmsg_msg sm = m;
        if (!sm.def)
            sm.def = def ? def : evdef;
        sender = vmsg_msg_sender(&sm);
    }
    gboolean evresp = oc == VMSG_MALFORMED && evdef;
    guint frame = caplen;
    if (caplen >= p->header && m.msg_size >= p->header)
        frame = m.msg_size < caplen ? m.msg_size : caplen;

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "virtio-msg");
    if (oc == VMSG_OK || oc == VMSG_NONCONFORMANT)
        vmsg_summary(&m, sum, sizeof sum);
    else if (evresp)
        snprintf(sum, sizeof sum, "%s resp dev=%u (response to an event)", evdef->name, m.dev_num);
    else
        snprintf(sum, sizeof sum, "[%s] %s", vmsg_outcome_name(oc), dg.problem);
    if (idx == 0)
        col_add_str(pinfo->cinfo, COL_INFO, sum);
    else
        col_append_sep_str(pinfo->cinfo, COL_INFO, " ; ", sum);

    proto_item *ti = proto_tree_add_item(tree, vmsgd_proto, tvb, 0, (gint)frame, ENC_NA);
    proto_item_append_text(ti, ", %s", sum);
    proto_tree *t = proto_item_add_subtree(ti, ett_msg);
    proto_item *it = proto_tree_add_uint(t, hf_profile, NULL, 0, 0, profile);
    proto_item_set_generated(it);
    if (binding) {
        it = proto_tree_add_uint(t, hf_binding, NULL, 0, 0, binding);
        proto_item_set_generated(it);
    }
    it = proto_tree_add_uint(t, hf_outcome, NULL, 0, 0, oc);
    proto_item_set_generated(it);

    if (caplen < p->header) {
        /* Header itself incomplete: show the bytes we have. */
        if (caplen)
            proto_tree_add_item(t, hf_payload, tvb, 0, (gint)caplen, ENC_NA);
        expert_add_info_format(pinfo, ti, (ctx->cap_flags & VMSGD_CAPF_TRUNCATED) ? &ei_cap_truncated : &ei_truncated,
                               "bus.errors.2: header: truncated: %s", dg.problem);
        return (int)caplen;
    }

    static int *const type_bits[] = {&hf_type_reserved, &hf_type_bus, &hf_type_resp, NULL};
    proto_item *tyi = proto_tree_add_bitmask_with_flags(t, tvb, 0, hf_type, ett_type, type_bits, ENC_NA, BMT_NO_APPEND);
    proto_item_append_text(tyi, " (%s %s%s)", vmsg_class_name(m.cls), (m.type & 1) ? "response" : "request or event",
                           (m.type & 0xfc) ? ", reserved bits set" : "");
    const char *name = def ? def->name : evresp ? evdef->name : m.impl_defined ? "IMPLEMENTATION_DEFINED" : "UNKNOWN";
    proto_tree_add_uint_format_value(t, hf_msg_id, tvb, 1, 1, m.msg_id, "%s (0x%02x)", name, m.msg_id);
    it = proto_tree_add_string(t, hf_msg_name, tvb, 1, 1, name);
    proto_item_set_generated(it);
    it = proto_tree_add_uint(t, hf_kind, tvb, 0, 1, m.kind);
    proto_item_set_generated(it);
    it = proto_tree_add_uint(t, hf_class, tvb, 0, 1, m.cls);
    proto_item_set_generated(it);
    proto_tree_add_item(t, hf_dev_num, tvb, 2, 2, ENC_LITTLE_ENDIAN);
    if (p->token)
        proto_tree_add_item(t, hf_token, tvb, 4, 2, ENC_LITTLE_ENDIAN);
    if (p->size_field)
        proto_tree_add_item(t, hf_msg_size, tvb, p->header - 2, 2, ENC_LITTLE_ENDIAN);

    /* Payload: up to msg_size, as far as it was captured. */
    int end = (int)frame, pend = p->header;
    if (end > p->header) {
        proto_tree *pt = proto_tree_add_subtree_format(t, tvb, p->header, end - p->header, ett_payload, NULL,
                                                       "Payload (%d bytes)", end - p->header);
        pend = def ? add_payload(pt, tvb, p->header, end, def) : p->header;
        if (pend < end)
            proto_tree_add_item(pt, hf_extra, tvb, pend, end - pend, ENC_NA);
    }
    if (caplen > frame && m.msg_size >= p->header)
        proto_tree_add_item(t, hf_padding, tvb, (gint)frame, (gint)(caplen - frame), ENC_NA);

    /* Verdicts: the codec's outcome and issues, each naming its clause. */
    switch (oc) {
    case VMSG_OK:
        break;
    case VMSG_NONCONFORMANT:
        report_issues(pinfo, ti, &dg);
        break;
    case VMSG_TRUNCATED:
        if (ctx->cap_flags & VMSGD_CAPF_TRUNCATED)
            expert_add_info_format(pinfo, ti, &ei_cap_truncated, "capture: message cut by the capture writer: %s",
                                   dg.problem);
        else
            expert_add_info_format(pinfo, ti, &ei_truncated, "%s: truncated: %s", role_clause(sender, "size"),
                                   dg.problem);
        break;
    case VMSG_MALFORMED:
        if (evresp)
            expert_add_info_format(pinfo, ti, &ei_event_response,
                                   "bus.errors.3: msg_id 0x%02x is an event; events get no response", m.msg_id);
        else if (!def && !m.impl_defined && m.msg_size >= p->header)
            expert_add_info_format(pinfo, ti, &ei_unknown_id, "%s: %s", role_clause(sender, "id"), dg.problem);
        else
            expert_add_info_format(pinfo, ti, &ei_malformed, "%s: malformed: %s", role_clause(sender, "size"),
                                   dg.problem);
        break;
    }

    /* Request/response matching, per (bus instance, dev_num, class). */
    const struct vmsgd_match *r = NULL;
    /* Truncated and malformed messages are discarded by receivers: no link. */
    if ((oc == VMSG_OK || oc == VMSG_NONCONFORMANT) && m.kind != VMSG_KIND_EVENT) {
        struct vmsgd_conv_key key = {0, ctx->bus_instance, m.dev_num, m.cls};
        if (pinfo->ptype == PT_TCP || pinfo->ptype == PT_UDP)
            key.conv = find_or_create_conversation(pinfo)->conv_index;
        r = vmsgd_conv_match(pinfo, &key, idx, &m, p->token);
        add_match(t, pinfo, ti, &m, r);
    }

    struct vmsgd_tap tap = {name, m.kind, m.cls, (guint8)ctx->direction, m.dev_num, FALSE, 0};
    if (r && m.kind == VMSG_KIND_RESPONSE && r->req_frame) {
        tap.has_rt = TRUE;
        tap.rt_ms = nstime_to_msec(&r->rt);
    }
    vmsgd_stats_queue(pinfo, &tap);
    return (int)frame;
}

void vmsgd_dissect_register(int proto)
{
    static hf_register_info hf[] = {
        {&hf_type, {"Type", "virtio-msg.type", FT_UINT8, BASE_HEX, NULL, 0, NULL, HFILL}},
        {&hf_type_reserved, {"Reserved bits", "virtio-msg.type.reserved", FT_UINT8, BASE_HEX, NULL, 0xfc, NULL, HFILL}},
        {&hf_type_bus, {"Class", "virtio-msg.type.bus", FT_BOOLEAN, 8, TFS(&tfs_bus), 0x02, NULL, HFILL}},
        {&hf_type_resp, {"Response", "virtio-msg.type.response", FT_BOOLEAN, 8, TFS(&tfs_resp), 0x01, NULL, HFILL}},
        {&hf_msg_id, {"Message id", "virtio-msg.msg_id", FT_UINT8, BASE_HEX, NULL, 0, NULL, HFILL}},
        {&hf_msg_name, {"Message", "virtio-msg.msg_name", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_kind, {"Kind", "virtio-msg.kind", FT_UINT8, BASE_DEC, VALS(kind_vals), 0, NULL, HFILL}},
        {&hf_class, {"Class", "virtio-msg.class", FT_UINT8, BASE_DEC, VALS(class_vals), 0, NULL, HFILL}},
        {&hf_profile, {"Profile", "virtio-msg.profile", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_binding, {"Bus binding", "virtio-msg.binding", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_dev_num, {"Device number", "virtio-msg.dev_num", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_token, {"Token", "virtio-msg.token", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_msg_size, {"Message size", "virtio-msg.msg_size", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_payload, {"Payload", "virtio-msg.payload", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_extra, {"Bytes beyond the layout", "virtio-msg.extra", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_padding, {"Padding after msg_size", "virtio-msg.padding", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_device, {"Present device", "virtio-msg.device", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_outcome, {"Codec outcome", "virtio-msg.outcome", FT_UINT8, BASE_DEC, VALS(outcome_vals), 0, NULL, HFILL}},
        {&hf_response_in, {"Response in", "virtio-msg.response_in", FT_FRAMENUM, BASE_NONE,
                           FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0, NULL, HFILL}},
        {&hf_request_in, {"Request in", "virtio-msg.request_in", FT_FRAMENUM, BASE_NONE,
                          FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0, NULL, HFILL}},
        {&hf_time, {"Response time", "virtio-msg.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_unmatched, {"Unmatched", "virtio-msg.unmatched", FT_BOOLEAN, BASE_NONE, NULL, 0,
                         "request without response or response without request", HFILL}},
    };
    static gint *ett[] = {&ett_msg, &ett_type, &ett_payload};
    static ei_register_info ei[] = {
        {&ei_truncated, {"virtio-msg.truncated", PI_MALFORMED, PI_ERROR, "Truncated message", EXPFILL}},
        {&ei_cap_truncated, {"virtio-msg.capture_truncated", PI_UNDECODED, PI_NOTE, "Cut by the capture writer", EXPFILL}},
        {&ei_malformed, {"virtio-msg.malformed", PI_MALFORMED, PI_ERROR, "Malformed message", EXPFILL}},
        {&ei_unknown_id, {"virtio-msg.unknown_msg_id", PI_PROTOCOL, PI_ERROR, "Unknown msg_id", EXPFILL}},
        {&ei_event_response, {"virtio-msg.event_response", PI_PROTOCOL, PI_ERROR, "Response to an event", EXPFILL}},
        {&ei_unmatched_resp, {"virtio-msg.unmatched_response", PI_SEQUENCE, PI_WARN, "Response without request", EXPFILL}},
        {&ei_unanswered, {"virtio-msg.unanswered_request", PI_SEQUENCE, PI_NOTE, "Request without response", EXPFILL}},
        {&ei_out_of_order, {"virtio-msg.out_of_order", PI_SEQUENCE, PI_WARN, "Response out of order", EXPFILL}},
        {&ei_dropped, {"virtio-msg.more_issues", PI_PROTOCOL, PI_NOTE, "More issues", EXPFILL}},
    };
    static const value_string *profile_vs, *binding_vs;
    value_string *pv = g_new0(value_string, VMSG_PROFILE_COUNT + 1);
    for (unsigned i = 0; i < VMSG_PROFILE_COUNT; i++)
        pv[i] = (value_string){i, vmsg_profile_defs[i].name};
    value_string *bv = g_new0(value_string, VMSG_BINDING_COUNT + 1);
    for (unsigned i = 0; i < VMSG_BINDING_COUNT; i++)
        bv[i] = (value_string){i, vmsg_binding_defs[i].name};
    profile_vs = pv;
    binding_vs = bv;
    for (unsigned i = 0; i < G_N_ELEMENTS(hf); i++) {
        if (hf[i].p_id == &hf_profile)
            hf[i].hfinfo.strings = VALS(profile_vs);
        if (hf[i].p_id == &hf_binding)
            hf[i].hfinfo.strings = VALS(binding_vs);
    }
    proto_register_field_array(proto, hf, G_N_ELEMENTS(hf));
    proto_register_subtree_array(ett, G_N_ELEMENTS(ett));
    expert_module_t *em = expert_register_protocol(proto);
    expert_register_field_array(em, ei, G_N_ELEMENTS(ei));

    /* Codec rules -> expert fields (distinct rule ids, in table order). */
    size_t n;
    const struct vmsg_wire_rule *rules = vmsg_wire_rules(&n);
    ei_register_info *rei = g_new0(ei_register_info, MAX_RULES);
    for (size_t i = 0; i < n; i++) {
        unsigned k;
        for (k = 0; k < nrules && strcmp(rule_ids[k], rules[i].id); k++)
            ;
        if (k < nrules || nrules == MAX_RULES)
            continue;
        rule_ids[nrules] = rules[i].id;
        ei_rule[nrules] = (expert_field)EI_INIT;
        rei[nrules] = (ei_register_info){&ei_rule[nrules],
                                         {g_strdup_printf("virtio-msg.%s", rules[i].id), PI_PROTOCOL, PI_WARN,
                                          rules[i].summary, EXPFILL}};
        nrules++;
    }
    expert_register_field_array(em, rei, (int)nrules);
}
