/* Internal helpers of the clause catalog, shared with vmsg-gen and spec-lint
 * (which compile catalog_names.c, catalog_load.c and normalize.c directly). */
#ifndef VMSG_CATALOG_INTERNAL_H
#define VMSG_CATALOG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "vmsg/catalog.h"

/* The common prefix of every v1 label; the catalog stores labels without it. */
#define VMSG__LABEL_PREFIX "Virtio Transport Options / Virtio Over Messages / "

/* Normalize LaTeX source text of one bullet or sentence (see spec/README.md):
 * comments dropped, a leading \item dropped, control words dropped, escaped
 * characters kept, braces and $ dropped, ~ and \\ become spaces, whitespace
 * collapsed, trimmed. Returns a malloc'd string (NULL out of memory). */
char *vmsg__clause_normalize(const char *tex, size_t len);
/* FNV-1a 64-bit of s, as 16 lowercase hex digits plus NUL. */
uint64_t vmsg__fnv1a64(const char *s, size_t len);
void vmsg__clause_hash(const char *normalized, char out[17]);
/* RFC 2119 keywords of normalized text, in order ("MUST NOT" is one keyword).
 * Writes up to cap levels to out and returns how many were found. */
size_t vmsg__clause_keywords(const char *normalized, enum vmsg_level *out, size_t cap);

#endif
