/*
 * mirror/pkhash.c: the identity index's hash table (layout: pk_internal.h). Key bytes in
 * (mirror__key_encode's), packed positions out; a key may name several positions, kept oldest
 * first. Knows nothing of tables or the lake. Must not hold two copies of the table at once:
 * growth, removal sweeps and slab compaction work one shard at a time.
 * Hand-written: no C library offers a compact, shardable open-addressing table whose slots
 * can be written to and read back from a file as they are (pkfile.c).
 */
#include "mirror/mirror_internal.h"
#include "mirror/pk_internal.h"

#include <stdlib.h>
#include <string.h>

#define SLAB_COMPACT_MIN ((uint64_t)64 * 1024)

/* splitmix64's finalizer: a bijection, so distinct fixed keys never share a full hash. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

uint32_t mirror__pk_slot_hash(const mirror_pk_t *pk, uint64_t k)
{
    return pk->generic ? (uint32_t)(k >> 32) : (uint32_t)mix64(k);
}

static uint32_t home_of(uint32_t h32, uint32_t cap)
{
    return (uint32_t)(((uint64_t)h32 * cap) >> 32);
}

static uint32_t displacement(const mirror_pk_t *pk, const mirror_pk_shard_t *s, uint32_t i)
{
    uint32_t home = home_of(mirror__pk_slot_hash(pk, s->slots[i].k), s->cap);
    return i >= home ? i - home : i + s->cap - home;
}

static uint32_t next_slot(const mirror_pk_shard_t *s, uint32_t i)
{
    return i + 1 == s->cap ? 0 : i + 1;
}

static void settle(mirror_pk_t *pk);

/* ---- probes ---------------------------------------------------------------------------- */

typedef struct probe {
    uint64_t h;      /* the hash: top byte picks the shard, low 32 bits the home */
    uint64_t k;      /* fixed: the key; generic: the hash bits << 32 */
    const char *key; /* generic: the key bytes */
    size_t len;
} probe_t;

static uint64_t be64(const char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | (uint8_t)p[i];
    return v;
}

/* False when a fixed table is handed a key that is not one present 64-bit value. */
static bool probe_make(const mirror_pk_t *pk, const char *key, size_t len, probe_t *p)
{
    if (!pk->generic) {
        if (len != 9 || key[0] != 1)
            return false;
        p->k = be64(key + 1);
        p->h = mix64(p->k);
        return true;
    }
    p->h = am_hash_bytes(key, len);
    p->k = (uint64_t)(uint32_t)p->h << 32;
    p->key = key;
    p->len = len;
    return true;
}

static mirror_pk_shard_t *shard_of(mirror_pk_t *pk, const probe_t *p)
{
    return &pk->shards[p->h >> 56];
}

static uint64_t rec_size(uint64_t key_len)
{
    return (4 + key_len + 3) & ~(uint64_t)3;
}

static const char *rec_key(const mirror_pk_shard_t *s, uint64_t k, uint32_t *len)
{
    const char *rec = s->slab + (k & 0xffffffffu) * 4;
    memcpy(len, rec, sizeof *len);
    return rec + 4;
}

static bool slot_matches(const mirror_pk_t *pk, const mirror_pk_shard_t *s,
                         const mirror_pk_slot_t *e, const probe_t *p)
{
    if (!pk->generic)
        return e->k == p->k;
    if ((e->k >> 32) != (p->k >> 32))
        return false;
    uint32_t len = 0;
    const char *key = rec_key(s, e->k, &len);
    return len == p->len && (len == 0 || memcmp(key, p->key, len) == 0);
}

/* The slot holding p's key, or -1. */
static int64_t shard_find(const mirror_pk_t *pk, const mirror_pk_shard_t *s, const probe_t *p)
{
    if (s->count == 0)
        return -1;
    uint32_t i = home_of((uint32_t)p->h, s->cap);
    for (uint32_t dist = 0;; dist++) {
        const mirror_pk_slot_t *e = &s->slots[i];
        /* Robin Hood: a slot closer to its home than we are to ours ends the search */
        if (e->v == MIRROR_PK_EMPTY || displacement(pk, s, i) < dist)
            return -1;
        if (slot_matches(pk, s, e, p))
            return i;
        i = next_slot(s, i);
    }
}

/* ---- shards ---------------------------------------------------------------------------- */

