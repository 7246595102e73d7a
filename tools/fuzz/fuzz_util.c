/* Helpers shared by the fuzz targets (see fuzz.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

const char *vmsg__fuzz_input;

_Noreturn void vmsg__fuzz_fail(const char *target, const char *what)
{
    fprintf(stderr, "%s: fuzz %s: invariant broken: %s\n", vmsg__fuzz_input ? vmsg__fuzz_input : "input",
            target, what);
    abort();
}

static char tmp_path[256];

static void remove_tmp(void)
{
    if (tmp_path[0])
        unlink(tmp_path);
}

const char *vmsg__fuzz_tmpfile(const uint8_t *data, size_t size)
{
    if (!tmp_path[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(tmp_path, sizeof tmp_path, "%s/vmsg-fuzz-XXXXXX", dir && *dir ? dir : "/tmp");
        int fd = mkstemp(tmp_path);
        if (fd < 0) {
            tmp_path[0] = 0;
            return NULL;
        }
        close(fd);
        atexit(remove_tmp);
    }
    FILE *f = fopen(tmp_path, "wb");
    if (!f)
        return NULL;
    size_t w = size ? fwrite(data, 1, size, f) : 0;
    if (fclose(f) != 0 || w != size)
        return NULL;
    return tmp_path;
}
