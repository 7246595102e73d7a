/* Loader of the message vector index (vectors/<name>.tsv), for the wire tests. */
#ifndef VMSG_TEST_VECINDEX_H
#define VMSG_TEST_VECINDEX_H

#include <stddef.h>
#include <stdint.h>

enum { VX_ID, VX_PROFILE, VX_BINDING, VX_MESSAGE, VX_OUTCOME, VX_RULE, VX_CLAUSE, VX_FIELD, VX_TWIN, VX_FIELDS,
       VX_HEX, VX_WHY, VX_NCOLS };

struct vx {
    char *col[VX_NCOLS];
    char where[160];        /* file:line */
    uint8_t bytes[1024];
    size_t len;
};

struct vx_index {
    struct vx *v;
    size_t n;
};

/* Load PATH and append its vectors; returns 0, or -1 with err filled as
 * "file:line: problem". */
int vx_load(struct vx_index *ix, const char *path, char *err, size_t errlen);
const struct vx *vx_find(const struct vx_index *ix, const char *id);
void vx_free(struct vx_index *ix);

#endif
