/*
 * proc/super.c: the supervisor. Starts each role's process (fork, then exec of
 * /proc/self/exe with the role's argv: the child starts as a fresh program, with only the
 * descriptors it is given), reaps the ones that die, logs why, and starts them again after a
 * backoff that doubles from 100 ms to 30 s and falls back once a process has run for a
 * minute. Children die with the parent (PR_SET_PDEATHSIG), so a killed supervisor never
 * leaves a second writer behind. Never blocks: proc_super_tick uses waitpid(WNOHANG).
 */
#include "proc/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 30000
#define STABLE_US (INT64_C(60) * 1000 * 1000)

typedef struct role {
    char *name;
    char **argv;
    int *keep_fds;
    size_t n_keep;
    void (*on_start)(void *ud);
    void *on_start_ud;
    /* guarded by proc_super.lock (read by HTTP threads through proc_super_state) */
    pid_t pid;
    int restarts;
    int64_t started_us;  /* am_mono_us() */
    int64_t start_at_us; /* when not running: the next start */
    int backoff_ms;
    bool final; /* exited with PROC_EXIT_FINAL: never started again */
    char last_exit[96];
} role_t;

struct proc_super {
    pthread_mutex_t lock;
    role_t *roles;
    size_t n_roles;
};

proc_super_t *proc_super_new(void)
{
    proc_super_t *s = am_xcalloc(1, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    return s;
}

size_t proc_super_add(proc_super_t *s, const char *name, const char *const *argv,
                      const int *keep_fds, size_t n_keep)
{
    s->roles = am_xrealloc(s->roles, (s->n_roles + 1) * sizeof *s->roles);
    role_t *r = &s->roles[s->n_roles];
    memset(r, 0, sizeof *r);
    r->name = am_xstrdup(name);
    size_t n = 0;
    while (argv[n])
        n++;
    r->argv = am_xcalloc(n + 1, sizeof *r->argv);
    for (size_t i = 0; i < n; i++)
        r->argv[i] = am_xstrdup(argv[i]);
    r->keep_fds = am_xcalloc(n_keep + 1, sizeof *r->keep_fds);
    memcpy(r->keep_fds, keep_fds, n_keep * sizeof *keep_fds);
    r->n_keep = n_keep;
    r->backoff_ms = BACKOFF_MIN_MS;
    return s->n_roles++;
}

void proc_super_on_start(proc_super_t *s, size_t i, void (*fn)(void *ud), void *ud)
{
    s->roles[i].on_start = fn;
    s->roles[i].on_start_ud = ud;
}

/* In the child between fork and exec: only async-signal-safe calls. */
AM_NORETURN static void child_exec(const role_t *r)
{
    for (size_t i = 0; i < r->n_keep; i++) {
        int fl = fcntl(r->keep_fds[i], F_GETFD);
        if (fl >= 0)
            (void)fcntl(r->keep_fds[i], F_SETFD, fl & ~FD_CLOEXEC);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execv("/proc/self/exe", r->argv);
    _exit(127);
}

static bool role_start(role_t *r, am_err_t *err)
{
    if (r->on_start)
        r->on_start(r->on_start_ud);
    pid_t pid = fork();
    if (pid < 0)
        return am_err_errno(err, errno, "could not start the %s process", r->name);
    if (pid == 0)
        child_exec(r);
    r->pid = pid;
    r->started_us = am_mono_us();
    am_log_info("proc", "process started", AM_KV_STR("role", r->name), AM_KV_I64("pid", pid),
                AM_KV_I64("restarts", r->restarts));
    return true;
}

bool proc_super_start(proc_super_t *s, am_err_t *err)
{
    for (size_t i = 0; i < s->n_roles; i++) {
        pthread_mutex_lock(&s->lock);
        bool ok = role_start(&s->roles[i], err);
        pthread_mutex_unlock(&s->lock);
        if (!ok)
            return false;
    }
    return true;
}

static void describe_exit(int status, char *out, size_t cap)
{
    if (WIFEXITED(status)) {
        snprintf(out, cap, "exited with status %d", WEXITSTATUS(status));
        return;
    }
    int sig = WTERMSIG(status);
    const char *abbrev = sigabbrev_np(sig);
    snprintf(out, cap, "killed by signal %d (%s)%s", sig, abbrev ? abbrev : "?",
             WCOREDUMP(status) ? ", core dumped" : "");
}

/* Caller holds the lock. */
static void role_died(role_t *r, int status)
{
    int64_t ran_us = am_mono_us() - r->started_us;
    describe_exit(status, r->last_exit, sizeof r->last_exit);
    if (WIFEXITED(status) && WEXITSTATUS(status) == PROC_EXIT_FINAL) {
        am_log_error("proc", "process failed for good; not restarting", AM_KV_STR("role", r->name),
                     AM_KV_I64("pid", r->pid), AM_KV_STR("reason", r->last_exit));
        r->final = true;
        r->pid = 0;
        return;
    }
    if (ran_us >= STABLE_US)
        r->backoff_ms = BACKOFF_MIN_MS;
    r->start_at_us = am_mono_us() + (int64_t)r->backoff_ms * 1000;
    am_log_error("proc", "process died; restarting after backoff", AM_KV_STR("role", r->name),
                 AM_KV_I64("pid", r->pid), AM_KV_STR("reason", r->last_exit),
                 AM_KV_I64("ran_ms", ran_us / 1000), AM_KV_I64("backoff_ms", r->backoff_ms));
    r->backoff_ms = r->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : r->backoff_ms * 2;
    r->pid = 0;
}

void proc_super_tick(proc_super_t *s)
{
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        pthread_mutex_lock(&s->lock);
        for (size_t i = 0; i < s->n_roles; i++)
            if (s->roles[i].pid == pid)
                role_died(&s->roles[i], status);
        pthread_mutex_unlock(&s->lock);
    }
    for (size_t i = 0; i < s->n_roles; i++) {
        role_t *r = &s->roles[i];
        pthread_mutex_lock(&s->lock);
        if (r->pid == 0 && !r->final && am_mono_us() >= r->start_at_us) {
            am_err_t err = {0};
            r->restarts++;
            if (!role_start(r, &err)) {
                am_log_error("proc", "restart failed", AM_KV_STR("role", r->name), AM_KV_ERR(&err));
                r->start_at_us = am_mono_us() + (int64_t)r->backoff_ms * 1000;
            }
        }
        pthread_mutex_unlock(&s->lock);
    }
}

static bool any_running(proc_super_t *s)
{
    bool any = false;
    for (size_t i = 0; i < s->n_roles; i++)
        any |= s->roles[i].pid > 0;
    return any;
}

static void signal_all(proc_super_t *s, int sig)
{
    for (size_t i = 0; i < s->n_roles; i++)
        if (s->roles[i].pid > 0)
            kill(s->roles[i].pid, sig);
}

static void reap_for_stop(proc_super_t *s)
{
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (size_t i = 0; i < s->n_roles; i++) {
            role_t *r = &s->roles[i];
            if (r->pid != pid)
                continue;
            describe_exit(status, r->last_exit, sizeof r->last_exit);
            am_log_info("proc", "process stopped", AM_KV_STR("role", r->name),
                        AM_KV_I64("pid", pid), AM_KV_STR("reason", r->last_exit));
            r->pid = 0;
        }
    }
}

