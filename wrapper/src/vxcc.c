/*
 * vxcc: the per-compile shim between the build and the local vxcc daemon.
 *
 * It is started once per compile by make -jN, so it stays small: libc only, no
 * name resolution, no config files, one short-lived connection per request to the
 * daemon's Unix domain socket (which tells the daemon our pid and uid: we need not prove them).
 * It makes no decisions about compiling; it reports what it saw (PROTOCOL.md) and
 * carries out the daemon's directive. Whenever anything goes wrong it execs the
 * real compiler with the original arguments: a build must never fail or hang
 * because of vxcc.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#ifndef VXCC_VERSION
#define VXCC_VERSION "dev"
#endif
#define PROTOCOL_VERSION "1"
#define DEFAULT_DAEMON "/run/vxcc/daemon.sock"

/* Budgets from PROTOCOL.md: the daemon answers /local/compile within 2 s and the
 * long polls within 10 s; we allow some slack on top of the latter only. */
#define CONNECT_MS 500
#define COMPILE_MS 2000
#define LONG_POLL_MS 15000
#define RELEASE_MS 2000
#define STATS_MS 5000
/* doctor runs each compiler once (--version, and its identity probe if new): allow for that. */
#define DOCTOR_MS 30000

/* "vxcc" too: after `export PATH=DIR:$PATH`, `vxcc --stats` and `CMAKE_CXX_COMPILER_LAUNCHER=vxcc` must work. */
static const char *const k_symlink_names[] = {"gcc", "g++", "cc", "c++", "clang", "clang++", "vxcc"};

static bool g_debug;

/* What fallback() needs to run the compiler from wherever a failure is noticed. */
static const char *g_compiler;      /* path to exec: as found, or as given in direct mode */
static char *g_compiler_abs;        /* same, made absolute, for the daemon */
static char **g_args;               /* original arguments (without argv[0]) */
static int g_nargs;
static const char *g_tool;          /* basename the build invoked */

static void dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void dbg(const char *fmt, ...)
{
    if (!g_debug)
        return;
    /* One write per line so that lines from parallel compiles do not interleave. */
    char line[1024];
    int n = snprintf(line, sizeof line, "vxcc[%d]: ", (int)getpid());
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < sizeof line)
        n += vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line - 1)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    ssize_t ignored = write(2, line, (size_t)n);
    (void)ignored;
}

/* ---------------------------------------------------------------- small utilities */

struct buf {
    char *p;
    size_t len, cap;
};

static bool buf_reserve(struct buf *b, size_t extra)
{
    if (b->cap - b->len >= extra)
        return true;
    if (extra > SIZE_MAX - b->len)
        return false;
    size_t want = b->len + extra;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < want)
        cap = cap > SIZE_MAX / 2 ? want : cap * 2;
    char *p = realloc(b->p, cap);
    if (!p)
        return false;
    b->p = p;
    b->cap = cap;
    return true;
}

static bool buf_add(struct buf *b, const void *data, size_t n)
{
    if (!buf_reserve(b, n))
        return false;
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    return true;
}

static bool buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !buf_reserve(b, (size_t)n + 1))
        return false;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return true;
}

static void buf_free(struct buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* A field header only; the value may be sent from elsewhere without copying it. */
static bool field_head(struct buf *b, const char *tag, size_t len)
{
    return buf_addf(b, "%s %zu\n", tag, len);
}

static bool field_add(struct buf *b, const char *tag, const void *val, size_t len)
{
    return field_head(b, tag, len) && buf_add(b, val, len);
}

static bool field_str(struct buf *b, const char *tag, const char *val)
{
    return field_add(b, tag, val, strlen(val));
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

static char *join_path(const char *dir, const char *name)
{
    struct buf b = {0};
    bool slash = *dir && dir[strlen(dir) - 1] != '/';
    if (!buf_addf(&b, "%s%s%s", dir, slash ? "/" : "", name)) {
        buf_free(&b);
        return NULL;
    }
    return b.p;
}

static char *current_dir(void)
{
    for (size_t size = 256;; size *= 2) {
        char *p = malloc(size);
        if (!p)
            return NULL;
        if (getcwd(p, size))
            return p;
        free(p);
        if (errno != ERANGE)
            return NULL;
    }
}

static char *make_absolute(const char *path)
{
    if (path[0] == '/')
        return strdup(path);
    char *cwd = current_dir();
    if (!cwd)
        return NULL;
    char *r = join_path(cwd, path);
    free(cwd);
    return r;
}

/* readlink on a buffer that grows, so that no path length is assumed. */
static char *read_link(const char *path)
{
    for (size_t size = 256;; size *= 2) {
        char *p = malloc(size);
        if (!p)
            return NULL;
        ssize_t n = readlink(path, p, size);
        if (n < 0) {
            free(p);
            return NULL;
        }
        if ((size_t)n < size) {
            p[n] = 0;
            return p;
        }
        free(p);
    }
}

static bool write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += w;
        len -= (size_t)w;
    }
    return true;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int ms_left(int64_t deadline)
{
    int64_t left = deadline - now_ms();
    return left < 0 ? 0 : (int)left;
}

/* A child inheriting a closed fd 0-2 would write its output into whatever file
 * we open next (a pipe, a socket, an object file). */
static void ensure_std_fds(void)
{
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
            int n = open("/dev/null", O_RDWR);
            if (n >= 0 && n != fd)
                close(n);
        }
    }
}

/* ---------------------------------------------------------------- running the compiler */

static _Noreturn void exec_compiler(void)
{
    /* argv[0] is the compiler path: gcc and clang derive their install prefix and
     * driver mode (clang++ vs clang) from it. */
    char **argv = calloc((size_t)g_nargs + 2, sizeof *argv);
    if (argv) {
        argv[0] = (char *)g_compiler;
        for (int i = 0; i < g_nargs; i++)
            argv[i + 1] = g_args[i];
        execv(g_compiler, argv);
    }
    int err = errno;
    fprintf(stderr, "vxcc: cannot execute '%s': %s\n", g_compiler, strerror(err));
    _exit(err == ENOENT ? 127 : 126);
}

