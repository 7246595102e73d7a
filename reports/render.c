/* Output plumbing: format names, atomic output files, the report directory
 * of `vmsg run --report DIR`, and the tally line from a results file. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

static const char *const format_names[] = {"json", "junit", "tap", "md", "html"};

bool vmsg_report_format_parse(const char *s, enum vmsg_report_format *out)
{
    for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
        if (!strcmp(s, format_names[i])) {
            *out = (enum vmsg_report_format)i;
            return true;
        }
    if (!strcmp(s, "markdown")) {
        *out = VMSG_REPORT_MD;
        return true;
    }
    return false;
}

static int write_fmt(const struct vmsg_report *rep, enum vmsg_report_format f, FILE *out)
{
    switch (f) {
    case VMSG_REPORT_JSON: return vmsg_report_write_json(rep, out);
    case VMSG_REPORT_JUNIT: return vmsg_report_write_junit(rep, out);
    case VMSG_REPORT_TAP: return vmsg_report_write_tap(rep, out);
    case VMSG_REPORT_MD: return vmsg_report_write_md(rep, out);
    case VMSG_REPORT_HTML: return vmsg_report_write_html(rep, out);
    }
    return -1;
}

int vmsg_report_render(const struct vmsg_report *rep, enum vmsg_report_format f, const char *path,
                       char *err, size_t errlen)
{
    if (!path || !strcmp(path, "-")) {
        if (write_fmt(rep, f, stdout) != 0 || fflush(stdout) != 0) {
            snprintf(err, errlen, "<stdout>: cannot write: %s", strerror(errno));
            return 3;
        }
        return 0;
    }
    size_t n = strlen(path) + 8;
    char *tmp = malloc(n);
    if (!tmp) {
        snprintf(err, errlen, "%s: out of memory", path);
        return 3;
    }
    snprintf(tmp, n, "%s.tmp", path);
    FILE *out = fopen(tmp, "w");
    if (!out) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        free(tmp);
        return 3;
    }
    int rc = write_fmt(rep, f, out);
    if (fflush(out) != 0 || ferror(out))
        rc = -1;
    if (rc == 0 && fsync(fileno(out)) != 0)
        rc = -1;
    int saved = errno;
    if (fclose(out) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, path) != 0) {
        rc = -1;
        saved = errno;
    }
    if (rc != 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(saved ? saved : EIO));
        unlink(tmp);
    }
    free(tmp);
    return rc ? 3 : 0;
}

int vmsg_report_write_dir(const char *dir, char *err, size_t errlen)
{
    static const struct {
        const char *name;
        enum vmsg_report_format f;
    } outs[] = {{"junit.xml", VMSG_REPORT_JUNIT},
                {"results.tap", VMSG_REPORT_TAP},
                {"summary.md", VMSG_REPORT_MD},
                {"report.html", VMSG_REPORT_HTML}};
    size_t n = strlen(dir) + 32;
    char *path = malloc(n);
    if (!path) {
        snprintf(err, errlen, "%s: out of memory", dir);
        return 3;
    }
    snprintf(path, n, "%s/results.json", dir);
    struct vmsg_report rep;
    int rc = vmsg_report_load(path, &rep, err, errlen);
    for (size_t i = 0; rc == 0 && i < sizeof outs / sizeof outs[0]; i++) {
        snprintf(path, n, "%s/%s", dir, outs[i].name);
        rc = vmsg_report_render(&rep, outs[i].f, path, err, errlen);
    }
    if (rep.priv)
        vmsg_report_free(&rep);
    free(path);
    return rc;
}

int vmsg_report_tally_line(const char *results_path, char *buf, size_t cap, char *err,
                           size_t errlen)
{
    struct vmsg_report rep;
    int rc = vmsg_report_load(results_path, &rep, err, errlen);
    if (rc)
        return rc;
    vmsg_tally_line(&rep.tally, buf, cap);
    vmsg_report_free(&rep);
    return 0;
}
