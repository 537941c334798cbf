/*
 * proxy/pgnum_fmt.c: PostgreSQL's number format pictures (to_char / to_number): parsing a
 * picture into nodes and its description (digits before and after the point, sign style, fill
 * mode, ...), then running the picture over a prepared digit string to print it (to_char) or
 * over input text to collect a digit string (to_number). The type-specific preparation of the
 * digit string is in pgnum_tochar.c.
 * Locale: the C conventions ('.' decimal point, ',' group separator, '-'/'+' signs, ' ' as the
 * currency symbol), which is what PostgreSQL uses under lc_numeric/lc_monetary C, POSIX or
 * C.UTF-8.
 * Spec: PostgreSQL 15 formatting.c (NUM_keywords, parse_format, NUMDesc_prepare,
 * NUM_processor, NUM_numpart_to_char, NUM_numpart_from_char, NUM_eat_non_data_chars, get_th).
 */
#include "proxy/pgnum_internal.h"

#include <string.h>

static const struct {
    const char *name;
    int len;
    int id;
} keywords[] = {
    {",", 1, NUMF_COMMA}, {".", 1, NUMF_DEC}, {"0", 1, NUMF_0},   {"9", 1, NUMF_9},
    {"B", 1, NUMF_B},     {"C", 1, NUMF_C},   {"D", 1, NUMF_D},   {"EEEE", 4, NUMF_E},
    {"FM", 2, NUMF_FM},   {"G", 1, NUMF_G},   {"L", 1, NUMF_L},   {"MI", 2, NUMF_MI},
    {"PL", 2, NUMF_PL},   {"PR", 2, NUMF_PR}, {"RN", 2, NUMF_RN}, {"SG", 2, NUMF_SG},
    {"SP", 2, NUMF_SP},   {"S", 1, NUMF_S},   {"TH", 2, NUMF_TH}, {"V", 1, NUMF_V},
    {"b", 1, NUMF_B},     {"c", 1, NUMF_C},   {"d", 1, NUMF_D},   {"eeee", 4, NUMF_E},
    {"fm", 2, NUMF_FM},   {"g", 1, NUMF_G},   {"l", 1, NUMF_L},   {"mi", 2, NUMF_MI},
    {"pl", 2, NUMF_PL},   {"pr", 2, NUMF_PR}, {"rn", 2, NUMF_rn}, {"sg", 2, NUMF_SG},
    {"sp", 2, NUMF_SP},   {"s", 1, NUMF_S},   {"th", 2, NUMF_th}, {"v", 1, NUMF_V},
};

/* index_seq_search: the first keyword starting at s among those sharing its first byte. */
static int find_keyword(const char *s, size_t left)
{
    if (*s <= ' ' || *s >= '~')
        return -1;
    size_t i = 0;
    while (i < AM_ARRAY_LEN(keywords) && keywords[i].name[0] != *s)
        i++;
    for (; i < AM_ARRAY_LEN(keywords) && keywords[i].name[0] == *s; i++)
        if ((size_t)keywords[i].len <= left && strncmp(s, keywords[i].name, keywords[i].len) == 0)
            return (int)i;
    return -1;
}

/* Bytes in the UTF-8 character at s (pg_mblen), at most left. */
static size_t mblen_utf8(const char *s, size_t left)
{
    unsigned char c = (unsigned char)*s;
    size_t n = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 1;
    return n < left ? n : left;
}

static bool syntax(am_err_t *err, const char *msg)
{
    return am_err_set(err, "42601", "%s", msg);
}

/* NUMDesc_prepare for a sign-related keyword (S MI PL SG PR). */
static bool prepare_sign(proxy_numfmt_t *f, int id, am_err_t *err)
{
    unsigned fl = f->flag;
    switch (id) {
    case NUMF_S:
        if (fl & NUMF_F_LSIGN)
            return syntax(err, "cannot use \"S\" twice");
        if (fl & (NUMF_F_PLUS | NUMF_F_MINUS | NUMF_F_BRACKET))
            return syntax(err, "cannot use \"S\" and \"PL\"/\"MI\"/\"SG\"/\"PR\" together");
        if (!(fl & NUMF_F_DECIMAL)) {
            f->lsign = NUMF_LSIGN_PRE;
            f->pre_lsign_num = f->pre;
            f->flag |= NUMF_F_LSIGN;
        } else if (f->lsign == NUMF_LSIGN_NONE) {
            f->lsign = NUMF_LSIGN_POST;
            f->flag |= NUMF_F_LSIGN;
        }
        return true;
    case NUMF_MI:
    case NUMF_PL:
        if (fl & NUMF_F_LSIGN)
            return syntax(err, id == NUMF_MI ? "cannot use \"S\" and \"MI\" together"
                                             : "cannot use \"S\" and \"PL\" together");
        f->flag |= id == NUMF_MI ? NUMF_F_MINUS : NUMF_F_PLUS;
        if (fl & NUMF_F_DECIMAL)
            f->flag |= id == NUMF_MI ? NUMF_F_MINUS_POST : NUMF_F_PLUS_POST;
        return true;
    case NUMF_SG:
        if (fl & NUMF_F_LSIGN)
            return syntax(err, "cannot use \"S\" and \"SG\" together");
        f->flag |= NUMF_F_MINUS | NUMF_F_PLUS;
        return true;
    default: /* NUMF_PR */
        if (fl & (NUMF_F_LSIGN | NUMF_F_PLUS | NUMF_F_MINUS))
            return syntax(err, "cannot use \"PR\" and \"S\"/\"PL\"/\"MI\"/\"SG\" together");
        f->flag |= NUMF_F_BRACKET;
        return true;
    }
}

