/* Make any bytes safe for a JSON string: jansson refuses invalid UTF-8 and C
 * strings stop at NUL, so both are replaced by visible characters; control
 * bytes stay (the JSON encoder escapes them). Long texts are cut on a
 * character boundary with a marker that says how much is gone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmsg/results.h>

/* Length of the valid UTF-8 sequence at s[0..n), 0 when invalid (overlongs,
 * surrogates and code points above U+10FFFF are invalid). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned cp;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

char *vmsg_results_clean_text(const char *s, size_t len, size_t max, bool keep_tail)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    if (!s)
        len = 0;
    size_t start = 0, end = len, cut = 0;
    if (max && len > max) {
        cut = len - max;
        if (keep_tail) {
            start = cut;
            while (start < len && (p[start] & 0xc0) == 0x80) /* skip a split character */
                start++;
            cut = start;
        } else {
            end = max;
            while (end > 0 && (p[end] & 0xc0) == 0x80)
                end--;
            cut = len - end;
        }
    }
    /* Worst case: every byte becomes a 3-byte replacement character. */
    size_t cap = (end - start) * 3 + 64;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t o = 0;
    if (cut && keep_tail)
        o += (size_t)snprintf(out + o, cap - o, "[... %zu bytes cut] ", cut);
    for (size_t i = start; i < end;) {
        size_t k = p[i] ? utf8_seq(p + i, end - i) : 0;
        if (k) {
            memcpy(out + o, p + i, k);
            o += k;
            i += k;
        } else {
            const char *rep = p[i] ? "\xef\xbf\xbd" : "\xe2\x90\x80"; /* U+FFFD, U+2400 */
            memcpy(out + o, rep, 3);
            o += 3;
            i++;
        }
    }
    if (cut && !keep_tail)
        o += (size_t)snprintf(out + o, cap - o, " [... %zu bytes cut]", cut);
    out[o] = '\0';
    return out;
}
