/*
 * proxy/pgnum_fmtproc.c: running a parsed number picture (pgnum_fmt.c): PostgreSQL's
 * NUM_processor, both ways. to_char walks the picture over a prepared digit string and writes
 * digits, blanks, zeros, signs, separators and literals; to_number walks it over the input and
 * collects sign and digits. Quirks are kept: a NUL written by SG for roman numerals ends the
 * text, digits past the string's end print as nothing, and so on.
 * Locale: C conventions only (see pgnum_fmt.c).
 * Spec: PostgreSQL 15 formatting.c (NUM_processor, NUM_numpart_to_char,
 * NUM_numpart_from_char, NUM_eat_non_data_chars, get_last_relevant_decnum, get_th).
 */
#include "proxy/pgnum_internal.h"

#include <stdio.h>
#include <string.h>

#define DECIMAL_POINT "."
#define THOUSANDS_SEP ","
#define CURRENCY " "
#define NEG_SIGN "-"
#define POS_SIGN "+"

typedef struct np {
    proxy_numfmt_t *f;
    int sign;
    bool sign_wrote;
    int num_count, num_curr, out_pre_spaces;
    bool num_in;
    /* to_char */
    const char *number;
    size_t number_p;
    long last_relevant; /* index into number, -1 when none */
    am_buf_t out;
    /* to_number */
    char *num; /* collected text; num[0] is the sign slot */
    size_t num_p;
    const char *in;
    size_t in_len, in_p;
    bool read_dec;
    int read_post, read_pre;
} np_t;

static bool has(const np_t *np, unsigned flag)
{
    return (np->f->flag & flag) != 0;
}

/* ---- to_char --------------------------------------------------------------------------------- */

static bool predec_space(const np_t *np)
{
    return !has(np, NUMF_F_ZERO) && np->number_p == 0 && np->number[0] == '0' && np->f->post != 0;
}

static bool last_is_point(const np_t *np)
{
    return np->last_relevant >= 0 && np->number[np->last_relevant] == '.';
}

/* The sign before the first digit, when its place comes. */
static void write_pre_sign(np_t *np)
{
    if (np->sign_wrote)
        return;
    if (!(np->num_curr >= np->out_pre_spaces ||
          (has(np, NUMF_F_ZERO) && np->f->zero_start == np->num_curr)))
        return;
    if (predec_space(np) && !last_is_point(np))
        return;
    if (has(np, NUMF_F_LSIGN)) {
        if (np->f->lsign == NUMF_LSIGN_PRE) {
            am_buf_puts(&np->out, np->sign == '-' ? NEG_SIGN : POS_SIGN);
            np->sign_wrote = true;
        }
    } else if (has(np, NUMF_F_BRACKET)) {
        am_buf_putc(&np->out, np->sign == '+' ? ' ' : '<');
        np->sign_wrote = true;
    } else if (np->sign == '+') {
        if (!has(np, NUMF_F_FILLMODE))
            am_buf_putc(&np->out, ' ');
        np->sign_wrote = true;
    } else if (np->sign == '-') {
        am_buf_putc(&np->out, '-');
        np->sign_wrote = true;
    }
}

/* One digit position (or the decimal point) of the picture. */
static void write_digit(np_t *np, int id)
{
    const proxy_numfmt_t *f = np->f;
    char c = np->number[np->number_p];
    if (np->num_curr < np->out_pre_spaces &&
        (f->zero_start > np->num_curr || !has(np, NUMF_F_ZERO))) {
        if (!has(np, NUMF_F_FILLMODE))
            am_buf_putc(&np->out, ' ');
        return;
    }
    if (has(np, NUMF_F_ZERO) && np->num_curr < np->out_pre_spaces &&
        f->zero_start <= np->num_curr) {
        am_buf_putc(&np->out, '0');
        np->num_in = true;
        return;
    }
    if (c == '.') {
        if (!last_is_point(np) || has(np, NUMF_F_FILLMODE))
            am_buf_puts(&np->out, DECIMAL_POINT);
    } else if (np->last_relevant >= 0 && (long)np->number_p > np->last_relevant && id != NUMF_0) {
        /* FM: trailing zeros are dropped */
    } else if (predec_space(np)) {
        if (!has(np, NUMF_F_FILLMODE))
            am_buf_putc(&np->out, ' ');
        else if (last_is_point(np))
            am_buf_putc(&np->out, '0');
    } else {
        am_buf_append(&np->out, &c, 1); /* past the end this is a NUL: the text ends there */
        np->num_in = true;
    }
    if (c)
        np->number_p++;
}

