/*
 * proc/sandbox.c: the server process's walls. Landlock (Linux 5.13+) through its three raw
 * system calls (no library in Debian 12 wraps them): every filesystem access right the kernel
 * knows is handled, then granted back only beneath the given read-only and read-write
 * directories; once restricted, no thread of the process can open anything else, and nothing
 * it does can undo that. Without Landlock, a root process becomes an unprivileged user (whose
 * write access to the read-only directories is checked, so a warehouse it could write is an
 * error); otherwise nothing is possible and the mode says "none".
 * Spec: Documentation/userspace-api/landlock.rst; linux/landlock.h.
 */
#include "proc/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/landlock.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Rights newer than Debian 12's kernel headers (linux/landlock.h of 6.1), as the kernel
 * defines them; they are handled only where the running kernel's ABI has them. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14) /* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#endif

#define LL_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_FILE_READ LANDLOCK_ACCESS_FS_READ_FILE
/* Libraries the process may still map (name-service and OpenSSL modules load late). */
#define LL_EXEC                                                                                    \
    (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_EXECUTE)

/* What libc, OpenSSL, libpq (the auth query) and DuckDB read after start. */
static const char *const system_reads[] = {
    "/usr/share/zoneinfo", "/etc/ssl", "/usr/lib/ssl", "/etc/hosts", "/etc/resolv.conf",
    "/etc/nsswitch.conf", "/etc/host.conf", "/etc/gai.conf", "/etc/services", "/etc/localtime",
    "/etc/passwd", "/etc/group", "/sys/devices/system/cpu", "/sys/fs/cgroup",
    /* this process only (DuckDB reads its cgroup and limits), never another process's */
    "/proc/self", "/proc/meminfo", "/proc/cpuinfo", "/proc/stat"};
static const char *const system_libs[] = {"/usr/lib", "/lib", "/lib64", "/usr/lib64"};
static const char *const devices[] = {"/dev/null", "/dev/urandom", "/dev/random", "/dev/zero"};

int proc_landlock_abi(void)
{
    long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return v > 0 ? (int)v : 0;
}

static uint64_t handled_rights(int abi)
{
    uint64_t r = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1; /* ABI 1: EXECUTE .. MAKE_SYM */
    if (abi >= 2)
        r |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3)
        r |= LANDLOCK_ACCESS_FS_TRUNCATE;
    if (abi >= 5)
        r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
    return r;
}