static _Noreturn void fallback(const char *why)
{
    dbg("falling back to the local compiler: %s", why);
    exec_compiler();
}

/* Die the way the child died, so that make reports the same thing as without us. */
static _Noreturn void exit_like(int status)
{
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        signal(sig, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        raise(sig);
        _exit(128 + sig);
    }
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

static volatile sig_atomic_t g_child;
static const int k_forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
static struct sigaction g_saved[sizeof k_forwarded / sizeof k_forwarded[0]];

static void forward_signal(int sig)
{
    pid_t c = (pid_t)g_child;
    if (c > 0)
        kill(c, sig);
}

/* While a child runs we outlive a Ctrl-C or a kill aimed only at us: the child gets
 * the signal, we see how it died, release our quota, then die the same way. */
static void forwarding_begin(pid_t child)
{
    g_child = child;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = forward_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof k_forwarded / sizeof k_forwarded[0]; i++)
        sigaction(k_forwarded[i], &sa, &g_saved[i]);
}

static void forwarding_end(void)
{
    for (size_t i = 0; i < sizeof k_forwarded / sizeof k_forwarded[0]; i++)
        sigaction(k_forwarded[i], &g_saved[i], NULL);
    g_child = 0;
}

static int wait_child(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return status;
}

static int status_code(int status)
{
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* ---------------------------------------------------------------- HTTP client */

static char g_err[512];

static bool fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_err, sizeof g_err, fmt, ap);
    va_end(ap);
    return false;
}

static const char *daemon_spec(void)
{
    const char *s = getenv("VXCC_DAEMON");
    return s && *s ? s : DEFAULT_DAEMON;
}

/* A socket path, "unix:/path" or "/path". Nothing else: the daemon serves wrappers only on its
 * Unix domain socket. */
static bool parse_daemon(const char *spec, struct sockaddr_un *sa)
{
    const char *path = strncmp(spec, "unix:", 5) == 0 ? spec + 5 : spec;
    if (path[0] != '/')
        return fail("bad VXCC_DAEMON '%s' (want the daemon's socket: unix:/path or /path)", spec);
    memset(sa, 0, sizeof *sa);
    if (strlen(path) >= sizeof sa->sun_path)
        return fail("VXCC_DAEMON socket path too long: '%s'", path);
    sa->sun_family = AF_UNIX;
    strcpy(sa->sun_path, path);
    return true;
}

static int dial(const struct sockaddr_un *sa)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fail("socket: %s", strerror(errno));
        return -1;
    }
    /* A non-blocking connect to a Unix socket either succeeds at once or, while the daemon's
     * backlog is full, fails with EAGAIN: then try again until the connect budget is spent. */
    int64_t deadline = now_ms() + CONNECT_MS;
    for (;;) {
        if (connect(fd, (const struct sockaddr *)sa, sizeof *sa) == 0)
            return fd;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN) {
            fail("connect: %s", strerror(errno));
            close(fd);
            return -1;
        }
        if (ms_left(deadline) <= 0) {
            fail("connect: timed out after %d ms", CONNECT_MS);
            close(fd);
            return -1;
        }
        poll(NULL, 0, 5);
    }
}

static bool wait_fd(int fd, short events, int64_t deadline, const char *what)
{
    for (;;) {
        struct pollfd p = {.fd = fd, .events = events};
        int r = poll(&p, 1, ms_left(deadline));
        if (r > 0)
            return true;
        if (r == 0)
            return fail("%s: timed out", what);
        if (errno != EINTR)
            return fail("%s: poll: %s", what, strerror(errno));
    }
}

static bool send_iov(int fd, struct iovec *iov, int n, int64_t deadline)
{
    while (n > 0) {
        if (iov->iov_len == 0) {
            iov++;
            n--;
            continue;
        }
        struct msghdr m;
        memset(&m, 0, sizeof m);
        m.msg_iov = iov;
        m.msg_iovlen = (size_t)n;
        /* MSG_NOSIGNAL rather than ignoring SIGPIPE: an ignored disposition would be
         * inherited by the compiler we exec. */
        ssize_t w = sendmsg(fd, &m, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                if (!wait_fd(fd, POLLOUT, deadline, "send"))
                    return false;
                continue;
            }
            return fail("send: %s", strerror(errno));
        }
        size_t done = (size_t)w;
        while (n > 0 && done >= iov->iov_len) {
            done -= iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + done;
            iov->iov_len -= done;
        }
    }
    return true;
}

struct response {
    struct buf raw;
    int status;
    const char *body;
    size_t body_len;
};

static bool header_is(const char *line, size_t len, const char *name, const char **value, size_t *vlen)
{
    size_t n = strlen(name);
    if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
        return false;
    const char *v = line + n + 1, *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    *value = v;
    *vlen = (size_t)(end - v);
    return true;
}