/* e's key is not in s and s has room. */
static void shard_insert(const mirror_pk_t *pk, mirror_pk_shard_t *s, mirror_pk_slot_t e)
{
    uint32_t i = home_of(mirror__pk_slot_hash(pk, e.k), s->cap);
    for (uint32_t dist = 0;; dist++) {
        mirror_pk_slot_t *cur = &s->slots[i];
        if (cur->v == MIRROR_PK_EMPTY) {
            *cur = e;
            s->count++;
            return;
        }
        uint32_t d = displacement(pk, s, i);
        if (d < dist) {
            mirror_pk_slot_t held = *cur;
            *cur = e;
            e = held;
            dist = d;
        }
        i = next_slot(s, i);
    }
}

static mirror_pk_slot_t *slots_new(uint32_t cap)
{
    mirror_pk_slot_t *slots = am_xmalloc((size_t)cap * sizeof *slots);
    memset(slots, 0xff, (size_t)cap * sizeof *slots); /* v = MIRROR_PK_EMPTY */
    return slots;
}

/* s's live slots (v not MIRROR_PK_GONE) in a new array of cap slots. */
static void shard_resize(const mirror_pk_t *pk, mirror_pk_shard_t *s, uint32_t cap)
{
    mirror_pk_slot_t *old = s->slots;
    uint32_t old_cap = s->cap;
    s->slots = cap ? slots_new(cap) : NULL;
    s->cap = cap;
    s->count = 0;
    for (uint32_t i = 0; i < old_cap; i++)
        if (old[i].v != MIRROR_PK_EMPTY && old[i].v != MIRROR_PK_GONE)
            shard_insert(pk, s, old[i]);
    free(old);
}

static uint32_t cap_for(uint64_t n)
{
    uint64_t cap = n * 8 / 7 + 1;
    cap = cap < 16 ? 16 : cap;
    /* 2^32 slots in each of 256 shards: a trillion keys, far past any memory */
    AM_ASSERT(cap <= UINT32_MAX);
    return (uint32_t)cap;
}

/* Room for one more key: grows by half at 7/8 full. */
static void shard_room(const mirror_pk_t *pk, mirror_pk_shard_t *s)
{
    if ((uint64_t)s->count + 1 <= (uint64_t)s->cap * 7 / 8)
        return;
    uint64_t cap = s->cap < 16 ? 16 : (uint64_t)s->cap + s->cap / 2;
    AM_ASSERT(cap <= UINT32_MAX); /* see cap_for */
    shard_resize(pk, s, (uint32_t)cap);
}

static void shard_delete_at(const mirror_pk_t *pk, mirror_pk_shard_t *s, uint32_t i)
{
    for (;;) {
        uint32_t j = next_slot(s, i);
        if (s->slots[j].v == MIRROR_PK_EMPTY || displacement(pk, s, j) == 0)
            break;
        s->slots[i] = s->slots[j];
        i = j;
    }
    s->slots[i].v = MIRROR_PK_EMPTY;
    s->count--;
}

static void shard_destroy(mirror_pk_shard_t *s)
{
    free(s->slots);
    free(s->slab);
    memset(s, 0, sizeof *s);
}

/* ---- key records (generic) -------------------------------------------------------------- */

static uint32_t slab_add(mirror_pk_shard_t *s, const char *key, size_t len)
{
    uint64_t need = rec_size(len);
    AM_ASSERT(len <= UINT32_MAX && (s->slab_len + need) / 4 <= UINT32_MAX);
    if (s->slab_len + need > s->slab_cap) {
        uint64_t cap = s->slab_cap ? s->slab_cap * 2 : 256;
        while (cap < s->slab_len + need)
            cap *= 2;
        s->slab = am_xrealloc(s->slab, cap);
        s->slab_cap = cap;
    }
    uint32_t len32 = (uint32_t)len;
    memcpy(s->slab + s->slab_len, &len32, sizeof len32);
    if (len > 0) /* an empty key may come with no bytes at all */
        memcpy(s->slab + s->slab_len + 4, key, len);
    uint64_t at = s->slab_len / 4;
    s->slab_len += need;
    return (uint32_t)at;
}

static void slab_forget(mirror_pk_t *pk, mirror_pk_shard_t *s, uint64_t k)
{
    if (!pk->generic)
        return;
    uint32_t len = 0;
    (void)rec_key(s, k, &len);
    s->slab_dead += rec_size(len);
}

