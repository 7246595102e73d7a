/* Expectations file: which cases are known to give which verdict, and why.
 *
 *   - case: device.config.*          # fnmatch pattern on case ids
 *     verdict: FAIL                  # FAIL, WARN, ERROR, NA, ...
 *     reason: "generation not implemented yet (ticket 42)"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/engine.h>

#include "util/yamltree.h"

struct vmsg_expectation *vmsg_expectations_load(const char *path, size_t *n, char *err, size_t errlen)
{
    struct vmsg__yaml y;
    char where[300];
    *n = 0;
    if (!vmsg__yaml_load_file(&y, path, err, errlen))
        return NULL;
    vmsg__ynode *root = vmsg__yaml_root(&y);
    if (!vmsg__yaml_is_seq(root)) {
        vmsg__yaml_where(&y, root, where, sizeof where);
        snprintf(err, errlen, "%s: expected a list of {case, verdict, reason}", where);
        vmsg__yaml_free(&y);
        return NULL;
    }
    size_t count = vmsg__yaml_len(root);
    struct vmsg_expectation *e = calloc(count ? count : 1, sizeof *e);
    if (!e) {
        snprintf(err, errlen, "%s: out of memory", path);
        vmsg__yaml_free(&y);
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        vmsg__ynode *item = vmsg__yaml_item(&y, root, i);
        const char *id = vmsg__yaml_str(vmsg__yaml_get(&y, item, "case"));
        vmsg__ynode *vn = vmsg__yaml_get(&y, item, "verdict");
        const char *verdict = vmsg__yaml_str(vn);
        const char *reason = vmsg__yaml_str(vmsg__yaml_get(&y, item, "reason"));
        int v = vmsg_verdict_by_name(verdict);
        if (!id || !verdict || !reason || v < 0 || strlen(id) >= sizeof e[i].case_glob) {
            vmsg__yaml_where(&y, vn && !id ? vn : item, where, sizeof where);
            snprintf(err, errlen, "%s: %s", where,
                     !id ? "missing 'case'"
                     : !verdict ? "missing 'verdict'"
                     : v < 0 ? "verdict must be PASS, FAIL, WARN, INFO, NA, SKIP or ERROR"
                     : !reason ? "missing 'reason' (say why the verdict is expected)"
                               : "case pattern too long");
            free(e);
            vmsg__yaml_free(&y);
            return NULL;
        }
        snprintf(e[i].case_glob, sizeof e[i].case_glob, "%s", id);
        snprintf(e[i].reason, sizeof e[i].reason, "%s", reason);
        e[i].verdict = (enum vmsg_verdict)v;
    }
    *n = count;
    vmsg__yaml_free(&y);
    return e;
}