/* One path beneath rule. A path that does not exist is skipped (not every system has all). */
static bool add_rule(int ruleset, const char *path, uint64_t rights, uint64_t handled,
                     bool required, am_err_t *err)
{
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) {
        if (!required)
            return true;
        return am_err_errno(err, errno, "landlock: open \"%s\"", path);
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
        rights &= LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                  LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_TRUNCATE;
    struct landlock_path_beneath_attr pb = {.allowed_access = rights & handled, .parent_fd = fd};
    long rc = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
    int e = errno;
    close(fd);
    if (rc != 0)
        return am_err_errno(err, e, "landlock: rule for \"%s\"", path);
    return true;
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
/* The path after key= in opts into out ("" when absent): sanitizer options are split by ':'
 * or ' '. */
static void sanitizer_path(const char *opts, const char *key, char *out, size_t len)
{
    out[0] = '\0';
    const char *at = opts ? strstr(opts, key) : NULL;
    if (!at)
        return;
    at += strlen(key);
    size_t n = strcspn(at, ": ");
    if (n == 0 || n >= len)
        return;
    memcpy(out, at, n);
    out[n] = '\0';
}

/* A sanitizer opens its report (log_path.<pid>) and LeakSanitizer its suppressions only when
 * it has something to say, long after the walls went up: refused, the report is lost and the
 * process dies with status 1 (a CI run saw exactly that, and leak checks of the server never
 * ran). Sanitized builds are tests' builds: their report directories and suppression files
 * stay open. */
static bool add_sanitizer_paths(int rs, uint64_t rw, uint64_t handled, am_err_t *err)
{
    static const char *const vars[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS",
                                       "LSAN_OPTIONS"};
    char path[4096];
    for (size_t i = 0; i < AM_ARRAY_LEN(vars); i++) {
        const char *opts = getenv(vars[i]);
        sanitizer_path(opts, "suppressions=", path, sizeof path);
        if (path[0] && !add_rule(rs, path, LL_FILE_READ, handled, false, err))
            return false;
        sanitizer_path(opts, "log_path=", path, sizeof path);
        char *slash = strrchr(path, '/');
        if (!slash || slash == path)
            continue;
        *slash = '\0';
        if (!add_rule(rs, path, rw, handled, false, err))
            return false;
    }
    return true;
}
#else
static bool add_sanitizer_paths(int rs, uint64_t rw, uint64_t handled, am_err_t *err)
{
    (void)rs, (void)rw, (void)handled, (void)err;
    return true;
}
#endif

static bool add_rules(int rs, const proc_sandbox_t *sb, uint64_t handled, am_err_t *err)
{
    uint64_t rw =
        handled & ~(uint64_t)(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
                              LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SOCK |
                              LANDLOCK_ACCESS_FS_MAKE_FIFO);
    bool ok = true;
    for (size_t i = 0; ok && i < sb->n_read_dirs; i++)
        ok = add_rule(rs, sb->read_dirs[i], LL_READ, handled, true, err);
    for (size_t i = 0; ok && i < sb->n_write_dirs; i++)
        ok = add_rule(rs, sb->write_dirs[i], rw, handled, true, err);
    for (size_t i = 0; ok && i < AM_ARRAY_LEN(system_reads); i++)
        ok = add_rule(rs, system_reads[i], LL_READ, handled, false, err);
    for (size_t i = 0; ok && i < AM_ARRAY_LEN(system_libs); i++)
        ok = add_rule(rs, system_libs[i], LL_EXEC, handled, false, err);
    for (size_t i = 0; ok && i < AM_ARRAY_LEN(devices); i++)
        ok = add_rule(rs, devices[i], LL_FILE_READ | LANDLOCK_ACCESS_FS_WRITE_FILE, handled, false,
                      err);
    return ok && add_sanitizer_paths(rs, rw, handled, err);
}

static bool landlock_apply(const proc_sandbox_t *sb, int abi, am_err_t *err)
{
    uint64_t handled = handled_rights(abi);
    struct landlock_ruleset_attr attr = {.handled_access_fs = handled};
    int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (rs < 0)
        return am_err_errno(err, errno, "landlock: create ruleset");
    bool ok = add_rules(rs, sb, handled, err);
    if (ok && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        ok = am_err_errno(err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
    if (ok && syscall(SYS_landlock_restrict_self, rs, 0) != 0)
        ok = am_err_errno(err, errno, "landlock: restrict self");
    close(rs);
    return ok;
}

/* Without Landlock, as root: chown the writable directories to the user and become it. */
static bool drop_user(const proc_sandbox_t *sb, char *mode, size_t mode_len, am_err_t *err)
{
    struct passwd *pw = getpwnam(sb->user);
    if (!pw)
        return am_err_set(err, AM_SQLSTATE_CONFIG,
                          "sandbox: user \"%s\" does not exist (proxy.sandbox_user)", sb->user);
    uid_t uid = pw->pw_uid;
    gid_t gid = pw->pw_gid;
    if (uid == 0)
        return am_err_set(err, AM_SQLSTATE_CONFIG, "sandbox: user \"%s\" is root", sb->user);
    for (size_t i = 0; i < sb->n_write_dirs; i++)
        if (chown(sb->write_dirs[i], uid, gid) != 0)
            return am_err_errno(err, errno, "sandbox: chown \"%s\"", sb->write_dirs[i]);
    if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
        return am_err_errno(err, errno, "sandbox: become user \"%s\"", sb->user);
    /* A change of user clears the parent-death signal: set it again. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return am_err_errno(err, errno, "sandbox: prctl");
    for (size_t i = 0; i < sb->n_read_dirs; i++)
        if (access(sb->read_dirs[i], W_OK) == 0)
            return am_err_set(err, "42501",
                              "sandbox: user \"%s\" may write \"%s\": make it read-only for that "
                              "user, or run on a kernel with Landlock",
                              sb->user, sb->read_dirs[i]);
    snprintf(mode, mode_len, "user %s (uid %u)", sb->user, (unsigned)uid);
    return true;
}

bool proc_sandbox_apply(const proc_sandbox_t *sb, char *mode, size_t mode_len, am_err_t *err)
{
    const char *force = getenv("ARCTIC_MIRROR_SANDBOX"); /* "user" or "none": tests, fallback */
    int abi = force && *force ? 0 : proc_landlock_abi();
    if (abi > 0) {
        if (!landlock_apply(sb, abi, err))
            return false;
        snprintf(mode, mode_len, "landlock (ABI %d)", abi);
        return true;
    }
    if (geteuid() == 0 && !(force && strcmp(force, "none") == 0))
        return drop_user(sb, mode, mode_len, err);
    snprintf(mode, mode_len, "none");
    return true;
}
