/*
 * util/map.c: open-addressing hash map from byte keys to uint64_t, used for the primary-key
 * index (millions of keys), so keys live in one slab per map rather than one malloc each.
 * Linear probing with tombstones; grows at 70% load (tombstones included). Keys of up to 16
 * bytes (every integer key) live inside the slot, so a probe costs one cache miss, not two.
 */
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

#define INLINE_KEY 16

typedef struct am_map_slot {
    uint64_t hash; /* 0 = empty, 1 = tombstone; real hashes are forced >= 2 */
    uint64_t value;
    uint32_t key_len;
    union {
        char inline_key[INLINE_KEY]; /* key_len <= INLINE_KEY */
        char *heap_key;              /* longer keys */
    } k;
} am_map_slot_t;

static const char *slot_key(const am_map_slot_t *s)
{
    return s->key_len <= INLINE_KEY ? s->k.inline_key : s->k.heap_key;
}

static void slot_key_free(am_map_slot_t *s)
{
    if (s->key_len > INLINE_KEY)
        free(s->k.heap_key);
}

struct am_map {
    am_map_slot_t *slots;
    size_t cap; /* power of two */
    size_t count;
    size_t used; /* count + tombstones */
};

#define SLOT_EMPTY 0
#define SLOT_TOMB 1

uint64_t am_hash_bytes(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    /* final mix so that keys differing only in the last byte spread across the table */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

static uint64_t key_hash(const void *key, size_t len)
{
    uint64_t h = am_hash_bytes(key, len);
    return h < 2 ? h + 2 : h;
}

am_map_t *am_map_new(void)
{
    am_map_t *m = am_xcalloc(1, sizeof *m);
    m->cap = 16;
    m->slots = am_xcalloc(m->cap, sizeof *m->slots);
    return m;
}

void am_map_clear(am_map_t *m)
{
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].hash >= 2)
            slot_key_free(&m->slots[i]);
        m->slots[i].hash = SLOT_EMPTY;
    }
    m->count = 0;
    m->used = 0;
}

void am_map_free(am_map_t *m)
{
    if (!m)
        return;
    am_map_clear(m);
    free(m->slots);
    free(m);
}

static am_map_slot_t *find(const am_map_t *m, uint64_t h, const void *key, size_t len)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        am_map_slot_t *s = &m->slots[i];
        if (s->hash == SLOT_EMPTY)
            return NULL;
        if (s->hash == h && s->key_len == len && memcmp(slot_key(s), key, len) == 0)
            return s;
    }
}

static void rehash(am_map_t *m, size_t cap)
{
    am_map_slot_t *old = m->slots;
    size_t old_cap = m->cap;
    m->slots = am_xcalloc(cap, sizeof *m->slots);
    m->cap = cap;
    m->used = m->count;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].hash < 2)
            continue;
        size_t mask = cap - 1;
        size_t j = old[i].hash & mask;
        while (m->slots[j].hash != SLOT_EMPTY)
            j = (j + 1) & mask;
        m->slots[j] = old[i];
    }
    free(old);
}

static void grow(am_map_t *m)
{
    /* doubles, unless tombstones alone filled the table: then the same size is rehashed */
    rehash(m, m->count * 2 >= m->cap ? m->cap * 2 : m->cap);
}

void am_map_reserve(am_map_t *m, size_t n)
{
    size_t cap = m->cap;
    while (n * 10 >= cap * 7)
        cap *= 2;
    if (cap > m->cap)
        rehash(m, cap);
}

bool am_map_put(am_map_t *m, const void *key, size_t key_len, uint64_t value)
{
    AM_ASSERT(key_len <= UINT32_MAX);
    uint64_t h = key_hash(key, key_len);
    am_map_slot_t *s = find(m, h, key, key_len);
    if (s) {
        s->value = value;
        return false;
    }
    if ((m->used + 1) * 10 >= m->cap * 7)
        grow(m);
    size_t mask = m->cap - 1;
    size_t i = h & mask;
    while (m->slots[i].hash >= 2)
        i = (i + 1) & mask;
    s = &m->slots[i];
    if (s->hash == SLOT_EMPTY)
        m->used++;
    s->hash = h;
    s->value = value;
    s->key_len = (uint32_t)key_len;
    if (key_len <= INLINE_KEY) {
        memcpy(s->k.inline_key, key, key_len);
    } else {
        s->k.heap_key = am_xmalloc(key_len);
        memcpy(s->k.heap_key, key, key_len);
    }
    m->count++;
    return true;
}

bool am_map_get(const am_map_t *m, const void *key, size_t key_len, uint64_t *value)
{
    am_map_slot_t *s = find(m, key_hash(key, key_len), key, key_len);
    if (!s)
        return false;
    if (value)
        *value = s->value;
    return true;
}

bool am_map_del(am_map_t *m, const void *key, size_t key_len)
{
    am_map_slot_t *s = find(m, key_hash(key, key_len), key, key_len);
    if (!s)
        return false;
    slot_key_free(s);
    s->hash = SLOT_TOMB;
    m->count--;
    return true;
}

size_t am_map_count(const am_map_t *m)
{
    return m->count;
}

void am_map_foreach(const am_map_t *m,
                    bool (*fn)(const void *key, size_t key_len, uint64_t value, void *ud), void *ud)
{
    for (size_t i = 0; i < m->cap; i++) {
        const am_map_slot_t *s = &m->slots[i];
        if (s->hash >= 2 && !fn(slot_key(s), s->key_len, s->value, ud))
            return;
    }
}

void am_map_update_values(am_map_t *m, void (*fn)(uint64_t *value, void *ud), void *ud)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].hash >= 2)
            fn(&m->slots[i].value, ud);
}
