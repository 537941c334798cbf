/*
 * proc/proc.h: the process tree. The parent supervises child processes by role (the writer,
 * the server): each is this same binary run again (fork + exec of /proc/self/exe, so a child
 * starts clean, not as a copy of a threaded parent), restarted with exponential backoff when it
 * dies, and the reason (exit status or signal) logged. Parent and child share only a status
 * page per child: a memfd the parent makes and the child inherits, holding the child's latest
 * status (seqlock, never blocks the reader) and an extra area (its metric registry). The
 * server's sandbox lives here too: Landlock, else an unprivileged user.
 *
 * Threads: proc_super_* run on the parent's main thread (a child's parent-death signal follows
 * the thread that forked it), except proc_super_state, which any thread may call. A page is
 * written by its child only and read by the parent only.
 */
#ifndef AM_PROC_H
#define AM_PROC_H

#include <sys/types.h>

#include "util/util.h"

/* ---- status pages ------------------------------------------------------------------------ */

#define PROC_STATUS_MAX 4000 /* bytes of status a child publishes */

typedef struct proc_page proc_page_t;

/* Parent: a new page with extra bytes after the status (zeroed). */
proc_page_t *proc_page_new(size_t extra, am_err_t *err) AM_MUST_CHECK;
/* Child: the page behind an inherited descriptor; NULL + err when it is not one. */
proc_page_t *proc_page_open(int fd, size_t extra, am_err_t *err) AM_MUST_CHECK;
int proc_page_fd(const proc_page_t *pg);
/* The extra area (borrowed, valid until proc_page_free). */
void *proc_page_extra(proc_page_t *pg, size_t *len);
/* Child: replaces the status with len bytes (at most PROC_STATUS_MAX) and stamps the time. */
void proc_page_publish(proc_page_t *pg, const void *data, size_t len);
/* Parent: copies the latest status into out (cap bytes); false when nothing is published yet
 * or it could not be read whole. *age_us: since it was published. Never blocks. */
bool proc_page_read(const proc_page_t *pg, void *out, size_t cap, size_t *len, int64_t *age_us);
/* Parent: forgets the status (before a new child of the role starts); keeps the extra area. */
void proc_page_clear(proc_page_t *pg);
void proc_page_free(proc_page_t *pg); /* NULL is a no-op */

/* ---- the supervisor ------------------------------------------------------------------------ */

typedef struct proc_super proc_super_t;

/* A child that exits with this status has failed for good (a configuration or state the
 * operator must fix: restarting it would fail the same way): it is not started again and
 * proc_super_failed says so. */
#define PROC_EXIT_FINAL 3

typedef struct proc_child_state {
    pid_t pid;                /* 0 when not running */
    int restarts;             /* times the role was started again after dying */
    int64_t up_us;            /* how long the current process has run; 0 when not running */
    int64_t next_start_in_ms; /* when not running: the backoff left */
    char last_exit[96];       /* "exited with status 1", "killed by signal 9 (KILL)", "" */
} proc_child_state_t;

proc_super_t *proc_super_new(void);
/* Adds a role. argv (NULL-terminated, copied) is what the child runs with; argv[0] is shown
 * in logs. keep_fds (n, copied) stay open in the child. Returns the role's index. */
size_t proc_super_add(proc_super_t *s, const char *role, const char *const *argv,
                      const int *keep_fds, size_t n_keep);
/* Called just before a role's process is started (again): e.g. proc_page_clear. */
void proc_super_on_start(proc_super_t *s, size_t i, void (*fn)(void *ud), void *ud);
/* Starts every role now. False + err when a fork fails. */
bool proc_super_start(proc_super_t *s, am_err_t *err) AM_MUST_CHECK;
/* Reaps children that died (logging why) and starts those whose backoff is over. Call often
 * (every 50-100 ms); never blocks. */
void proc_super_tick(proc_super_t *s);
/* SIGTERM to every child, SIGKILL after grace_ms; waits for all. Then frees s. */
void proc_super_stop(proc_super_t *s, int grace_ms);
void proc_super_state(proc_super_t *s, size_t i, proc_child_state_t *out);
/* Whether a child exited with PROC_EXIT_FINAL (its role name in *role). */
bool proc_super_failed(proc_super_t *s, const char **role);
/* A child's signal to its role process (tests, SIGKILL from the outside works the same). */
pid_t proc_super_pid(proc_super_t *s, size_t i);

/* In a child, first thing: die with the parent (SIGKILL), and notice if it is already gone. */
bool proc_child_init(am_err_t *err) AM_MUST_CHECK;

/* ---- the server's sandbox ------------------------------------------------------------------ */

typedef struct proc_sandbox {
    const char *const *read_dirs; /* read-only (files and directories under them) */
    size_t n_read_dirs;
    const char *const *write_dirs; /* read, write, create, remove */
    size_t n_write_dirs;
    const char *user; /* without Landlock, as root: become this user */
} proc_sandbox_t;

/* Restricts this process (all its threads, irrevocably): Landlock when the kernel has it,
 * else setuid to sandbox->user when root (the warehouse must not be writable by that user:
 * checked), else nothing. mode gets "landlock (ABI N)", "user nobody (uid 65534)" or "none".
 * False + err only when a mechanism that should work failed. */
bool proc_sandbox_apply(const proc_sandbox_t *sb, char *mode, size_t mode_len,
                        am_err_t *err) AM_MUST_CHECK;
/* Whether the kernel offers Landlock (ABI version, 0 when not). */
int proc_landlock_abi(void);

/* ---- tempdir.c: the supervisor's private temp directory ------------------------------------- */

/* "/tmp/arctic-mirror-<pid>.tmp" into out. */
void proc_temp_dir_name(char *out, size_t len, pid_t pid);
/* Removes the temp directories of supervisors no longer running (left by SIGKILL or a
 * crash); returns how many. */
int proc_temp_dirs_sweep(void);

#endif /* AM_PROC_H */