/* NUMDesc_prepare for a digit (9 or 0). */
static bool prepare_digit(proxy_numfmt_t *f, int id, am_err_t *err)
{
    if (f->flag & NUMF_F_BRACKET)
        return syntax(err, id == NUMF_9 ? "\"9\" must be ahead of \"PR\""
                                        : "\"0\" must be ahead of \"PR\"");
    if (id == NUMF_9) {
        if (f->flag & NUMF_F_MULTI)
            f->multi++;
        else if (f->flag & NUMF_F_DECIMAL)
            f->post++;
        else
            f->pre++;
        return true;
    }
    if (!(f->flag & NUMF_F_ZERO) && !(f->flag & NUMF_F_DECIMAL)) {
        f->flag |= NUMF_F_ZERO;
        f->zero_start = f->pre + 1;
    }
    if (f->flag & NUMF_F_DECIMAL)
        f->post++;
    else
        f->pre++;
    f->zero_end = f->pre + f->post;
    return true;
}

static bool prepare_eeee(proxy_numfmt_t *f, am_err_t *err)
{
    if (f->flag & NUMF_F_EEEE)
        return syntax(err, "cannot use \"EEEE\" twice");
    if (f->flag & (NUMF_F_BLANK | NUMF_F_FILLMODE | NUMF_F_LSIGN | NUMF_F_BRACKET | NUMF_F_MINUS |
                   NUMF_F_PLUS | NUMF_F_ROMAN | NUMF_F_MULTI))
        return syntax(err, "\"EEEE\" is incompatible with other formats");
    f->flag |= NUMF_F_EEEE;
    return true;
}

/* NUMDesc_prepare: one keyword's effect on the picture's description. */
static bool prepare(proxy_numfmt_t *f, int id, am_err_t *err)
{
    if ((f->flag & NUMF_F_EEEE) && id != NUMF_E)
        return syntax(err, "\"EEEE\" must be the last pattern used");
    switch (id) {
    case NUMF_9:
    case NUMF_0:
        return prepare_digit(f, id, err);
    case NUMF_B:
        if (f->pre == 0 && f->post == 0 && !(f->flag & NUMF_F_ZERO))
            f->flag |= NUMF_F_BLANK;
        return true;
    case NUMF_D:
    case NUMF_DEC:
        if (f->flag & NUMF_F_DECIMAL)
            return syntax(err, "multiple decimal points");
        if (f->flag & NUMF_F_MULTI)
            return syntax(err, "cannot use \"V\" and decimal point together");
        f->flag |= NUMF_F_DECIMAL | (id == NUMF_D ? NUMF_F_LDECIMAL : 0);
        return true;
    case NUMF_FM:
        f->flag |= NUMF_F_FILLMODE;
        return true;
    case NUMF_S:
    case NUMF_MI:
    case NUMF_PL:
    case NUMF_SG:
    case NUMF_PR:
        return prepare_sign(f, id, err);
    case NUMF_RN:
    case NUMF_rn:
        f->flag |= NUMF_F_ROMAN;
        return true;
    case NUMF_V:
        if (f->flag & NUMF_F_DECIMAL)
            return syntax(err, "cannot use \"V\" and decimal point together");
        f->flag |= NUMF_F_MULTI;
        return true;
    case NUMF_E:
        return prepare_eeee(f, err);
    default:
        return true;
    }
}

/* Appends a literal node (one character, maybe multibyte) copied from s. */
static void add_char(am_arena_t *a, proxy_numfmt_t *f, const char *s, size_t n)
{
    proxy_numfmt_node_t *node = &f->nodes[f->n_nodes++];
    node->key = -1;
    node->chr = am_arena_strndup(a, s, n);
}

bool proxy__numfmt_parse(am_arena_t *a, const char *fmt, size_t len, proxy_numfmt_t *f,
                         am_err_t *err)
{
    memset(f, 0, sizeof *f);
    f->nodes = am_arena_alloc(a, (len + 1) * sizeof *f->nodes);
    const char *s = fmt, *end = fmt + len;
    while (s < end && *s) {
        int k = find_keyword(s, (size_t)(end - s));
        if (k >= 0) {
            proxy_numfmt_node_t *node = &f->nodes[f->n_nodes++];
            node->key = keywords[k].id;
            node->chr = NULL;
            s += keywords[k].len;
            if (!prepare(f, keywords[k].id, err))
                return false;
        } else if (*s == '"') { /* quoted literal; backslash quotes the next character */
            for (s++; s < end && *s;) {
                if (*s == '"') {
                    s++;
                    break;
                }
                if (*s == '\\' && s + 1 < end && s[1])
                    s++;
                size_t n = mblen_utf8(s, (size_t)(end - s));
                add_char(a, f, s, n);
                s += n;
            }
        } else {
            if (*s == '\\' && s + 1 < end && s[1] == '"')
                s++;
            size_t n = mblen_utf8(s, (size_t)(end - s));
            add_char(a, f, s, n);
            s += n;
        }
    }
    return true;
}
