/*
 * proxy/pgfn_more_inet.c: inet and cidr of the `more` family (proxy/pgfn_more.h). The mirror
 * holds both as PostgreSQL's output text; these functions read that text (or a literal, with
 * inet_in's and cidr_in's grammar and errors), compute on the address bits as network.c does,
 * and print results as inet_out / cidr_out (inet_net_ntop) or abbrev (inet_cidr_ntop) do.
 * Written from the behaviour of PostgreSQL's ISC-derived parsers and printers: IPv4 decimal
 * octets (and cidr's hex and classful forms), IPv6 groups with "::" and an embedded IPv4 tail.
 * Spec: PostgreSQL 15 network.c, inet_net_pton.c, inet_net_ntop.c, inet_cidr_ntop.c; docs
 * "Network Address Functions and Operators".
 */
#include "proxy/pgfn_more.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef struct inet {
    int family; /* 4 or 6 */
    int bits;
    uint8_t a[16];
} inet_t;

static int maxbits(const inet_t *x)
{
    return x->family == 4 ? 32 : 128;
}

static int nbytes(const inet_t *x)
{
    return x->family == 4 ? 4 : 16;
}

/* ---- parsing ----------------------------------------------------------------------------------
 */

/* A run of decimal digits at *p, at most max; -1 if none or too large. */
static int dec_run(const char **p, int max)
{
    if (!isdigit((unsigned char)**p))
        return -1;
    int v = 0;
    while (isdigit((unsigned char)**p)) {
        v = v * 10 + (**p - '0');
        if (v > max)
            return -1;
        (*p)++;
    }
    return v;
}

/* "/bits" at the end of an IPv4 text (nothing may follow); -1 when absent, -2 when bad. */
static int v4_bits(const char *p, bool have_octets)
{
    if (*p == '\0')
        return -1;
    if (*p != '/' || !isdigit((unsigned char)p[1]) || !have_octets)
        return -2;
    p++;
    int bits = dec_run(&p, 1000);
    return *p != '\0' || bits < 0 || bits > 32 ? -2 : bits;
}

/* inet_in's IPv4: 1-4 decimal octets, "/bits"; all four octets when bits are not given. */
static int v4_inet(const char *p, uint8_t *a)
{
    int n = 0;
    while (isdigit((unsigned char)*p)) {
        int o = dec_run(&p, 255);
        if (o < 0 || n == 4)
            return -1;
        a[n++] = (uint8_t)o;
        if (*p == '\0' || *p == '/')
            break;
        if (*p != '.')
            return -1;
        p++;
    }
    int bits = v4_bits(p, n > 0);
    if (bits == -2 || n == 0 || (bits == -1 && n != 4))
        return -1;
    if (bits == -1)
        bits = 32;
    return bits / 8 > n ? -1 : bits;
}

/* cidr_in's IPv4 octets: "0x" hex nybbles or dotted decimal; the count of bytes, -1 if bad. */
static int v4_cidr_octets(const char **pp, uint8_t *a)
{
    const char *p = *pp;
    int n = 0;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
        int nyb = 0;
        for (p += 2; isxdigit((unsigned char)*p); p++, nyb++) {
            int h = isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10;
            if (nyb % 2 == 0 && n == 4)
                return -1;
            a[n] = nyb % 2 == 0 ? (uint8_t)(h << 4) : (uint8_t)(a[n] | h);
            n += nyb % 2;
        }
        n += nyb % 2;
    } else {
        for (;;) {
            int o = dec_run(&p, 255);
            if (o < 0 || n == 4)
                return -1;
            a[n++] = (uint8_t)o;
            if (*p == '\0' || *p == '/')
                break;
            if (*p != '.' || !isdigit((unsigned char)p[1]))
                return -1;
            p++;
        }
    }
    *pp = p;
    return n;
}

