/* vmsg_hex_parse: see vmsg/hexparse.h. */
#include <ctype.h>
#include <stdio.h>

#include <vmsg/hexparse.h>

static int nib(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool is_sep(char c) { return c == ' ' || c == '\t' || c == ':' || c == '-' || c == ',' || c == '.'; }

bool vmsg_hex_parse(const char *text, uint8_t *out, size_t cap, size_t *len, char *err, size_t errlen)
{
    size_t n = 0;
    const char *s = text;
    *len = 0;
    while (*s && *s != '#' && *s != '\n' && *s != '\r') {
        if (is_sep(*s)) {
            s++;
            continue;
        }
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && nib(s[2]) >= 0) {
            s += 2;
            continue;
        }
        int hi = nib(s[0]);
        if (hi < 0) {
            snprintf(err, errlen, "column %zu: '%c' is not a hex digit", (size_t)(s - text) + 1,
                     isprint((unsigned char)s[0]) ? s[0] : '?');
            return false;
        }
        int lo = nib(s[1]);
        if (lo < 0) {
            snprintf(err, errlen, "column %zu: odd number of hex digits", (size_t)(s - text) + 1);
            return false;
        }
        if (n >= cap) {
            snprintf(err, errlen, "column %zu: more than %zu bytes", (size_t)(s - text) + 1, cap);
            return false;
        }
        out[n++] = (uint8_t)(hi << 4 | lo);
        s += 2;
    }
    *len = n;
    return true;
}
