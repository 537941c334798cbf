/*
 * mirror/pkfile.c: index images and their checkpoint files. A file is the hash table as it
 * lies in memory (pk_internal.h), so reading one is reading arrays back, not inserting keys:
 * a restart loads millions of keys in the time the disk needs to deliver them. Must not trust
 * a file: a torn, truncated or foreign one fails (the caller rebuilds from the lake), and a
 * file whose hashes match is still checked slot by slot (pkhash.c) before it is used.
 * Hand-written: a private format (host byte order, checked) that no library reads or writes.
 *   header   "AMPKIDX\1" | version u32 | flags u32 (1: generic) | 0x0102030405060708 u64 |
 *            snapshot_id i64 | lsn u64 | key_sig u64 | n_rows u64 | body_len u64 |
 *            hash of the 64 bytes before it u64                                    (72 bytes)
 *   body     n_files u64 | { id u64 | len u64 | URI padded to 8 } ...
 *            n_dels u64 | { len u64 | URI padded to 8 } ...
 *            256 x { cap u64 | count u64 | slab_len u64 | cap slots (k u64, v u64) |
 *                    slab padded to 8 }
 *            n_dup_lists u64 | { count u64 (0: a free list number) | count positions u64 } ...
 *   trailer  hash of the body u64 | "AMPKEND\1"                                    (16 bytes)
 * Hashes are XXH64 (seed 0), written out here from its specification.
 */
#include "mirror/mirror_internal.h"
#include "mirror/pk_internal.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t pkfile_magic[8] = {'A', 'M', 'P', 'K', 'I', 'D', 'X', 1};
#define PKFILE_END "AMPKEND\1"
#define PKFILE_VERSION 1
#define PKFILE_ENDIAN UINT64_C(0x0102030405060708)
#define PKFILE_HEADER 72
#define PKFILE_TRAILER 16
#define PKFILE_CORRUPT "XX001"

/* ---- XXH64 ------------------------------------------------------------------------------ */

#define P1 UINT64_C(0x9E3779B185EBCA87)
#define P2 UINT64_C(0xC2B2AE3D27D4EB4F)
#define P3 UINT64_C(0x165667B19E3779F9)
#define P4 UINT64_C(0x85EBCA77C2B2AE63)
#define P5 UINT64_C(0x27D4EB2F165667C5)

typedef struct hasher {
    uint64_t v[4];
    uint8_t buf[32];
    size_t n_buf;
    uint64_t total;
} hasher_t;

static uint64_t rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v; /* the specification reads little-endian words; so does every host we run on */
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static uint64_t round64(uint64_t acc, uint64_t in)
{
    return rotl(acc + in * P2, 31) * P1;
}

static void hasher_init(hasher_t *h)
{
    memset(h, 0, sizeof *h);
    h->v[0] = P1 + P2;
    h->v[1] = P2;
    h->v[2] = 0;
    h->v[3] = (uint64_t)0 - P1;
}

static void stripe(hasher_t *h, const uint8_t *p)
{
    for (size_t i = 0; i < 4; i++)
        h->v[i] = round64(h->v[i], rd64(p + 8 * i));
}

static void hasher_update(hasher_t *h, const void *data, size_t len)
{
    const uint8_t *p = data;
    if (len == 0)
        return; /* p may be NULL: nothing to hash, and memcpy must not see it */
    h->total += len;
    if (h->n_buf + len < 32) {
        memcpy(h->buf + h->n_buf, p, len);
        h->n_buf += len;
        return;
    }
    if (h->n_buf) {
        size_t fill = 32 - h->n_buf;
        memcpy(h->buf + h->n_buf, p, fill);
        stripe(h, h->buf);
        p += fill;
        len -= fill;
        h->n_buf = 0;
    }
    for (; len >= 32; p += 32, len -= 32)
        stripe(h, p);
    memcpy(h->buf, p, len);
    h->n_buf = len;
}

static uint64_t merge(uint64_t acc, uint64_t v)
{
    return (acc ^ round64(0, v)) * P1 + P4;
}

