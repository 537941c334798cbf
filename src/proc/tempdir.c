/*
 * proc/tempdir.c: the supervisor's private temp directory (/tmp/arctic-mirror-<pid>.tmp: the
 * server's DuckDB spills there). A supervisor killed with SIGKILL cannot remove its own, so
 * each start removes those whose supervisor is gone: owned by us, a real directory (not a
 * link someone planted in /tmp), and its pid no longer running.
 */
#include "proc/proc.h"

#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEMP_ROOT "/tmp"

void proc_temp_dir_name(char *out, size_t len, pid_t pid)
{
    snprintf(out, len, TEMP_ROOT "/arctic-mirror-%d.tmp", (int)pid);
}

/* The pid in name when it is exactly "arctic-mirror-<pid>.tmp", else 0. */
static pid_t temp_dir_pid(const char *name)
{
    int pid = 0, end = 0;
    if (sscanf(name, "arctic-mirror-%d.tmp%n", &pid, &end) != 1 || end == 0 || name[end] != '\0')
        return 0;
    return pid > 0 ? (pid_t)pid : 0;
}

int proc_temp_dirs_sweep(void)
{
    DIR *d = opendir(TEMP_ROOT);
    if (!d)
        return 0;
    int removed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        pid_t pid = temp_dir_pid(e->d_name);
        if (pid == 0 || pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH)
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, TEMP_ROOT "/%s", e->d_name);
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
            continue;
        am_err_t err = {0};
        if (am_remove_tree(path, &err))
            removed++;
        else
            am_log_warn("proc", "could not remove a dead supervisor's temp directory",
                        AM_KV_STR("path", path), AM_KV_ERR(&err));
    }
    closedir(d);
    return removed;
}
