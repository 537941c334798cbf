/*
 * proc/page.c: a status page shared between the supervisor and one child: an anonymous
 * memfd both map, the child writing, the parent reading. The status is a seqlock: the writer
 * makes seq odd, copies, makes it even; a reader that sees seq move or odd tries again, a
 * bounded number of times, so a child that died mid-write (or a hostile one) can make a read
 * fail but never block it. The reader trusts nothing in the page: lengths are clamped.
 *   magic u64 | seq u32 | len u32 | published_us i64 (am_mono_us) | data[PROC_STATUS_MAX]
 *   | pad to 4096 | extra area (e.g. the child's metric registry)
 */
#include "proc/proc.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE_MAGIC UINT64_C(0x414d535441545553) /* "AMSTATUS" */
#define HEADER_SIZE 4096
#define READ_TRIES 64

typedef struct page_header {
    uint64_t magic;
    _Atomic uint32_t seq;
    _Atomic uint32_t len;
    _Atomic int64_t published_us;
    uint8_t data[PROC_STATUS_MAX];
} page_header_t;

_Static_assert(sizeof(page_header_t) <= HEADER_SIZE, "status page header too large");

struct proc_page {
    int fd;
    size_t size;
    page_header_t *h;
};

static proc_page_t *page_map(int fd, size_t size, am_err_t *err)
{
    void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (mem == MAP_FAILED) {
        am_err_errno(err, errno, "status page: mmap");
        return NULL;
    }
    proc_page_t *pg = am_xcalloc(1, sizeof *pg);
    pg->fd = fd;
    pg->size = size;
    pg->h = mem;
    return pg;
}

proc_page_t *proc_page_new(size_t extra, am_err_t *err)
{
    /* not MFD_CLOEXEC: the child inherits it (the supervisor closes the others' pages) */
    int fd = memfd_create("arctic-mirror-status", 0);
    size_t size = HEADER_SIZE + extra;
    if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
        am_err_errno(err, errno, "status page: memfd");
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    proc_page_t *pg = page_map(fd, size, err);
    if (!pg) {
        close(fd);
        return NULL;
    }
    pg->h->magic = PAGE_MAGIC;
    return pg;
}

proc_page_t *proc_page_open(int fd, size_t extra, am_err_t *err)
{
    off_t end = lseek(fd, 0, SEEK_END);
    if (end < 0 || (size_t)end != HEADER_SIZE + extra) {
        am_err_set(err, AM_SQLSTATE_INTERNAL, "status page: descriptor %d is not a status page",
                   fd);
        return NULL;
    }
    proc_page_t *pg = page_map(fd, (size_t)end, err);
    if (pg && pg->h->magic != PAGE_MAGIC) {
        am_err_set(err, AM_SQLSTATE_INTERNAL, "status page: descriptor %d has no status page", fd);
        proc_page_free(pg);
        return NULL;
    }
    return pg;
}

int proc_page_fd(const proc_page_t *pg)
{
    return pg->fd;
}

void *proc_page_extra(proc_page_t *pg, size_t *len)
{
    *len = pg->size - HEADER_SIZE;
    return (char *)pg->h + HEADER_SIZE;
}

void proc_page_publish(proc_page_t *pg, const void *data, size_t len)
{
    page_header_t *h = pg->h;
    if (len > PROC_STATUS_MAX)
        len = PROC_STATUS_MAX;
    uint32_t seq = atomic_load_explicit(&h->seq, memory_order_relaxed);
    atomic_store_explicit(&h->seq, seq | 1u, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    memcpy(h->data, data, len);
    atomic_store_explicit(&h->len, (uint32_t)len, memory_order_relaxed);
    atomic_store_explicit(&h->published_us, am_mono_us(), memory_order_relaxed);
    atomic_store_explicit(&h->seq, (seq | 1u) + 1u, memory_order_release);
}

bool proc_page_read(const proc_page_t *pg, void *out, size_t cap, size_t *len, int64_t *age_us)
{
    const page_header_t *h = pg->h;
    page_header_t *mh = (page_header_t *)h; /* C11 atomics load through non-const pointers */
    for (int i = 0; i < READ_TRIES; i++) {
        uint32_t s1 = atomic_load_explicit(&mh->seq, memory_order_acquire);
        if (s1 == 0)
            return false; /* nothing published since the child started */
        if (s1 & 1u)
            continue;
        size_t n = atomic_load_explicit(&mh->len, memory_order_relaxed);
        int64_t at = atomic_load_explicit(&mh->published_us, memory_order_relaxed);
        if (n > PROC_STATUS_MAX)
            n = PROC_STATUS_MAX;
        if (n > cap)
            n = cap;
        memcpy(out, h->data, n);
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&mh->seq, memory_order_relaxed) != s1)
            continue;
        *len = n;
        *age_us = am_mono_us() - at;
        return true;
    }
    return false;
}

void proc_page_clear(proc_page_t *pg)
{
    atomic_store(&pg->h->seq, 0);
    atomic_store(&pg->h->len, 0);
    atomic_store(&pg->h->published_us, 0);
    pg->h->magic = PAGE_MAGIC;
}

void proc_page_free(proc_page_t *pg)
{
    if (!pg)
        return;
    munmap(pg->h, pg->size);
    close(pg->fd);
    free(pg);
}
