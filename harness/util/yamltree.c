/* yamltree: see yamltree.h. */
#include "yamltree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_path(struct vmsg__yaml *y, const char *path)
{
    snprintf(y->path, sizeof y->path, "%s", path ? path : "<yaml>");
}

static bool finish_load(struct vmsg__yaml *y, yaml_parser_t *p, char *err, size_t errlen)
{
    memset(&y->doc, 0, sizeof y->doc);
    if (!yaml_parser_load(p, &y->doc)) {
        snprintf(err, errlen, "%s:%zu:%zu: %s%s%s", y->path, p->problem_mark.line + 1,
                 p->problem_mark.column + 1, p->problem ? p->problem : "invalid YAML",
                 p->context ? " " : "", p->context ? p->context : "");
        yaml_parser_delete(p);
        return false;
    }
    yaml_parser_delete(p);
    if (!yaml_document_get_root_node(&y->doc)) {
        snprintf(err, errlen, "%s:1:1: empty YAML document", y->path);
        yaml_document_delete(&y->doc);
        return false;
    }
    y->loaded = true;
    return true;
}

/* File input through a counting read handler, so that the size cap holds for
 * pipes and devices too, not only for regular files. */
struct capped_input {
    FILE *f;
    size_t total;
    bool over;
};

static int capped_read(void *data, unsigned char *buf, size_t size, size_t *size_read)
{
    struct capped_input *in = data;
    size_t n = fread(buf, 1, size, in->f);
    *size_read = n;
    if (n == 0 && ferror(in->f))
        return 0;
    in->total += n;
    if (in->total > VMSG__YAML_MAX_BYTES) {
        in->over = true;
        return 0;
    }
    return 1;
}

bool vmsg__yaml_load_file(struct vmsg__yaml *y, const char *path, char *err, size_t errlen)
{
    memset(y, 0, sizeof *y);
    set_path(y, path);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        fclose(f);
        snprintf(err, errlen, "%s: out of memory", path);
        return false;
    }
    struct capped_input in = {f, 0, false};
    yaml_parser_set_input(&p, capped_read, &in);
    bool ok = finish_load(y, &p, err, errlen);
    fclose(f);
    if (!ok && in.over)
        snprintf(err, errlen, "%s: larger than %u bytes", path, VMSG__YAML_MAX_BYTES);
    return ok;
}

bool vmsg__yaml_load_mem(struct vmsg__yaml *y, const char *name, const void *buf, size_t len,
                         char *err, size_t errlen)
{
    memset(y, 0, sizeof *y);
    set_path(y, name);
    if (len > VMSG__YAML_MAX_BYTES) {
        snprintf(err, errlen, "%s: larger than %u bytes", y->path, VMSG__YAML_MAX_BYTES);
        return false;
    }
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        snprintf(err, errlen, "%s: out of memory", y->path);
        return false;
    }
    yaml_parser_set_input_string(&p, buf, len);
    return finish_load(y, &p, err, errlen);
}

void vmsg__yaml_free(struct vmsg__yaml *y)
{
    if (y->loaded)
        yaml_document_delete(&y->doc);
    y->loaded = false;
}

vmsg__ynode *vmsg__yaml_root(struct vmsg__yaml *y)
{
    return y->loaded ? yaml_document_get_root_node(&y->doc) : NULL;
}

bool vmsg__yaml_is_map(vmsg__ynode *n) { return n && n->type == YAML_MAPPING_NODE; }
bool vmsg__yaml_is_seq(vmsg__ynode *n) { return n && n->type == YAML_SEQUENCE_NODE; }

const char *vmsg__yaml_str(vmsg__ynode *n)
{
    return (n && n->type == YAML_SCALAR_NODE) ? (const char *)n->data.scalar.value : NULL;
}

size_t vmsg__yaml_len(vmsg__ynode *n)
{
    if (vmsg__yaml_is_seq(n))
        return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (vmsg__yaml_is_map(n))
        return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    return 0;
}

vmsg__ynode *vmsg__yaml_item(struct vmsg__yaml *y, vmsg__ynode *n, size_t i)
{
    if (!vmsg__yaml_is_seq(n) || i >= vmsg__yaml_len(n))
        return NULL;
    return yaml_document_get_node(&y->doc, n->data.sequence.items.start[i]);
}

vmsg__ynode *vmsg__yaml_key(struct vmsg__yaml *y, vmsg__ynode *n, size_t i)
{
    if (!vmsg__yaml_is_map(n) || i >= vmsg__yaml_len(n))
        return NULL;
    return yaml_document_get_node(&y->doc, n->data.mapping.pairs.start[i].key);
}

vmsg__ynode *vmsg__yaml_val(struct vmsg__yaml *y, vmsg__ynode *n, size_t i)
{
    if (!vmsg__yaml_is_map(n) || i >= vmsg__yaml_len(n))
        return NULL;
    return yaml_document_get_node(&y->doc, n->data.mapping.pairs.start[i].value);
}

vmsg__ynode *vmsg__yaml_get(struct vmsg__yaml *y, vmsg__ynode *n, const char *key)
{
    size_t len = vmsg__yaml_len(n);
    if (!vmsg__yaml_is_map(n))
        return NULL;
    for (size_t i = 0; i < len; i++) {
        const char *k = vmsg__yaml_str(vmsg__yaml_key(y, n, i));
        if (k && strcmp(k, key) == 0)
            return vmsg__yaml_val(y, n, i);
    }
    return NULL;
}

bool vmsg__yaml_u64(vmsg__ynode *n, uint64_t *out)
{
    const char *s = vmsg__yaml_str(n);
    if (!s || !*s || *s == '-')
        return false;
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    } else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
        base = 2;
        s += 2;
    }
    if (!*s)
        return false;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, base);
    if (errno || !end || *end)
        return false;
    *out = (uint64_t)v;
    return true;
}

bool vmsg__yaml_bool(vmsg__ynode *n, bool *out)
{
    const char *s = vmsg__yaml_str(n);
    if (!s)
        return false;
    if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on")) {
        *out = true;
        return true;
    }
    if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off")) {
        *out = false;
        return true;
    }
    return false;
}

void vmsg__yaml_where(const struct vmsg__yaml *y, const vmsg__ynode *n, char *buf, size_t len)
{
    if (!n)
        snprintf(buf, len, "%s", y->path);
    else
        snprintf(buf, len, "%s:%zu:%zu", y->path, n->start_mark.line + 1, n->start_mark.column + 1);
}