/* Parses the status line and headers in raw[0..head_len); returns the Content-Length. */
static bool parse_head(const char *p, size_t head_len, int *status, size_t *content_length)
{
    const char *end = p + head_len;
    const char *eol = memmem(p, head_len, "\r\n", 2);
    if (!eol || eol - p < 12 || memcmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ')
        return fail("bad HTTP status line");
    int code = 0;
    for (int i = 9; i < 12; i++) {
        if (p[i] < '0' || p[i] > '9')
            return fail("bad HTTP status line");
        code = code * 10 + (p[i] - '0');
    }
    *status = code;
    bool have_length = false;
    for (const char *line = eol + 2; line < end;) {
        const char *nl = memmem(line, (size_t)(end - line), "\r\n", 2);
        if (!nl)
            nl = end;
        size_t len = (size_t)(nl - line);
        const char *v;
        size_t vlen;
        if (header_is(line, len, "content-length", &v, &vlen)) {
            size_t cl = 0;
            if (vlen == 0 || vlen > 15)
                return fail("bad Content-Length");
            for (size_t i = 0; i < vlen; i++) {
                if (v[i] < '0' || v[i] > '9')
                    return fail("bad Content-Length");
                cl = cl * 10 + (size_t)(v[i] - '0');
            }
            if (have_length && cl != *content_length)
                return fail("conflicting Content-Length headers");
            *content_length = cl;
            have_length = true;
        } else if (header_is(line, len, "transfer-encoding", &v, &vlen)) {
            return fail("Transfer-Encoding is not supported (PROTOCOL.md wants Content-Length)");
        }
        line = nl + 2;
    }
    if (!have_length)
        return fail("response without Content-Length");
    return true;
}

static bool read_response(int fd, int64_t deadline, struct response *r)
{
    size_t head_len = 0, want = 0;
    bool have_head = false;
    for (;;) {
        if (have_head && r->raw.len >= want)
            break;
        size_t chunk = have_head ? want - r->raw.len : 16384;
        if (!buf_reserve(&r->raw, chunk))
            return fail("out of memory reading the response");
        ssize_t n = recv(fd, r->raw.p + r->raw.len, r->raw.cap - r->raw.len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                if (!wait_fd(fd, POLLIN, deadline, "waiting for the daemon's answer"))
                    return false;
                continue;
            }
            return fail("recv: %s", strerror(errno));
        }
        if (n == 0)
            return fail("connection closed before the end of the response");
        size_t old = r->raw.len;
        r->raw.len += (size_t)n;
        if (!have_head) {
            size_t from = old > 3 ? old - 3 : 0;
            char *end = memmem(r->raw.p + from, r->raw.len - from, "\r\n\r\n", 4);
            if (!end) {
                if (r->raw.len > 65536)
                    return fail("response headers too long");
                continue;
            }
            head_len = (size_t)(end - r->raw.p) + 4;
            size_t cl = 0;
            if (!parse_head(r->raw.p, head_len - 2, &r->status, &cl))
                return false;
            if (cl > SIZE_MAX - head_len)
                return fail("bad Content-Length");
            want = head_len + cl;
            have_head = true;
        }
    }
    r->body = r->raw.p + head_len;
    r->body_len = want - head_len;
    return true;
}

/* One request on its own connection. body may be split in parts so that large
 * values (preprocessed output) are sent from where they are, not copied. */
static bool http_call(const char *method, const char *path, const struct iovec *body, int nbody,
                      int timeout_ms, struct response *r)
{
    memset(r, 0, sizeof *r);
    struct sockaddr_un sa;
    if (!parse_daemon(daemon_spec(), &sa))
        return false;
    size_t total = 0;
    for (int i = 0; i < nbody; i++)
        total += body[i].iov_len;
    struct buf head = {0};
    bool ok = buf_addf(&head, "%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n", method, path);
    if (ok && strcmp(method, "GET") != 0)
        ok = buf_addf(&head, "Content-Type: application/octet-stream\r\nContent-Length: %zu\r\n", total);
    ok = ok && buf_add(&head, "\r\n", 2);
    struct iovec *iov = ok ? calloc((size_t)nbody + 1, sizeof *iov) : NULL;
    if (!iov) {
        buf_free(&head);
        return fail("out of memory");
    }
    iov[0].iov_base = head.p;
    iov[0].iov_len = head.len;
    for (int i = 0; i < nbody; i++)
        iov[i + 1] = body[i];
    ok = false;
    int64_t start = now_ms();
    int fd = dial(&sa);
    if (fd >= 0) {
        int64_t deadline = now_ms() + timeout_ms;
        ok = send_iov(fd, iov, nbody + 1, deadline) && read_response(fd, deadline, r);
        close(fd);
    }
    if (ok)
        dbg("%s %s: HTTP %d, %zu bytes sent, %zu received, %d ms", method, path, r->status, total, r->body_len,
            (int)(now_ms() - start));
    else
        dbg("%s %s failed: %s", method, path, g_err);
    free(iov);
    buf_free(&head);
    if (!ok)
        buf_free(&r->raw);
    return ok;
}

/* ---------------------------------------------------------------- fields */

struct field {
    const char *tag;
    size_t tag_len;
    const char *val;
    size_t len;
};

struct fields {
    struct field *v;
    size_t n;
};

static bool parse_fields(const char *p, size_t len, struct fields *out)
{
    size_t cap = 16;
    out->n = 0;
    out->v = malloc(cap * sizeof *out->v);
    if (!out->v)
        return fail("out of memory");
    const char *end = p + len;
    while (p < end) {
        const char *tag = p;
        while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                           *p == '-' || *p == '_'))
            p++;
        if (p == tag || p >= end || *p != ' ')
            return fail("malformed field tag in the daemon's answer");
        size_t tag_len = (size_t)(p - tag);
        p++;
        const char *digits = p;
        size_t n = 0;
        while (p < end && *p >= '0' && *p <= '9' && p - digits < 16)
            n = n * 10 + (size_t)(*p++ - '0');
        if (p == digits || p >= end || *p != '\n')
            return fail("malformed field length in the daemon's answer");
        p++;
        if (n > (size_t)(end - p))
            return fail("truncated field in the daemon's answer");
        if (out->n == cap) {
            cap *= 2;
            struct field *v = realloc(out->v, cap * sizeof *v);
            if (!v)
                return fail("out of memory");
            out->v = v;
        }
        out->v[out->n++] = (struct field){tag, tag_len, p, n};
        p += n;
    }
    return true;
}

static bool field_is(const struct field *f, const char *tag)
{
    size_t n = strlen(tag);
    return f->tag_len == n && memcmp(f->tag, tag, n) == 0;
}

static const struct field *field_get(const struct fields *fs, const char *tag)
{
    for (size_t i = 0; i < fs->n; i++)
        if (field_is(&fs->v[i], tag))
            return &fs->v[i];
    return NULL;
}

static bool value_is(const struct field *f, const char *s)
{
    return f && f->len == strlen(s) && memcmp(f->val, s, f->len) == 0;
}

