/*
 * mirror/ixfeed.c: the identity index built on a thread of its own while an initial copy
 * appends. Putting ten million keys into the hash table costs the appending thread about as
 * much as everything else it does per row (a cache miss or two a key), so during a copy that
 * thread only writes (key, position) records into blocks and the feeder applies them, in
 * order, to the table it owns until mirror__index_sync hands it back. Nothing reads the index
 * during a copy (rows only come in); every function that does, and every commit, syncs first.
 * Memory is bounded: at most IXF_QUEUE blocks wait, and the appending thread waits for room.
 *   record   len u32 | position u64 | key bytes (unaligned, read with memcpy)
 */
#include "mirror/mirror_internal.h"

#include <stdlib.h>
#include <string.h>

#define IXF_BLOCK_BYTES ((size_t)256 * 1024)
#define IXF_QUEUE 8

struct mirror_ixfeed {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    mirror_pk_t *pk;            /* the feeder's alone until it is joined */
    am_buf_t *queue[IXF_QUEUE]; /* guarded by mu, as are the fields up to cur */
    size_t head, n;
    am_buf_t *spare[IXF_QUEUE + 1]; /* applied blocks, reused */
    size_t n_spare;
    bool ended;
    am_buf_t *cur;   /* the appending thread's block being filled */
    int64_t reserve; /* rows the table is sized for first, off the appending thread */
};

static void apply(mirror_pk_t *pk, const am_buf_t *b)
{
    for (size_t at = 0; at < b->len;) {
        uint32_t len;
        uint64_t pos;
        memcpy(&len, b->data + at, sizeof len);
        memcpy(&pos, b->data + at + 4, sizeof pos);
        mirror__pk_put(pk, b->data + at + 12, len, pos);
        at += 12 + (size_t)len;
    }
}

static void *feeder_main(void *arg)
{
    mirror_ixfeed_t *f = arg;
    /* sizing for ten million rows writes 256 MB of empty slots: a third of a second the
     * first rows need not wait for */
    if (f->reserve > 0)
        mirror__pk_reserve(f->pk, (uint64_t)f->reserve);
    pthread_mutex_lock(&f->mu);
    for (;;) {
        while (f->n == 0 && !f->ended)
            pthread_cond_wait(&f->cv, &f->mu);
        if (f->n == 0)
            break;
        am_buf_t *b = f->queue[f->head];
        f->head = (f->head + 1) % IXF_QUEUE;
        f->n--;
        pthread_mutex_unlock(&f->mu);
        apply(f->pk, b);
        am_buf_reset(b);
        pthread_mutex_lock(&f->mu);
        f->spare[f->n_spare++] = b;
        pthread_cond_broadcast(&f->cv);
    }
    pthread_mutex_unlock(&f->mu);
    return NULL;
}

static am_buf_t *buf_new(void)
{
    am_buf_t *b = am_xmalloc(sizeof *b);
    am_buf_init(b);
    am_buf_reserve(b, IXF_BLOCK_BYTES + 64);
    return b;
}

void mirror__index_feed_begin(mirror_table_t *t, int64_t reserve)
{
    if (t->ixfeed || !t->pk || t->n_key_cols == 0) {
        mirror__index_reserve(t, reserve);
        return;
    }
    mirror_ixfeed_t *f = am_xcalloc(1, sizeof *f);
    f->pk = t->pk;
    f->reserve = reserve;
    f->cur = buf_new();
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    if (pthread_create(&f->thread, NULL, feeder_main, f) != 0) {
        /* no thread to spare: the appending thread puts its keys itself, as when streaming */
        pthread_mutex_destroy(&f->mu);
        pthread_cond_destroy(&f->cv);
        am_buf_destroy(f->cur);
        free(f->cur);
        free(f);
        mirror__index_reserve(t, reserve);
        return;
    }
    t->ixfeed = f;
}

/* The filled block to the feeder, waiting while IXF_QUEUE wait already; a spare comes back. */
static void hand_over(mirror_ixfeed_t *f)
{
    pthread_mutex_lock(&f->mu);
    while (f->n == IXF_QUEUE)
        pthread_cond_wait(&f->cv, &f->mu);
    f->queue[(f->head + f->n) % IXF_QUEUE] = f->cur;
    f->n++;
    f->cur = f->n_spare > 0 ? f->spare[--f->n_spare] : NULL;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
    if (!f->cur)
        f->cur = buf_new();
}

void mirror__index_feed(mirror_ixfeed_t *f, const char *key, size_t len, uint64_t pos)
{
    uint32_t len32 = (uint32_t)len;
    am_buf_append(f->cur, &len32, sizeof len32);
    am_buf_append(f->cur, &pos, sizeof pos);
    am_buf_append(f->cur, key, len);
    if (f->cur->len >= IXF_BLOCK_BYTES)
        hand_over(f);
}

void mirror__index_sync(mirror_table_t *t)
{
    mirror_ixfeed_t *f = t->ixfeed;
    if (!f)
        return;
    if (f->cur->len > 0)
        hand_over(f);
    pthread_mutex_lock(&f->mu);
    f->ended = true;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    for (size_t i = 0; i < f->n_spare; i++) {
        am_buf_destroy(f->spare[i]);
        free(f->spare[i]);
    }
    am_buf_destroy(f->cur);
    free(f->cur);
    pthread_mutex_destroy(&f->mu);
    pthread_cond_destroy(&f->cv);
    free(f);
    t->ixfeed = NULL;
}