/* cidr_in's IPv4: the octets, then "/bits" or a width imputed from the address class. */
static int v4_cidr(const char *p, uint8_t *a)
{
    int n = v4_cidr_octets(&p, a);
    if (n <= 0)
        return -1;
    int bits = v4_bits(p, true);
    if (bits == -2)
        return -1;
    if (bits == -1) {
        bits = a[0] >= 240 ? 32 : a[0] >= 224 ? 8 : a[0] >= 192 ? 24 : a[0] >= 128 ? 16 : 8;
        bits = bits < n * 8 ? n * 8 : bits;
        bits = bits == 8 && a[0] == 224 ? 4 : bits;
    }
    return bits;
}

/* Decimal digits without a leading zero, at most max, running to the end: -1 if not. */
static int strict_dec(const char *p, int max)
{
    if (*p == '\0' || (p[0] == '0' && p[1] != '\0'))
        return -1;
    int v = dec_run(&p, max);
    return *p == '\0' ? v : -1;
}

/* An embedded IPv4 tail (getv4): up to four octets, maybe "/bits"; false if bad. */
static bool v6_tail(const char *p, uint8_t *dst, int *bits)
{
    int n = 0;
    for (;;) {
        if (p[0] == '0' && isdigit((unsigned char)p[1]))
            return false;
        int o = dec_run(&p, 255);
        if (o < 0 || n > 3)
            return false;
        dst[n++] = (uint8_t)o;
        if (*p == '\0')
            return true;
        if (*p == '/')
            return (*bits = strict_dec(p + 1, 128)) >= 0;
        if (*p != '.')
            return false;
        p++;
    }
}

/* Fills a's 16 bytes from groups[0..ng) split at the "::" position gap (-1: none). */
static bool v6_place(const uint8_t *bytes, int nb, int gap, uint8_t *a)
{
    memset(a, 0, 16);
    if (gap < 0)
        return nb == 16 && (memcpy(a, bytes, 16), true);
    if (nb >= 16)
        return false;
    memcpy(a, bytes, (size_t)gap);
    memcpy(a + 16 - (nb - gap), bytes + gap, (size_t)(nb - gap));
    return true;
}

/* inet_cidr_pton_ipv6: groups of up to four hex digits, "::" once, an IPv4 tail, "/bits". */
static int v6_parse(const char *p, uint8_t *a)
{
    uint8_t bytes[20] = {0};
    int nb = 0, gap = -1, bits = -1, digits = 0;
    unsigned val = 0;
    if (*p == ':' && *++p != ':')
        return -1;
    const char *tok = p;
    for (char ch; (ch = *p++) != '\0';) {
        if (isxdigit((unsigned char)ch)) {
            val = (val << 4) |
                  (unsigned)(isdigit((unsigned char)ch) ? ch - '0'
                                                        : tolower((unsigned char)ch) - 'a' + 10);
            if (++digits > 4)
                return -1;
            continue;
        }
        if (ch == ':') {
            tok = p;
            if (digits == 0) {
                if (gap >= 0)
                    return -1;
                gap = nb;
                continue;
            }
            if (*p == '\0' || nb + 2 > 16)
                return -1;
            bytes[nb++] = (uint8_t)(val >> 8);
            bytes[nb++] = (uint8_t)val;
            digits = 0;
            val = 0;
            continue;
        }
        if (ch == '.' && nb + 4 <= 16 && v6_tail(tok, bytes + nb, &bits)) {
            nb += 4;
            digits = 0;
            break;
        }
        if (ch == '/' && (bits = strict_dec(p, 128)) >= 0)
            break;
        return -1;
    }
    if (digits > 0) {
        if (nb + 2 > 16)
            return -1;
        bytes[nb++] = (uint8_t)(val >> 8);
        bytes[nb++] = (uint8_t)val;
    }
    return v6_place(bytes, nb, gap, a) ? (bits < 0 ? 128 : bits) : -1;
}

/* No bit set past the mask (cidr's rule). */
static bool host_bits_zero(const inet_t *x)
{
    for (int i = x->bits; i < maxbits(x); i++)
        if (x->a[i / 8] & (0x80 >> (i % 8)))
            return false;
    return true;
}