/* A NUL-terminated copy; values with an embedded NUL cannot be paths or argv. */
static char *value_cstr(const struct field *f)
{
    if (!f || memchr(f->val, 0, f->len))
        return NULL;
    char *s = malloc(f->len + 1);
    if (s) {
        memcpy(s, f->val, f->len);
        s[f->len] = 0;
    }
    return s;
}

static bool value_int(const struct field *f, int lo, int hi, int *out)
{
    if (!f || f->len == 0 || f->len > 9)
        return false;
    int v = 0;
    size_t i = 0;
    bool neg = f->val[0] == '-';
    if (neg && f->len == 1)
        return false;
    for (i = neg ? 1 : 0; i < f->len; i++) {
        if (f->val[i] < '0' || f->val[i] > '9')
            return false;
        v = v * 10 + (f->val[i] - '0');
    }
    v = neg ? -v : v;
    if (v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* ---------------------------------------------------------------- talking to the daemon */

static char g_pid[24];

static bool env_wanted(const char *e)
{
    static const char *const prefixes[] = {"VXCC_", "LC_", "GCC_"};
    static const char *const names[] = {"LANG", "SOURCE_DATE_EPOCH", "TERM"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(e, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t n = strlen(names[i]);
        if (strncmp(e, names[i], n) == 0 && e[n] == '=')
            return true;
    }
    return false;
}

/* A directive is only usable if it came with 200 and parses; anything else is a fall-back. */
static bool directive(struct response *r, struct fields *fs, const char **action_out)
{
    if (r->status != 200)
        return fail("HTTP %d from the daemon", r->status);
    if (!parse_fields(r->body, r->body_len, fs))
        return false;
    if (fs->n == 0 || !field_is(&fs->v[0], "action"))
        return fail("answer does not start with an action field");
    static char action[32];
    size_t n = fs->v[0].len < sizeof action - 1 ? fs->v[0].len : sizeof action - 1;
    memcpy(action, fs->v[0].val, n);
    action[n] = 0;
    *action_out = action;
    return true;
}

static void release_quota(void)
{
    struct buf b = {0};
    struct response r;
    if (field_str(&b, "pid", g_pid)) {
        struct iovec iov = {b.p, b.len};
        if (http_call("POST", "/local/release", &iov, 1, RELEASE_MS, &r))
            buf_free(&r.raw);
        else
            dbg("release failed (ignored): %s", g_err);
    }
    buf_free(&b);
}

/* Loops until the daemon grants a quota; false if the daemon stops answering sensibly. */
static bool acquire_quota(const char *kind)
{
    struct buf b = {0};
    if (!field_str(&b, "pid", g_pid) || !field_str(&b, "kind", kind)) {
        buf_free(&b);
        return fail("out of memory");
    }
    bool granted = false;
    for (;;) {
        struct iovec iov = {b.p, b.len};
        struct response r;
        if (!http_call("POST", "/local/acquire", &iov, 1, LONG_POLL_MS, &r))
            break;
        struct fields fs = {0};
        const char *action;
        bool ok = directive(&r, &fs, &action);
        if (ok && strcmp(action, "granted") == 0)
            granted = true;
        else if (ok && strcmp(action, "wait") != 0)
            ok = fail("unexpected acquire answer '%s'", action);
        free(fs.v);
        buf_free(&r.raw);
        if (!ok || granted)
            break;
        dbg("acquire %s: wait", kind);
    }
    buf_free(&b);
    if (granted)
        dbg("acquire %s: granted", kind);
    return granted;
}

static _Noreturn void do_local(const struct fields *fs)
{
    const struct field *quota = field_get(fs, "quota");
    const struct field *kind_f = field_get(fs, "kind");
    char *kind = kind_f ? value_cstr(kind_f) : NULL;
    if (!quota || value_is(quota, "none"))
        exec_compiler();
    bool held;
    if (value_is(quota, "granted"))
        held = true;
    else if (value_is(quota, "wait"))
        held = acquire_quota(kind ? kind : "heavy");
    else
        fallback("unknown quota value");
    if (!held) {
        dbg("running without a quota: %s", g_err);
        exec_compiler();
    }

    char **argv = calloc((size_t)g_nargs + 2, sizeof *argv);
    if (!argv) {
        release_quota();
        fallback("out of memory");
    }
    argv[0] = (char *)g_compiler;
    for (int i = 0; i < g_nargs; i++)
        argv[i + 1] = g_args[i];
    pid_t pid;
    int err = posix_spawn(&pid, g_compiler, NULL, NULL, argv, environ);
    if (err) {
        release_quota();
        fallback(strerror(err));
    }
    forwarding_begin(pid);
    int status = wait_child(pid);
    forwarding_end();
    release_quota();
    dbg("compiler exited with %d", status < 0 ? -1 : status_code(status));
    if (status < 0)
        _exit(1);
    exit_like(status);
}

struct capture {
    struct buf out, err;
    int status;
};

/* Runs argv with both outputs captured. Both pipes are drained together: a
 * preprocessor blocked on a full stderr pipe would never finish its stdout. */
static bool run_captured(char **argv, struct capture *c)
{
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) < 0)
        return fail("pipe: %s", strerror(errno));
    if (pipe2(err, O_CLOEXEC) < 0) {
        close(out[0]);
        close(out[1]);
        return fail("pipe: %s", strerror(errno));
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    close(err[1]);
    if (rc) {
        close(out[0]);
        close(err[0]);
        return fail("cannot run the preprocessor '%s': %s", argv[0], strerror(rc));
    }
    forwarding_begin(pid);
    struct pollfd p[2] = {{.fd = out[0], .events = POLLIN}, {.fd = err[0], .events = POLLIN}};
    struct buf *dst[2] = {&c->out, &c->err};
    bool ok = true;
    while (p[0].fd >= 0 || p[1].fd >= 0) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            ok = fail("poll: %s", strerror(errno));
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !p[i].revents)
                continue;
            if (!buf_reserve(dst[i], 65536)) {
                ok = fail("out of memory capturing the preprocessor output");
                break;
            }
            ssize_t n = read(p[i].fd, dst[i]->p + dst[i]->len, dst[i]->cap - dst[i]->len);
            if (n > 0) {
                dst[i]->len += (size_t)n;
            } else if (n == 0 || errno != EINTR) {
                close(p[i].fd);
                p[i].fd = -1;
            }
        }
        if (!ok)
            break;
    }
    for (int i = 0; i < 2; i++)
        if (p[i].fd >= 0)
            close(p[i].fd);
    if (!ok)
        kill(pid, SIGKILL);
    int status = wait_child(pid);
    forwarding_end();
    if (ok && status < 0)
        ok = fail("waitpid: %s", strerror(errno));
    c->status = status;
    return ok;
}

