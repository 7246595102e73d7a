/* Shared declarations of the fuzz targets. Every target defines the libFuzzer
 * entry point; replay_main.c turns it into a plain program when the target is
 * built without libFuzzer. */
#ifndef VMSG_FUZZ_H
#define VMSG_FUZZ_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Name of the input being replayed (set by replay_main.c; NULL under libFuzzer,
 * which names the crashing input itself). */
extern const char *vmsg__fuzz_input;

/* Abort with a message: a broken invariant is a finding, like a crash. */
/* (the GNU attribute too: cppcheck 2.10 does not read C11 _Noreturn) */
_Noreturn void vmsg__fuzz_fail(const char *target, const char *what) __attribute__((noreturn));

/* Write data to a private temporary file (created once per process, rewritten
 * on every call) and return its path, for loaders that only take a path. NULL
 * when the file cannot be written (the input is then skipped). */
const char *vmsg__fuzz_tmpfile(const uint8_t *data, size_t size);

/* Open the capture at path with flags, read every record and decode its
 * message; checks the reader's contract (capread.c). */
void vmsg__fuzz_read_capture(const char *path, unsigned flags);

#endif
