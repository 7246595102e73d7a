/* yamltree: a thin layer over libyaml's document API with errors that name
 * file:line:column. Shared by the schema generator, the clause catalog and
 * the personality / expectations loaders. Internal (vmsg__ prefix). */
#ifndef VMSG_UTIL_YAMLTREE_H
#define VMSG_UTIL_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

struct vmsg__yaml {
    yaml_document_t doc;
    char path[256];
    bool loaded;
};

typedef yaml_node_t vmsg__ynode;

/* Largest YAML input the loaders accept (files and buffers): catalogs,
 * personalities and expectations are a few hundred KiB at most; the cap keeps
 * a wrong or hostile path (/dev/zero, a huge file) from exhausting memory. */
#define VMSG__YAML_MAX_BYTES (16u << 20)

/* Load FILE (or a memory buffer) as one YAML document. On failure writes
 * "path:line:col: problem" into err and returns false. Inputs larger than
 * VMSG__YAML_MAX_BYTES are refused ("path: larger than N bytes"). */
bool vmsg__yaml_load_file(struct vmsg__yaml *y, const char *path, char *err, size_t errlen);
bool vmsg__yaml_load_mem(struct vmsg__yaml *y, const char *name, const void *buf, size_t len,
                         char *err, size_t errlen);
void vmsg__yaml_free(struct vmsg__yaml *y);

vmsg__ynode *vmsg__yaml_root(struct vmsg__yaml *y);
/* Mapping lookup; NULL when absent or when n is not a mapping. */
vmsg__ynode *vmsg__yaml_get(struct vmsg__yaml *y, vmsg__ynode *n, const char *key);
/* Sequence / mapping iteration: count and item i (for mappings, key and value). */
size_t vmsg__yaml_len(vmsg__ynode *n);
vmsg__ynode *vmsg__yaml_item(struct vmsg__yaml *y, vmsg__ynode *n, size_t i);
vmsg__ynode *vmsg__yaml_key(struct vmsg__yaml *y, vmsg__ynode *n, size_t i);
vmsg__ynode *vmsg__yaml_val(struct vmsg__yaml *y, vmsg__ynode *n, size_t i);

bool vmsg__yaml_is_map(vmsg__ynode *n);
bool vmsg__yaml_is_seq(vmsg__ynode *n);
/* Scalar text (NUL-terminated by libyaml) or NULL when n is not a scalar. */
const char *vmsg__yaml_str(vmsg__ynode *n);
/* Parse an integer scalar (decimal, 0x hex, 0b binary). */
bool vmsg__yaml_u64(vmsg__ynode *n, uint64_t *out);
bool vmsg__yaml_bool(vmsg__ynode *n, bool *out);

/* "path:line:col" of a node, for error messages. */
void vmsg__yaml_where(const struct vmsg__yaml *y, const vmsg__ynode *n, char *buf, size_t len);

#endif
