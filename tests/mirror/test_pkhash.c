#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirror/mirror_internal.h"
#include "mirror/pk_internal.h"

/* mirror__key_encode of one int8 value. */
static void int_key(char out[9], int64_t v)
{
    out[0] = 1;
    for (int b = 0; b < 8; b++)
        out[1 + b] = (char)((uint64_t)v >> (56 - 8 * b));
}

Test(pkhash, fixed_keys_put_take_and_remove)
{
    mirror_pk_t *pk = mirror__pk_new(false);
    char k[9];
    for (int64_t i = -500; i < 500; i++) {
        int_key(k, i * 7919);
        mirror__pk_put(pk, k, sizeof k, (uint64_t)(i + 1000));
    }
    cr_assert_eq(mirror__pk_rows(pk), 1000);
    cr_assert_not(mirror__pk_generic(pk));
    uint64_t pos = 0;
    int_key(k, 3 * 7919);
    cr_assert(mirror__pk_take(pk, k, sizeof k, &pos));
    cr_assert_eq(pos, 1003);
    cr_assert_not(mirror__pk_take(pk, k, sizeof k, &pos));
    int_key(k, -4 * 7919);
    cr_assert_not(mirror__pk_remove(pk, k, sizeof k, 1));
    cr_assert(mirror__pk_remove(pk, k, sizeof k, 996));
    cr_assert_eq(mirror__pk_rows(pk), 998);
    for (int64_t i = -500; i < 500; i++) {
        int_key(k, i * 7919);
        bool found = mirror__pk_take(pk, k, sizeof k, &pos);
        cr_assert_eq(found, i != 3 && i != -4, "key %lld", (long long)i);
        cr_assert(!found || pos == (uint64_t)(i + 1000));
    }
    cr_assert_eq(mirror__pk_rows(pk), 0);
    mirror__pk_free(pk);
}

Test(pkhash, shared_keys_keep_their_rows_oldest_first)
{
    mirror_pk_t *pk = mirror__pk_new(false);
    char k[9];
    int_key(k, 42);
    for (uint64_t p = 10; p < 15; p++)
        mirror__pk_put(pk, k, sizeof k, p);
    cr_assert_eq(mirror__pk_shared(pk), 1);
    cr_assert(mirror__pk_remove(pk, k, sizeof k, 12)); /* one from the middle */
    uint64_t pos = 0;
    uint64_t want[] = {10, 11, 13, 14};
    for (size_t i = 0; i < 4; i++) {
        cr_assert(mirror__pk_take(pk, k, sizeof k, &pos));
        cr_assert_eq(pos, want[i]);
        cr_assert_eq(mirror__pk_shared(pk), i < 2 ? 1 : 0);
    }
    cr_assert_not(mirror__pk_take(pk, k, sizeof k, &pos));
    mirror__pk_free(pk);
}

typedef struct hashed {
    uint64_t bits; /* what a slot keeps of the hash: shard byte and low 32 bits */
    uint32_t i;
} hashed_t;

static int hashed_cmp(const void *a, const void *b)
{
    const hashed_t *x = a, *y = b;
    return x->bits < y->bits ? -1 : x->bits > y->bits;
}

/* Two keys that land in one shard with the same 32 hash bits (found by brute force: 40 bits
 * among 3 million keys collide a few times): only their bytes tell them apart. */
