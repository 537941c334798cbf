/*
 * Index checkpoint files: an image written and read back is the same index (fixed and generic
 * keys, duplicate lists, file lists); a file cut short anywhere, a flipped byte anywhere, a
 * foreign or empty file all fail with XX001 and never load; a file whose hashes were made to
 * match after damage is still refused by the slot-by-slot check.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/testlib.h"
#include "mirror/mirror_internal.h"
#include "mirror/pk_internal.h"

static void int_key(char out[9], int64_t v)
{
    out[0] = 1;
    for (int b = 0; b < 8; b++)
        out[1 + b] = (char)((uint64_t)v >> (56 - 8 * b));
}

/* Keys 0..n-1 (as ints, or as text when generic) at positions 10*i; every 100th key twice. */
static mirror_pkimage_t image(bool generic, int n)
{
    mirror_pkimage_t im = {
        .pk = mirror__pk_new(generic), .snapshot_id = 77, .lsn = 0x1234, .key_sig = 99};
    for (int i = 0; i < n; i++) {
        char k[32];
        size_t len = 9;
        if (generic)
            len = (size_t)snprintf(k, sizeof k, "text key %d", i);
        else
            int_key(k, i);
        mirror__pk_put(im.pk, k, len, (uint64_t)i * 10);
        if (i % 100 == 0)
            mirror__pk_put(im.pk, k, len, (uint64_t)i * 10 + 1);
    }
    im.n_files = 3;
    im.files = calloc(4, sizeof *im.files);
    im.files[0] = strdup("file:///w/public/m/data/a.parquet");
    im.files[2] = strdup("file:///w/public/m/data/c-with-a-longer-name.parquet");
    im.n_dels = 1;
    im.dels = calloc(2, sizeof *im.dels);
    im.dels[0] = strdup("file:///w/public/m/data/d-deletes.parquet");
    return im;
}

static void expect_same(mirror_pkimage_t *a, mirror_pkimage_t *b, bool generic, int n)
{
    cr_assert_eq(a->snapshot_id, b->snapshot_id);
    cr_assert_eq(a->lsn, b->lsn);
    cr_assert_eq(a->key_sig, b->key_sig);
    cr_assert_eq(a->n_files, b->n_files);
    cr_assert_null(b->files[1]);
    cr_assert_str_eq(a->files[2], b->files[2]);
    cr_assert_eq(b->n_dels, 1);
    cr_assert_str_eq(a->dels[0], b->dels[0]);
    cr_assert_eq(mirror__pk_rows(a->pk), mirror__pk_rows(b->pk));
    cr_assert_eq(mirror__pk_shared(b->pk), (size_t)(n + 99) / 100);
    cr_assert_eq(mirror__pk_generic(b->pk), generic);
    for (int i = 0; i < n; i++) {
        char k[32];
        size_t len = 9;
        if (generic)
            len = (size_t)snprintf(k, sizeof k, "text key %d", i);
        else
            int_key(k, i);
        for (int copy = 0; copy < (i % 100 == 0 ? 2 : 1); copy++) {
            uint64_t pa = 0, pb = 0;
            cr_assert(mirror__pk_take(a->pk, k, len, &pa));
            cr_assert(mirror__pk_take(b->pk, k, len, &pb), "key %d", i);
            cr_assert_eq(pa, pb);
        }
    }
    cr_assert_eq(mirror__pk_rows(b->pk), 0);
}

Test(pkfile, images_round_trip)
{
    char *dir = amt_tmpdir("pkfile-round");
    am_err_t err = {0};
    storage_t *st = storage_local_new(dir, &err);
    cr_assert_not_null(st, "%s", err.msg);
    for (int generic = 0; generic < 2; generic++) {
        for (int n = 0; n <= 30000; n += 30000) {
            mirror_pkimage_t a = image(generic, n), b;
            cr_assert(mirror__pkfile_write(st, "x/1.pkidx", &a, &err) == false,
                      "a missing directory fails");
            cr_assert(storage_mkdirs(st, "x", &err), "%s", err.msg);
            cr_assert(mirror__pkfile_write(st, "x/1.pkidx", &a, &err), "%s", err.msg);
            cr_assert(mirror__pkfile_read(st, "x/1.pkidx", &b, &err), "%s", err.msg);
            expect_same(&a, &b, generic, n);
            mirror__pkimage_destroy(&a);
            mirror__pkimage_destroy(&b);
            cr_assert(storage_remove(st, "x", &err), "%s", err.msg);
        }
    }
    mirror_pkimage_t none;
    cr_assert_not(mirror__pkfile_read(st, "x/none.pkidx", &none, &err));
    cr_assert_str_eq(err.sqlstate, STORAGE_SQLSTATE_MISSING);
    storage_free(st);
    free(dir);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc(*len + 1);
    cr_assert_eq(fread(p, 1, *len, f), *len);
    fclose(f);
    return p;
}

