/* Hex text (as pasted from dumps) to bytes. */
#ifndef VMSG_HEXPARSE_H
#define VMSG_HEXPARSE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/* Parse TEXT: hex byte pairs, optionally separated by spaces, tabs, ':', '-',
 * ',' or '.', an optional leading "0x" per group; '#' starts a comment. Writes
 * at most cap bytes. On error fills err with "column N: problem". */
bool vmsg_hex_parse(const char *text, uint8_t *out, size_t cap, size_t *len, char *err, size_t errlen);
#endif
