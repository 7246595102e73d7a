/* The bounds-checked cursor: the only code that reads wire bytes.
 * Every read checks what is left; a failed read sets `bad` and returns 0, so
 * a sequence of reads can be checked once at the end. Fields are
 * little-endian, assembled byte by byte (no casts of wire memory). */
#ifndef VMSG_CURSOR_H
#define VMSG_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vmsg_cur {
    const uint8_t *p;
    size_t len;
    size_t pos;
    bool bad;
};

static inline struct vmsg_cur vmsg_cur_make(const void *p, size_t len)
{
    struct vmsg_cur c = {(const uint8_t *)p, len, 0, false};
    return c;
}

static inline size_t vmsg_cur_left(const struct vmsg_cur *c) { return c->len - c->pos; }

/* A pointer to the next n bytes, or NULL (and bad) when fewer are left. */
static inline const uint8_t *vmsg_cur_take(struct vmsg_cur *c, size_t n)
{
    if (c->bad || n > c->len - c->pos) {
        c->bad = true;
        return NULL;
    }
    const uint8_t *r = c->p + c->pos;
    c->pos += n;
    return r;
}

/* The next n bytes as a cursor of their own, for a block of fixed size
 * (a header): the bounds are checked once here, and each read from the
 * block is checked against n, which the compiler folds away when n and the
 * reads are constants. When fewer than n bytes are left, c becomes bad and
 * so does the returned (empty) cursor. */
static inline struct vmsg_cur vmsg_cur_sub(struct vmsg_cur *c, size_t n)
{
    const uint8_t *p = vmsg_cur_take(c, n);
    struct vmsg_cur s = {p, p ? n : 0, 0, !p};
    return s;
}

static inline bool vmsg_cur_seek(struct vmsg_cur *c, size_t pos)
{
    if (pos > c->len) {
        c->bad = true;
        return false;
    }
    c->pos = pos;
    return true;
}

/* n little-endian bytes (any n up to 8). */
static inline uint64_t vmsg__le(const uint8_t *b, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;)
        v = (v << 8) | b[i];
    return v;
}

/* Fixed widths spelt out byte by byte: gcc and clang turn each into a
 * single load (and a bswap for big-endian), which the loop above does not
 * become. */
static inline uint16_t vmsg__le16(const uint8_t *b) { return (uint16_t)(b[0] | b[1] << 8); }
static inline uint32_t vmsg__le24(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16;
}
static inline uint32_t vmsg__le32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static inline uint64_t vmsg__le64(const uint8_t *b) { return vmsg__le32(b) | (uint64_t)vmsg__le32(b + 4) << 32; }
static inline uint16_t vmsg__be16(const uint8_t *b) { return (uint16_t)(b[0] << 8 | b[1]); }
static inline uint32_t vmsg__be32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

static inline uint8_t vmsg_cur_u8(struct vmsg_cur *c)
{
    const uint8_t *b = vmsg_cur_take(c, 1);
    return b ? b[0] : 0;
}
static inline uint16_t vmsg_cur_le16(struct vmsg_cur *c)
{
    const uint8_t *b = vmsg_cur_take(c, 2);
    return b ? vmsg__le16(b) : 0;
}
static inline uint32_t vmsg_cur_le24(struct vmsg_cur *c)
{
    const uint8_t *b = vmsg_cur_take(c, 3);
    return b ? vmsg__le24(b) : 0;
}
static inline uint32_t vmsg_cur_le32(struct vmsg_cur *c)
{
    const uint8_t *b = vmsg_cur_take(c, 4);
    return b ? vmsg__le32(b) : 0;
}
static inline uint64_t vmsg_cur_le64(struct vmsg_cur *c)
{
    const uint8_t *b = vmsg_cur_take(c, 8);
    return b ? vmsg__le64(b) : 0;
}
static inline uint16_t vmsg_cur_be16(struct vmsg_cur *c)
{
    const uint8_t *b = vmsg_cur_take(c, 2);
    return b ? vmsg__be16(b) : 0;
}
static inline uint32_t vmsg_cur_be32(struct vmsg_cur *c)
{
    const uint8_t *b = vmsg_cur_take(c, 4);
    return b ? vmsg__be32(b) : 0;
}

/* Little-endian stores into a caller buffer the caller sized (encoder side). */
static inline void vmsg_put_le(uint8_t *b, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++, v >>= 8)
        b[i] = (uint8_t)v;
}

#endif