static void spill(const char *path, const char *p, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(p, 1, len, f), len);
    fclose(f);
}

static void expect_refused(storage_t *st, const char *what)
{
    mirror_pkimage_t im;
    am_err_t err = {0};
    cr_assert_not(mirror__pkfile_read(st, "1.pkidx", &im, &err), "%s loaded", what);
    cr_assert_str_eq(err.sqlstate, "XX001", "%s: %s", what, err.msg);
}

Test(pkfile, torn_or_damaged_files_never_load)
{
    char *dir = amt_tmpdir("pkfile-torn");
    am_err_t err = {0};
    storage_t *st = storage_local_new(dir, &err);
    mirror_pkimage_t a = image(true, 2000);
    cr_assert(mirror__pkfile_write(st, "1.pkidx", &a, &err), "%s", err.msg);
    mirror__pkimage_destroy(&a);
    char path[512];
    snprintf(path, sizeof path, "%s/1.pkidx", dir);
    size_t len = 0;
    char *good = slurp(path, &len);
    /* cut anywhere: every 97th byte, and just short of the end */
    for (size_t cut = 0; cut < len; cut += 97) {
        spill(path, good, cut);
        expect_refused(st, "a torn file");
    }
    for (size_t short_by = 1; short_by <= 17; short_by += 8) {
        spill(path, good, len - short_by);
        expect_refused(st, "a file a few bytes short");
    }
    /* one flipped bit anywhere: header, file list, slots, slabs, trailer */
    for (size_t at = 0; at < len; at += 211) {
        good[at] ^= 0x10;
        spill(path, good, len);
        expect_refused(st, "a damaged file");
        good[at] ^= 0x10;
    }
    static const char foreign[] =
        "not an index checkpoint at all, but long enough to hold a header and more";
    spill(path, foreign, sizeof foreign);
    expect_refused(st, "a foreign file");
    spill(path, good, len);
    mirror_pkimage_t back;
    cr_assert(mirror__pkfile_read(st, "1.pkidx", &back, &err), "the good file reads: %s", err.msg);
    mirror__pkimage_destroy(&back);
    free(good);
    storage_free(st);
    free(dir);
}

/* Damage the hashes cannot see (they were recomputed over it): the slot check refuses. */
Test(pkfile, inconsistent_tables_with_matching_hashes_are_refused)
{
    char *dir = amt_tmpdir("pkfile-check");
    am_err_t err = {0};
    storage_t *st = storage_local_new(dir, &err);
    mirror_pkimage_t a = image(false, 3000);
    /* swap two occupied slots of one shard: keys out of their probe order */
    mirror_pk_shard_t *s = &a.pk->shards[7];
    uint32_t x = UINT32_MAX, y = UINT32_MAX;
    for (uint32_t i = 0; i < s->cap; i++) {
        if (s->slots[i].v == MIRROR_PK_EMPTY)
            continue;
        if (x == UINT32_MAX)
            x = i;
        else if (mirror__pk_slot_hash(a.pk, s->slots[i].k) !=
                 mirror__pk_slot_hash(a.pk, s->slots[x].k)) {
            y = i;
            break;
        }
    }
    cr_assert_neq(y, UINT32_MAX);
    mirror_pk_slot_t held = s->slots[x];
    s->slots[x] = s->slots[y];
    s->slots[y] = held;
    cr_assert(mirror__pkfile_write(st, "1.pkidx", &a, &err), "%s", err.msg);
    mirror_pkimage_t back;
    cr_assert_not(mirror__pkfile_read(st, "1.pkidx", &back, &err));
    cr_assert(strstr(err.msg, "probe order") || strstr(err.msg, "wrong shard"), "%s", err.msg);
    /* a row count that does not add up */
    s->slots[y] = s->slots[x];
    s->slots[x] = held;
    a.pk->n_rows++;
    cr_assert(mirror__pkfile_write(st, "1.pkidx", &a, &err), "%s", err.msg);
    cr_assert_not(mirror__pkfile_read(st, "1.pkidx", &back, &err));
    cr_assert(strstr(err.msg, "row count") != NULL, "%s", err.msg);
    a.pk->n_rows--;
    mirror__pkimage_destroy(&a);
    storage_free(st);
    free(dir);
}

/* XXH64's published test vectors (seed 0). */
Test(pkfile, hash_is_xxh64)
{
    cr_assert_eq(mirror__pkfile_hash("", 0), UINT64_C(0xEF46DB3751D8E999));
    cr_assert_eq(mirror__pkfile_hash("a", 1), UINT64_C(0xD24EC4F1A98C6E5B));
    cr_assert_eq(mirror__pkfile_hash("abc", 3), UINT64_C(0x44BC2CF5AD770999));
    const char *long_text = "Nobody inspects the spammish repetition";
    cr_assert_eq(mirror__pkfile_hash(long_text, strlen(long_text)), UINT64_C(0xFBCEA83C8A378BF1));
}