/* Once most of a slab is dead: the live records into a new slab, offsets updated. */
static void slab_compact(mirror_pk_shard_t *s)
{
    if (s->slab_dead < SLAB_COMPACT_MIN || s->slab_dead * 2 < s->slab_len)
        return;
    uint64_t cap = s->slab_len - s->slab_dead;
    char *slab = am_xmalloc(cap ? cap : 4);
    uint64_t len = 0;
    for (uint32_t i = 0; i < s->cap; i++) {
        mirror_pk_slot_t *e = &s->slots[i];
        if (e->v == MIRROR_PK_EMPTY)
            continue;
        uint32_t klen = 0;
        (void)rec_key(s, e->k, &klen);
        uint64_t size = rec_size(klen);
        memcpy(slab + len, s->slab + (e->k & 0xffffffffu) * 4, size);
        e->k = (e->k & ~(uint64_t)0xffffffffu) | (len / 4);
        len += size;
    }
    free(s->slab);
    s->slab = slab;
    s->slab_len = len;
    s->slab_cap = cap ? cap : 4;
    s->slab_dead = 0;
}

/* ---- keys naming several rows ----------------------------------------------------------- */

static uint64_t dup_new(mirror_pk_t *pk, uint64_t a, uint64_t b)
{
    size_t slot;
    if (pk->n_free_dups > 0) {
        slot = pk->free_dups[--pk->n_free_dups];
    } else {
        if (pk->n_dups == pk->cap_dups) {
            pk->cap_dups = pk->cap_dups ? pk->cap_dups * 2 : 16;
            pk->dups = am_xrealloc(pk->dups, pk->cap_dups * sizeof *pk->dups);
            pk->free_dups = am_xrealloc(pk->free_dups, pk->cap_dups * sizeof *pk->free_dups);
        }
        slot = pk->n_dups++;
    }
    uint64_t *list = am_xmalloc((MIRROR_PK_DUP_HEAD + 4) * sizeof *list);
    list[0] = 2;
    list[1] = 4;
    list[MIRROR_PK_DUP_HEAD] = a;
    list[MIRROR_PK_DUP_HEAD + 1] = b;
    pk->dups[slot] = list;
    return MIRROR_PK_DUP | slot;
}

static void dup_push(mirror_pk_t *pk, uint64_t v, uint64_t pos)
{
    size_t slot = (size_t)(v & ~MIRROR_PK_DUP);
    uint64_t *list = pk->dups[slot];
    if (list[0] == list[1]) {
        list[1] *= 2;
        list = am_xrealloc(list, (size_t)(MIRROR_PK_DUP_HEAD + list[1]) * sizeof *list);
        pk->dups[slot] = list;
    }
    list[MIRROR_PK_DUP_HEAD + list[0]++] = pos;
}

static void dup_release(mirror_pk_t *pk, size_t slot)
{
    free(pk->dups[slot]);
    pk->dups[slot] = NULL;
    pk->free_dups[pk->n_free_dups++] = slot;
}

/* Removes element at of a list; the slot's new v (a plain position once one is left). */
static uint64_t dup_remove(mirror_pk_t *pk, uint64_t v, uint64_t at)
{
    size_t slot = (size_t)(v & ~MIRROR_PK_DUP);
    uint64_t *list = pk->dups[slot];
    uint64_t n = --list[0];
    memmove(&list[MIRROR_PK_DUP_HEAD + at], &list[MIRROR_PK_DUP_HEAD + at + 1],
            (size_t)(n - at) * sizeof *list);
    if (n > 1)
        return v;
    uint64_t last = list[MIRROR_PK_DUP_HEAD];
    dup_release(pk, slot);
    return last;
}

/* ---- the table ---------------------------------------------------------------------------- */

mirror_pk_t *mirror__pk_new(bool generic)
{
    mirror_pk_t *pk = am_xcalloc(1, sizeof *pk);
    pk->generic = generic;
    return pk;
}

void mirror__pk_reset(mirror_pk_t *pk, bool generic)
{
    pk->n_soon = 0; /* forgotten with the rest */
    pk->soon_head = 0;
    for (size_t i = 0; i < MIRROR_PK_SHARDS; i++)
        shard_destroy(&pk->shards[i]);
    for (size_t i = 0; i < pk->n_dups; i++)
        free(pk->dups[i]);
    free(pk->dups);
    free(pk->free_dups);
    memset(pk, 0, sizeof *pk);
    pk->generic = generic;
}

void mirror__pk_free(mirror_pk_t *pk)
{
    if (!pk)
        return;
    mirror__pk_reset(pk, false);
    free(pk);
}

bool mirror__pk_generic(const mirror_pk_t *pk)
{
    return pk->generic;
}

