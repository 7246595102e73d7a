/* Inside the replay engine. */
#ifndef VMSG_REPLAY_INTERNAL_H
#define VMSG_REPLAY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmsg/replay.h>

/* Compare a recorded message with the one received; false when they match
 * (ignoring what o->ignore says), else the first difference in d. */
bool vmsg__replay_compare(const struct vmsg_replay_opts *o, const uint8_t *exp, size_t elen, const uint8_t *got,
                          size_t glen, struct vmsg_replay_divergence *d);

#endif
