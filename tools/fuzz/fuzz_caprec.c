/* Fuzz target: capture records, without spending the fuzzer's effort on the
 * pcap file header. The input becomes a well-formed pcap file:
 *   byte 0: bits 0-3 USERn, bit 4 link type USERn instead of 252, bit 5 read
 *           with VMSG_CAP_READ_BARE, bit 6 record length field (orig_len)
 *           one more than the captured bytes;
 *   then records, each a le16 length and that many bytes (the exported-PDU
 *   tags, capture header and message, or whatever the fuzzer makes of them).
 * The records are read as in fuzz_capture.c. */
#include <stdlib.h>
#include <string.h>

#include <vmsg/capture.h>
#include <vmsg/cursor.h>

#include "fuzz.h"

static void put32(uint8_t *b, uint32_t v) { vmsg_put_le(b, v, 4); }
static void put16(uint8_t *b, uint16_t v) { vmsg_put_le(b, v, 2); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0];
    int lt = (sel & 0x10) ? VMSG_LINKTYPE_USER0 + (int)(sel & 0x0f) : VMSG_LINKTYPE_UPPER_PDU;
    /* at most one 16-byte record header per input byte pair, plus the file header */
    size_t cap = 24 + (size / 2 + 1) * 16 + size;
    uint8_t *file = calloc(1, cap);
    if (!file)
        return 0;
    put32(file, 0xa1b2c3d4); /* microsecond pcap, little-endian */
    put16(file + 4, 2);
    put16(file + 6, 4);
    put32(file + 16, 262144);
    put32(file + 20, (uint32_t)lt);
    size_t at = 24;
    struct vmsg_cur c = vmsg_cur_make(data + 1, size - 1);
    for (uint32_t i = 0; vmsg_cur_left(&c) >= 2; i++) {
        uint16_t n = vmsg_cur_le16(&c);
        if (n > vmsg_cur_left(&c))
            n = (uint16_t)vmsg_cur_left(&c);
        const uint8_t *rec = vmsg_cur_take(&c, n);
        put32(file + at, i);              /* ts seconds */
        put32(file + at + 4, 0);          /* ts microseconds */
        put32(file + at + 8, n);          /* captured */
        put32(file + at + 12, n + ((sel & 0x40) ? 1u : 0u)); /* original */
        at += 16;
        if (n)
            memcpy(file + at, rec, n);
        at += n;
    }
    const char *path = vmsg__fuzz_tmpfile(file, at);
    free(file);
    if (path)
        vmsg__fuzz_read_capture(path, (sel & 0x20) ? VMSG_CAP_READ_BARE : 0);
    return 0;
}
