/* Escapers for the writers: everything that came from a results file (and so
 * possibly from the implementation under test) goes through one of these. */
#ifndef VMSG_REPORT_ESCAPE_H
#define VMSG_REPORT_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* XML/HTML text and attribute values: & < > " ' escaped; control characters
 * (other than tab and newline) and U+FFFE/U+FFFF shown as "\xNN" text.
 * max: bytes of s to print (0: all), cut on a character boundary with "...". */
void vmsg__xml(FILE *out, const char *s, size_t max);
/* Same, but newlines and tabs become spaces (one-line attributes, labels). */
void vmsg__xml_line(FILE *out, const char *s, size_t max);
/* YAML double-quoted scalar, quotes included. */
void vmsg__yaml_dq(FILE *out, const char *s);
/* Markdown inline text: HTML-escaped, markdown punctuation backslashed,
 * newlines as spaces. */
void vmsg__md(FILE *out, const char *s, size_t max);
/* One line for TAP descriptions: '#' and '\' backslashed, control bytes as spaces. */
void vmsg__tap_line(FILE *out, const char *s);

#endif
