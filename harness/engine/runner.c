/* The runner: selection, one process per case with a time box, evidence
 * streamed back over a pipe, expectations and --strict applied, results
 * handed over in order as each case ends.
 *
 * Pipe protocol (child -> runner), records of [u8 kind][u32 length][bytes]:
 *   'F' a struct vmsg_frame_rec as it happens; 'M' u32 index of a marked
 *   frame; 'I' an ICS entry of a gathering body, "key\0value"; 'R' the final
 *   struct vmsg_case_result. Both ends are the same program image (fork
 *   without exec), so structs are copied as they are. */
#include <errno.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine_internal.h"

uint64_t vmsg__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

double vmsg_timeout_multiplier_from_env(void)
{
    const char *s = getenv("VMSG_TIMEOUT_MULTIPLIER");
    double m = s ? strtod(s, NULL) : 1.0;
    return m >= 0.1 ? m : 1.0;
}

const char *vmsg_verdict_name(enum vmsg_verdict v)
{
    static const char *names[] = {"PASS", "INFO", "NA", "SKIP", "XFAIL", "WARN", "XPASS", "FAIL", "ERROR"};
    return (unsigned)v < VMSG_VERDICT_COUNT ? names[v] : "?";
}

int vmsg_verdict_by_name(const char *name)
{
    for (int v = 0; v < VMSG_VERDICT_COUNT; v++)
        if (name && !strcmp(vmsg_verdict_name((enum vmsg_verdict)v), name))
            return v;
    return -1;
}

const char *vmsg_iut_role_name(unsigned role)
{
    static const char *names[] = {"device", "driver", "bus"};
    return role < 3 ? names[role] : "?";
}

static bool write_all(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        b += w;
        n -= (size_t)w;
    }
    return true;
}

static void stream_record(int fd, char kind, const void *p, uint32_t len)
{
    if (fd < 0)
        return;
    uint8_t hdr[5] = {(uint8_t)kind, (uint8_t)len, (uint8_t)(len >> 8), (uint8_t)(len >> 16), (uint8_t)(len >> 24)};
    if (write_all(fd, hdr, sizeof hdr))
        write_all(fd, p, len);
}

void vmsg__case_stream_frame(struct vmsg_case *c, const struct vmsg_frame_rec *fr)
{
    stream_record(c->stream_fd, 'F', fr, sizeof *fr);
}

void vmsg__case_stream_mark(struct vmsg_case *c, int index)
{
    uint32_t i = (uint32_t)index;
    stream_record(c->stream_fd, 'M', &i, sizeof i);
}

void vmsg__case_stream_ics(struct vmsg_case *c, const char *key, const char *value)
{
    char rec[sizeof(struct vmsg_ics_entry)];
    size_t k = strlen(key), v = strlen(value);
    if (k >= sizeof c->ics->e[0].key || v >= sizeof c->ics->e[0].value)
        return; /* vmsg_case_set_ics bounds the value; a key this long is a harness bug */
    memcpy(rec, key, k + 1);
    memcpy(rec + k + 1, value, v + 1);
    stream_record(c->stream_fd, 'I', rec, (uint32_t)(k + v + 2));
}

bool vmsg_case_selected(const struct vmsg_case_def *d, const struct vmsg_run_opts *o)
{
    if (o->role >= 0 && (unsigned)o->role != d->role)
        return false;
    if (o->id_glob && fnmatch(o->id_glob, d->id, 0) != 0)
        return false;
    if (o->clause) {
        size_t n = strlen(o->clause);
        bool prefix = n && o->clause[n - 1] == '.';
        bool hit = false;
        for (unsigned i = 0; i < VMSG_CASE_MAX_CLAUSES && d->clauses[i]; i++)
            if (prefix ? !strncmp(d->clauses[i], o->clause, n) : !strcmp(d->clauses[i], o->clause))
                hit = true;
        if (!hit)
            return false;
    }
    if (o->tag) {
        /* whole-word match in the space separated tag list */
        size_t n = strlen(o->tag);
        const char *t = d->tags ? d->tags : "";
        bool hit = false;
        for (const char *p = t; (p = strstr(p, o->tag)) != NULL; p += n)
            if ((p == t || p[-1] == ' ') && (p[n] == 0 || p[n] == ' '))
                hit = true;
        if (!hit)
            return false;
    }
    return true;
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ULL;
    return h;
}

