/* The results writer: every mode (run, check, replay, proxy) records what it
 * found through this API, and nothing else writes results.json. The schema
 * ("vmsg-results/1", VMSG_RESULTS_SCHEMA) is documented field by field in
 * reports/README.md; reports/ reads the files, never the engine.
 *
 * Crash safety: with a path, the file on disk is always one complete JSON
 * document. It is rewritten atomically (temp file, fsync, rename) after every
 * case, every `flush_every` stored findings, at most about a second after any
 * other finding, and at close. Until vmsg_results_close() it says
 * "complete": false; a run killed at any moment leaves the last snapshot,
 * which holds every case that was finished before the kill.
 *
 * Volume: findings are stored up to `findings_per_clause` per clause id (the
 * first ones seen); the rest are only counted (summary.findings and
 * summary.findings_dropped), so the file size is bounded for captures of any
 * length.
 *
 * Strings from the implementation under test (evidence, stderr) may be
 * anything: invalid UTF-8 becomes U+FFFD, NUL becomes U+2400, control bytes
 * are JSON-escaped, and long strings are cut with a marker. */
#ifndef VMSG_RESULTS_H
#define VMSG_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <vmsg/engine.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Verdicts (DESIGN section 5): enum vmsg_verdict, vmsg_verdict_name() and
 * vmsg_verdict_by_name() come from the engine header; counts below are indexed
 * by it, in its order. */

/* Counts per verdict, of cases and of findings (all findings, stored or not). */
struct vmsg_tally {
    unsigned long cases[VMSG_VERDICT_COUNT];
    unsigned long findings[VMSG_VERDICT_COUNT];
};

/* The last line every mode prints: "N passed, N failed" then, when non-zero,
 * ", N skipped" (SKIP+NA), ", N warnings", ", N errors", ", N expected
 * failures" (XFAIL), ", N info". Cases and findings are added; "failed"
 * counts FAIL and XPASS. Returns the length snprintf would write. */
size_t vmsg_tally_line(const struct vmsg_tally *t, char *buf, size_t cap);
void vmsg_tally_print(FILE *out, const struct vmsg_tally *t); /* line + '\n' */
/* Exit status of DESIGN section 6: 3 when any ERROR, else 1 when any FAIL or
 * XPASS (or WARN when strict), else 0. */
int vmsg_tally_exit_code(const struct vmsg_tally *t, bool strict);

/* ---- writing ----------------------------------------------------------- */

struct vmsg_results; /* opaque */

#define VMSG_RESULTS_FINDINGS_PER_CLAUSE 100
#define VMSG_RESULTS_FLUSH_EVERY 256
#define VMSG_RESULTS_MAX_STRING (64u * 1024u) /* evidence, messages, summaries */
#define VMSG_RESULTS_MAX_STDERR (16u * 1024u) /* the tail of the IUT's stderr is kept */
#define VMSG_RESULTS_MAX_FRAME (65536u + 64u) /* bytes of one frame kept as hex */

struct vmsg_results_info {
    const char *mode;    /* "run", "check", "replay", "proxy" */
    const char *profile; /* "v1", ..., or "auto" */
    const char *iut;     /* URI or capture file */
    const char *tool_name;   /* NULL: "vmsg" */
    const char *fixed_time;  /* NULL: the clock; else used for started and finished
                                (reproducible files for tests and goldens) */
    unsigned findings_per_clause; /* 0: VMSG_RESULTS_FINDINGS_PER_CLAUSE */
    unsigned flush_every;         /* 0: VMSG_RESULTS_FLUSH_EVERY */
    bool no_fsync;                /* skip fsync (still atomic against kills, not power loss) */
};

/* Clause metadata, as the catalog gives it (plain strings: no catalog needed). */
struct vmsg_results_clause {
    const char *id;      /* "device.config-gen.3" */
    const char *role;    /* "driver", "device", "bus", "any" */
    const char *level;   /* "MUST", "MUST NOT", "SHOULD", "MAY", ... (several: "MUST, MAY") */
    const char *label;   /* spec label without the common prefix */
    unsigned bullet;     /* 1-based */
    const char *summary; /* our own words */
};

/* One message of the exchange. from/to: "driver", "device", "bus" (or NULL:
 * "unknown"). summary NULL: decoded with the run's profile. */
struct vmsg_results_frame {
    const char *from;
    const char *to;
    const uint8_t *bytes;
    size_t len;
    const char *summary;
    bool failing; /* the message that broke the clause */
};