Test(pkhash, generic_keys_with_equal_hash_bits_are_told_apart)
{
    enum { N = 3000000 };
    hashed_t *h = malloc(N * sizeof *h);
    char k[32];
    for (uint32_t i = 0; i < N; i++) {
        int len = snprintf(k, sizeof k, "key-%u", i);
        uint64_t x = am_hash_bytes(k, (size_t)len);
        h[i] = (hashed_t){.bits = (x >> 56) << 32 | (uint32_t)x, .i = i};
    }
    qsort(h, N, sizeof *h, hashed_cmp);
    uint32_t a = 0, b = 0;
    for (size_t i = 1; i < N && a == b; i++)
        if (h[i].bits == h[i - 1].bits) {
            a = h[i - 1].i;
            b = h[i].i;
        }
    free(h);
    cr_assert_neq(a, b, "no two keys share their hash bits");
    char ka[32], kb[32];
    size_t la = (size_t)snprintf(ka, sizeof ka, "key-%u", a);
    size_t lb = (size_t)snprintf(kb, sizeof kb, "key-%u", b);
    mirror_pk_t *pk = mirror__pk_new(true);
    for (uint32_t i = 0; i < 20000; i++) { /* neighbours, so the two are not alone */
        int len = snprintf(k, sizeof k, "other-%u", i);
        mirror__pk_put(pk, k, (size_t)len, i);
    }
    mirror__pk_put(pk, ka, la, 1);
    mirror__pk_put(pk, kb, lb, 2);
    cr_assert_eq(mirror__pk_rows(pk), 20002);
    cr_assert_eq(mirror__pk_shared(pk), 0);
    uint64_t pos = 0;
    cr_assert_not(mirror__pk_remove(pk, kb, lb, 1));
    cr_assert(mirror__pk_take(pk, kb, lb, &pos));
    cr_assert_eq(pos, 2);
    cr_assert(mirror__pk_take(pk, ka, la, &pos));
    cr_assert_eq(pos, 1);
    cr_assert_not(mirror__pk_take(pk, ka, la, &pos));
    for (uint32_t i = 0; i < 20000; i++) {
        int len = snprintf(k, sizeof k, "other-%u", i);
        cr_assert(mirror__pk_take(pk, k, (size_t)len, &pos));
        cr_assert_eq(pos, i);
    }
    mirror__pk_free(pk);
}

Test(pkhash, generic_keys_survive_growth_and_slab_compaction)
{
    mirror_pk_t *pk = mirror__pk_new(true);
    enum { N = 200000 };
    char k[64];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            int len = snprintf(k, sizeof k, "a longer text key, number %d of round %d", i, round);
            mirror__pk_put(pk, k, (size_t)len, (uint64_t)i);
        }
        for (int i = 0; i < N; i++) {
            int len = snprintf(k, sizeof k, "a longer text key, number %d of round %d", i, round);
            uint64_t pos = 0;
            cr_assert(mirror__pk_take(pk, k, (size_t)len, &pos));
            cr_assert_eq(pos, (uint64_t)i);
        }
    }
    cr_assert_eq(mirror__pk_rows(pk), 0);
    size_t slab = 0;
    for (size_t s = 0; s < MIRROR_PK_SHARDS; s++)
        slab += pk->shards[s].slab_len - pk->shards[s].slab_dead;
    cr_assert_eq(slab, 0);
    mirror__pk_free(pk);
}

Test(pkhash, a_null_key_turns_a_fixed_table_generic)
{
    mirror_pk_t *pk = mirror__pk_new(false);
    char k[9];
    for (int64_t i = 0; i < 5000; i++) {
        int_key(k, i);
        mirror__pk_put(pk, k, sizeof k, (uint64_t)i);
    }
    char null_key[1] = {0};
    uint64_t pos = 0;
    cr_assert_not(mirror__pk_take(pk, null_key, 1, &pos));
    cr_assert_not(mirror__pk_generic(pk));
    mirror__pk_put(pk, null_key, 1, 77777);
    cr_assert(mirror__pk_generic(pk));
    for (int64_t i = 0; i < 5000; i++) {
        int_key(k, i);
        cr_assert(mirror__pk_take(pk, k, sizeof k, &pos));
        cr_assert_eq(pos, (uint64_t)i);
    }
    cr_assert(mirror__pk_take(pk, null_key, 1, &pos));
    cr_assert_eq(pos, 77777);
    mirror__pk_free(pk);
}

static uint64_t shift_or_drop(void *ud, uint64_t pos)
{
    (void)ud;
    return pos % 3 == 0 ? MIRROR_PK_GONE : pos + 1000000;
}

