/* JSON writer: the loaded document again, in the canonical layout of the
 * results writer (2-space indent, key order kept), so that two files with the
 * same content compare equal byte for byte. */
#include <jansson.h>

#include "report.h"

int vmsg_report_write_json(const struct vmsg_report *rep, FILE *out)
{
    if (json_dumpf(rep->priv, out, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) != 0)
        return -1;
    return fputc('\n', out) == EOF ? -1 : 0;
}
