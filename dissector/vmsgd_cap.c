/* `vmsgcap`: the 8-byte capture header of DESIGN.md section 7 that precedes
 * every message in our captures (exported-PDU records with dissector name
 * vmsgcap, or USER link types). It tells the message dissector the profile,
 * direction and bus instance. */
#include <epan/expert.h>
#include <epan/packet.h>

#include "vmsgd.h"

#define CAP_HDR_LEN 8

static int proto_cap = -1;
static int hf_version = -1, hf_direction = -1, hf_profile = -1, hf_bus_kind = -1, hf_bus_instance = -1;
static int hf_flags = -1, hf_flag_injected = -1, hf_flag_truncated = -1;
static gint ett_cap = -1, ett_flags = -1;
static expert_field ei_short = EI_INIT, ei_version = EI_INIT, ei_injected = EI_INIT;

static const value_string dir_vals[] = {
    {0, "driver to device"}, {1, "device to driver"}, {2, "unknown"}, {0, NULL}};
static const value_string bus_vals[] = {{0, "unknown"}, {1, "loopback"},  {2, "exec"}, {3, "unix"}, {4, "tcp"},
                                        {5, "seqpacket"}, {6, "shm"}, {7, "ffa"}, {8, "amp"}, {0, NULL}};

int vmsgd_dissect_cap(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    (void)data;
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "virtio-msg");
    proto_item *ti = proto_tree_add_item(tree, proto_cap, tvb, 0, CAP_HDR_LEN, ENC_NA);
    if (tvb_captured_length(tvb) < CAP_HDR_LEN) {
        expert_add_info_format(pinfo, ti, &ei_short, "capture: header: expected %d bytes, got %u", CAP_HDR_LEN,
                               tvb_captured_length(tvb));
        col_set_str(pinfo->cinfo, COL_INFO, "[capture header truncated]");
        return (int)tvb_captured_length(tvb);
    }
    proto_tree *t = proto_item_add_subtree(ti, ett_cap);
    guint8 version = tvb_get_guint8(tvb, 0);
    struct vmsgd_ctx ctx;
    ctx.direction = tvb_get_guint8(tvb, 1);
    guint8 profile = tvb_get_guint8(tvb, 2);
    ctx.profile = -1;
    for (unsigned i = 0; i < VMSG_PROFILE_COUNT; i++)
        if (vmsg_profile_defs[i].code == profile)
            ctx.profile = (int)i;
    ctx.bus_instance = tvb_get_letohs(tvb, 4);
    ctx.cap_flags = tvb_get_letohs(tvb, 6);
    if (ctx.direction > 2)
        ctx.direction = 2;

    proto_item *vi = proto_tree_add_item(t, hf_version, tvb, 0, 1, ENC_NA);
    if (version != 1)
        expert_add_info_format(pinfo, vi, &ei_version, "capture: version: expected 1, got %u", version);
    proto_tree_add_item(t, hf_direction, tvb, 1, 1, ENC_NA);
    proto_tree_add_item(t, hf_profile, tvb, 2, 1, ENC_NA);
    proto_tree_add_item(t, hf_bus_kind, tvb, 3, 1, ENC_NA);
    proto_tree_add_item(t, hf_bus_instance, tvb, 4, 2, ENC_LITTLE_ENDIAN);
    static int *const flag_bits[] = {&hf_flag_injected, &hf_flag_truncated, NULL};
    proto_item *fi = proto_tree_add_bitmask(t, tvb, 6, hf_flags, ett_flags, flag_bits, ENC_LITTLE_ENDIAN);
    if (ctx.cap_flags & VMSGD_CAPF_INJECTED)
        expert_add_info(pinfo, fi, &ei_injected);

    col_set_str(pinfo->cinfo, COL_DEF_SRC, ctx.direction == 0 ? "driver" : ctx.direction == 1 ? "device" : "?");
    col_set_str(pinfo->cinfo, COL_DEF_DST, ctx.direction == 0 ? "device" : ctx.direction == 1 ? "driver" : "?");
    tvbuff_t *msg = tvb_new_subset_remaining(tvb, CAP_HDR_LEN);
    return CAP_HDR_LEN + vmsgd_dissect_message(msg, pinfo, tree, &ctx);
}

void vmsgd_cap_register(void)
{
    static hf_register_info hf[] = {
        {&hf_version, {"Version", "vmsgcap.version", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_direction, {"Direction", "vmsgcap.direction", FT_UINT8, BASE_DEC, VALS(dir_vals), 0, NULL, HFILL}},
        {&hf_profile, {"Profile", "vmsgcap.profile", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_bus_kind, {"Bus kind", "vmsgcap.bus_kind", FT_UINT8, BASE_DEC, VALS(bus_vals), 0, NULL, HFILL}},
        {&hf_bus_instance, {"Bus instance", "vmsgcap.bus_instance", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_flags, {"Flags", "vmsgcap.flags", FT_UINT16, BASE_HEX, NULL, 0, NULL, HFILL}},
        {&hf_flag_injected, {"Injected by the harness", "vmsgcap.flags.injected", FT_BOOLEAN, 16, NULL,
                             VMSGD_CAPF_INJECTED, NULL, HFILL}},
        {&hf_flag_truncated, {"Truncated by the writer", "vmsgcap.flags.truncated", FT_BOOLEAN, 16, NULL,
                              VMSGD_CAPF_TRUNCATED, NULL, HFILL}},
    };
    static gint *ett[] = {&ett_cap, &ett_flags};
    static ei_register_info ei[] = {
        {&ei_short, {"vmsgcap.short", PI_MALFORMED, PI_ERROR, "Capture header truncated", EXPFILL}},
        {&ei_version, {"vmsgcap.version_unknown", PI_UNDECODED, PI_WARN, "Unknown capture header version", EXPFILL}},
        {&ei_injected, {"vmsgcap.injected", PI_COMMENTS_GROUP, PI_NOTE, "Message injected by the harness", EXPFILL}},
    };
    /* Profile names and capture codes come from the schema. */
    value_string *pv = g_new0(value_string, VMSG_PROFILE_COUNT + 2);
    for (unsigned i = 0; i < VMSG_PROFILE_COUNT; i++)
        pv[i] = (value_string){vmsg_profile_defs[i].code, vmsg_profile_defs[i].name};
    pv[VMSG_PROFILE_COUNT] = (value_string){VMSG_PROFILE_UNKNOWN, "unknown"};
    hf[2].hfinfo.strings = VALS(pv);

    proto_cap = proto_register_protocol("virtio-msg capture header", "vmsgcap", "vmsgcap");
    proto_register_field_array(proto_cap, hf, G_N_ELEMENTS(hf));
    proto_register_subtree_array(ett, G_N_ELEMENTS(ett));
    expert_register_field_array(expert_register_protocol(proto_cap), ei, G_N_ELEMENTS(ei));
    register_dissector("vmsgcap", vmsgd_dissect_cap, proto_cap);
}
