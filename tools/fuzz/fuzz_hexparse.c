/* Fuzz target: vmsg_hex_parse, the hex text reader of `vmsg decode` and of
 * vector files.
 *
 * The input is the text (made NUL-terminated). Checked: the output never
 * exceeds the cap (a small and a large one), an error always has a text, and
 * a successful parse round-trips: the bytes printed as hex parse back to the
 * same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/hexparse.h>

#include "fuzz.h"

#define SMALL_CAP 16
#define LARGE_CAP 4096

/* Guard bytes after the small buffer catch writes past cap even without ASan. */
struct small_out {
    uint8_t b[SMALL_CAP];
    uint8_t guard[16];
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    uint8_t *out = malloc(LARGE_CAP);
    if (!text || !out) {
        free(text);
        free(out);
        return 0;
    }
    memcpy(text, data, size);
    text[size] = 0;

    char err[128];
    size_t len = 12345;
    struct small_out s;
    memset(s.guard, 0xa5, sizeof s.guard);
    err[0] = 0;
    bool ok = vmsg_hex_parse(text, s.b, SMALL_CAP, &len, err, sizeof err);
    for (size_t i = 0; i < sizeof s.guard; i++)
        if (s.guard[i] != 0xa5)
            vmsg__fuzz_fail("hexparse", "wrote past cap");
    if (ok ? len > SMALL_CAP : (len != 0 || !err[0]))
        vmsg__fuzz_fail("hexparse", "small cap: bad length or missing error text");

    err[0] = 0;
    ok = vmsg_hex_parse(text, out, LARGE_CAP, &len, err, sizeof err);
    if (ok ? len > LARGE_CAP : (len != 0 || !err[0]))
        vmsg__fuzz_fail("hexparse", "large cap: bad length or missing error text");
    /* A tiny error buffer must be enough to not overflow. */
    size_t len2;
    char tiny[4];
    (void)vmsg_hex_parse(text, out, LARGE_CAP, &len2, tiny, sizeof tiny);

    if (ok) {
        char *hex = malloc(len * 3 + 1);
        uint8_t *back = malloc(len ? len : 1);
        if (hex && back) {
            for (size_t i = 0; i < len; i++)
                snprintf(hex + 3 * i, 4, "%02x ", out[i]);
            hex[len * 3] = 0;
            size_t blen;
            if (!vmsg_hex_parse(hex, back, len, &blen, err, sizeof err) || blen != len ||
                (len && memcmp(back, out, len)))
                vmsg__fuzz_fail("hexparse", "hex of the parsed bytes does not parse back to them");
        }
        free(hex);
        free(back);
    }
    free(text);
    free(out);
    return 0;
}