/* NUM_numpart_to_char */
static void numpart_to_char(np_t *np, int id)
{
    if (has(np, NUMF_F_ROMAN))
        return;
    np->num_in = false;
    write_pre_sign(np);
    if (id == NUMF_9 || id == NUMF_0 || id == NUMF_D || id == NUMF_DEC) {
        write_digit(np, id);
        int end = np->num_count + (np->out_pre_spaces ? 1 : 0) + (has(np, NUMF_F_DECIMAL) ? 1 : 0);
        if (np->last_relevant >= 0 && np->last_relevant == (long)np->number_p)
            end = np->num_curr;
        if (np->num_curr + 1 == end) {
            if (np->sign_wrote && has(np, NUMF_F_BRACKET))
                am_buf_putc(&np->out, np->sign == '+' ? ' ' : '>');
            else if (has(np, NUMF_F_LSIGN) && np->f->lsign == NUMF_LSIGN_POST)
                am_buf_puts(&np->out, np->sign == '-' ? NEG_SIGN : POS_SIGN);
        }
    }
    np->num_curr++;
}

/* get_th: ordinal suffix of the digit string's last digit. */
static const char *ordinal(const char *num, bool upper, am_err_t *err)
{
    size_t len = strlen(num);
    char last = '\0';
    if (len)
        last = num[len - 1];
    if (last < '0' || last > '9') {
        am_err_set(err, "22P02", "\"%s\" is not a number", num);
        return NULL;
    }
    if (len > 1 && num[len - 2] == '1')
        last = '0';
    static const char *const up[] = {"ST", "ND", "RD", "TH"}, *const low[] = {"st", "nd", "rd",
                                                                              "th"};
    int i = last == '1' ? 0 : last == '2' ? 1 : last == '3' ? 2 : 3;
    return upper ? up[i] : low[i];
}

/* Sign handling of NUM_processor before the walk (to_char). */
static void to_char_sign_setup(np_t *np)
{
    proxy_numfmt_t *f = np->f;
    if (f->flag & (NUMF_F_PLUS | NUMF_F_MINUS)) {
        np->sign_wrote = !((f->flag & NUMF_F_PLUS) && !(f->flag & NUMF_F_MINUS));
        return;
    }
    if (np->sign != '-') {
        if ((f->flag & NUMF_F_BRACKET) && (f->flag & NUMF_F_FILLMODE))
            f->flag &= ~NUMF_F_BRACKET;
    }
    np->sign_wrote = np->sign == '+' && (f->flag & NUMF_F_FILLMODE) && !(f->flag & NUMF_F_LSIGN);
    if (f->lsign == NUMF_LSIGN_PRE && f->pre == f->pre_lsign_num)
        f->lsign = NUMF_LSIGN_POST;
}

/* FM with a decimal point: where trailing zeros start to be dropped. */
static void to_char_last_relevant(np_t *np)
{
    np->last_relevant = -1;
    if (!(has(np, NUMF_F_FILLMODE) && has(np, NUMF_F_DECIMAL)))
        return;
    const char *p = strchr(np->number, '.');
    if (!p)
        return;
    np->last_relevant = p - np->number;
    for (const char *q = p + 1; *q; q++)
        if (*q != '0')
            np->last_relevant = q - np->number;
    if (np->f->zero_end > np->out_pre_spaces) {
        long last_zero = (long)strlen(np->number) - 1;
        if (last_zero > np->f->zero_end - np->out_pre_spaces)
            last_zero = np->f->zero_end - np->out_pre_spaces;
        if (np->last_relevant < last_zero)
            np->last_relevant = last_zero;
    }
}

