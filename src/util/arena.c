/*
 * util/arena.c: bump allocator for data that dies together (a decoded message, a flush batch,
 * a query). Blocks are chained; reset keeps the first block so steady state allocates nothing.
 */
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

typedef struct am_arena_block {
    struct am_arena_block *next;
    size_t cap;
    size_t used;
    max_align_t data[]; /* aligned storage */
} am_arena_block_t;

struct am_arena {
    am_arena_block_t *head; /* current block; older ones follow via next */
    size_t block_size;
    size_t total_used;
};

static am_arena_block_t *block_new(size_t cap)
{
    am_arena_block_t *b = am_xmalloc(sizeof *b + cap);
    b->next = NULL;
    b->cap = cap;
    b->used = 0;
    return b;
}

am_arena_t *am_arena_new(size_t block_size)
{
    am_arena_t *a = am_xcalloc(1, sizeof *a);
    a->block_size = block_size ? block_size : (size_t)64 * 1024;
    a->head = block_new(a->block_size);
    return a;
}

void am_arena_free(am_arena_t *a)
{
    if (!a)
        return;
    am_arena_block_t *b = a->head;
    while (b) {
        am_arena_block_t *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

void am_arena_reset(am_arena_t *a)
{
    /* keep the oldest block (the last in the chain): it has the configured size */
    am_arena_block_t *b = a->head;
    while (b->next) {
        am_arena_block_t *next = b->next;
        free(b);
        b = next;
    }
    b->used = 0;
    a->head = b;
    a->total_used = 0;
}

void *am_arena_alloc(am_arena_t *a, size_t n)
{
    size_t need = (n + 7) & ~(size_t)7;
    if (need < n)
        abort();
    am_arena_block_t *b = a->head;
    if (b->cap - b->used < need) {
        size_t cap = need > a->block_size ? need : a->block_size;
        am_arena_block_t *nb = block_new(cap);
        /* a big one-off allocation goes behind the current block so the current stays usable */
        if (need > a->block_size && b->used < b->cap / 2) {
            nb->next = b->next;
            b->next = nb;
            nb->used = need;
            a->total_used += need;
            return (char *)nb->data;
        }
        nb->next = b;
        a->head = nb;
        b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += need;
    a->total_used += need;
    return p;
}

void *am_arena_memdup(am_arena_t *a, const void *p, size_t n)
{
    void *q = am_arena_alloc(a, n ? n : 1);
    if (n)
        memcpy(q, p, n);
    return q;
}

char *am_arena_strndup(am_arena_t *a, const char *s, size_t n)
{
    char *q = am_arena_alloc(a, n + 1);
    memcpy(q, s, n);
    q[n] = '\0';
    return q;
}

char *am_arena_strdup(am_arena_t *a, const char *s)
{
    return am_arena_strndup(a, s, strlen(s));
}

size_t am_arena_used(const am_arena_t *a)
{
    return a->total_used;
}
