/* Shared by refdev, refdrv and refbus: encoding a message with the header
 * faults a role may carry, and small helpers. Internal (vmsg__). */
#ifndef VMSG_REF_INTERNAL_H
#define VMSG_REF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmsg/cursor.h>
#include <vmsg/endpoint.h>
#include <vmsg/ref.h>
#include <vmsg/wire.h>

#define VMSG__REF_FRAME_MAX 65600

/* How a sender damages its header (each flag set by exactly one fault). */
struct vmsg__tx_faults {
    bool reserved_type_bits; /* type |= 0x04 */
    bool wrong_msg_size;     /* msg_size = real + 4, four zero bytes added */
    bool padding_nonzero;    /* four 0xa5 bytes after msg_size */
};

/* Encode m into buf with the given header faults; returns the frame length
 * (0 when it does not fit cap). */
size_t vmsg__ref_encode(struct vmsg_msg *m, const struct vmsg__tx_faults *tf, uint8_t *buf, size_t cap);

/* Raw header access for the relay (which must not decode payloads it
 * forwards). Offsets per profile; false when the frame is too short. */
bool vmsg__hdr_peek(unsigned profile, const uint8_t *frame, size_t len, uint8_t *type, uint8_t *msg_id,
                    uint16_t *dev_num, uint16_t *token);
void vmsg__hdr_set_dev_num(unsigned profile, uint8_t *frame, uint16_t dev_num);
void vmsg__hdr_set_token(unsigned profile, uint8_t *frame, uint16_t token);

static inline bool vmsg__bit(const uint32_t *words, unsigned nwords, unsigned bit)
{
    return bit / 32 < nwords && (words[bit / 32] >> (bit % 32)) & 1u;
}

#endif
