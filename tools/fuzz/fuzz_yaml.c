/* Fuzz target: yamltree, the libyaml wrapper under every YAML loader (schema
 * generator, catalog, expectations, personalities), loaded from memory and
 * walked completely: every node's accessors and its file:line:col. */
#include <stdio.h>

#include "fuzz.h"
#include "util/yamltree.h"

/* Aliases share nodes (and `&a [*a]` is a cycle): bound depth and visits so
 * that a small input cannot make the walk itself exponential. */
struct budget {
    size_t visits;
};

static void walk(struct vmsg__yaml *y, vmsg__ynode *n, unsigned depth, struct budget *bu)
{
    char where[300];
    uint64_t u;
    bool b;
    if (!n || depth > 64 || bu->visits >= 100000)
        return;
    bu->visits++;
    vmsg__yaml_where(y, n, where, sizeof where);
    (void)vmsg__yaml_str(n);
    (void)vmsg__yaml_u64(n, &u);
    (void)vmsg__yaml_bool(n, &b);
    size_t len = vmsg__yaml_len(n);
    if (vmsg__yaml_is_seq(n)) {
        for (size_t i = 0; i < len; i++)
            walk(y, vmsg__yaml_item(y, n, i), depth + 1, bu);
        if (vmsg__yaml_item(y, n, len))
            vmsg__fuzz_fail("yaml", "item past the end");
    } else if (vmsg__yaml_is_map(n)) {
        for (size_t i = 0; i < len; i++) {
            vmsg__ynode *k = vmsg__yaml_key(y, n, i);
            const char *ks = vmsg__yaml_str(k);
            if (ks && !vmsg__yaml_get(y, n, ks))
                vmsg__fuzz_fail("yaml", "a mapping key is not found by vmsg__yaml_get");
            walk(y, k, depth + 1, bu);
            walk(y, vmsg__yaml_val(y, n, i), depth + 1, bu);
        }
    } else if (len) {
        vmsg__fuzz_fail("yaml", "a scalar has a length");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vmsg__yaml y;
    char err[512];
    err[0] = 0;
    if (!vmsg__yaml_load_mem(&y, "fuzz.yaml", data, size, err, sizeof err)) {
        if (!err[0])
            vmsg__fuzz_fail("yaml", "failed load without an error text");
        vmsg__yaml_free(&y);
        return 0;
    }
    struct budget bu = {0};
    walk(&y, vmsg__yaml_root(&y), 0, &bu);
    vmsg__yaml_free(&y);
    return 0;
}
