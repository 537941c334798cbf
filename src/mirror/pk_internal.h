/*
 * mirror/pk_internal.h: the layout of the identity index's hash table, shared by pkhash.c
 * (the table) and pkfile.c (its checkpoint files, which are this layout written out). The
 * mirror's own .c files only; everything else goes through mirror_internal.h's mirror__pk_*.
 *
 * 256 shards (the hash's top byte), each an array of 16-byte slots probed Robin Hood style
 * (linear, the richer slot yields, deletion shifts back: no tombstones). A shard grows by half
 * when it is 7/8 full, alone: the table never holds two copies of itself, and a growth step
 * moves 1/256 of the keys. Slots are 7/8 to 7/12 full, so 18 to 28 bytes per key.
 *   fixed   (one key column stored as a 64-bit integer: int2/4/8, dates, times, floats, bool)
 *           k = the key itself, compared exactly: no key bytes anywhere else
 *   generic (composite, text, numeric, uuid, arrays, REPLICA IDENTITY FULL)
 *           k = 32 bits of the key's hash << 32 | offset / 4 of its record in the shard's
 *           slab ([u32 len][key bytes], 4-byte aligned); equal hashes compare the bytes
 * v is a packed position (mirror__pos_pack), or MIRROR_PK_DUP | n when the key names several
 * rows: dups[n] = [count, capacity, positions oldest first].
 */
#ifndef AM_MIRROR_PK_INTERNAL_H
#define AM_MIRROR_PK_INTERNAL_H

#include "util/util.h"

#define MIRROR_PK_SHARDS 256
#define MIRROR_PK_EMPTY UINT64_MAX        /* a free slot's v */
#define MIRROR_PK_GONE (UINT64_MAX - 1)   /* what a mirror__pk_map callback says of a lost row */
#define MIRROR_PK_DUP (UINT64_C(1) << 63) /* v names a duplicate list (positions have 63 bits) */
#define MIRROR_PK_DUP_HEAD 2              /* a duplicate list's count and capacity */

typedef struct mirror_pk_slot {
    uint64_t k;
    uint64_t v;
} mirror_pk_slot_t;

typedef struct mirror_pk_shard {
    mirror_pk_slot_t *slots; /* cap of them; NULL while cap is 0 */
    uint32_t cap;
    uint32_t count;
    char *slab; /* generic keys' records */
    uint64_t slab_len;
    uint64_t slab_cap;
    uint64_t slab_dead; /* bytes of records no slot names any more */
} mirror_pk_shard_t;

/* Puts of integer keys wait in a short queue with their home slot prefetched: a bulk load
 * (the initial copy) stalls on one cache miss per key otherwise. */
#define MIRROR_PK_SOON 16

typedef struct mirror_pk_soon {
    uint64_t k, h, v;
} mirror_pk_soon_t;

struct mirror_pk {
    bool generic;
    uint64_t n_rows; /* positions held, duplicates counted (queued puts too) */
    mirror_pk_soon_t soon[MIRROR_PK_SOON]; /* fixed tables only; every reader settles first */
    uint32_t soon_head, n_soon;
    mirror_pk_shard_t shards[MIRROR_PK_SHARDS];
    uint64_t **dups; /* NULL entries are free (listed in free_dups) */
    size_t n_dups;
    size_t cap_dups;
    size_t *free_dups;
    size_t n_free_dups;
};

/* The slot's 32 hash bits that decide its home (both modes). */
uint32_t mirror__pk_slot_hash(const struct mirror_pk *pk, uint64_t k);

#endif /* AM_MIRROR_PK_INTERNAL_H */