/* network_in: false + err (22P02) on bad text. */
static bool inet_parse(const char *s, size_t len, bool cidr, inet_t *out, am_err_t *err)
{
    char buf[128];
    const char *type = cidr ? "cidr" : "inet";
    memset(out, 0, sizeof *out);
    if (len >= sizeof buf || memchr(s, '\0', len))
        return am_err_set(err, "22P02", "invalid input syntax for type %s: \"%.*s\"", type,
                          (int)(len > 200 ? 200 : len), s);
    memcpy(buf, s, len);
    buf[len] = '\0';
    out->family = strchr(buf, ':') ? 6 : 4;
    out->bits = out->family == 6 ? v6_parse(buf, out->a)
                : cidr           ? v4_cidr(buf, out->a)
                                 : v4_inet(buf, out->a);
    if (out->bits < 0 || out->bits > maxbits(out))
        return am_err_set(err, "22P02", "invalid input syntax for type %s: \"%s\"", type, buf);
    if (cidr && !host_bits_zero(out))
        return am_err_set(err, "22P02",
                          "invalid cidr value: \"%s\"\nDETAIL:  Value has bits set to right of "
                          "mask.",
                          buf);
    return true;
}

/* ---- printing ----------------------------------------------------------------------------- */

/* The 16-bit word i of an address. */
static unsigned word_at(const uint8_t *a, int i)
{
    return (unsigned)a[(size_t)i * 2] << 8 | a[(size_t)i * 2 + 1];
}

/* The longest run (first of equals, at least two) of zero 16-bit words among the first n. */
static void zero_run(const uint8_t *a, int n, int *base, int *len)
{
    *base = -1;
    *len = 0;
    for (int i = 0; i < n;) {
        int j = i;
        while (j < n && word_at(a, j) == 0)
            j++;
        if (j - i > *len) {
            *base = i;
            *len = j - i;
        }
        i = j > i ? j : i + 1;
    }
    if (*len < 2)
        *base = -1;
}

/* inet_net_ntop: the whole address, "/bits" unless it is the full width. */
static void ntop(const inet_t *x, int bits, am_buf_t *out)
{
    if (x->family == 4) {
        am_buf_printf(out, "%u.%u.%u.%u", x->a[0], x->a[1], x->a[2], x->a[3]);
    } else {
        int base, len;
        zero_run(x->a, 8, &base, &len);
        for (int i = 0; i < 8; i++) {
            unsigned w = word_at(x->a, i);
            if (base >= 0 && i >= base && i < base + len) {
                if (i == base)
                    am_buf_putc(out, ':');
                continue;
            }
            if (i != 0)
                am_buf_putc(out, ':');
            unsigned w5 = (unsigned)x->a[10] << 8 | x->a[11],
                     w7 = (unsigned)x->a[14] << 8 | x->a[15];
            if (i == 6 && base == 0 &&
                (len == 6 || (len == 7 && w7 != 1) || (len == 5 && w5 == 0xffff))) {
                am_buf_printf(out, "%u.%u.%u.%u", x->a[12], x->a[13], x->a[14], x->a[15]);
                break;
            }
            am_buf_printf(out, "%x", w);
        }
        if (base >= 0 && base + len == 8)
            am_buf_putc(out, ':');
    }
    if (bits != maxbits(x))
        am_buf_printf(out, "/%d", bits);
}

/* inet_out, or cidr_out (always with "/bits"). */
static void inet_out(const inet_t *x, bool cidr, am_buf_t *out)
{
    ntop(x, x->bits, out);
    if (cidr && x->bits == maxbits(x))
        am_buf_printf(out, "/%d", x->bits);
}

/* inet_cidr_ntop's zero run: runs are only restarted after a longer one was kept, so a run
 * may swallow a later one (PostgreSQL prints what this finds, and so do we). */
