/* The exchange of a case as a ladder (sequence) diagram in inline SVG. */
#ifndef VMSG_REPORT_LADDER_H
#define VMSG_REPORT_LADDER_H

#include <stdio.h>

#include "report.h"

/* Lanes driver | bus | device; one arrow per frame labelled "n summary";
 * the failing message in red. At most VMSG__LADDER_MAX frames are drawn. */
#define VMSG__LADDER_MAX 200
void vmsg__ladder_svg(FILE *out, const struct vmsg_rep_case *c);

#endif