/* The non-digit keywords of to_char; false on error. */
static bool to_char_keyword(np_t *np, int id, am_err_t *err)
{
    bool fm = has(np, NUMF_F_FILLMODE);
    switch (id) {
    case NUMF_COMMA:
    case NUMF_G:
        if (np->num_in)
            am_buf_puts(&np->out, THOUSANDS_SEP);
        else if (!fm)
            am_buf_putc(&np->out, ' ');
        return true;
    case NUMF_L:
        am_buf_puts(&np->out, CURRENCY);
        return true;
    case NUMF_RN:
    case NUMF_rn: {
        char buf[32];
        (void)snprintf(buf, sizeof buf, fm ? "%s" : "%15s", np->number + np->number_p);
        for (char *c = buf; id == NUMF_rn && *c; c++)
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        am_buf_puts(&np->out, buf);
        return true;
    }
    case NUMF_TH:
    case NUMF_th: {
        if (has(np, NUMF_F_ROMAN) || np->number[0] == '#' || np->sign == '-' ||
            has(np, NUMF_F_DECIMAL))
            return true;
        const char *th = ordinal(np->number, id == NUMF_TH, err);
        if (th)
            am_buf_puts(&np->out, th);
        return th != NULL;
    }
    case NUMF_MI:
    case NUMF_PL: {
        char want = id == NUMF_MI ? '-' : '+';
        if (np->sign == want)
            am_buf_putc(&np->out, want);
        else if (!fm)
            am_buf_putc(&np->out, ' ');
        return true;
    }
    case NUMF_SG:
        am_buf_putc(&np->out, (char)np->sign);
        return true;
    default:
        return true;
    }
}

char *proxy__numfmt_to_char(am_arena_t *a, proxy_numfmt_t *f, const char *number,
                            int out_pre_spaces, int sign, am_err_t *err)
{
    if (f->zero_start)
        f->zero_start--;
    if (f->flag & NUMF_F_EEEE)
        return am_arena_strdup(a, number);
    if (f->flag & NUMF_F_ROMAN) {
        f->lsign = f->pre_lsign_num = f->post = f->pre = 0;
        f->flag = (f->flag & NUMF_F_FILLMODE) | NUMF_F_ROMAN;
        sign = 0;
    }
    np_t np = {.f = f, .sign = sign, .number = number, .out_pre_spaces = out_pre_spaces};
    to_char_sign_setup(&np);
    np.num_count = f->post + f->pre - 1;
    to_char_last_relevant(&np);
    if (!np.sign_wrote && np.out_pre_spaces == 0)
        np.num_count++;
    am_buf_init(&np.out);
    bool ok = true;
    for (int i = 0; i < f->n_nodes && ok; i++) {
        const proxy_numfmt_node_t *n = &f->nodes[i];
        if (n->key < 0)
            am_buf_puts(&np.out, n->chr);
        else if (n->key == NUMF_9 || n->key == NUMF_0 || n->key == NUMF_DEC || n->key == NUMF_D)
            numpart_to_char(&np, n->key);
        else
            ok = to_char_keyword(&np, n->key, err);
    }
    char *res = ok ? am_arena_strdup(a, np.out.data ? np.out.data : "") : NULL;
    am_buf_destroy(&np.out);
    return res;
}

/* ---- to_number ------------------------------------------------------------------------------- */

static bool at_end(const np_t *np)
{
    return np->in_p >= np->in_len;
}

/* AMOUNT_TEST: at least n bytes left. */
static bool room(const np_t *np, size_t n)
{
    return np->in_p + n <= np->in_len;
}

static bool is_digit_at(const np_t *np, size_t i)
{
    return i < np->in_len && np->in[i] >= '0' && np->in[i] <= '9';
}

static size_t mb_len(const np_t *np)
{
    unsigned char c = (unsigned char)np->in[np->in_p];
    size_t n = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 1;
    return n < np->in_len - np->in_p ? n : np->in_len - np->in_p;
}

/* NUM_eat_non_data_chars */
static void eat_non_data(np_t *np, int n)
{
    while (n-- > 0 && !at_end(np) && !strchr("0123456789.,+-", np->in[np->in_p]))
        np->in_p += mb_len(np);
}

/* The sign before the first digit (NUM_numpart_from_char). */
static void read_pre_sign(np_t *np)
{
    if (has(np, NUMF_F_LSIGN) && np->f->lsign == NUMF_LSIGN_PRE) {
        if (room(np, 1) && np->in[np->in_p] == '-') {
            np->in_p++;
            np->num[0] = '-';
        } else if (room(np, 1) && np->in[np->in_p] == '+') {
            np->in_p++;
            np->num[0] = '+';
        }
    } else if (np->in[np->in_p] == '-' || (has(np, NUMF_F_BRACKET) && np->in[np->in_p] == '<')) {
        np->num[0] = '-';
        np->in_p++;
    } else if (np->in[np->in_p] == '+') {
        np->num[0] = '+';
        np->in_p++;
    }
}