static void cidr_zero_run(const uint8_t *s, int words, int *zs, int *zl)
{
    int ts = 0, tl = 0;
    *zs = *zl = 0;
    for (int i = 0; i < words; i++) {
        if (word_at(s, i) == 0) {
            ts = tl == 0 ? i : ts;
            tl++;
        } else if (tl && *zl < tl) {
            *zs = ts;
            *zl = tl;
            tl = 0;
        }
    }
    if (tl && *zl < tl) {
        *zs = ts;
        *zl = tl;
    }
}

/* inet_cidr_ntop for IPv6: only the words the mask covers, "::" for the zero run. */
static void cidr_abbrev6(const inet_t *x, am_buf_t *out)
{
    uint8_t s[16] = {0};
    int p = (x->bits + 7) / 8;
    memcpy(s, x->a, (size_t)p);
    if (x->bits % 8)
        s[p - 1] &= (uint8_t)(0xff << (8 - x->bits % 8));
    int words = (x->bits + 15) / 16, zs, zl;
    words = words == 1 ? 2 : words;
    cidr_zero_run(s, words, &zs, &zl);
    bool v4 = zl != words && zs == 0 &&
              (zl == 6 || (zl == 5 && s[10] == 0xff && s[11] == 0xff) ||
               (zl == 7 && s[14] != 0 && s[15] != 1));
    size_t start = out->len;
    for (int i = 0; i < words; i++) {
        if (zl != 0 && i >= zs && i < zs + zl) {
            if (i == zs)
                am_buf_putc(out, ':');
            if (i == words - 1)
                am_buf_putc(out, ':');
        } else if (v4 && i > 5) {
            am_buf_printf(out, "%c%u", i == 6 ? ':' : '.', s[(size_t)i * 2]);
            if (i != 7 || x->bits > 120)
                am_buf_printf(out, ".%u", s[(size_t)i * 2 + 1]);
        } else {
            if (out->len != start)
                am_buf_putc(out, ':');
            am_buf_printf(out, "%x", word_at(s, i));
        }
    }
    am_buf_printf(out, "/%d", x->bits);
}

/* inet_cidr_ntop: abbrev(cidr). */
static void cidr_abbrev(const inet_t *x, am_buf_t *out)
{
    if (x->family == 6) {
        if (x->bits == 0)
            am_buf_printf(out, "::/0");
        else
            cidr_abbrev6(x, out);
        return;
    }
    if (x->bits == 0)
        am_buf_putc(out, '0');
    for (int b = 0; b < x->bits / 8; b++)
        am_buf_printf(out, "%s%u", b ? "." : "", x->a[b]);
    if (x->bits % 8)
        am_buf_printf(out, "%s%u", x->bits >= 8 ? "." : "",
                      x->a[x->bits / 8] & (0xff << (8 - x->bits % 8)) & 0xff);
    am_buf_printf(out, "/%d", x->bits);
}

/* ---- functions --------------------------------------------------------------------------------
 */

/* The argument k read as inet text (stored values and literals alike). */
static bool arg_inet(const pgfn_more_arg_t *args, size_t k, inet_t *x, am_err_t *err)
{
    return inet_parse(args[k].s, args[k].len, false, x, err);
}

static void set_mask(inet_t *x, bool keep_host, bool invert)
{
    for (int i = 0; i < maxbits(x); i++) {
        bool in_mask = i < x->bits;
        uint8_t m = (uint8_t)(0x80 >> (i % 8));
        if (invert ? in_mask : !in_mask) {
            if (!keep_host)
                x->a[i / 8] &= (uint8_t)~m;
            else
                x->a[i / 8] |= m;
        }
    }
}

static bool f_inet_in(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                      am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    inet_t x;
    if (!arg_inet(args, 0, &x, err))
        return false;
    inet_out(&x, false, &res->buf);
    return true;
}

static bool f_cidr_in(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                      am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    inet_t x;
    if (!inet_parse(args[0].s, args[0].len, true, &x, err))
        return false;
    inet_out(&x, true, &res->buf);
    return true;
}

/* One-argument functions, by an operation code. */
enum {
    OP_HOST,
    OP_TEXT,
    OP_ABBREV,
    OP_CIDR_ABBREV,
    OP_MASKLEN,
    OP_FAMILY,
    OP_NETWORK,
    OP_BROADCAST,
    OP_NETMASK,
    OP_HOSTMASK
};

