/* Ladder diagrams: fixed geometry, no script, text escaped like HTML. */
#include <string.h>

#include "escape.h"
#include "ladder.h"

#define W 820
#define ROW 30
#define TOP 40

static int lane_x(const char *who)
{
    if (!strcmp(who, "driver"))
        return 110;
    if (!strcmp(who, "device"))
        return 710;
    return 410; /* bus, and anything unknown */
}

void vmsg__ladder_svg(FILE *out, const struct vmsg_rep_case *c)
{
    size_t n = c->nframes > VMSG__LADDER_MAX ? VMSG__LADDER_MAX : c->nframes;
    int h = TOP + (int)n * ROW + 20;
    fprintf(out, "<svg class=\"lad\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                 "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"message ladder\">\n",
            W, h, W, h);
    static const char *const lanes[] = {"driver", "bus", "device"};
    for (size_t i = 0; i < 3; i++) {
        int lx = lane_x(lanes[i]);
        fprintf(out, "<text x=\"%d\" y=\"16\" text-anchor=\"middle\">%s</text>"
                     "<line class=\"lane\" x1=\"%d\" y1=\"24\" x2=\"%d\" y2=\"%d\"/>\n",
                lx, lanes[i], lx, lx, h - 4);
    }
    for (size_t i = 0; i < n; i++) {
        const struct vmsg_rep_frame *f = &c->frames[i];
        int y = TOP + (int)i * ROW + 18;
        int x1 = lane_x(f->from), x2 = lane_x(f->to);
        const char *cls = f->failing ? "ar fail" : "ar";
        fprintf(out, "<g class=\"msg%s\" data-n=\"%lu\">", f->failing ? " failing" : "", f->n);
        if (x1 == x2) { /* same lane (unknown direction): a short loop */
            fprintf(out, "<polyline class=\"%s\" fill=\"none\" points=\"%d,%d %d,%d %d,%d\"/>",
                    cls, x1, y - 6, x1 + 30, y - 6, x1 + 30, y);
            x2 = x1 + 4;
            x1 = x1 + 30;
        } else {
            fprintf(out, "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", cls, x1, y,
                    x2, y);
        }
        int d = x2 > x1 ? -8 : 8; /* arrow head at the receiver */
        fprintf(out, "<polygon class=\"%s\" points=\"%d,%d %d,%d %d,%d\"/>", cls, x2, y, x2 + d,
                y - 4, x2 + d, y + 4);
        int tx = (lane_x(f->from) + lane_x(f->to)) / 2;
        fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\"%s>%lu ", tx, y - 4,
                f->failing ? " class=\"fail\"" : "", f->n);
        vmsg__xml_line(out, f->summary, 90);
        fputs("</text></g>\n", out);
    }
    if (n < c->nframes)
        fprintf(out, "<text x=\"10\" y=\"%d\">%zu more frames not drawn</text>\n", h - 6,
                c->nframes - n);
    fputs("</svg>\n", out);
}
