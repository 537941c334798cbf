/*
 * lake/mcache.c: decoded manifests, shared by every thread of the process. A published
 * manifest never changes (each is written under a fresh name by link), yet every plan the
 * proxy makes, every expiry and every orphan scan reads a snapshot's manifests again: up to
 * LAKE_MERGE_MANIFESTS of them per table and watermark. Decoding each once saves the writer
 * and the proxy most of that Avro work under load.
 * A hit is trusted only while the file's identity (device, inode, size, mtime) is the one it
 * was decoded from, so a warehouse rebuilt in place under the same names is read afresh.
 * Least recently used entries go once the decoded bytes exceed LAKE_MCACHE_BYTES; an entry
 * a caller still holds is freed at its last release.
 */
#include "lake/lake_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct lake__mcached {
    char *key; /* the manifest's URI */
    lake__entry_t *es;
    size_t n;
    size_t bytes;
    struct stat id;                    /* the file it was decoded from */
    int refs;                          /* callers holding it, plus one while it is in the cache */
    struct lake__mcached *prev, *next; /* least recently used at the tail */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static am_map_t *by_key; /* key -> lake__mcached_t * */
static lake__mcached_t *head, *tail;
static size_t total_bytes;

static void unlink_lru(lake__mcached_t *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        tail = c->prev;
    c->prev = c->next = NULL;
}

static void push_front(lake__mcached_t *c)
{
    c->next = head;
    if (head)
        head->prev = c;
    head = c;
    if (!tail)
        tail = c;
}

static void destroy(lake__mcached_t *c)
{
    for (size_t i = 0; i < c->n; i++)
        lake__file_destroy(&c->es[i].f);
    free(c->es);
    free(c->key);
    free(c);
}

/* Under mu: out of the map and the list; freed now or at its holder's release. */
static void drop(lake__mcached_t *c)
{
    am_map_del(by_key, c->key, strlen(c->key));
    unlink_lru(c);
    total_bytes -= c->bytes;
    if (--c->refs == 0)
        destroy(c);
}

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static lake__mcached_t *lookup(const char *uri, const struct stat *st)
{
    uint64_t v = 0;
    if (!by_key || !am_map_get(by_key, uri, strlen(uri), &v))
        return NULL;
    lake__mcached_t *c = (lake__mcached_t *)(uintptr_t)v;
    if (!same_file(&c->id, st)) {
        drop(c);
        return NULL;
    }
    unlink_lru(c);
    push_front(c);
    c->refs++;
    return c;
}

static size_t entries_bytes(const lake__entry_t *es, size_t n)
{
    size_t b = n * sizeof *es;
    for (size_t i = 0; i < n; i++)
        b += strlen(es[i].f.path) + 1 + (es[i].f.referenced ? strlen(es[i].f.referenced) + 1 : 0);
    return b;
}

static lake__mcached_t *insert(lake__mcached_t *c)
{
    uint64_t v = 0;
    if (!by_key)
        by_key = am_map_new();
    if (am_map_get(by_key, c->key, strlen(c->key), &v)) { /* another thread decoded it too */
        lake__mcached_t *had = (lake__mcached_t *)(uintptr_t)v;
        if (same_file(&had->id, &c->id)) {
            destroy(c);
            had->refs++;
            return had;
        }
        drop(had);
    }
    c->refs = 2; /* the cache's and the caller's */
    am_map_put(by_key, c->key, strlen(c->key), (uint64_t)(uintptr_t)c);
    push_front(c);
    total_bytes += c->bytes;
    while (total_bytes > LAKE_MCACHE_BYTES && tail && tail != c)
        drop(tail);
    return c;
}

bool lake__mcache_get(const char *uri, lake__mcached_t **out, const lake__entry_t **es, size_t *n,
                      am_err_t *err)
{
    *out = NULL;
    *es = NULL;
    *n = 0;
    char *path = lake__uri_path(uri);
    if (!path)
        return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                          "file \"%s\": only file:// URIs are supported", uri);
    struct stat st;
    if (stat(path, &st) != 0) {
        am_err_errno(err, errno, "manifest \"%s\"", path);
        free(path);
        return false;
    }
    pthread_mutex_lock(&mu);
    lake__mcached_t *c = lookup(uri, &st);
    pthread_mutex_unlock(&mu);
    if (!c) {
        am_buf_t b;
        am_buf_init(&b);
        lake__entry_t *dec = NULL;
        size_t k = 0;
        /* read after the stat: a file replaced in between has a new identity next time */
        bool ok = am_file_read_all(path, &b, err) &&
                  lake__manifest_decode((const uint8_t *)b.data, b.len, uri, &dec, &k, err);
        am_buf_destroy(&b);
        if (!ok) {
            free(path);
            return false;
        }
        c = am_xcalloc(1, sizeof *c);
        c->key = am_xstrdup(uri);
        c->es = dec;
        c->n = k;
        c->bytes = sizeof *c + strlen(uri) + 1 + entries_bytes(dec, k);
        c->id = st;
        pthread_mutex_lock(&mu);
        c = insert(c);
        pthread_mutex_unlock(&mu);
    }
    free(path);
    *out = c;
    *es = c->es;
    *n = c->n;
    return true;
}

void lake__mcache_release(lake__mcached_t *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&mu);
    bool last = --c->refs == 0;
    pthread_mutex_unlock(&mu);
    if (last)
        destroy(c);
}

void lake__mcache_clear(void)
{
    pthread_mutex_lock(&mu);
    while (tail)
        drop(tail);
    am_map_free(by_key);
    by_key = NULL;
    pthread_mutex_unlock(&mu);
}