/* The sign after the last digit (NUM_numpart_from_char). */
static void read_post_sign(np_t *np, bool isread)
{
    if (has(np, NUMF_F_LSIGN) && isread && np->in_p + 1 < np->in_len &&
        !is_digit_at(np, np->in_p + 1)) {
        size_t save = np->in_p++;
        if (room(np, 1) && (np->in[np->in_p] == '-' || np->in[np->in_p] == '+'))
            np->num[0] = np->in[np->in_p]; /* the loop's ++ steps past it */
        else
            np->in_p = save;
    } else if (!isread && !has(np, NUMF_F_LSIGN) && has(np, NUMF_F_PLUS | NUMF_F_MINUS)) {
        if (np->in[np->in_p] == '-' || np->in[np->in_p] == '+')
            np->num[0] = np->in[np->in_p];
    }
}

static void numpart_from_char(np_t *np, int id)
{
    bool isread = false;
    if (at_end(np))
        return;
    if (np->in[np->in_p] == ' ')
        np->in_p++;
    if (at_end(np))
        return;
    if (np->num[0] == ' ' && (id == NUMF_0 || id == NUMF_9) && np->read_pre + np->read_post == 0)
        read_pre_sign(np);
    if (at_end(np))
        return;
    if (is_digit_at(np, np->in_p)) {
        if (np->read_dec && np->read_post == np->f->post)
            return;
        np->num[np->num_p++] = np->in[np->in_p];
        if (np->read_dec)
            np->read_post++;
        else
            np->read_pre++;
        isread = true;
    } else if (has(np, NUMF_F_DECIMAL) && !np->read_dec && np->in[np->in_p] == '.') {
        np->num[np->num_p++] = '.';
        np->read_dec = true;
        isread = true;
    }
    if (at_end(np))
        return;
    if (np->num[0] == ' ' && np->read_pre + np->read_post > 0)
        read_post_sign(np, isread);
}

/* One node of to_number; true when the input position advances one more byte after it. */
static bool from_char_node(np_t *np, const proxy_numfmt_node_t *n)
{
    bool fm = has(np, NUMF_F_FILLMODE);
    char c = np->in[np->in_p];
    switch (n->key) {
    case -1:
        np->in_p += mb_len(np);
        return false;
    case NUMF_9:
    case NUMF_0:
    case NUMF_DEC:
    case NUMF_D:
        numpart_from_char(np, n->key);
        return true;
    case NUMF_COMMA:
        return !fm && c == ',';
    case NUMF_G:
        return !fm && room(np, 1) && c == ',';
    case NUMF_L:
        eat_non_data(np, 1);
        return false;
    case NUMF_TH:
    case NUMF_th:
        if (!has(np, NUMF_F_DECIMAL) && np->num[0] != '#')
            eat_non_data(np, 2);
        return false;
    case NUMF_MI:
    case NUMF_PL:
    case NUMF_SG:
        if ((c == '-' && n->key != NUMF_PL) || (c == '+' && n->key != NUMF_MI)) {
            np->num[0] = c;
            return true;
        }
        eat_non_data(np, 1);
        return false;
    default:
        return false;
    }
}

bool proxy__numfmt_from_char(am_arena_t *a, proxy_numfmt_t *f, const char *in, size_t in_len,
                             char **number, am_err_t *err)
{
    if (f->zero_start)
        f->zero_start--;
    if (f->flag & NUMF_F_EEEE)
        return am_err_set(err, "0A000", "\"EEEE\" not supported for input");
    if (f->flag & NUMF_F_ROMAN)
        return am_err_set(err, "0A000", "\"RN\" not supported for input");
    np_t np = {.f = f, .in = in, .in_len = in_len};
    np.num = am_arena_alloc(a, (size_t)f->n_nodes * 8 + 2);
    np.num[0] = ' ';
    np.num_p = 1;
    for (int i = 0; i < f->n_nodes && !at_end(&np); i++)
        if (from_char_node(&np, &f->nodes[i]))
            np.in_p++;
    if (np.num[np.num_p - 1] == '.')
        np.num[np.num_p - 1] = '\0';
    else
        np.num[np.num_p] = '\0';
    f->post = np.read_post;
    *number = np.num;
    return true;
}