void proc_super_stop(proc_super_t *s, int grace_ms)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    signal_all(s, SIGTERM);
    int64_t deadline = am_mono_us() + (int64_t)grace_ms * 1000;
    while (any_running(s) && am_mono_us() < deadline) {
        reap_for_stop(s);
        if (any_running(s))
            am_sleep_ms(20);
    }
    if (any_running(s)) {
        am_log_warn("proc", "children still running after the grace period; killing them");
        signal_all(s, SIGKILL);
    }
    while (any_running(s)) {
        reap_for_stop(s);
        if (any_running(s))
            am_sleep_ms(10);
    }
    pthread_mutex_unlock(&s->lock);
    for (size_t i = 0; i < s->n_roles; i++) {
        role_t *r = &s->roles[i];
        for (size_t k = 0; r->argv[k]; k++)
            free(r->argv[k]);
        free(r->argv);
        free(r->keep_fds);
        free(r->name);
    }
    free(s->roles);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

void proc_super_state(proc_super_t *s, size_t i, proc_child_state_t *out)
{
    pthread_mutex_lock(&s->lock);
    const role_t *r = &s->roles[i];
    int64_t now = am_mono_us();
    *out = (proc_child_state_t){.pid = r->pid, .restarts = r->restarts};
    out->up_us = r->pid > 0 ? now - r->started_us : 0;
    out->next_start_in_ms = r->pid > 0 || r->start_at_us < now ? 0 : (r->start_at_us - now) / 1000;
    memcpy(out->last_exit, r->last_exit, sizeof out->last_exit);
    pthread_mutex_unlock(&s->lock);
}

pid_t proc_super_pid(proc_super_t *s, size_t i)
{
    pthread_mutex_lock(&s->lock);
    pid_t pid = s->roles[i].pid;
    pthread_mutex_unlock(&s->lock);
    return pid;
}

bool proc_child_init(am_err_t *err)
{
    pid_t parent = getppid();
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
        return am_err_errno(err, errno, "prctl(PR_SET_PDEATHSIG)");
    if (getppid() != parent || parent == 1)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "the supervisor is gone");
    return true;
}

bool proc_super_failed(proc_super_t *s, const char **role)
{
    bool failed = false;
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->n_roles && !failed; i++)
        if (s->roles[i].final) {
            failed = true;
            if (role)
                *role = s->roles[i].name;
        }
    pthread_mutex_unlock(&s->lock);
    return failed;
}
