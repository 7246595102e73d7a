/* The harness test hook message: see vmsg/hook.h. */
#include <string.h>

#include <vmsg/cursor.h>
#include <vmsg/hook.h>
#include <vmsg/wire.h>

size_t vmsg_hook_encode(unsigned profile, bool response, uint16_t dev_num, uint16_t token, const struct vmsg_hook *h,
                        uint8_t *buf, size_t cap)
{
    const struct vmsg_profile_def *p = vmsg_profile(profile);
    uint8_t payload[16];
    if (!p || !p->event_bit) /* v0 has no implementation-defined range */
        return 0;
    vmsg_put_le(payload, VMSG_HOOK_MAGIC, 4);
    vmsg_put_le(payload + 4, h->action, 4);
    vmsg_put_le(payload + 8, response ? h->result : h->arg0, 4);
    vmsg_put_le(payload + 12, h->arg1, 4);
    struct vmsg_msg m;
    memset(&m, 0, sizeof m);
    m.profile = (uint8_t)profile;
    m.type = response ? 1 : 0;
    m.msg_id = VMSG_HOOK_MSG_ID;
    m.dev_num = dev_num;
    m.token = token;
    m.kind = response ? VMSG_KIND_RESPONSE : VMSG_KIND_REQUEST;
    m.impl_defined = true;
    m.payload = payload;
    m.payload_len = response ? 12 : 16;
    return vmsg_encode(&m, buf, cap);
}

bool vmsg_hook_parse(const struct vmsg_msg *m, struct vmsg_hook *h)
{
    if (m->def || !m->impl_defined || m->cls != VMSG_CLASS_TRANSPORT || m->msg_id != VMSG_HOOK_MSG_ID)
        return false;
    struct vmsg_cur c = vmsg_cur_make(m->payload, m->payload_len);
    bool resp = m->kind == VMSG_KIND_RESPONSE;
    if (vmsg_cur_le32(&c) != VMSG_HOOK_MAGIC)
        return false;
    memset(h, 0, sizeof *h);
    h->action = vmsg_cur_le32(&c);
    if (resp)
        h->result = vmsg_cur_le32(&c);
    else {
        h->arg0 = vmsg_cur_le32(&c);
        h->arg1 = vmsg_cur_le32(&c);
    }
    return !c.bad && vmsg_cur_left(&c) == 0;
}

const char *vmsg_hook_action_name(uint32_t action)
{
    static const char *const names[] = {NULL, "config-change", "needs-reset", "use-buffer", "add-buffer"};
    return action < sizeof names / sizeof names[0] ? names[action] : NULL;
}
