/* reports/: read a results file (schema vmsg-results/1, see README.md) and
 * render it as JSON, JUnit XML, TAP 13, Markdown or one self-contained HTML
 * page; compare two results files. Reads files only, never the engine. */
#ifndef VMSG_REPORT_H
#define VMSG_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <vmsg/results.h>

struct vmsg_rep_frame {
    unsigned long n;
    const char *from, *to; /* "driver", "device", "bus", "unknown" */
    unsigned long len;
    const char *hex;
    const char *summary;
    bool failing;
};

struct vmsg_rep_finding {
    unsigned long long frame;
    const char *clause, *level, *message;
    const char *rule; /* "" for findings without one (top-level findings) */
    enum vmsg_verdict verdict;
};

struct vmsg_rep_case {
    const char *id, *suite, *title;
    const char **clauses;
    size_t nclauses;
    enum vmsg_verdict verdict;
    double duration_ms;
    const char *expected, *observed, *reason, *stderr_text; /* "" when absent */
    struct vmsg_rep_frame *frames;
    size_t nframes;
    struct vmsg_rep_finding *findings; /* evidence.findings: the passive checker's on this case */
    size_t nfindings;
    const char *role; /* for filters: driver, device, bus or other */
};
/* Does case C cite clause ID (in its clauses, or by a finding of its own)? */
bool vmsg_report_case_cites(const struct vmsg_rep_case *c, const char *id);

struct vmsg_rep_clause {
    const char *id, *role, *level, *label, *summary;
    unsigned long bullet;
    bool cited;                /* by a case or a finding */
    enum vmsg_verdict worst;   /* valid when cited */
    unsigned long nfindings;   /* stored + dropped */
};

struct vmsg_rep_ics {
    const char *section, *key, *value;
};

struct vmsg_report {
    const char *path;
    const char *schema, *tool_name, *tool_version, *mode, *profile, *iut, *started, *finished;
    bool complete;
    struct vmsg_rep_clause *clauses; /* sorted by id */
    size_t nclauses;
    struct vmsg_rep_case *cases;     /* file order */
    size_t ncases;
    struct vmsg_rep_finding *findings;
    size_t nfindings;
    unsigned long findings_total, findings_dropped;
    struct vmsg_rep_ics *ics;
    size_t nics;
    struct vmsg_tally tally;         /* cases recounted; findings from the summary */
    void *priv;                      /* the parsed document (strings point into it) */
};

/* Load and check a results file ("-": stdin). Returns 0; or 2 with a one-line
 * message "file:line:col: problem" or "file: cases[3].verdict: problem". */
int vmsg_report_load(const char *path, struct vmsg_report *rep, char *err, size_t errlen);
void vmsg_report_free(struct vmsg_report *rep);

/* Severity order used for "worst verdict" (clause matrix) and comparisons. */
int vmsg_report_verdict_rank(enum vmsg_verdict v);
const struct vmsg_rep_clause *vmsg_report_clause(const struct vmsg_report *rep, const char *id);

enum vmsg_report_format {
    VMSG_REPORT_JSON,
    VMSG_REPORT_JUNIT,
    VMSG_REPORT_TAP,
    VMSG_REPORT_MD,
    VMSG_REPORT_HTML,
};
bool vmsg_report_format_parse(const char *s, enum vmsg_report_format *out);

int vmsg_report_write_json(const struct vmsg_report *rep, FILE *out);
int vmsg_report_write_junit(const struct vmsg_report *rep, FILE *out);
int vmsg_report_write_tap(const struct vmsg_report *rep, FILE *out);
int vmsg_report_write_md(const struct vmsg_report *rep, FILE *out);
int vmsg_report_write_html(const struct vmsg_report *rep, FILE *out);

/* Render to path atomically (path.tmp then rename), or to stdout when path is
 * NULL or "-". Returns 0, or 3 with err filled (cannot write). */
int vmsg_report_render(const struct vmsg_report *rep, enum vmsg_report_format f, const char *path,
                       char *err, size_t errlen);

/* `vmsg run --report DIR`: from DIR/results.json (already written by the
 * results API) write junit.xml, results.tap, summary.md and report.html into
 * DIR. Returns 0, 2 (results file unreadable) or 3 (cannot write). */
int vmsg_report_write_dir(const char *dir, char *err, size_t errlen);

/* The last line of every mode, from a results file: "N passed, N failed...". */
int vmsg_report_tally_line(const char *results_path, char *buf, size_t cap, char *err,
                           size_t errlen);

/* Compare two results files. Writes one line per change (text, compiler
 * style), or JSON, or Markdown. Returns 1 when anything regressed, else 0. */
enum vmsg_compare_format { VMSG_COMPARE_TEXT, VMSG_COMPARE_JSON, VMSG_COMPARE_MD };
int vmsg_report_compare(const struct vmsg_report *old_rep, const struct vmsg_report *new_rep,
                        enum vmsg_compare_format f, FILE *out);

#endif
