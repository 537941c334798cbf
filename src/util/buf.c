/*
 * util/buf.c: am_buf_t, the growable byte buffer every encoder appends to, and am_reader_t,
 * the bounds-checked cursor every decoder of untrusted bytes reads through.
 */
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void am_buf_init(am_buf_t *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void am_buf_destroy(am_buf_t *b)
{
    free(b->data);
    am_buf_init(b);
}

void am_buf_reset(am_buf_t *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void am_buf_reserve(am_buf_t *b, size_t extra)
{
    size_t need = b->len + extra + 1; /* +1 keeps room for the trailing NUL */
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->data = am_xrealloc(b->data, cap);
    b->cap = cap;
}

void am_buf_append(am_buf_t *b, const void *p, size_t n)
{
    am_buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void am_buf_puts(am_buf_t *b, const char *s)
{
    am_buf_append(b, s, strlen(s));
}

void am_buf_putc(am_buf_t *b, char c)
{
    if (b->len + 2 <= b->cap) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return;
    }
    am_buf_append(b, &c, 1);
}

void am_buf_vprintf(am_buf_t *b, const char *fmt, va_list ap)
{
    am_buf_reserve(b, 32);
    size_t room = b->cap - b->len; /* formatted straight into the spare room when it fits */
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(b->data + b->len, room, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->data[b->len] = '\0';
        return;
    }
    if ((size_t)n >= room) {
        am_buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    }
    b->len += (size_t)n;
}

void am_buf_put_uint(am_buf_t *b, uint64_t v, unsigned width)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[sizeof tmp - ++n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width && n < sizeof tmp)
        tmp[sizeof tmp - ++n] = '0';
    am_buf_append(b, tmp + sizeof tmp - n, n);
}

void am_buf_put_int(am_buf_t *b, int64_t v)
{
    if (v < 0)
        am_buf_putc(b, '-');
    am_buf_put_uint(b, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 1);
}

void am_buf_printf(am_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    am_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void am_buf_put_u8(am_buf_t *b, uint8_t v)
{
    am_buf_append(b, &v, 1);
}

void am_buf_put_u16(am_buf_t *b, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    am_buf_append(b, x, 2);
}

void am_buf_put_u32(am_buf_t *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    am_buf_append(b, x, 4);
}

void am_buf_put_u64(am_buf_t *b, uint64_t v)
{
    am_buf_put_u32(b, (uint32_t)(v >> 32));
    am_buf_put_u32(b, (uint32_t)v);
}

void am_buf_set_u32(am_buf_t *b, size_t offset, uint32_t v)
{
    AM_ASSERT(offset + 4 <= b->len);
    uint8_t *p = (uint8_t *)b->data + offset;
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

void am_buf_put_zigzag(am_buf_t *b, int64_t v)
{
    uint64_t z = ((uint64_t)v << 1) ^ (v < 0 ? UINT64_MAX : 0); /* zigzag without signed shifts */
    uint8_t out[10];
    size_t n = 0;
    while (z >= 0x80) {
        out[n++] = (uint8_t)(z | 0x80);
        z >>= 7;
    }
    out[n++] = (uint8_t)z;
    am_buf_append(b, out, n);
}

char *am_buf_steal(am_buf_t *b, size_t *len)
{
    if (!b->data)
        am_buf_reserve(b, 0);
    char *p = b->data;
    if (len)
        *len = b->len;
    am_buf_init(b);
    return p;
}

const char *am_read_cstr(am_reader_t *r, size_t *len)
{
    if (r->failed)
        return NULL;
    const uint8_t *start = r->p + r->pos;
    const uint8_t *nul = memchr(start, '\0', r->len - r->pos);
    if (!nul) {
        r->failed = true;
        return NULL;
    }
    size_t n = (size_t)(nul - start);
    r->pos += n + 1;
    if (len)
        *len = n;
    return (const char *)start;
}

int64_t am_read_zigzag(am_reader_t *r)
{
    uint64_t z = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        uint8_t byte = am_read_u8(r);
        if (r->failed)
            return 0;
        z |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
    }
    r->failed = true;
    return 0;
}

bool am_reader_done(const am_reader_t *r, const char *what, am_err_t *err)
{
    if (r->failed)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "%s: truncated (%zu bytes)", what,
                          r->len);
    if (r->pos != r->len)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "%s: %zu unexpected trailing bytes",
                          what, r->len - r->pos);
    return true;
}