static uint64_t hasher_final(const hasher_t *h)
{
    uint64_t acc;
    if (h->total >= 32) {
        acc = rotl(h->v[0], 1) + rotl(h->v[1], 7) + rotl(h->v[2], 12) + rotl(h->v[3], 18);
        for (int i = 0; i < 4; i++)
            acc = merge(acc, h->v[i]);
    } else {
        acc = h->v[2] + P5;
    }
    acc += h->total;
    const uint8_t *p = h->buf;
    size_t n = h->n_buf;
    for (; n >= 8; p += 8, n -= 8)
        acc = rotl(acc ^ round64(0, rd64(p)), 27) * P1 + P4;
    if (n >= 4) {
        acc = rotl(acc ^ ((uint64_t)rd32(p) * P1), 23) * P2 + P3;
        p += 4;
        n -= 4;
    }
    for (; n > 0; p++, n--)
        acc = rotl(acc ^ (*p * P5), 11) * P1;
    acc ^= acc >> 33;
    acc *= P2;
    acc ^= acc >> 29;
    acc *= P3;
    acc ^= acc >> 32;
    return acc;
}

uint64_t mirror__pkfile_hash(const void *p, size_t len)
{
    hasher_t h;
    hasher_init(&h);
    hasher_update(&h, p, len);
    return hasher_final(&h);
}

/* ---- images ----------------------------------------------------------------------------- */