static bool do_preprocess(const struct fields *fs, struct response *next)
{
    char *task = value_cstr(field_get(fs, "task"));
    if (!task)
        return fail("preprocess without a task");
    size_t nargs = 0;
    for (size_t i = 0; i < fs->n; i++)
        nargs += field_is(&fs->v[i], "arg");
    if (nargs == 0)
        return fail("preprocess without arguments");
    char **argv = calloc(nargs + 1, sizeof *argv);
    if (!argv)
        return fail("out of memory");
    for (size_t i = 0, k = 0; i < fs->n; i++) {
        if (field_is(&fs->v[i], "arg") && !(argv[k++] = value_cstr(&fs->v[i])))
            return fail("bad preprocess argument");
    }

    const struct field *quota = field_get(fs, "quota");
    const struct field *kind_f = field_get(fs, "kind");
    char *kind = kind_f ? value_cstr(kind_f) : NULL;
    bool held = false;
    if (value_is(quota, "granted"))
        held = true;
    else if (value_is(quota, "wait") && !(held = acquire_quota(kind ? kind : "light")))
        return false; /* the daemon is gone: submitting would fail as well */

    dbg("preprocessing: %s ...", argv[0]);
    struct capture c = {0};
    bool ran = run_captured(argv, &c);
    /* Released before submitting so that the daemon can hand the slot on at once,
     * and so that a daemon which keeps no quota across submit sees no leak. */
    if (held)
        release_quota();
    for (size_t i = 0; i < nargs; i++)
        free(argv[i]);
    free(argv);
    free(kind);
    if (!ran) {
        buf_free(&c.out);
        buf_free(&c.err);
        free(task);
        return false;
    }
    int code = status_code(c.status);
    dbg("preprocessor exited with %d, %zu bytes of output", code, c.out.len);

    struct buf head = {0}, mid = {0};
    char exit_s[16];
    snprintf(exit_s, sizeof exit_s, "%d", code);
    bool ok = field_str(&head, "task", task) && field_str(&head, "pid", g_pid) && field_str(&head, "exit", exit_s) &&
              field_head(&head, "stderr", c.err.len) && field_head(&mid, "stdout", c.out.len);
    free(task);
    if (ok) {
        struct iovec iov[4] = {{head.p, head.len}, {c.err.p, c.err.len}, {mid.p, mid.len}, {c.out.p, c.out.len}};
        ok = http_call("POST", "/local/submit", iov, 4, LONG_POLL_MS, next);
    } else {
        fail("out of memory");
    }
    buf_free(&head);
    buf_free(&mid);
    buf_free(&c.out);
    buf_free(&c.err);
    return ok;
}

static bool do_pending(const struct fields *fs, struct response *next)
{
    const struct field *task = field_get(fs, "task");
    if (!task)
        return fail("pending without a task");
    struct buf b = {0};
    bool ok = field_add(&b, "task", task->val, task->len) && field_str(&b, "pid", g_pid);
    if (ok) {
        struct iovec iov = {b.p, b.len};
        ok = http_call("POST", "/local/wait", &iov, 1, LONG_POLL_MS, next);
    } else {
        fail("out of memory");
    }
    buf_free(&b);
    return ok;
}

struct out_file {
    char *path, *tmp;
    const struct field *data;
};

static void remove_temps(struct out_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (files[i].tmp)
            unlink(files[i].tmp);
}

static bool write_one(const char *tmp, const struct field *data)
{
    /* Mode 0666 lets the kernel apply the umask, exactly as for the compiler's output. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0)
        return fail("cannot create %s: %s", tmp, strerror(errno));
    bool ok = write_all(fd, data->val, data->len);
    int saved = errno;
    if (close(fd) < 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (!ok)
        return fail("cannot write %s: %s", tmp, strerror(saved));
    return true;
}

/* All files are written to temporaries first and renamed only when every one of
 * them is complete, so a failure leaves the previous outputs (or none) in place. */
static bool write_files(const struct fields *fs)
{
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++)
        n += field_is(&fs->v[i], "file");
    if (n == 0)
        return true;
    struct out_file *files = calloc(n, sizeof *files);
    if (!files)
        return fail("out of memory");
    size_t k = 0;
    bool ok = true;
    for (size_t i = 0; i < fs->n && ok; i++) {
        if (field_is(&fs->v[i], "file")) {
            if (k > 0 && !files[k - 1].data)
                ok = fail("file without data");
            else if (!(files[k++].path = value_cstr(&fs->v[i])) || !*files[k - 1].path)
                ok = fail("bad file path");
        } else if (field_is(&fs->v[i], "data")) {
            if (k == 0 || files[k - 1].data)
                ok = fail("data without file");
            else
                files[k - 1].data = &fs->v[i];
        }
    }
    if (ok && !files[n - 1].data)
        ok = fail("file without data");

    /* Signals held back so that a Ctrl-C cannot leave a temporary behind; a pending
     * one is delivered as soon as we are done. */
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    char suffix[48];
    snprintf(suffix, sizeof suffix, ".vxcc-%s.tmp", g_pid);
    size_t made = 0;
    for (; ok && made < n; made++) {
        struct buf b = {0};
        if (!buf_addf(&b, "%s%s", files[made].path, suffix)) {
            ok = fail("out of memory");
            break;
        }
        files[made].tmp = b.p;
        if (!write_one(b.p, files[made].data)) {
            ok = false;
            made++;
            break;
        }
    }
    for (size_t i = 0; ok && i < n; i++) {
        if (rename(files[i].tmp, files[i].path) < 0) {
            ok = fail("cannot rename %s: %s", files[i].tmp, strerror(errno));
            break;
        }
        free(files[i].tmp);
        files[i].tmp = NULL;
    }
    if (!ok)
        remove_temps(files, made);
    sigprocmask(SIG_SETMASK, &old, NULL);
    for (size_t i = 0; i < n; i++) {
        free(files[i].path);
        free(files[i].tmp);
    }
    free(files);
    return ok;
}