uint64_t mirror__pk_rows(const mirror_pk_t *pk)
{
    return pk->n_rows;
}

size_t mirror__pk_shared(mirror_pk_t *pk)
{
    settle(pk);
    return pk->n_dups - pk->n_free_dups;
}

size_t mirror__pk_bytes(mirror_pk_t *pk)
{
    settle(pk);
    size_t n = sizeof *pk + pk->cap_dups * (sizeof *pk->dups + sizeof *pk->free_dups);
    for (size_t i = 0; i < MIRROR_PK_SHARDS; i++)
        n += (size_t)pk->shards[i].cap * sizeof(mirror_pk_slot_t) + pk->shards[i].slab_cap;
    for (size_t i = 0; i < pk->n_dups; i++)
        if (pk->dups[i])
            n += (size_t)(MIRROR_PK_DUP_HEAD + pk->dups[i][1]) * sizeof(uint64_t);
    return n;
}

void mirror__pk_reserve(mirror_pk_t *pk, uint64_t n)
{
    settle(pk);
    uint64_t per = n / MIRROR_PK_SHARDS + n / MIRROR_PK_SHARDS / 8 + 8;
    for (size_t i = 0; i < MIRROR_PK_SHARDS; i++) {
        mirror_pk_shard_t *s = &pk->shards[i];
        uint32_t cap = cap_for(per > s->count ? per : s->count);
        if (cap > s->cap)
            shard_resize(pk, s, cap);
    }
}

static void insert_new(mirror_pk_t *pk, const probe_t *p, uint64_t v)
{
    mirror_pk_shard_t *s = shard_of(pk, p);
    shard_room(pk, s);
    mirror_pk_slot_t e = {.k = p->k, .v = v};
    if (pk->generic)
        e.k |= slab_add(s, p->key, p->len);
    shard_insert(pk, s, e);
}

/* A fixed table met a key that is not one present integer (a NULL, which no replica identity
 * index allows): every key re-encoded, shard by shard, into a generic table. */
static void to_generic(mirror_pk_t *pk)
{
    mirror_pk_shard_t *old = am_xmalloc(sizeof pk->shards);
    memcpy(old, pk->shards, sizeof pk->shards);
    memset(pk->shards, 0, sizeof pk->shards);
    pk->generic = true;
    for (size_t i = 0; i < MIRROR_PK_SHARDS; i++) {
        for (uint32_t j = 0; j < old[i].cap; j++) {
            if (old[i].slots[j].v == MIRROR_PK_EMPTY)
                continue;
            char key[9] = {1};
            for (int b = 0; b < 8; b++)
                key[1 + b] = (char)(old[i].slots[j].k >> (56 - 8 * b));
            probe_t p;
            bool made = probe_make(pk, key, sizeof key, &p);
            AM_ASSERT(made); /* a generic table takes every key */
            insert_new(pk, &p, old[i].slots[j].v);
        }
        shard_destroy(&old[i]);
    }
    free(old);
}

/* The put itself, n_rows already counted. */
static void put_now(mirror_pk_t *pk, const probe_t *p, uint64_t pos)
{
    mirror_pk_shard_t *s = shard_of(pk, p);
    int64_t i = shard_find(pk, s, p);
    if (i < 0) {
        insert_new(pk, p, pos);
        return;
    }
    uint64_t v = s->slots[i].v;
    if (v & MIRROR_PK_DUP)
        dup_push(pk, v, pos);
    else
        s->slots[i].v = dup_new(pk, v, pos);
}

static void soon_pop(mirror_pk_t *pk)
{
    const mirror_pk_soon_t *q = &pk->soon[pk->soon_head];
    probe_t p = {.h = q->h, .k = q->k};
    uint64_t v = q->v;
    pk->soon_head = (pk->soon_head + 1) % MIRROR_PK_SOON;
    pk->n_soon--;
    put_now(pk, &p, v);
}

/* Applies the queued puts, in order; every function that reads or rewrites slots calls it. */
static void settle(mirror_pk_t *pk)
{
    while (pk->n_soon > 0)
        soon_pop(pk);
}

void mirror__pk_settle(mirror_pk_t *pk)
{
    settle(pk);
}

