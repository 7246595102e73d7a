/* vmsg report: render a results file as JSON, JUnit XML, TAP, Markdown or
 * HTML, or compare two results files. A thin front end over reports/. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "report.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vmsg report RESULTS.json [--format F] [-o FILE]\n"
            "       vmsg report --compare OLD.json NEW.json [--format text|json|md] [-o FILE]\n"
            "Render a results file (written by run, check, replay or proxy), or compare two.\n\n"
            "  -f, --format F    json, junit, tap, md, html (default md); compare: text (default),\n"
            "                    json, md\n"
            "  -o, --output FILE write FILE (atomically: FILE.tmp then rename); default stdout\n"
            "  -c, --compare     compare OLD with NEW: one line per regression, progress,\n"
            "                    change, new or removed case or clause\n"
            "  -h, --help        this text\n\n"
            "examples:\n"
            "  vmsg report out/results.json --format html -o out/report.html\n"
            "  vmsg report --compare main/results.json branch/results.json\n\n"
            "exit: render: 0 written; compare: 0 no regression, 1 regressions;\n"
            "      2 bad input (file:line:col) or usage, 3 cannot write\n");
}

static int compare(const char *oldp, const char *newp, const char *fmt, const char *outp)
{
    enum vmsg_compare_format f = VMSG_COMPARE_TEXT;
    if (fmt && !strcmp(fmt, "json"))
        f = VMSG_COMPARE_JSON;
    else if (fmt && (!strcmp(fmt, "md") || !strcmp(fmt, "markdown")))
        f = VMSG_COMPARE_MD;
    else if (fmt && strcmp(fmt, "text")) {
        fprintf(stderr, "vmsg: report: --format: '%s' cannot be used with --compare (text, json, md)\n",
                fmt);
        return 2;
    }
    char err[1024];
    struct vmsg_report o, n;
    if (vmsg_report_load(oldp, &o, err, sizeof err)) {
        fprintf(stderr, "vmsg: %s\n", err);
        return 2;
    }
    if (vmsg_report_load(newp, &n, err, sizeof err)) {
        fprintf(stderr, "vmsg: %s\n", err);
        vmsg_report_free(&o);
        return 2;
    }
    FILE *out = stdout;
    if (outp && strcmp(outp, "-") && !(out = fopen(outp, "w"))) {
        fprintf(stderr, "vmsg: %s: cannot write\n", outp);
        vmsg_report_free(&o);
        vmsg_report_free(&n);
        return 3;
    }
    int rc = vmsg_report_compare(&o, &n, f, out);
    if (out != stdout && fclose(out) != 0) {
        fprintf(stderr, "vmsg: %s: cannot write\n", outp);
        rc = 3;
    }
    vmsg_report_free(&o);
    vmsg_report_free(&n);
    return rc;
}

int vmsg_cmd_report(int argc, char **argv)
{
    static const struct option lopts[] = {{"format", required_argument, 0, 'f'},
                                          {"output", required_argument, 0, 'o'},
                                          {"compare", no_argument, 0, 'c'},
                                          {"help", no_argument, 0, 'h'},
                                          {0, 0, 0, 0}};
    const char *fmt = NULL, *outp = NULL;
    bool cmp = false;
    int c;
    vmsg__cli_begin();
    while ((c = getopt_long(argc, argv, ":f:o:ch", lopts, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'o': outp = optarg; break;
        case 'c': cmp = true; break;
        case 'h': usage(stdout); return 0;
        default: return vmsg__cli_bad_option("report", c, argv);
        }
    }
    if (cmp) {
        if (argc - optind != 2) {
            fprintf(stderr, "vmsg: report: --compare needs OLD.json NEW.json (see vmsg report --help)\n");
            return 2;
        }
        return compare(argv[optind], argv[optind + 1], fmt, outp);
    }
    if (argc - optind != 1) {
        fprintf(stderr, "vmsg: report: give one results file (see vmsg report --help)\n");
        return 2;
    }
    enum vmsg_report_format f = VMSG_REPORT_MD;
    if (fmt && !vmsg_report_format_parse(fmt, &f)) {
        fprintf(stderr, "vmsg: report: --format: unknown format '%s' (json, junit, tap, md, html)\n",
                fmt);
        return 2;
    }
    char err[1024];
    struct vmsg_report rep;
    if (vmsg_report_load(argv[optind], &rep, err, sizeof err)) {
        fprintf(stderr, "vmsg: %s\n", err);
        return 2;
    }
    int rc = vmsg_report_render(&rep, f, outp, err, sizeof err);
    if (rc)
        fprintf(stderr, "vmsg: %s\n", err);
    vmsg_report_free(&rep);
    return rc;
}
