/* Escapers shared by the writers. Input strings are valid UTF-8 (jansson
 * checks on load); they may still hold any control character. */
#include <string.h>

#include "escape.h"

static size_t cut_at(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (!max || n <= max)
        return n;
    while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
        max--;
    return max;
}

static void xml_n(FILE *out, const char *s, size_t max, int oneline)
{
    size_t n = cut_at(s, max);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        case '\n':
        case '\t': fputc(oneline ? ' ' : c, out); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                fprintf(out, "\\x%02x", c);
            } else if (c == 0xef && i + 2 < n && (unsigned char)s[i + 1] == 0xbf &&
                       ((unsigned char)s[i + 2] == 0xbe || (unsigned char)s[i + 2] == 0xbf)) {
                fputs("\xef\xbf\xbd", out); /* U+FFFE/U+FFFF are not XML characters */
                i += 2;
            } else {
                fputc(c, out);
            }
        }
    }
    if (n < strlen(s))
        fputs("...", out);
}

void vmsg__xml(FILE *out, const char *s, size_t max)
{
    xml_n(out, s ? s : "", max, 0);
}

void vmsg__xml_line(FILE *out, const char *s, size_t max)
{
    xml_n(out, s ? s : "", max, 1);
}

void vmsg__yaml_dq(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\x%02x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

void vmsg__md(FILE *out, const char *s, size_t max)
{
    s = s ? s : "";
    size_t n = cut_at(s, max);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '&')
            fputs("&amp;", out);
        else if (c == '<')
            fputs("&lt;", out);
        else if (c == '>')
            fputs("&gt;", out);
        else if (c < 0x20 || c == 0x7f)
            fputc(' ', out);
        else if (strchr("\\`*_[]{}()#+!|~", c))
            fprintf(out, "\\%c", c);
        else
            fputc(c, out);
    }
    if (n < strlen(s))
        fputs("...", out);
}

void vmsg__tap_line(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '#' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fputc(' ', out);
        else
            fputc(*p, out);
    }
}
