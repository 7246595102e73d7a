/* Internals of the results writer (harness/results/). */
#ifndef VMSG_RESULTS_INTERNAL_H
#define VMSG_RESULTS_INTERNAL_H

#include <jansson.h>

#include <vmsg/results.h>

/* json string from any bytes (cleaned, capped); NULL when out of memory. */
json_t *vmsg__json_text(const char *s, size_t len, size_t max, bool keep_tail);
/* Write root to path atomically: path.tmp, fsync (unless no_fsync), rename,
 * fsync of the directory. Returns 0, or -1 with err filled. */
int vmsg__json_write_atomic(json_t *root, const char *path, size_t flags, bool no_fsync,
                            char *err, size_t errlen);
/* Dump flags of every results file. */
#define VMSG__RESULTS_DUMP_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(12))

#endif
