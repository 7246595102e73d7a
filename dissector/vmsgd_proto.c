/* The virtio-msg protocol: registration, preferences and the ways messages
 * reach the dissector (exported-PDU records by name, a USER link type, TCP
 * with msg_size framing, UDP by port or heuristic). */
#include <epan/conversation.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/dissectors/packet-tcp.h>
#include <wiretap/wtap.h>

#include "vmsgd.h"

int vmsgd_proto = -1;

static dissector_handle_t msg_handle, cap_handle, tcp_handle, udp_handle;

#define PROFILE_AUTO -1
#define NO_DLT -1
static gint pref_profile = VMSG_PROFILE_V1;
static gint pref_binding = VMSG_BINDING_NONE;
static gint pref_user_dlt = 0; /* USER0 */
static gint claimed_dlt = NO_DLT;

int vmsgd_pref_profile(void) { return pref_profile; }
unsigned vmsgd_pref_binding(void) { return pref_binding > 0 && pref_binding < VMSG_BINDING_COUNT ? (unsigned)pref_binding : 0; }

/* A profile fits when the bytes decode (conformant or not) and the frame
 * length is exactly what the header announces. */
static gboolean fits(unsigned profile, const guint8 *buf, size_t len, unsigned binding)
{
    struct vmsg_msg m;
    enum vmsg_outcome o = vmsg_decode(profile, binding, buf, len, &m, NULL);
    return (o == VMSG_OK || o == VMSG_NONCONFORMANT) && m.frame_len == len;
}

unsigned vmsgd_pick_profile(const guint8 *buf, size_t len, unsigned binding)
{
    if (pref_profile >= 0 && pref_profile < VMSG_PROFILE_COUNT)
        return (unsigned)pref_profile;
    /* auto: normative profile first, then the others in table order */
    for (unsigned i = 0; i < VMSG_PROFILE_COUNT; i++)
        if (fits(i, buf, len, binding))
            return i;
    return VMSG_PROFILE_V1;
}

/* Bare message (exported PDU `virtio-msg`, UDP): no capture header. */
static int dissect_bare(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    (void)data; /* callers (exported PDU among them) may pass their own data */
    struct vmsgd_ctx ctx = {-1, 2, 0, 0};
    return vmsgd_dissect_message(tvb, pinfo, tree, &ctx);
}

static unsigned stream_profile(tvbuff_t *tvb)
{
    guint len = tvb_captured_length(tvb);
    return vmsgd_pick_profile(tvb_get_ptr(tvb, 0, len), len, vmsgd_pref_binding());
}

static guint tcp_pdu_len(packet_info *pinfo, tvbuff_t *tvb, int offset, void *data)
{
    (void)pinfo;
    (void)data;
    const struct vmsg_profile_def *p = vmsg_profile(pref_profile >= 0 ? (unsigned)pref_profile : VMSG_PROFILE_V1);
    if (p->fixed_size)
        return p->fixed_size;
    guint sz = tvb_get_letohs(tvb, offset + p->header - 2);
    /* A msg_size below the header is malformed: consume the header so the
     * stream moves on and the message dissector reports it. */
    return sz < p->header ? p->header : sz;
}

static int tcp_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    (void)data;
    struct vmsgd_ctx ctx = {(int)stream_profile(tvb), 2, 0, 0};
    return vmsgd_dissect_message(tvb, pinfo, tree, &ctx);
}

static int dissect_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    const struct vmsg_profile_def *p = vmsg_profile(pref_profile >= 0 ? (unsigned)pref_profile : VMSG_PROFILE_V1);
    tcp_dissect_pdus(tvb, pinfo, tree, TRUE, p->header, tcp_pdu_len, tcp_pdu, data);
    return (int)tvb_captured_length(tvb);
}

/* Conservative UDP heuristic: valid type byte, msg_size equal to the
 * datagram, and an id the profile (or binding) defines. */
static gboolean heur_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    guint len = tvb_captured_length(tvb);
    unsigned binding = vmsgd_pref_binding();
    for (unsigned i = 0; i < VMSG_PROFILE_COUNT; i++) {
        if (pref_profile >= 0 && (int)i != pref_profile)
            continue;
        const struct vmsg_profile_def *p = vmsg_profile(i);
        if (len < p->header || len != tvb_reported_length(tvb))
            continue;
        guint8 type = tvb_get_guint8(tvb, 0);
        guint8 id = tvb_get_guint8(tvb, 1);
        guint sz = p->size_field ? tvb_get_letohs(tvb, p->header - 2) : p->fixed_size;
        if (type > 3 || sz != len || !vmsg_msgdef_lookup(i, binding, (type >> 1) & 1, type & 1, id))
            continue;
        struct vmsgd_ctx ctx = {(int)i, 2, 0, 0};
        vmsgd_dissect_message(tvb, pinfo, tree, &ctx);
        return TRUE;
    }
    (void)data;
    return FALSE;
}