static void strs_free(char **s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

void mirror__pkimage_destroy(mirror_pkimage_t *im)
{
    if (!im)
        return;
    mirror__pk_free(im->pk);
    strs_free(im->files, im->n_files);
    strs_free(im->dels, im->n_dels);
    memset(im, 0, sizeof *im);
}

void mirror__pkimage_of(mirror_table_t *t, mirror_pkimage_t *out, bool take)
{
    mirror__index_sync(t);
    memset(out, 0, sizeof *out);
    if (t->pk)
        mirror__pk_settle(t->pk);
    out->pk = t->pk;
    if (take)
        t->pk = NULL;
    out->snapshot_id = lake_table_snapshot_id(t->lt);
    out->lsn = lake_table_lsn(t->lt);
    out->key_sig = mirror__index_signature(t);
    out->n_files = lake_table_n_file_ids(t->lt);
    out->files = am_xcalloc(out->n_files + 1, sizeof *out->files);
    for (size_t i = 0; i < out->n_files; i++) {
        const char *uri = lake_table_data_file(t->lt, (int32_t)i);
        out->files[i] = uri ? am_xstrdup(uri) : NULL;
    }
    out->n_dels = lake_table_n_delete_files(t->lt);
    out->dels = am_xcalloc(out->n_dels + 1, sizeof *out->dels);
    for (size_t i = 0; i < out->n_dels; i++)
        out->dels[i] = am_xstrdup(lake_table_delete_file(t->lt, i));
}

/* ---- writing ---------------------------------------------------------------------------- */

typedef struct out {
    storage_writer_t *w;
    hasher_t h;
    uint64_t written;
    bool ok;
    am_err_t *err;
} out_t;

static void put(out_t *o, const void *p, size_t len)
{
    if (!o->ok || len == 0)
        return;
    hasher_update(&o->h, p, len);
    o->written += len;
    o->ok = storage_writer_write(o->w, p, len, o->err);
}

static void put_u64(out_t *o, uint64_t v)
{
    put(o, &v, sizeof v);
}

static uint64_t pad8(uint64_t n)
{
    return (n + 7) & ~(uint64_t)7;
}

static void put_padded(out_t *o, const void *p, uint64_t len)
{
    static const char zeros[8] = {0};
    put(o, p, (size_t)len);
    put(o, zeros, (size_t)(pad8(len) - len));
}

static uint64_t body_len(const mirror_pkimage_t *im)
{
    const mirror_pk_t *pk = im->pk;
    uint64_t n = 8;
    for (size_t i = 0; i < im->n_files; i++)
        n += im->files[i] ? 16 + pad8(strlen(im->files[i])) : 0;
    n += 8;
    for (size_t i = 0; i < im->n_dels; i++)
        n += 8 + pad8(strlen(im->dels[i]));
    for (size_t i = 0; i < MIRROR_PK_SHARDS; i++)
        n += 24 + (uint64_t)pk->shards[i].cap * sizeof(mirror_pk_slot_t) +
             pad8(pk->shards[i].slab_len);
    n += 8;
    for (size_t i = 0; i < pk->n_dups; i++)
        n += 8 + (pk->dups[i] ? pk->dups[i][0] * 8 : 0);
    return n;
}

static void put_header(out_t *o, const mirror_pkimage_t *im, uint64_t len)
{
    uint8_t hdr[PKFILE_HEADER];
    uint32_t version = PKFILE_VERSION, flags = im->pk->generic ? 1 : 0;
    uint64_t words[] = {
        PKFILE_ENDIAN, (uint64_t)im->snapshot_id, im->lsn, im->key_sig, im->pk->n_rows, len};
    memcpy(hdr, pkfile_magic, sizeof pkfile_magic);
    memcpy(hdr + 8, &version, 4);
    memcpy(hdr + 12, &flags, 4);
    memcpy(hdr + 16, words, sizeof words);
    uint64_t hh = mirror__pkfile_hash(hdr, 64);
    memcpy(hdr + 64, &hh, 8);
    o->ok = storage_writer_write(o->w, hdr, sizeof hdr, o->err);
}

static void put_body(out_t *o, const mirror_pkimage_t *im)
{
    const mirror_pk_t *pk = im->pk;
    uint64_t n_files = 0;
    for (size_t i = 0; i < im->n_files; i++)
        n_files += im->files[i] != NULL;
    put_u64(o, n_files);
    for (size_t i = 0; i < im->n_files; i++) {
        if (!im->files[i])
            continue;
        put_u64(o, i);
        put_u64(o, strlen(im->files[i]));
        put_padded(o, im->files[i], strlen(im->files[i]));
    }
    put_u64(o, im->n_dels);
    for (size_t i = 0; i < im->n_dels; i++) {
        put_u64(o, strlen(im->dels[i]));
        put_padded(o, im->dels[i], strlen(im->dels[i]));
    }
    for (size_t i = 0; i < MIRROR_PK_SHARDS; i++) {
        const mirror_pk_shard_t *s = &pk->shards[i];
        put_u64(o, s->cap);
        put_u64(o, s->count);
        put_u64(o, s->slab_len);
        put(o, s->slots, (size_t)s->cap * sizeof *s->slots);
        put_padded(o, s->slab, s->slab_len);
    }
    put_u64(o, pk->n_dups);
    for (size_t i = 0; i < pk->n_dups; i++) {
        uint64_t n = pk->dups[i] ? pk->dups[i][0] : 0;
        put_u64(o, n);
        if (n)
            put(o, pk->dups[i] + MIRROR_PK_DUP_HEAD, (size_t)n * sizeof(uint64_t));
    }
}

bool mirror__pkfile_write(storage_t *st, const char *rel, const mirror_pkimage_t *im, am_err_t *err)
{
    out_t o = {.ok = true, .err = err};
    AM_ASSERT(im->pk); /* an image to write always has its index */
    mirror__pk_settle(im->pk);
    o.w = storage_writer_open(st, rel, err);
    if (!o.w)
        return false;
    uint64_t len = body_len(im);
    put_header(&o, im, len);
    hasher_init(&o.h);
    put_body(&o, im);
    AM_ASSERT(!o.ok || o.written == len);
    uint64_t bh = hasher_final(&o.h);
    if (o.ok)
        o.ok =
            storage_writer_write(o.w, &bh, 8, err) && storage_writer_write(o.w, PKFILE_END, 8, err);
    if (!o.ok) {
        storage_writer_abort(o.w);
        return false;
    }
    return storage_writer_commit(o.w, err);
}

/* ---- reading ---------------------------------------------------------------------------- */

typedef struct in {
    bool (*fn)(void *ud, void *p, size_t len);
    void *ud;
    hasher_t h;
    uint64_t left; /* body bytes not read yet */
    bool ok;
} in_t;

static bool get(in_t *in, void *p, uint64_t len)
{
    if (!in->ok || len > in->left || (len && !in->fn(in->ud, p, (size_t)len)))
        return in->ok = false;
    in->left -= len;
    hasher_update(&in->h, p, (size_t)len);
    return true;
}

static uint64_t get_u64(in_t *in)
{
    uint64_t v = 0;
    (void)get(in, &v, 8);
    return v;
}

/* A padded string of len bytes (checked against what is left before allocating, len first:
 * padding a length near 2^64 wraps to a small one). */
static char *get_str(in_t *in, uint64_t len)
{
    if (!in->ok || len < 1 || len > in->left || pad8(len) > in->left) {
        in->ok = false;
        return NULL;
    }
    char *s = am_xmalloc((size_t)pad8(len) + 1);
    if (!get(in, s, pad8(len))) {
        free(s);
        return NULL;
    }
    s[len] = '\0';
    return s;
}

static void get_files(in_t *in, mirror_pkimage_t *im)
{
    uint64_t n = get_u64(in);
    if (n > in->left / 16)
        in->ok = false;
    for (uint64_t i = 0; in->ok && i < n; i++) {
        uint64_t id = get_u64(in);
        char *s = get_str(in, get_u64(in));
        if (!s || id > MIRROR_POS_FILE_MAX || (id < im->n_files && im->files[id])) {
            free(s);
            in->ok = false;
            break;
        }
        if (id >= im->n_files) {
            im->files = am_xrealloc(im->files, (size_t)(id + 1) * sizeof *im->files);
            memset(im->files + im->n_files, 0, (size_t)(id + 1 - im->n_files) * sizeof *im->files);
            im->n_files = (size_t)id + 1;
        }
        im->files[id] = s;
    }
    n = get_u64(in);
    if (n > in->left / 8)
        in->ok = false;
    im->dels = am_xcalloc(in->ok ? (size_t)n + 1 : 1, sizeof *im->dels);
    for (uint64_t i = 0; in->ok && i < n; i++) {
        im->dels[i] = get_str(in, get_u64(in));
        im->n_dels += im->dels[i] != NULL;
    }
}

static void get_shard(in_t *in, mirror_pk_shard_t *s)
{
    uint64_t cap = get_u64(in), count = get_u64(in), slab = get_u64(in);
    if (!in->ok || cap > UINT32_MAX || cap * sizeof(mirror_pk_slot_t) > in->left || count > cap ||
        slab > in->left || slab / 4 > UINT32_MAX) {
        in->ok = false;
        return;
    }
    s->cap = (uint32_t)cap;
    s->count = (uint32_t)count;
    s->slots = cap ? am_xmalloc((size_t)cap * sizeof *s->slots) : NULL;
    (void)get(in, s->slots, cap * sizeof *s->slots);
    s->slab_len = s->slab_cap = slab;
    s->slab = slab ? am_xmalloc((size_t)pad8(slab)) : NULL;
    (void)get(in, s->slab, pad8(slab));
}

static void get_dups(in_t *in, mirror_pk_t *pk)
{
    uint64_t n = get_u64(in);
    if (n > in->left / 8) {
        in->ok = false;
        return;
    }
    pk->cap_dups = pk->n_dups = (size_t)n;
    pk->dups = am_xcalloc((size_t)n + 1, sizeof *pk->dups);
    pk->free_dups = am_xcalloc((size_t)n + 1, sizeof *pk->free_dups);
    for (size_t i = 0; in->ok && i < n; i++) {
        uint64_t count = get_u64(in);
        if (count == 0) {
            pk->free_dups[pk->n_free_dups++] = i;
            continue;
        }
        if (count > in->left / 8) {
            in->ok = false;
            break;
        }
        uint64_t *list = am_xmalloc((size_t)(MIRROR_PK_DUP_HEAD + count) * sizeof *list);
        list[0] = list[1] = count;
        pk->dups[i] = list;
        (void)get(in, list + MIRROR_PK_DUP_HEAD, count * 8);
    }
}

/* The header's fields, checked; *body_len from it. */
static bool get_header(in_t *in, uint64_t size, mirror_pkimage_t *out, bool *generic,
                       uint64_t *n_rows, am_err_t *err)
{
    uint8_t hdr[PKFILE_HEADER];
    if (size < PKFILE_HEADER + PKFILE_TRAILER || !in->fn(in->ud, hdr, sizeof hdr))
        return am_err_set(err, PKFILE_CORRUPT,
                          "index checkpoint: %llu bytes, shorter than a header",
                          (unsigned long long)size);
    uint32_t version, flags;
    uint64_t w[6], hh;
    memcpy(&version, hdr + 8, 4);
    memcpy(&flags, hdr + 12, 4);
    memcpy(w, hdr + 16, sizeof w);
    memcpy(&hh, hdr + 64, 8);
    if (memcmp(hdr, pkfile_magic, sizeof pkfile_magic) != 0 || hh != mirror__pkfile_hash(hdr, 64))
        return am_err_set(err, PKFILE_CORRUPT,
                          "index checkpoint: not a checkpoint, or its header "
                          "is damaged");
    if (version != PKFILE_VERSION || flags > 1 || w[0] != PKFILE_ENDIAN)
        return am_err_set(err, PKFILE_CORRUPT,
                          "index checkpoint: version %u, flags %u from another kind of machine",
                          version, flags);
    if (w[5] != size - PKFILE_HEADER - PKFILE_TRAILER)
        return am_err_set(err, PKFILE_CORRUPT,
                          "index checkpoint: %llu bytes where its header promises %llu (torn)",
                          (unsigned long long)size,
                          (unsigned long long)w[5] + PKFILE_HEADER + PKFILE_TRAILER);
    out->snapshot_id = (int64_t)w[1];
    out->lsn = w[2];
    out->key_sig = w[3];
    *n_rows = w[4];
    *generic = flags & 1;
    in->left = w[5];
    return true;
}

bool mirror__pkfile_decode(bool (*fn)(void *ud, void *p, size_t len), void *ud, uint64_t size,
                           mirror_pkimage_t *out, am_err_t *err)
{
    memset(out, 0, sizeof *out);
    in_t in = {.fn = fn, .ud = ud, .ok = true};
    bool generic = false;
    uint64_t n_rows = 0;
    if (!get_header(&in, size, out, &generic, &n_rows, err))
        return false;
    hasher_init(&in.h);
    out->pk = mirror__pk_new(generic);
    get_files(&in, out);
    for (size_t i = 0; in.ok && i < MIRROR_PK_SHARDS; i++)
        get_shard(&in, &out->pk->shards[i]);
    get_dups(&in, out->pk);
    uint8_t trailer[PKFILE_TRAILER];
    uint64_t bh = 0;
    bool ok = in.ok && in.left == 0 && fn(ud, trailer, sizeof trailer);
    if (ok)
        memcpy(&bh, trailer, 8);
    if (!ok || bh != hasher_final(&in.h) || memcmp(trailer + 8, PKFILE_END, 8) != 0) {
        mirror__pkimage_destroy(out);
        return am_err_set(err, PKFILE_CORRUPT,
                          "index checkpoint: its body does not match its hash (torn or damaged)");
    }
    out->pk->n_rows = n_rows;
    const char *why = NULL;
    if (!mirror__pk_check(out->pk, &why)) {
        mirror__pkimage_destroy(out);
        return am_err_set(err, PKFILE_CORRUPT, "index checkpoint: %s", why);
    }
    return true;
}

static bool read_piece(void *ud, void *p, size_t len)
{
    am_err_t e = {0};
    return storage_reader_read(ud, p, len, &e);
}

bool mirror__pkfile_read(storage_t *st, const char *rel, mirror_pkimage_t *out, am_err_t *err)
{
    memset(out, 0, sizeof *out);
    int64_t size = 0;
    storage_reader_t *r = storage_reader_open(st, rel, &size, err);
    if (!r)
        return false;
    bool ok = mirror__pkfile_decode(read_piece, r, (uint64_t)size, out, err);
    storage_reader_close(r);
    if (!ok)
        am_err_prefix(err, "%s", rel);
    return ok;
}