static unsigned scaled(const struct vmsg_run_opts *o, unsigned ms)
{
    double m = o->timeout_multiplier >= 0.1 ? o->timeout_multiplier : 1.0;
    return (unsigned)(ms * m);
}

/* Run one case body in this process; r receives the outcome. ics: the
 * entries of a gathering body (vmsg_run_ics), NULL for a case. */
static void run_body(const struct vmsg_case_def *d, const struct vmsg_run_opts *o, struct vmsg_case_result *r,
                     int stream_fd, struct vmsg_ics *ics)
{
    struct vmsg_case *c = calloc(1, sizeof *c);
    char err[256] = "";
    if (!c) {
        snprintf(r->reason, sizeof r->reason, "harness: out of memory");
        r->verdict = VMSG_ERROR;
        return;
    }
    c->def = d;
    c->o = o;
    c->r = r;
    c->stream_fd = stream_fd;
    c->ics = ics;
    c->last_frame = -1;
    c->rng = (o->seed ^ fnv1a(d->id)) | 1;
    c->reply_timeout_ms = scaled(o, o->reply_timeout_ms ? o->reply_timeout_ms : 500);
    c->conn = o->iut->open(o->iut_arg, err, sizeof err);
    if (!c->conn) {
        r->verdict = VMSG_ERROR;
        snprintf(r->reason, sizeof r->reason, "cannot reach the IUT: %.200s", err);
        snprintf(r->observed, sizeof r->observed, "%s", r->reason);
        free(c);
        return;
    }
    if (o->device_iut) {
        c->dev_conn = o->device_iut->open(o->device_iut_arg, err, sizeof err);
        if (!c->dev_conn) {
            r->verdict = VMSG_ERROR;
            snprintf(r->reason, sizeof r->reason, "cannot reach the device side of the IUT: %.200s", err);
            snprintf(r->observed, sizeof r->observed, "%s", r->reason);
            o->iut->close(c->conn);
            free(c);
            return;
        }
    }
    vmsg__case_check_start(c);
    if (setjmp(c->jb) == 0)
        d->run(c);
    vmsg__case_check_stop(c);
    if (o->iut->side_text) {
        const char *s = o->iut->side_text(c->conn);
        if (s)
            snprintf(r->side_text, sizeof r->side_text, "%s", s);
    }
    if (c->dev_conn && o->device_iut->side_text) {
        const char *s = o->device_iut->side_text(c->dev_conn);
        size_t have = strlen(r->side_text);
        if (s && have < sizeof r->side_text - 1)
            snprintf(r->side_text + have, sizeof r->side_text - have, "%s[device side] %s", have ? "\n" : "", s);
    }
    if (c->dev_conn)
        o->device_iut->close(c->dev_conn);
    o->iut->close(c->conn);
    free(c);
}

/* Read the child's records until EOF or the deadline. Returns true when the
 * final result arrived. */
