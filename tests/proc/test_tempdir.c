/*
 * tests/proc/test_tempdir.c: a start removes the temp directories of supervisors that are gone,
 * and nothing else: not a running process's, not a link planted under the same name, not a
 * name that only looks alike.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc/proc.h"

/* The pid of a child that has exited and been reaped: a process that is gone. */
static pid_t dead_pid(void)
{
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0)
        _exit(0);
    cr_assert_eq(waitpid(pid, NULL, 0), pid);
    return pid;
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

Test(proc, temp_dirs_of_gone_supervisors_are_swept)
{
    char gone[PATH_MAX], mine[PATH_MAX], planted[PATH_MAX], file[PATH_MAX + 16];
    proc_temp_dir_name(gone, sizeof gone, dead_pid());
    proc_temp_dir_name(mine, sizeof mine, getpid());
    proc_temp_dir_name(planted, sizeof planted, dead_pid());
    cr_assert_eq(mkdir(gone, 0700), 0, "%s", gone);
    snprintf(file, sizeof file, "%s/spill.bin", gone);
    FILE *f = fopen(file, "w");
    cr_assert_not_null(f);
    fputs("x", f);
    fclose(f);
    cr_assert_eq(mkdir(mine, 0700), 0, "%s", mine);
    cr_assert_eq(symlink(mine, planted), 0, "%s", planted);
    char alike[PATH_MAX + 16];
    snprintf(alike, sizeof alike, "%s.keep", gone);
    cr_assert_eq(mkdir(alike, 0700), 0, "%s", alike);

    cr_assert_geq(proc_temp_dirs_sweep(), 1);
    cr_assert_not(exists(gone), "%s is still there", gone);
    cr_assert(exists(mine), "a running process's directory was removed");
    cr_assert(exists(planted), "a link was followed or removed");
    cr_assert(exists(alike), "a name that only looks alike was removed");

    cr_assert_eq(unlink(planted), 0);
    cr_assert_eq(rmdir(mine), 0);
    cr_assert_eq(rmdir(alike), 0);
}
