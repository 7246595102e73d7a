/* Encoding with header faults, and raw header access for the relay. */
#include <string.h>

#include <vmsg/cursor.h>

#include "ref_internal.h"

size_t vmsg__ref_encode(struct vmsg_msg *m, const struct vmsg__tx_faults *tf, uint8_t *buf, size_t cap)
{
    size_t len = vmsg_encode(m, buf, cap);
    if (len == 0)
        return 0;
    const struct vmsg_profile_def *pd = vmsg_profile(m->profile);
    if (tf && tf->reserved_type_bits)
        buf[0] |= 0x04;
    if (tf && tf->wrong_msg_size && pd->size_field && len + 4 <= cap) {
        m->msg_size = (uint16_t)(len + 4);
        m->msg_size_override = true;
        size_t n = vmsg_encode(m, buf, cap);
        if (n == 0)
            return 0;
        if (tf->reserved_type_bits)
            buf[0] |= 0x04;
        memset(buf + n, 0, 4);
        len = n + 4;
    }
    if (tf && tf->padding_nonzero && len + 4 <= cap) {
        memset(buf + len, 0xa5, 4);
        len += 4;
    }
    return len;
}

/* Header offsets: every profile starts type, msg_id, dev_num (le16); the
 * profiles with a token carry it next (le16). */
bool vmsg__hdr_peek(unsigned profile, const uint8_t *frame, size_t len, uint8_t *type, uint8_t *msg_id,
                    uint16_t *dev_num, uint16_t *token)
{
    const struct vmsg_profile_def *pd = vmsg_profile(profile);
    if (!pd || len < pd->header)
        return false;
    struct vmsg_cur c = vmsg_cur_make(frame, len);
    *type = vmsg_cur_u8(&c);
    *msg_id = vmsg_cur_u8(&c);
    *dev_num = vmsg_cur_le16(&c);
    *token = pd->token ? vmsg_cur_le16(&c) : 0;
    return !c.bad;
}

void vmsg__hdr_set_dev_num(unsigned profile, uint8_t *frame, uint16_t dev_num)
{
    (void)profile;
    vmsg_put_le(frame + 2, dev_num, 2);
}

void vmsg__hdr_set_token(unsigned profile, uint8_t *frame, uint16_t token)
{
    if (vmsg_profile(profile)->token)
        vmsg_put_le(frame + 4, token, 2);
}
