/* See vecindex.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/hexparse.h>

#include "vecindex.h"

int vx_load(struct vx_index *ix, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open", path);
        return -1;
    }
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char *line = NULL;
    size_t cap = 0;
    unsigned long lineno = 0;
    int rc = 0;
    while (getline(&line, &cap, f) > 0) {
        lineno++;
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#')
            continue;
        struct vx *nv = realloc(ix->v, (ix->n + 1) * sizeof *ix->v);
        if (!nv) {
            snprintf(err, errlen, "%s:%lu: out of memory", base, lineno);
            rc = -1;
            break;
        }
        ix->v = nv;
        struct vx *v = &ix->v[ix->n];
        memset(v, 0, sizeof *v);
        snprintf(v->where, sizeof v->where, "%s:%lu", base, lineno);
        char *s = strdup(line);
        unsigned k = 0;
        for (char *p = s; k < VX_NCOLS; k++) {
            v->col[k] = p;
            char *tab = strchr(p, '\t');
            if (!tab) {
                k++;
                break;
            }
            *tab = 0;
            p = tab + 1;
        }
        char hexerr[120];
        if (k != VX_NCOLS) {
            snprintf(err, errlen, "%s: expected %d tab-separated columns, got %u", v->where, VX_NCOLS, k);
            free(s);
            rc = -1;
            break;
        }
        if (!vmsg_hex_parse(v->col[VX_HEX], v->bytes, sizeof v->bytes, &v->len, hexerr, sizeof hexerr)) {
            snprintf(err, errlen, "%s: hex: %s", v->where, hexerr);
            free(s);
            rc = -1;
            break;
        }
        ix->n++;
    }
    free(line);
    fclose(f);
    return rc;
}

const struct vx *vx_find(const struct vx_index *ix, const char *id)
{
    for (size_t i = 0; i < ix->n; i++)
        if (!strcmp(ix->v[i].col[VX_ID], id))
            return &ix->v[i];
    return NULL;
}

void vx_free(struct vx_index *ix)
{
    for (size_t i = 0; i < ix->n; i++)
        free(ix->v[i].col[0]);
    free(ix->v);
    ix->v = NULL;
    ix->n = 0;
}
