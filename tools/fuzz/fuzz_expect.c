/* Fuzz target: the expectations loader of the case runner
 * (vmsg_expectations_load), fed YAML through a private temporary file. */
#include <stdlib.h>
#include <string.h>

#include <vmsg/engine.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = vmsg__fuzz_tmpfile(data, size);
    if (!path)
        return 0;
    char err[512];
    err[0] = 0;
    size_t n = 777;
    struct vmsg_expectation *e = vmsg_expectations_load(path, &n, err, sizeof err);
    if (!e) {
        if (n != 0 || !err[0])
            vmsg__fuzz_fail("expect", "failed load without an error text or with entries");
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (strlen(e[i].case_glob) >= sizeof e[i].case_glob || e[i].verdict >= VMSG_VERDICT_COUNT)
            vmsg__fuzz_fail("expect", "loaded entry out of range");
    free(e);
    return 0;
}
