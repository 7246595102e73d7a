/* Text normalization and hashing of spec bullets (definition in spec/README.md).
 * Shared by spec-lint (which hashes the .tex) and the tests. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"

char *vmsg__clause_normalize(const char *tex, size_t len)
{
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    bool space = true; /* drop leading whitespace */
#define PUT(ch)                                                                                \
    do {                                                                                       \
        if ((ch) == ' ') {                                                                     \
            space = true;                                                                      \
        } else {                                                                               \
            if (space && o > 0)                                                                \
                out[o++] = ' ';                                                                \
            space = false;                                                                     \
            out[o++] = (ch);                                                                   \
        }                                                                                      \
    } while (0)
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)tex[i];
        if (c == '%') { /* comment to end of line */
            while (i < len && tex[i] != '\n')
                i++;
            PUT(' ');
        } else if (c == '\\') {
            if (i + 1 >= len)
                break;
            unsigned char n = (unsigned char)tex[i + 1];
            if (isalpha(n)) { /* control word: dropped */
                i++;
                while (i + 1 < len && isalpha((unsigned char)tex[i + 1]))
                    i++;
            } else if (strchr("_%&#{}$", n)) {
                PUT((char)n);
                i++;
            } else { /* \\, "\ ", \, and friends: a space */
                PUT(' ');
                i++;
            }
        } else if (c == '{' || c == '}' || c == '$') {
            /* grouping and math delimiters carry no words */
        } else if (c == '~' || isspace(c)) {
            PUT(' ');
        } else {
            PUT((char)c);
        }
    }
#undef PUT
    out[o] = '\0';
    return out;
}

uint64_t vmsg__fnv1a64(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

void vmsg__clause_hash(const char *normalized, char out[17])
{
    static const char hex[] = "0123456789abcdef";
    uint64_t h = vmsg__fnv1a64(normalized, strlen(normalized));
    for (int i = 15; i >= 0; i--) {
        out[i] = hex[h & 0xf];
        h >>= 4;
    }
    out[16] = '\0';
}

static bool is_word(unsigned char c)
{
    return isalnum(c) || c == '_';
}

/* Next word of s starting at *pos: returns its start and length (0 at end). */
static size_t next_word(const char *s, size_t *pos, size_t *start)
{
    size_t i = *pos;
    while (s[i] && !is_word((unsigned char)s[i]))
        i++;
    *start = i;
    while (s[i] && is_word((unsigned char)s[i]))
        i++;
    *pos = i;
    return i - *start;
}

static bool word_is(const char *s, size_t start, size_t n, const char *w)
{
    return strlen(w) == n && !memcmp(s + start, w, n);
}

/* Is the next word (separated by spaces only) equal to w? */
static bool followed_by(const char *s, size_t pos, const char *w)
{
    size_t i = pos;
    if (s[i] != ' ')
        return false;
    while (s[i] == ' ')
        i++;
    size_t n = strlen(w);
    return !strncmp(s + i, w, n) && !is_word((unsigned char)s[i + n]);
}

size_t vmsg__clause_keywords(const char *s, enum vmsg_level *out, size_t cap)
{
    size_t found = 0, pos = 0, st = 0, n;
    while ((n = next_word(s, &pos, &st)) > 0) {
        enum vmsg_level l = VMSG_LEVEL_MAY;
        bool hit = true;
        if (word_is(s, st, n, "MUST") || word_is(s, st, n, "SHOULD") ||
            word_is(s, st, n, "SHALL")) {
            bool neg = followed_by(s, pos, "NOT");
            char w[8] = {0};
            memcpy(w, s + st, n);
            l = !strcmp(w, "MUST")     ? (neg ? VMSG_LEVEL_MUST_NOT : VMSG_LEVEL_MUST)
                : !strcmp(w, "SHOULD") ? (neg ? VMSG_LEVEL_SHOULD_NOT : VMSG_LEVEL_SHOULD)
                                       : (neg ? VMSG_LEVEL_SHALL_NOT : VMSG_LEVEL_SHALL);
            if (neg)
                next_word(s, &pos, &st);
        } else if (word_is(s, st, n, "NOT") && followed_by(s, pos, "RECOMMENDED")) {
            l = VMSG_LEVEL_NOT_RECOMMENDED;
            next_word(s, &pos, &st);
        } else if (word_is(s, st, n, "MAY")) {
            l = VMSG_LEVEL_MAY;
        } else if (word_is(s, st, n, "REQUIRED")) {
            l = VMSG_LEVEL_REQUIRED;
        } else if (word_is(s, st, n, "RECOMMENDED")) {
            l = VMSG_LEVEL_RECOMMENDED;
        } else if (word_is(s, st, n, "OPTIONAL")) {
            l = VMSG_LEVEL_OPTIONAL;
        } else {
            hit = false;
        }
        if (hit) {
            if (found < cap)
                out[found] = l;
            found++;
        }
    }
    return found;
}