static bool do_result(const struct fields *fs)
{
    int code;
    if (!value_int(field_get(fs, "exit"), 0, 255, &code))
        return fail("result without a valid exit code");
    if (!write_files(fs))
        return false;
    const struct field *out = field_get(fs, "stdout"), *err = field_get(fs, "stderr");
    const struct field *note = field_get(fs, "note");
    dbg("result: exit %d%s%.*s", code, note ? ", " : "", note ? (int)note->len : 0, note ? note->val : "");
    if (out)
        write_all(1, out->val, out->len);
    if (err)
        write_all(2, err->val, err->len);
    _exit(code);
}

/* The /local/compile request (also what --explain asks about). */
static bool compile_body(struct buf *b)
{
    snprintf(g_pid, sizeof g_pid, "%d", (int)getpid());
    char *cwd = current_dir();
    if (!cwd)
        return fail("cannot get the current directory");
    bool ok = field_str(b, "version", PROTOCOL_VERSION) && field_str(b, "pid", g_pid) && field_str(b, "cwd", cwd) &&
              field_str(b, "tool", g_tool) && field_str(b, "compiler", g_compiler_abs);
    for (int i = 0; ok && i < g_nargs; i++)
        ok = field_str(b, "arg", g_args[i]);
    for (char **e = environ; ok && *e; e++)
        if (env_wanted(*e))
            ok = field_str(b, "env", *e);
    ok = ok && field_str(b, "stderr-tty", isatty(2) ? "1" : "0");
    free(cwd);
    return ok || fail("out of memory");
}

static _Noreturn void compile(void)
{
    struct buf b = {0};
    if (!compile_body(&b))
        fallback(g_err);

    struct response r;
    struct iovec iov = {b.p, b.len};
    if (!http_call("POST", "/local/compile", &iov, 1, COMPILE_MS, &r))
        fallback(g_err);
    buf_free(&b);

    for (;;) {
        struct fields fs = {0};
        const char *action;
        if (!directive(&r, &fs, &action))
            fallback(g_err);
        dbg("directive: %s", action);
        struct response next;
        if (strcmp(action, "local") == 0) {
            const struct field *reason = field_get(&fs, "reason"), *note = field_get(&fs, "note");
            dbg("compiling locally: %.*s%s%.*s", reason ? (int)reason->len : 0, reason ? reason->val : "", note ? ": " : "",
                note ? (int)note->len : 0, note ? note->val : "");
            do_local(&fs);
        } else if (strcmp(action, "preprocess") == 0) {
            if (!do_preprocess(&fs, &next))
                fallback(g_err);
        } else if (strcmp(action, "pending") == 0) {
            if (!do_pending(&fs, &next))
                fallback(g_err);
        } else if (strcmp(action, "result") == 0) {
            do_result(&fs);
            fallback(g_err);
        } else if (strcmp(action, "fail") == 0) {
            const struct field *reason = field_get(&fs, "reason");
            fail("the daemon failed: %.*s", reason ? (int)reason->len : 0, reason ? reason->val : "");
            fallback(g_err);
        } else {
            fail("unknown action '%s'", action);
            fallback(g_err);
        }
        free(fs.v);
        buf_free(&r.raw);
        r = next;
    }
}

/* ---------------------------------------------------------------- finding the compiler */

static bool is_wrapper(const char *real)
{
    static const char *const others[] = {"ccache", "distcc", "icecc", "sccache"};
    if (strcmp(base_name(real), "vxcc") == 0)
        return true;
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        if (ends_with(real, others[i]))
            return true;
    return false;
}

static char *try_dir(const char *dir, const char *tool, const char *self)
{
    char *cand = join_path(*dir ? dir : ".", tool);
    if (!cand)
        return NULL;
    struct stat st;
    if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
        char *real = realpath(cand, NULL);
        bool skip = !real || (self && strcmp(real, self) == 0) || is_wrapper(real);
        if (skip)
            dbg("skipping %s (-> %s)", cand, real ? real : "?");
        free(real);
        if (!skip) {
            char *abs = make_absolute(cand);
            free(cand);
            return abs;
        }
    }
    free(cand);
    return NULL;
}

static bool is_self(const char *path)
{
    char *self = realpath("/proc/self/exe", NULL), *real = realpath(path, NULL);
    bool same = self && real && strcmp(self, real) == 0;
    free(self);
    free(real);
    return same;
}

static char *find_compiler(const char *tool)
{
    char *self = realpath("/proc/self/exe", NULL);
    char *found = NULL;
    const char *first = getenv("VXCC_REAL_COMPILER_DIR");
    if (first && *first)
        found = try_dir(first, tool, self);
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (!found) {
        const char *colon = strchr(path, ':');
        size_t n = colon ? (size_t)(colon - path) : strlen(path);
        char *dir = strndup(path, n);
        if (!dir)
            break;
        found = try_dir(dir, tool, self);
        free(dir);
        if (!colon)
            break;
        path = colon + 1;
    }
    free(self);
    return found;
}

/* ---------------------------------------------------------------- commands of vxcc itself */

