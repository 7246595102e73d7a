/* Installed data files (share/vmsg: spec YAML, refdev personalities), found
 * relative to the running binary so that an installed tree can be moved;
 * VMSG_DATADIR overrides (build trees, tests). */
#ifndef VMSG_TOOL_DATADIR_H
#define VMSG_TOOL_DATADIR_H

#include <stdbool.h>
#include <stddef.h>

/* The data directory, or false when it cannot be found. */
bool vmsg__datadir(char *out, size_t cap);

/* A personality argument: an existing file as given, else NAME or NAME.yaml
 * in DATADIR/personalities when NAME has no '/'. Writes the path to use
 * (the argument itself when nothing better is found). */
void vmsg__personality_path(const char *arg, char *out, size_t cap);

#endif