static bool unary(int op, const pgfn_more_arg_t *args, pgfn_more_res_t *res, am_err_t *err)
{
    inet_t x;
    if (!arg_inet(args, 0, &x, err))
        return false;
    switch (op) {
    case OP_HOST:
        ntop(&x, maxbits(&x), &res->buf);
        break;
    case OP_TEXT:
        ntop(&x, maxbits(&x), &res->buf);
        am_buf_printf(&res->buf, "/%d", x.bits);
        break;
    case OP_ABBREV:
        ntop(&x, x.bits, &res->buf);
        break;
    case OP_CIDR_ABBREV:
        cidr_abbrev(&x, &res->buf);
        break;
    case OP_MASKLEN:
        res->i = x.bits;
        break;
    case OP_FAMILY:
        res->i = x.family;
        break;
    case OP_NETWORK:
        set_mask(&x, false, false);
        inet_out(&x, true, &res->buf);
        break;
    case OP_BROADCAST:
        set_mask(&x, true, false);
        inet_out(&x, false, &res->buf);
        break;
    default: /* netmask, hostmask: the mask itself, as a host address */
        memset(x.a, 0, sizeof x.a);
        set_mask(&x, true, op == OP_NETMASK);
        x.bits = maxbits(&x);
        inet_out(&x, false, &res->buf);
        break;
    }
    return true;
}

#define UNARY(name, op)                                                                            \
    static bool name(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,                  \
                     am_arena_t *scratch, am_err_t *err)                                           \
    {                                                                                              \
        (void)n;                                                                                   \
        (void)scratch;                                                                             \
        return unary(op, args, res, err);                                                          \
    }
UNARY(f_host, OP_HOST)
UNARY(f_text, OP_TEXT)
UNARY(f_abbrev, OP_ABBREV)
UNARY(f_cidr_abbrev, OP_CIDR_ABBREV)
UNARY(f_masklen, OP_MASKLEN)
UNARY(f_family, OP_FAMILY)
UNARY(f_network, OP_NETWORK)
UNARY(f_broadcast, OP_BROADCAST)
UNARY(f_netmask, OP_NETMASK)
UNARY(f_hostmask, OP_HOSTMASK)

/* set_masklen(inet | cidr, int): -1 means the full width; a cidr loses its host bits. */
static bool set_masklen(const pgfn_more_arg_t *args, pgfn_more_res_t *res, bool cidr, am_err_t *err)
{
    inet_t x;
    if (!arg_inet(args, 0, &x, err))
        return false;
    int64_t bits = args[1].i == -1 ? maxbits(&x) : args[1].i;
    if (bits < 0 || bits > maxbits(&x))
        return am_err_set(err, "22023", "invalid mask length: %lld", (long long)args[1].i);
    x.bits = (int)bits;
    if (cidr)
        set_mask(&x, false, false);
    inet_out(&x, cidr, &res->buf);
    return true;
}

static bool f_set_masklen(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                          am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    return set_masklen(args, res, false, err);
}

static bool f_cidr_set_masklen(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                               am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    return set_masklen(args, res, true, err);
}

/* The first n bits of a and b compared (bitncmp). */
static int bits_cmp(const uint8_t *a, const uint8_t *b, int n)
{
    int whole = n / 8, r = memcmp(a, b, (size_t)whole);
    if (r != 0 || n % 8 == 0)
        return r;
    uint8_t m = (uint8_t)(0xff << (8 - n % 8));
    return (a[whole] & m) - (b[whole] & m);
}