static void usage(FILE *f)
{
    fputs("usage: vxcc COMPILER [ARGS...]      compile through the vxcc daemon (e.g. vxcc g++ -c a.cc)\n"
          "       vxcc --stats [--json]        print the local daemon's statistics\n"
          "       vxcc doctor                  check the set-up (PATH, ccache, daemon, scheduler, compilers, cache)\n"
          "       vxcc --explain [--] COMPILER [ARGS...]  say where that compile would run and why; runs nothing\n"
          "       vxcc install-symlinks DIR    create gcc, g++, cc, c++, clang, clang++, vxcc -> vxcc in DIR\n"
          "       vxcc --version | --help\n"
          "Symlinked under a compiler's name (put DIR first in PATH), vxcc stands in for that compiler.\n"
          "Environment:\n"
          "  VXCC_DAEMON=PATH             the daemon's socket, unix:/path or /path (default " DEFAULT_DAEMON ")\n"
          "  VXCC_DISABLE=1               run the real compiler directly, never contact the daemon\n"
          "  VXCC_DISTRIBUTE=0            ask the daemon to run everything locally\n"
          "  VXCC_CACHE_CONTROL=0|1|2     shared cache off / read and fill (default) / fill only\n"
          "  VXCC_BASE_DIR=DIR            checkout root: checkouts in other directories share results\n"
          "  VXCC_LOG_LEVEL=debug|info    debug: print each step and why it ran where it did\n"
          "  VXCC_REAL_COMPILER_DIR=DIR   searched for the real compiler before PATH\n"
          "  VXCC_JAVA_OPTS=OPTS          extra JVM options for vxcc-node\n",
          f);
}

static int cmd_stats(int argc, char **argv)
{
    bool json = false;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--json") != 0) {
            fprintf(stderr, "vxcc: unknown option '%s' for --stats\n", argv[i]);
            return 2;
        }
        json = true;
    }
    struct response r;
    if (!http_call("GET", json ? "/local/stats?format=json" : "/local/stats", NULL, 0, STATS_MS, &r)) {
        fprintf(stderr, "vxcc: cannot get statistics from the daemon at %s: %s\n", daemon_spec(), g_err);
        return 2;
    }
    if (r.status != 200) {
        fprintf(stderr, "vxcc: the daemon at %s answered HTTP %d\n", daemon_spec(), r.status);
        return 2;
    }
    bool ok = write_all(1, r.body, r.body_len);
    if (ok && r.body_len && r.body[r.body_len - 1] != '\n')
        ok = write_all(1, "\n", 1);
    return ok ? 0 : 1;
}

/* Prints the daemon's text answer (field "text"); *exit_code from field "exit" when present. */
static bool print_text_answer(struct response *r, int *exit_code)
{
    struct fields fs = {0};
    if (r->status != 200)
        return fail("the daemon answered HTTP %d: %.*s", r->status, (int)(r->body_len > 200 ? 200 : r->body_len), r->body);
    if (!parse_fields(r->body, r->body_len, &fs))
        return false;
    const struct field *text = field_get(&fs, "text");
    const struct field *ex = field_get(&fs, "exit");
    bool ok = text != NULL || fail("the daemon's answer has no text");
    if (ok && ex && !value_int(ex, 0, 255, exit_code))
        ok = false;
    if (ok)
        ok = write_all(1, text->val, text->len) || fail("cannot write to stdout");
    free(fs.v);
    return ok;
}

/* All checks are the daemon's; the shim sends what only it can see: itself, PATH, the env. */
static int cmd_doctor(int argc, char **argv)
{
    (void)argv;
    if (argc > 2) {
        fprintf(stderr, "vxcc: doctor takes no arguments\n");
        return 2;
    }
    char *self = realpath("/proc/self/exe", NULL);
    char *cwd = current_dir();
    const char *path = getenv("PATH");
    struct buf b = {0};
    bool ok = field_str(&b, "version", PROTOCOL_VERSION) && field_str(&b, "self", self ? self : "/nonexistent/vxcc") &&
              field_str(&b, "socket", daemon_spec()) && field_str(&b, "cwd", cwd ? cwd : "/") &&
              field_str(&b, "path", path ? path : "");
    for (char **e = environ; ok && *e; e++)
        if (strncmp(*e, "VXCC_", 5) == 0 || strncmp(*e, "CCACHE_", 7) == 0 ||
            strncmp(*e, "CMAKE_C_COMPILER_LAUNCHER=", 26) == 0 || strncmp(*e, "CMAKE_CXX_COMPILER_LAUNCHER=", 28) == 0)
            ok = field_str(&b, "env", *e);
    free(self);
    free(cwd);
    if (!ok) {
        fprintf(stderr, "vxcc: out of memory\n");
        return 2;
    }
    struct response r;
    struct iovec iov = {b.p, b.len};
    if (!http_call("POST", "/local/doctor", &iov, 1, DOCTOR_MS, &r)) {
        printf("FAIL daemon: not reachable at %s (%s): start it with `vxcc-node run all` (one machine) or"
               " `vxcc-node run daemon ...`, or point VXCC_DAEMON at its socket\n",
               daemon_spec(), g_err);
        return 1;
    }
    int code = 1;
    if (!print_text_answer(&r, &code)) {
        printf("FAIL daemon: at %s, but %s: restart it with the same vxcc version\n", daemon_spec(), g_err);
        return 1;
    }
    return code;
}

static bool resolve_compiler(const char *tool_arg, bool direct);

/* vxcc --explain [--] COMPILER ARGS...: the daemon decides as for a real compile and says why;
 * nothing is run or written, and no counter moves. */
static int cmd_explain(int argc, char **argv)
{
    int i = 2;
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i >= argc) {
        fprintf(stderr, "vxcc: --explain needs a compile, e.g. vxcc --explain -- g++ -c a.cc -o a.o\n");
        return 2;
    }
    g_args = argv + i + 1;
    g_nargs = argc - i - 1;
    if (!resolve_compiler(argv[i], true))
        return 127;
    struct buf b = {0};
    struct response r;
    struct iovec iov;
    int code = 0;
    bool ok = compile_body(&b);
    iov.iov_base = b.p;
    iov.iov_len = b.len;
    ok = ok && http_call("POST", "/local/explain", &iov, 1, LONG_POLL_MS, &r) && print_text_answer(&r, &code);
    if (!ok) {
        fprintf(stderr, "vxcc: cannot ask the daemon at %s: %s (`vxcc doctor` says more)\n", daemon_spec(), g_err);
        return 1;
    }
    return 0;
}

