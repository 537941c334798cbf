/*
 * tests/fuzz/fuzz_args.h: reading a fuzz input as function arguments, shared by the fuzz_pgfn_*
 * targets: bytes, strings (copied into one block, so that ASan sees a read past any of them;
 * text made valid UTF-8 as DuckDB's VARCHAR always is) and integers that are mostly small and
 * sometimes one of a target's extremes.
 */
#ifndef AM_TESTS_FUZZ_ARGS_H
#define AM_TESTS_FUZZ_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct fz_rd {
    const uint8_t *p;
    size_t n;
    uint8_t *strs; /* every string read; the caller allocates it as large as the input */
    size_t used;
} fz_rd_t;

/* The next byte, 0 once the input is used up. */
static inline uint8_t fz_u8(fz_rd_t *r)
{
    if (!r->n)
        return 0;
    r->n--;
    return *r->p++;
}

/* bytes bytes, little-endian. */
static inline uint64_t fz_raw(fz_rd_t *r, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)fz_u8(r) << (8 * i);
    return v;
}

/* Bytes in a valid UTF-8 sequence starting at p (n available), or 0. */
static inline size_t fz_utf8_seq(const uint8_t *p, size_t n)
{
    uint8_t c = p[0];
    if (c < 0x80)
        return 1;
    size_t len = c >= 0xc2 && c <= 0xdf   ? 2
                 : c >= 0xe0 && c <= 0xef ? 3
                 : c >= 0xf0 && c <= 0xf4 ? 4
                                          : 0;
    if (!len || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0) || (c == 0xf0 && p[1] < 0x90) ||
        (c == 0xf4 && p[1] >= 0x90))
        return 0; /* overlong, a surrogate, past U+10FFFF */
    return len;
}

/* A string of up to len bytes from the input, kept in r->strs for the call; text: a byte that
 * starts no valid UTF-8 sequence becomes '?'. */
static inline const char *fz_str(fz_rd_t *r, size_t len, bool text, size_t *out_len)
{
    if (len > r->n)
        len = r->n;
    uint8_t *s = r->strs + r->used;
    memcpy(s, r->p, len);
    r->p += len;
    r->n -= len;
    r->used += len;
    for (size_t i = 0; text && i < len;) {
        size_t k = fz_utf8_seq(s + i, len - i);
        if (!k) {
            s[i] = '?';
            k = 1;
        }
        i += k;
    }
    *out_len = len;
    return (const char *)s;
}

/* A byte selector: below 200 the value minus 100, else one of extremes; clamped to bits. */
static inline int64_t fz_int(fz_rd_t *r, const int64_t *extremes, size_t n_extremes, int bits)
{
    uint8_t b = fz_u8(r);
    int64_t v = b < 200 ? (int64_t)b - 100 : extremes[(size_t)(b - 200) % n_extremes];
    int64_t lo = bits == 16 ? INT16_MIN : bits == 32 ? INT32_MIN : INT64_MIN;
    int64_t hi = bits == 16 ? INT16_MAX : bits == 32 ? INT32_MAX : INT64_MAX;
    return v < lo ? lo : v > hi ? hi : v;
}

/* Defines `static const entry_t *name(unsigned k)`: the k-th entry, wrapping, of the static
 * array tables, whose items are {const entry_t *<field>; const size_t *n} taken in turn. */
#define FZ_DEFINE_PICK(name, entry_t, tables, field)                                               \
    static const entry_t *name(unsigned k)                                                         \
    {                                                                                              \
        size_t total = 0;                                                                          \
        for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)                                \
            total += *tables[i].n;                                                                 \
        k %= (unsigned)total;                                                                      \
        for (size_t i = 0;; i++) {                                                                 \
            if (k < *tables[i].n)                                                                  \
                return &tables[i].field[k];                                                        \
            k -= (unsigned)*tables[i].n;                                                           \
        }                                                                                          \
    }

#endif /* AM_TESTS_FUZZ_ARGS_H */