void mirror__pk_put(mirror_pk_t *pk, const char *key, size_t len, uint64_t pos)
{
    AM_ASSERT(!(pos & MIRROR_PK_DUP));
    probe_t p;
    if (!probe_make(pk, key, len, &p)) {
        settle(pk);
        to_generic(pk);
        bool made = probe_make(pk, key, len, &p);
        AM_ASSERT(made); /* a generic table takes every key */
    }
    pk->n_rows++;
    if (pk->generic) { /* the probe points at the caller's key bytes: no waiting */
        put_now(pk, &p, pos);
        return;
    }
    const mirror_pk_shard_t *s = shard_of(pk, &p);
    if (s->cap > 0)
        __builtin_prefetch(&s->slots[home_of((uint32_t)p.h, s->cap)], 1);
    if (pk->n_soon == MIRROR_PK_SOON)
        soon_pop(pk);
    pk->soon[(pk->soon_head + pk->n_soon) % MIRROR_PK_SOON] =
        (mirror_pk_soon_t){.k = p.k, .h = p.h, .v = pos};
    pk->n_soon++;
}

static mirror_pk_slot_t *slot_find(mirror_pk_t *pk, const char *key, size_t len,
                                   mirror_pk_shard_t **shard)
{
    settle(pk);
    probe_t p;
    if (!probe_make(pk, key, len, &p))
        return NULL;
    *shard = shard_of(pk, &p);
    int64_t i = shard_find(pk, *shard, &p);
    return i < 0 ? NULL : &(*shard)->slots[i];
}

static void slot_delete(mirror_pk_t *pk, mirror_pk_shard_t *s, mirror_pk_slot_t *e)
{
    slab_forget(pk, s, e->k);
    shard_delete_at(pk, s, (uint32_t)(e - s->slots));
    if (pk->generic)
        slab_compact(s);
}

bool mirror__pk_take(mirror_pk_t *pk, const char *key, size_t len, uint64_t *pos)
{
    mirror_pk_shard_t *s = NULL;
    mirror_pk_slot_t *e = slot_find(pk, key, len, &s);
    if (!e)
        return false;
    pk->n_rows--;
    if (!(e->v & MIRROR_PK_DUP)) {
        *pos = e->v;
        slot_delete(pk, s, e);
        return true;
    }
    *pos = pk->dups[e->v & ~MIRROR_PK_DUP][MIRROR_PK_DUP_HEAD];
    e->v = dup_remove(pk, e->v, 0);
    return true;
}

bool mirror__pk_remove(mirror_pk_t *pk, const char *key, size_t len, uint64_t pos)
{
    mirror_pk_shard_t *s = NULL;
    mirror_pk_slot_t *e = slot_find(pk, key, len, &s);
    if (!e)
        return false;
    if (!(e->v & MIRROR_PK_DUP)) {
        if (e->v != pos)
            return false;
        pk->n_rows--;
        slot_delete(pk, s, e);
        return true;
    }
    const uint64_t *list = pk->dups[e->v & ~MIRROR_PK_DUP];
    for (uint64_t i = 0; i < list[0]; i++) {
        if (list[MIRROR_PK_DUP_HEAD + i] != pos)
            continue;
        pk->n_rows--;
        e->v = dup_remove(pk, e->v, i);
        return true;
    }
    return false;
}

/* ---- every position at once --------------------------------------------------------------- */

/* fn on each position of a list; lost ones removed. The slot's new v (MIRROR_PK_GONE: none
 * left); *lost counts the positions removed. */
static uint64_t map_list(mirror_pk_t *pk, uint64_t v, uint64_t (*fn)(void *ud, uint64_t pos),
                         void *ud, uint64_t *lost)
{
    size_t slot = (size_t)(v & ~MIRROR_PK_DUP);
    uint64_t *list = pk->dups[slot];
    uint64_t n = 0;
    for (uint64_t i = 0; i < list[0]; i++) {
        uint64_t to = fn(ud, list[MIRROR_PK_DUP_HEAD + i]);
        if (to == MIRROR_PK_GONE)
            (*lost)++;
        else
            list[MIRROR_PK_DUP_HEAD + n++] = to;
    }
    list[0] = n;
    if (n > 1)
        return v;
    uint64_t last = n == 1 ? list[MIRROR_PK_DUP_HEAD] : MIRROR_PK_GONE;
    dup_release(pk, slot);
    return last;
}

