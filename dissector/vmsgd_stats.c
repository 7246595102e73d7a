/* Tap "virtio-msg" and the stats tree behind `tshark -z virtio-msg,tree`:
 * messages per name and kind, per direction, per device, and response
 * times (count, average, min, max in milliseconds). */
#include <stdio.h>

#include <epan/packet.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>

#include "vmsgd.h"

static int tap_id = -1;
static const char *const st_types = "Messages by type";
static const char *const st_dir = "Messages by direction";
static const char *const st_dev = "Messages by device";
static const char *const st_rt = "Response time (ms)";

static void st_init(stats_tree *st)
{
    stats_tree_create_node(st, st_types, 0, STAT_DT_INT, TRUE);
    stats_tree_create_node(st, st_dir, 0, STAT_DT_INT, TRUE);
    stats_tree_create_node(st, st_dev, 0, STAT_DT_INT, TRUE);
    stats_tree_create_node(st, st_rt, 0, STAT_DT_FLOAT, TRUE);
}

static tap_packet_status st_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt, const void *p,
                                   tap_flags_t flags)
{
    static const char *const dirs[] = {"driver to device", "device to driver", "unknown"};
    static const char *const kinds[] = {"request", "response", "event"};
    const struct vmsgd_tap *t = (const struct vmsgd_tap *)p;
    char name[96], dev[32];
    (void)pinfo;
    (void)edt;
    (void)flags;
    snprintf(name, sizeof name, "%s%s", t->cls == VMSG_CLASS_BUS ? "BUS " : "", t->name);
    int types = tick_stat_node(st, st_types, 0, FALSE);
    int n = tick_stat_node(st, name, types, TRUE);
    tick_stat_node(st, kinds[t->kind < 3 ? t->kind : 0], n, FALSE);
    int d = tick_stat_node(st, st_dir, 0, FALSE);
    tick_stat_node(st, dirs[t->direction < 3 ? t->direction : 2], d, FALSE);
    int dv = tick_stat_node(st, st_dev, 0, FALSE);
    if (t->cls == VMSG_CLASS_BUS)
        snprintf(dev, sizeof dev, "bus messages");
    else
        snprintf(dev, sizeof dev, "dev_num %u", t->dev_num);
    tick_stat_node(st, dev, dv, FALSE);
    if (t->has_rt) {
        int r = avg_stat_node_add_value_float(st, st_rt, 0, TRUE, (gfloat)t->rt_ms);
        avg_stat_node_add_value_float(st, name, r, FALSE, (gfloat)t->rt_ms);
    }
    return TAP_PACKET_REDRAW;
}

void vmsgd_stats_register(void)
{
    tap_id = register_tap("virtio-msg");
    stats_tree_register_plugin("virtio-msg", "virtio-msg", "virtio-msg/Messages", 0, st_packet, st_init, NULL);
}

void vmsgd_stats_queue(packet_info *pinfo, const struct vmsgd_tap *t)
{
    if (tap_id < 0)
        return;
    /* Taps run after the dissector returns: hand them packet-scope memory. */
    struct vmsgd_tap *c = wmem_new(pinfo->pool, struct vmsgd_tap);
    *c = *t;
    tap_queue_packet(tap_id, pinfo, c);
}