static int dissect_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    (void)data;
    struct vmsgd_ctx ctx = {(int)stream_profile(tvb), 2, 0, 0};
    return vmsgd_dissect_message(tvb, pinfo, tree, &ctx);
}

void vmsgd_register(void)
{
    static enum_val_t profile_enum[VMSG_PROFILE_COUNT + 2];
    static enum_val_t binding_enum[VMSG_BINDING_COUNT + 1];
    static enum_val_t dlt_enum[17 + 1];
    static char dlt_names[16][8], dlt_desc[16][24];
    for (unsigned i = 0; i < VMSG_PROFILE_COUNT; i++)
        profile_enum[i] = (enum_val_t){vmsg_profile_defs[i].name, vmsg_profile_defs[i].name, (gint)i};
    profile_enum[VMSG_PROFILE_COUNT] = (enum_val_t){"auto", "auto (guess per message)", PROFILE_AUTO};
    for (unsigned i = 0; i < VMSG_BINDING_COUNT; i++)
        binding_enum[i] = (enum_val_t){vmsg_binding_defs[i].name, vmsg_binding_defs[i].name, (gint)i};
    dlt_enum[0] = (enum_val_t){"off", "do not claim a USER link type", NO_DLT};
    for (int i = 0; i < 16; i++) {
        snprintf(dlt_names[i], sizeof dlt_names[i], "user%d", i);
        snprintf(dlt_desc[i], sizeof dlt_desc[i], "USER%d (DLT %d)", i, 147 + i);
        dlt_enum[i + 1] = (enum_val_t){dlt_names[i], dlt_desc[i], i};
    }

    vmsgd_proto = proto_register_protocol("Virtio over messages", "virtio-msg", "virtio-msg");
    vmsgd_dissect_register(vmsgd_proto);
    vmsgd_fields_register(vmsgd_proto);
    vmsgd_conv_register();
    vmsgd_stats_register();
    vmsgd_cap_register();
    msg_handle = register_dissector("virtio-msg", dissect_bare, vmsgd_proto);
    cap_handle = find_dissector("vmsgcap");
    tcp_handle = create_dissector_handle(dissect_tcp, vmsgd_proto);
    udp_handle = create_dissector_handle(dissect_udp, vmsgd_proto);

    module_t *m = prefs_register_protocol(vmsgd_proto, vmsgd_handoff);
    prefs_register_enum_preference(m, "profile", "Profile",
                                   "Wire generation used when no capture header names it", &pref_profile,
                                   profile_enum, FALSE);
    prefs_register_enum_preference(m, "binding", "FF-A binding generation",
                                   "Bus messages 0x80-0xFF are decoded as this FF-A generation", &pref_binding,
                                   binding_enum, FALSE);
    prefs_register_enum_preference(m, "user_dlt", "USER link type",
                                   "USER link type whose records carry the vmsgcap header and a message", &pref_user_dlt,
                                   dlt_enum, FALSE);
}

void vmsgd_handoff(void)
{
    static gboolean once;
    if (!once) {
        once = TRUE;
        dissector_add_uint_with_preference("tcp.port", 0, tcp_handle);
        dissector_add_uint_with_preference("udp.port", 0, udp_handle);
        heur_dissector_add("udp", heur_udp, "virtio-msg over UDP", "virtio_msg_udp", vmsgd_proto, HEURISTIC_ENABLE);
    }
    /* USER link type: give a previous claim back to the user-DLT table. */
    if (claimed_dlt != NO_DLT && claimed_dlt != pref_user_dlt) {
        dissector_handle_t user_dlt = find_dissector("user_dlt");
        if (user_dlt)
            dissector_change_uint("wtap_encap", WTAP_ENCAP_USER0 + claimed_dlt, user_dlt);
        else
            dissector_delete_uint("wtap_encap", WTAP_ENCAP_USER0 + claimed_dlt, cap_handle);
        claimed_dlt = NO_DLT;
    }
    if (pref_user_dlt != NO_DLT && claimed_dlt != pref_user_dlt) {
        dissector_add_uint("wtap_encap", WTAP_ENCAP_USER0 + pref_user_dlt, cap_handle);
        claimed_dlt = pref_user_dlt;
    }
}