uint64_t mirror__pk_map(mirror_pk_t *pk, uint64_t (*fn)(void *ud, uint64_t pos), void *ud)
{
    settle(pk);
    uint64_t lost = 0;
    for (size_t i = 0; i < MIRROR_PK_SHARDS; i++) {
        mirror_pk_shard_t *s = &pk->shards[i];
        uint32_t dead = 0;
        for (uint32_t j = 0; j < s->cap; j++) {
            mirror_pk_slot_t *e = &s->slots[j];
            if (e->v == MIRROR_PK_EMPTY)
                continue;
            if (e->v & MIRROR_PK_DUP) {
                e->v = map_list(pk, e->v, fn, ud, &lost);
            } else {
                e->v = fn(ud, e->v);
                lost += e->v == MIRROR_PK_GONE;
            }
            if (e->v != MIRROR_PK_GONE)
                continue;
            dead++;
            slab_forget(pk, s, e->k);
        }
        if (dead == 0)
            continue;
        shard_resize(pk, s, s->cap); /* the survivors, the lost slots left behind */
        if (pk->generic)
            slab_compact(s);
    }
    pk->n_rows -= lost;
    return lost;
}

/* ---- a table read from a file ------------------------------------------------------------- */

/* e belongs in shard si: its hash says so, and a generic key's record lies inside the slab. */
static bool slot_belongs(const mirror_pk_t *pk, const mirror_pk_shard_t *s, size_t si,
                         const mirror_pk_slot_t *e, uint64_t *rec_bytes)
{
    if (!pk->generic)
        return mix64(e->k) >> 56 == si;
    uint64_t off = (e->k & 0xffffffffu) * 4;
    if (off + 4 > s->slab_len)
        return false;
    uint32_t len = 0;
    const char *key = rec_key(s, e->k, &len);
    if (off + rec_size(len) > s->slab_len)
        return false;
    uint64_t h = am_hash_bytes(key, len);
    *rec_bytes += rec_size(len);
    return h >> 56 == si && (uint32_t)h == (uint32_t)(e->k >> 32);
}

/* v is a position or names a list no other slot names; adds its rows. */
static bool value_ok(const mirror_pk_t *pk, uint64_t v, bool *used, uint64_t *rows)
{
    if (!(v & MIRROR_PK_DUP)) {
        (*rows)++;
        return true;
    }
    uint64_t n = v & ~MIRROR_PK_DUP;
    if (n >= pk->n_dups || !pk->dups[n] || used[n] || pk->dups[n][0] < 2)
        return false;
    used[n] = true;
    *rows += pk->dups[n][0];
    return true;
}

/* Robin Hood order from an empty slot round the shard: a run starts at its home and no slot
 * is more than one step further from home than the one before it. */
static const char *shard_check(mirror_pk_t *pk, size_t si, bool *used, uint64_t *rows)
{
    mirror_pk_shard_t *s = &pk->shards[si];
    if (s->cap == 0)
        return s->count == 0 ? NULL : "a shard without slots counts keys";
    if (s->count >= s->cap)
        return "a shard without a free slot";
    uint32_t start = 0;
    while (s->slots[start].v != MIRROR_PK_EMPTY)
        start++; /* count < cap: there is one */
    uint32_t seen = 0, prev = 0;
    uint64_t live = 0;
    bool after_empty = true;
    for (uint32_t n = 0, i = start; n < s->cap; n++, i = next_slot(s, i)) {
        const mirror_pk_slot_t *e = &s->slots[i];
        if (e->v == MIRROR_PK_EMPTY) {
            after_empty = true;
            continue;
        }
        uint32_t d = displacement(pk, s, i);
        if ((after_empty && d != 0) || (!after_empty && d > prev + 1))
            return "a key out of its probe order";
        if (!slot_belongs(pk, s, si, e, &live))
            return "a key in the wrong shard, or its bytes outside the slab";
        if (!value_ok(pk, e->v, used, rows))
            return "a bad duplicate list";
        after_empty = false;
        prev = d;
        seen++;
    }
    if (seen != s->count)
        return "a shard's key count is wrong";
    s->slab_dead = s->slab_len - live;
    return NULL;
}

bool mirror__pk_check(mirror_pk_t *pk, const char **why)
{
    settle(pk);
    bool *used = am_xcalloc(pk->n_dups + 1, sizeof *used);
    uint64_t rows = 0;
    *why = NULL;
    for (size_t i = 0; !*why && i < MIRROR_PK_SHARDS; i++)
        *why = shard_check(pk, i, used, &rows);
    for (size_t i = 0; !*why && i < pk->n_dups; i++)
        if (pk->dups[i] && !used[i])
            *why = "a duplicate list no key names";
    if (!*why && rows != pk->n_rows)
        *why = "the row count is wrong";
    free(used);
    return *why == NULL;
}