/* << <<= >> >>= && of network.c; a false answer for different families. */
static bool f_inet_op(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                      am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    inet_t a, b;
    if (!arg_inet(args, 0, &a, err) || !arg_inet(args, 1, &b, err))
        return false;
    int op = (int)args[2].i, lo = a.bits < b.bits ? a.bits : b.bits;
    bool same = a.family == b.family;
    switch (op) {
    case 0: /* a << b */
        res->b = same && a.bits > b.bits && bits_cmp(a.a, b.a, b.bits) == 0;
        break;
    case 1: /* a <<= b */
        res->b = same && a.bits >= b.bits && bits_cmp(a.a, b.a, b.bits) == 0;
        break;
    case 2: /* a >> b */
        res->b = same && a.bits < b.bits && bits_cmp(a.a, b.a, a.bits) == 0;
        break;
    case 3: /* a >>= b */
        res->b = same && a.bits <= b.bits && bits_cmp(a.a, b.a, a.bits) == 0;
        break;
    default: /* a && b */
        res->b = same && bits_cmp(a.a, b.a, lo) == 0;
        break;
    }
    return true;
}

static bool f_same_family(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                          am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    inet_t a, b;
    if (!arg_inet(args, 0, &a, err) || !arg_inet(args, 1, &b, err))
        return false;
    res->b = a.family == b.family;
    return true;
}

/* inet_merge: the smallest network holding both. */
static bool f_merge(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                    am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    inet_t a, b;
    if (!arg_inet(args, 0, &a, err) || !arg_inet(args, 1, &b, err))
        return false;
    if (a.family != b.family)
        return am_err_set(err, "22023", "cannot merge addresses from different families");
    int lo = a.bits < b.bits ? a.bits : b.bits, common = 0;
    while (common < lo && bits_cmp(a.a, b.a, common + 1) == 0)
        common++;
    a.bits = common;
    set_mask(&a, false, false);
    inet_out(&a, true, &res->buf);
    return true;
}

/* Bytes whose memcmp order is network_cmp's: family, the masked bits one byte each (1 + bit),
 * a 0 where the mask ends (a shorter mask sorts first), then the whole address. */
static bool f_sortkey(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                      am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    inet_t x;
    if (!arg_inet(args, 0, &x, err))
        return false;
    am_buf_putc(&res->buf, (char)x.family);
    for (int i = 0; i < x.bits; i++)
        am_buf_putc(&res->buf, (char)(1 + ((x.a[i / 8] >> (7 - i % 8)) & 1)));
    am_buf_putc(&res->buf, 0);
    am_buf_append(&res->buf, (const char *)x.a, (size_t)nbytes(&x));
    return true;
}

#define T PGFN_MORE_TEXT
#define I4 PGFN_MORE_I32
#define BO PGFN_MORE_BOOL
#define BL PGFN_MORE_BLOB

const pgfn_more_def_t proxy__pgfn_more_inet_defs[] = {
    {"am_inet_in", T, {T}, f_inet_in, true},
    {"am_cidr_in", T, {T}, f_cidr_in, true},
    {"am_inet_host", T, {T}, f_host, true},
    {"am_inet_text", T, {T}, f_text, true},
    {"am_inet_abbrev", T, {T}, f_abbrev, true},
    {"am_cidr_abbrev", T, {T}, f_cidr_abbrev, true},
    {"am_inet_masklen", I4, {T}, f_masklen, true},
    {"am_inet_family", I4, {T}, f_family, true},
    {"am_inet_network", T, {T}, f_network, true},
    {"am_inet_broadcast", T, {T}, f_broadcast, true},
    {"am_inet_netmask", T, {T}, f_netmask, true},
    {"am_inet_hostmask", T, {T}, f_hostmask, true},
    {"am_inet_set_masklen", T, {T, I4}, f_set_masklen, true},
    {"am_cidr_set_masklen", T, {T, I4}, f_cidr_set_masklen, true},
    {"am_inet_op", BO, {T, T, I4}, f_inet_op, true},
    {"am_inet_same_family", BO, {T, T}, f_same_family, true},
    {"am_inet_merge", T, {T, T}, f_merge, true},
    {"am_inet_sortkey", BL, {T}, f_sortkey, true},
};
const size_t proxy__pgfn_more_inet_n = AM_ARRAY_LEN(proxy__pgfn_more_inet_defs);
