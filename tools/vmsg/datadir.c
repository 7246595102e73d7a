/* See datadir.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datadir.h"

#ifndef VMSG_DATADIR_REL
#define VMSG_DATADIR_REL "../share/vmsg"
#endif

bool vmsg__datadir(char *out, size_t cap)
{
    const char *env = getenv("VMSG_DATADIR");
    if (env && *env) {
        snprintf(out, cap, "%s", env);
        return true;
    }
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash)
        return false;
    *slash = 0;
    int w = snprintf(out, cap, "%s/%s", exe, VMSG_DATADIR_REL);
    return w > 0 && (size_t)w < cap && access(out, R_OK | X_OK) == 0;
}

void vmsg__personality_path(const char *arg, char *out, size_t cap)
{
    snprintf(out, cap, "%s", arg);
    char dir[4096];
    if (access(arg, R_OK) == 0 || strchr(arg, '/') || !vmsg__datadir(dir, sizeof dir))
        return;
    static const char *const sfx[] = {"", ".yaml"};
    for (size_t i = 0; i < 2; i++) {
        char p[4096 + 256];
        int w = snprintf(p, sizeof p, "%s/personalities/%s%s", dir, arg, sfx[i]);
        if (w > 0 && (size_t)w < sizeof p && access(p, R_OK) == 0) {
            snprintf(out, cap, "%s", p);
            return;
        }
    }
}