Test(pkhash, map_moves_and_drops_positions)
{
    for (int generic = 0; generic < 2; generic++) {
        mirror_pk_t *pk = mirror__pk_new(generic);
        char k[9];
        for (int64_t i = 0; i < 20000; i++) {
            int_key(k, i);
            mirror__pk_put(pk, k, sizeof k, (uint64_t)i);
            if (i % 10 == 0) /* a few keys with two rows */
                mirror__pk_put(pk, k, sizeof k, (uint64_t)i + 1);
        }
        uint64_t lost = mirror__pk_map(pk, shift_or_drop, NULL);
        uint64_t want_lost = 0;
        for (int64_t i = 0; i < 20000; i++)
            want_lost += (i % 3 == 0) + (i % 10 == 0 && (i + 1) % 3 == 0);
        cr_assert_eq(lost, want_lost);
        for (int64_t i = 0; i < 20000; i++) {
            int_key(k, i);
            uint64_t pos = 0;
            if (i % 3 != 0) {
                cr_assert(mirror__pk_take(pk, k, sizeof k, &pos), "key %lld", (long long)i);
                cr_assert_eq(pos, (uint64_t)i + 1000000);
            }
            if (i % 10 == 0 && (i + 1) % 3 != 0) {
                cr_assert(mirror__pk_take(pk, k, sizeof k, &pos));
                cr_assert_eq(pos, (uint64_t)i + 1000001);
            }
            cr_assert_not(mirror__pk_take(pk, k, sizeof k, &pos), "key %lld", (long long)i);
        }
        cr_assert_eq(mirror__pk_rows(pk), 0);
        cr_assert_eq(mirror__pk_shared(pk), 0);
        mirror__pk_free(pk);
    }
}

/* Random puts, takes and removes against a plain map as the oracle. */
Test(pkhash, random_operations_agree_with_a_reference_map)
{
    for (int generic = 0; generic < 2; generic++) {
        mirror_pk_t *pk = mirror__pk_new(generic);
        am_map_t *ref = am_map_new();
        uint64_t seed = 88172645463325252ULL;
        char k[9];
        for (int step = 0; step < 400000; step++) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            int64_t key = (int64_t)(seed % 50000) - 25000;
            int_key(k, key);
            uint64_t want = 0, got = 0;
            bool held = am_map_get(ref, k, sizeof k, &want);
            if ((seed >> 20) % 3 != 0) {
                if (held)
                    continue;
                mirror__pk_put(pk, k, sizeof k, seed >> 40);
                am_map_put(ref, k, sizeof k, seed >> 40);
            } else if ((seed >> 22) % 2) {
                cr_assert_eq(mirror__pk_take(pk, k, sizeof k, &got), held);
                cr_assert(!held || got == want);
                am_map_del(ref, k, sizeof k);
            } else {
                cr_assert_eq(mirror__pk_remove(pk, k, sizeof k, want), held);
                am_map_del(ref, k, sizeof k);
            }
        }
        cr_assert_eq(mirror__pk_rows(pk), am_map_count(ref));
        mirror__pk_free(pk);
        am_map_free(ref);
    }
}

/* The bound: at most 32 bytes per row for an int8 key, whatever the row count. */
Test(pkhash, int8_keys_take_at_most_32_bytes_per_row)
{
    mirror_pk_t *pk = mirror__pk_new(false);
    char k[9];
    double worst = 0;
    for (int64_t i = 1; i <= 2000000; i++) {
        int_key(k, i * 2654435761LL);
        mirror__pk_put(pk, k, sizeof k, (uint64_t)i);
        if (i % 50000 == 0) {
            double per = (double)mirror__pk_bytes(pk) / (double)i;
            worst = per > worst ? per : worst;
        }
    }
    cr_assert_leq(worst, 32.0, "%.1f bytes per row", worst);
    cr_log_info("int8 keys: at most %.1f bytes per row up to 2,000,000 rows\n", worst);
    mirror__pk_free(pk);
}