/* A finding of the passive checker on the case's own traffic, kept with the
 * case (evidence.findings): its clause is cited, its verdict joins the
 * clause's coverage, but it is not counted again in the tally (the case's
 * verdict already holds it). */
struct vmsg_results_case_finding {
    uint64_t frame;       /* n of the evidence frame it is about (1-based) */
    const char *clause;   /* clause id the checker cites */
    const char *rule;     /* checker rule id ("check.resp-echo") */
    const char *level;    /* "MUST", "SHOULD", "MAY" */
    enum vmsg_verdict verdict;
    const char *message;  /* "field: expected X, got Y (context)" */
};

struct vmsg_results_case {
    const char *id;    /* "device.get-config.offset-out-of-range" */
    const char *suite; /* "device" */
    const char *title; /* one line */
    const char *const *clauses;
    size_t nclauses;
    enum vmsg_verdict verdict;
    double duration_ms;
    const char *expected; /* evidence, free text (may be NULL) */
    const char *observed;
    const struct vmsg_results_frame *frames;
    size_t nframes;
    const char *reason;   /* why XFAIL, SKIP, NA or ERROR (may be NULL) */
    const char *stderr_text; /* the IUT's stderr during the case (any bytes; may be NULL) */
    size_t stderr_len;
    const struct vmsg_results_case_finding *findings; /* the checker's, may be NULL */
    size_t nfindings;
    size_t findings_dropped; /* more findings than the case kept */
};

struct vmsg_results_finding {
    uint64_t frame;       /* 1-based record number, or message number in a live run */
    const char *clause;   /* clause id (NULL or "" for a finding that cites none) */
    const char *level;    /* "MUST", ... */
    enum vmsg_verdict verdict;
    const char *message;  /* compiler style, one line */
};

/* Open a results file. path NULL: in memory only (use vmsg_results_dump).
 * Writes the first snapshot at once, so a bad path fails here. Returns 0, or
 * -1 with a one-line message in err. */
int vmsg_results_open(struct vmsg_results **out, const char *path,
                      const struct vmsg_results_info *info, char *err, size_t errlen);
/* Record a clause the run cites; a second call with the same id is ignored. */
int vmsg_results_add_clause(struct vmsg_results *r, const struct vmsg_results_clause *c);
/* The same, with the metadata looked up in the built-in clause catalog. */
int vmsg_results_cite(struct vmsg_results *r, const char *clause_id);
/* Record a finished case (flushed to disk before returning). */
int vmsg_results_add_case(struct vmsg_results *r, const struct vmsg_results_case *c);
/* Record a finding (stored or only counted, see the cap above). */
int vmsg_results_add_finding(struct vmsg_results *r, const struct vmsg_results_finding *f);
/* Implementation conformance statement: free-form key/values grouped by
 * section ("device", "features", "queues", "bus"...). Setting a key again
 * replaces its value. */
int vmsg_results_set_ics(struct vmsg_results *r, const char *section, const char *key,
                         const char *value);
/* Write the snapshot now. */
int vmsg_results_flush(struct vmsg_results *r);
const struct vmsg_tally *vmsg_results_tally(const struct vmsg_results *r);
/* The current document (complete or not) as JSON to out. */
int vmsg_results_dump(struct vmsg_results *r, FILE *out);
/* The message of the last failure ("" when none). */
const char *vmsg_results_error(const struct vmsg_results *r);
/* Mark complete, stamp finished, write the final file, copy the tally to
 * *tally (may be NULL) and free. Returns 0, or -1 when any write failed
 * (the message went to err). */
int vmsg_results_close(struct vmsg_results *r, struct vmsg_tally *tally, char *err,
                       size_t errlen);
/* Free without a final write (the file keeps its last snapshot, complete: false). */
void vmsg_results_abandon(struct vmsg_results *r);

/* A JSON-safe copy of len bytes: valid UTF-8 kept, each invalid
 * byte -> U+FFFD, NUL -> U+2400; cut at max bytes (on a character boundary)
 * with " [... N bytes cut]" appended. keep_tail keeps the last max bytes
 * instead of the first. Returns a malloc'ed NUL-terminated string, or NULL
 * when out of memory. */
char *vmsg_results_clean_text(const char *s, size_t len, size_t max, bool keep_tail);

#ifdef __cplusplus
}
#endif
#endif