static bool collect(int fd, uint64_t deadline, struct vmsg_case_result *r, struct vmsg_ics *ics)
{
    static const size_t maxrec = sizeof(struct vmsg_case_result);
    uint8_t *buf = malloc(maxrec + 5);
    size_t have = 0;
    bool final = false;
    if (!buf)
        return false;
    for (;;) {
        uint64_t now = vmsg__now_ms();
        if (now >= deadline)
            break;
        struct pollfd p = {fd, POLLIN, 0};
        int pr = poll(&p, 1, (int)(deadline - now));
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            break;
        ssize_t n = read(fd, buf + have, maxrec + 5 - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        have += (size_t)n;
        for (;;) { /* consume whole records */
            if (have < 5)
                break;
            uint32_t len = (uint32_t)buf[1] | (uint32_t)buf[2] << 8 | (uint32_t)buf[3] << 16 | (uint32_t)buf[4] << 24;
            if (len > maxrec) {
                have = 0; /* corrupt stream: the child is not ours to trust anymore */
                break;
            }
            if (have < 5 + len)
                break;
            const uint8_t *rec = buf + 5;
            if (buf[0] == 'F' && len == sizeof(struct vmsg_frame_rec)) {
                if (r->nframes < VMSG_EVIDENCE_MAX_FRAMES)
                    memcpy(&r->frames[r->nframes++], rec, len);
                else
                    r->frames_dropped++;
            } else if (buf[0] == 'M' && len == 4) {
                uint32_t i;
                memcpy(&i, rec, 4);
                if (i < r->nframes)
                    r->frames[i].marked = true;
            } else if (buf[0] == 'I' && ics && len >= 2 && rec[len - 1] == 0) {
                const char *key = (const char *)rec;
                size_t k = strnlen(key, len);
                if (k + 1 < len)
                    vmsg_ics_set(ics, key, key + k + 1);
            } else if (buf[0] == 'R' && len == sizeof *r) {
                const struct vmsg_case_def *def = r->def;
                memcpy(r, rec, len);
                r->def = def;
                final = true;
            }
            memmove(buf, buf + 5 + len, have - 5 - len);
            have -= 5 + len;
        }
    }
    free(buf);
    return final;
}

static void run_isolated(const struct vmsg_case_def *d, const struct vmsg_run_opts *o, struct vmsg_case_result *r,
                         unsigned timeout_ms, struct vmsg_ics *ics)
{
    int fds[2];
    if (pipe(fds) != 0) {
        r->verdict = VMSG_ERROR;
        snprintf(r->reason, sizeof r->reason, "harness: pipe: %s", strerror(errno));
        return;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        r->verdict = VMSG_ERROR;
        snprintf(r->reason, sizeof r->reason, "harness: fork: %s", strerror(errno));
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        setpgid(0, 0); /* so the runner can stop the case and anything it started */
        signal(SIGPIPE, SIG_IGN);
        /* a crash must end this process, not unwind into a caller's handler (a test
         * framework may have installed one before forking) */
        static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
        for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
            signal(fatal[i], SIG_DFL);
        struct vmsg_ics *mine = ics ? calloc(1, sizeof *mine) : NULL; /* entries go up the pipe */
        run_body(d, o, r, fds[1], mine);
        free(mine);
        stream_record(fds[1], 'R', r, sizeof *r);
        close(fds[1]);
        _exit(0);
    }
    close(fds[1]);
    setpgid(pid, pid);
    uint64_t deadline = vmsg__now_ms() + timeout_ms;
    bool final = collect(fds[0], deadline, r, ics);
    close(fds[0]);
    int status = 0;
    if (!final) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (final)
        return;
    r->verdict = VMSG_ERROR;
    if (vmsg__now_ms() >= deadline)
        snprintf(r->reason, sizeof r->reason, "timeout: the case did not finish within %u ms", timeout_ms);
    else if (WIFSIGNALED(status))
        snprintf(r->reason, sizeof r->reason, "the case process died of signal %d (an in-process IUT crashed?)",
                 WTERMSIG(status));
    else
        snprintf(r->reason, sizeof r->reason, "the case process exited (status %d) without a result",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    snprintf(r->observed, sizeof r->observed, "%s", r->reason);
}

static const struct vmsg_expectation *find_expectation(const struct vmsg_run_opts *o, const char *id)
{
    for (size_t i = 0; i < o->nexpect; i++)
        if (fnmatch(o->expect[i].case_glob, id, 0) == 0)
            return &o->expect[i];
    return NULL;
}

static bool is_failure(enum vmsg_verdict v) { return v == VMSG_FAIL || v == VMSG_WARN || v == VMSG_ERROR; }

/* --strict and the expectations file turn the raw verdict into the final one. */
static void settle(const struct vmsg_run_opts *o, struct vmsg_case_result *r)
{
    r->raw_verdict = r->verdict;
    if (o->strict && r->verdict == VMSG_WARN)
        r->verdict = VMSG_FAIL;
    const struct vmsg_expectation *e = find_expectation(o, r->def->id);
    if (!e)
        return;
    if (r->verdict == e->verdict || (is_failure(e->verdict) && is_failure(r->verdict))) {
        if (is_failure(r->verdict)) {
            r->verdict = VMSG_XFAIL;
            snprintf(r->reason, sizeof r->reason, "expected: %s", e->reason);
        }
    } else if (r->verdict == VMSG_PASS && is_failure(e->verdict)) {
        r->verdict = VMSG_XPASS;
        snprintf(r->reason, sizeof r->reason, "expected %s (%s) but passed", vmsg_verdict_name(e->verdict),
                 e->reason);
    }
}

int vmsg_run_cases(const struct vmsg_case_def *cases, size_t n, const struct vmsg_run_opts *o,
                   struct vmsg_run_summary *sum)
{
    struct vmsg_case_result *r = malloc(sizeof *r);
    if (!r)
        return 3;
    memset(sum, 0, sizeof *sum);
    for (size_t i = 0; i < n; i++) {
        const struct vmsg_case_def *d = &cases[i];
        if (!vmsg_case_selected(d, o))
            continue;
        sum->selected++;
        memset(r, 0, sizeof *r);
        r->def = d;
        unsigned timeout = scaled(o, d->timeout_ms ? d->timeout_ms
                                                    : o->default_timeout_ms ? o->default_timeout_ms : 5000);
        uint64_t t0 = vmsg__now_ms();
        if (o->isolate)
            run_isolated(d, o, r, timeout, NULL);
        else
            run_body(d, o, r, -1, NULL);
        r->duration_ms = vmsg__now_ms() - t0;
        settle(o, r);
        sum->counts[r->verdict]++;
        if (r->verdict == VMSG_FAIL || r->verdict == VMSG_ERROR || r->verdict == VMSG_XPASS)
            sum->unexpected++;
        if (o->on_result)
            o->on_result(o->on_result_arg, r);
    }
    free(r);
    return sum->unexpected ? 1 : 0;
}

/* The last message the harness sent, as `vmsg decode` names it: where a
 * gathering body that hung or crashed was. */
static void last_sent(const struct vmsg_run_opts *o, const struct vmsg_case_result *r, char *buf, size_t cap)
{
    snprintf(buf, cap, "before any message");
    for (unsigned i = r->nframes; i-- > 0;) {
        const struct vmsg_frame_rec *f = &r->frames[i];
        if (f->dir != 0)
            continue;
        struct vmsg_msg m;
        struct vmsg_diag d;
        enum vmsg_outcome oc = vmsg_decode(o->link.profile, o->link.binding, f->bytes, f->len, &m, &d);
        char s[200];
        if (oc == VMSG_TRUNCATED || oc == VMSG_MALFORMED)
            snprintf(s, sizeof s, "a %u-byte frame", (unsigned)f->full_len);
        else
            vmsg_summary(&m, s, sizeof s);
        snprintf(buf, cap, "after %s", s);
        return;
    }
}

enum vmsg_verdict vmsg_run_ics(const struct vmsg_case_def *def, const struct vmsg_run_opts *o,
                               struct vmsg_ics *ics, struct vmsg_case_result *r)
{
    memset(r, 0, sizeof *r);
    r->def = def;
    unsigned box = def->timeout_ms ? def->timeout_ms : 4 * (o->default_timeout_ms ? o->default_timeout_ms : 5000);
    unsigned timeout = scaled(o, box);
    uint64_t t0 = vmsg__now_ms();
    if (o->isolate) {
        run_isolated(def, o, r, timeout, ics);
    } else {
        struct vmsg_ics *mine = calloc(1, sizeof *mine);
        if (!mine) {
            r->verdict = VMSG_ERROR;
            snprintf(r->reason, sizeof r->reason, "harness: out of memory");
        } else {
            vmsg_ics_init(mine);
            run_body(def, o, r, -1, mine);
            for (unsigned i = 0; i < mine->n; i++)
                vmsg_ics_set(ics, mine->e[i].key, mine->e[i].value);
            free(mine);
        }
    }
    r->duration_ms = vmsg__now_ms() - t0;
    r->raw_verdict = r->verdict;
    if (r->verdict != VMSG_ERROR) {
        /* a request without an answer is an entry ("no answer"), not a verdict */
        r->verdict = VMSG_PASS;
        r->clause[0] = r->expected[0] = r->observed[0] = 0;
        return r->verdict;
    }
    char where[240], why[sizeof r->reason];
    last_sent(o, r, where, sizeof where);
    snprintf(why, sizeof why, "%s", r->reason);
    snprintf(r->reason, sizeof r->reason, "%.160s (%.80s)", why, where);
    snprintf(r->observed, sizeof r->observed, "%s", r->reason);
    return r->verdict;
}
