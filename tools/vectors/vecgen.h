/* vmsg-vectors: the reviewed generator of vectors/messages.tsv.
 * Shared between the positive-vector walk (gen_valid.c) and the negative
 * vectors (gen_invalid.c). See tools/vectors/README.md. */
#ifndef VMSG_VECGEN_H
#define VMSG_VECGEN_H

#include <stdint.h>
#include <stdio.h>

#include <vmsg/wire.h>

#define VG_MAXBYTES 512

/* One message the generator builds: the values it set (the expectation) and
 * the bytes the encoder made of them. */
struct vg_msg {
    struct vmsg_msg m;
    unsigned defidx;                          /* index in vmsg_msgdefs */
    uint8_t store[VMSG_MAX_FIELDS][64];       /* byte-array field contents */
    uint8_t bytes[VG_MAXBYTES];
    size_t len;
    char id[96];                              /* id of the vector */
};

/* Fill every field of DEF with deterministic, distinctive values and encode. */
void vg_build(struct vg_msg *g, unsigned profile, unsigned binding, unsigned defidx);
/* Build the layout of (mname, cls, kind) in PROFILE/BINDING; 0 if none. */
int vg_build_named(struct vg_msg *g, unsigned profile, unsigned binding, unsigned mname, unsigned cls,
                   unsigned kind);
/* Set scalar field FLD (resizing the variable field it counts) and re-encode. */
void vg_set(struct vg_msg *g, unsigned fld, uint64_t v);
void vg_encode(struct vg_msg *g);
/* Copy a message; its byte fields point into the copy's own store. */
void vg_copy(struct vg_msg *dst, const struct vg_msg *src);
/* Id of the positive vector G stands for. */
void vg_id(const struct vg_msg *g, char *buf, size_t cap);

/* Output a vector line. outcome "ok" etc.; rule/clause/field "-" when none;
 * twin "-" for positive vectors; fields from G unless fields_override. */
void vg_emit(FILE *out, const struct vg_msg *g, const char *id, const char *outcome, const char *rule,
             const char *clause, const char *field, const char *twin, const char *why);
/* Same for vectors whose bytes cannot be decoded into fields. */
void vg_emit_raw(FILE *out, unsigned profile, unsigned binding, const uint8_t *b, size_t len, const char *id,
                 const char *outcome, const char *twin, const char *why);

void vg_valid(FILE *out);
void vg_invalid(FILE *out);

#endif
