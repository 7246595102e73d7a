/* Internal helpers shared by the codec's files. */
#ifndef VMSG_WIRE_INTERNAL_H
#define VMSG_WIRE_INTERNAL_H
#include <vmsg/wire.h>
/* Bytes taken by variable field f when its sizing field holds count. */
uint64_t vmsg__var_bytes(const struct vmsg_fielddef *f, uint64_t count);
#endif