static bool mkdir_p(const char *dir)
{
    char *p = strdup(dir);
    if (!p)
        return false;
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == 0) {
            char c = *s;
            *s = 0;
            if (mkdir(p, 0777) < 0 && errno != EEXIST) {
                free(p);
                return false;
            }
            *s = c;
            if (!c)
                break;
        }
    }
    free(p);
    struct stat st;
    return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

static int cmd_install_symlinks(int argc, char **argv)
{
    if (argc != 3) {
        usage(stderr);
        return 2;
    }
    const char *dir = argv[2];
    char *self = read_link("/proc/self/exe");
    if (!self) {
        fprintf(stderr, "vxcc: cannot find my own path: %s\n", strerror(errno));
        return 1;
    }
    if (!mkdir_p(dir)) {
        fprintf(stderr, "vxcc: cannot create directory %s: %s\n", dir, strerror(errno));
        return 1;
    }
    int rc = 0;
    for (size_t i = 0; i < sizeof k_symlink_names / sizeof k_symlink_names[0]; i++) {
        char *link = join_path(dir, k_symlink_names[i]);
        struct buf tmp = {0};
        if (!link || !buf_addf(&tmp, "%s.vxcc-%d.tmp", link, (int)getpid())) {
            fprintf(stderr, "vxcc: out of memory\n");
            return 1;
        }
        struct stat st;
        int lr = lstat(link, &st);
        if (lr == 0 && !S_ISLNK(st.st_mode)) {
            fprintf(stderr, "vxcc: %s exists and is not a symlink; left alone\n", link);
            rc = 1;
        } else {
            bool existed = lr == 0;
            char *old = existed ? read_link(link) : NULL;
            if (old && strcmp(old, self) == 0) {
                printf("unchanged %s -> %s\n", link, self);
            } else if (symlink(self, tmp.p) < 0 || rename(tmp.p, link) < 0) {
                /* Created beside the target and renamed over it: an existing link is
                 * replaced without a moment where the compiler name is missing. */
                int err = errno;
                unlink(tmp.p);
                fprintf(stderr, "vxcc: cannot create %s: %s\n", link, strerror(err));
                rc = 1;
            } else if (existed) {
                printf("replaced %s -> %s (was -> %s)\n", link, self, old ? old : "?");
            } else {
                printf("created %s -> %s\n", link, self);
            }
            free(old);
        }
        buf_free(&tmp);
        free(link);
    }
    if (rc == 0)
        printf("put %s first in PATH (or point CC/CXX at it) to compile through vxcc\n", dir);
    free(self);
    return rc;
}

/* ---------------------------------------------------------------- main */

static bool env_true(const char *name)
{
    const char *v = getenv(name);
    return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0);
}

/* Every level but debug is quiet; a misspelt one must not silently mean "quiet". */
static void log_level(const char *level)
{
    static const char *const quiet[] = {"", "info", "warn", "warning", "error", "off"};
    if (!level || strcmp(level, "debug") == 0) {
        g_debug = level != NULL;
        return;
    }
    for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++)
        if (strcmp(level, quiet[i]) == 0)
            return;
    fprintf(stderr, "vxcc: unknown VXCC_LOG_LEVEL '%s' (want debug, or info for quiet); ignoring it\n", level);
}

/* direct: named after `vxcc` (a path there is the compiler itself), not invoked through a link. */
static bool resolve_compiler(const char *tool_arg, bool direct)
{
    g_tool = base_name(tool_arg);
    /* A launcher given one of our own symlinks (CMake found c++ first in PATH: ours) must not run
       itself as the compiler: the two would hold and wait for the same local slot. */
    if (strchr(tool_arg, '/') && direct && !is_self(tool_arg)) {
        g_compiler = tool_arg;
        g_compiler_abs = make_absolute(tool_arg);
    } else {
        g_compiler_abs = find_compiler(g_tool);
        g_compiler = g_compiler_abs;
    }
    if (!g_compiler || !g_compiler_abs) {
        fprintf(stderr, "vxcc: cannot find the real '%s' in PATH\n", g_tool);
        return false;
    }
    dbg("tool %s, compiler %s", g_tool, g_compiler);
    return true;
}

int main(int argc, char **argv)
{
    ensure_std_fds();
    log_level(getenv("VXCC_LOG_LEVEL"));

    if (argc < 1 || !argv[0]) {
        usage(stderr);
        return 2;
    }
    const char *tool_arg;
    if (strcmp(base_name(argv[0]), "vxcc") == 0) {
        if (argc < 2) {
            usage(stderr);
            return 2;
        }
        const char *cmd = argv[1];
        if (strcmp(cmd, "--version") == 0) {
            printf("vxcc %s (wrapper protocol %s)\n", VXCC_VERSION, PROTOCOL_VERSION);
            return 0;
        }
        if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(cmd, "--stats") == 0)
            return cmd_stats(argc, argv);
        if (strcmp(cmd, "doctor") == 0)
            return cmd_doctor(argc, argv);
        if (strcmp(cmd, "--explain") == 0)
            return cmd_explain(argc, argv);
        if (strcmp(cmd, "install-symlinks") == 0)
            return cmd_install_symlinks(argc, argv);
        if (cmd[0] == '-' || !*cmd) {
            fprintf(stderr, "vxcc: unknown option '%s'\n", cmd);
            usage(stderr);
            return 2;
        }
        tool_arg = cmd;
        g_args = argv + 2;
        g_nargs = argc - 2;
    } else {
        tool_arg = argv[0];
        g_args = argv + 1;
        g_nargs = argc - 1;
    }
    if (!resolve_compiler(tool_arg, tool_arg != argv[0]))
        return 127;

    if (env_true("VXCC_DISABLE")) {
        dbg("VXCC_DISABLE set: running the compiler directly");
        exec_compiler();
    }
    compile();
}
