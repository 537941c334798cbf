/*
 * proxy/pgfn_json_parse.c: PostgreSQL 15's JSON lexer and recursive-descent parser
 * (src/common/jsonapi.c), building a proxy_json_t tree in an arena.
 * Hand-written: jansson and DuckDB's json lose number text, duplicate keys, the exact text of
 * sub-values and PostgreSQL's error texts. Everything here mirrors jsonapi.c's order of work:
 * the next token is lexed when the current one is consumed, so the first error in the text
 * (lexical or syntactic) is the one reported, with PostgreSQL's DETAIL.
 * Spec: RFC 8259 as PostgreSQL reads it: whitespace is space, \t, \n, \r; an unexpected word
 * is reported whole (letters, digits, '_' and any non-ASCII byte); \u escapes are checked for
 * surrogate pairs and U+0000 only when strings are unescaped (jsonb, and the json functions).
 */
#include "proxy/pgfn_json.h"

#include <stdio.h>
#include <string.h>

typedef enum tok {
    T_END,
    T_OSTART,
    T_OEND,
    T_ASTART,
    T_AEND,
    T_COMMA,
    T_COLON,
    T_STRING,
    T_NUMBER,
    T_TRUE,
    T_FALSE,
    T_NULL,
} tok_t;

/* Where the parser stands when a token is not the one it wants (jsonapi.c's contexts). */
typedef enum ctx {
    CTX_VALUE,
    CTX_STRING,
    CTX_ARRAY_NEXT,
    CTX_OBJECT_START,
    CTX_OBJECT_LABEL,
    CTX_OBJECT_NEXT,
    CTX_END,
} ctx_t;

typedef struct lexer {
    const char *in;
    size_t len;
    size_t pos; /* next byte to lex */
    tok_t tok;
    size_t start, end;     /* the current token */
    proxy_json_str_t sval; /* STRING: unescaped value (PROXY_JSON_ESCAPES) */
    unsigned flags;
    size_t depth;
    am_arena_t *arena;
    proxy_json_err_t *err;
    am_buf_t scratch; /* unescaping */
    am_buf_t elems;   /* proxy_json_t * of the arrays being parsed */
    am_buf_t pairs;   /* proxy_json_pair_t of the objects being parsed */
} lexer_t;

#define IS_ALNUM(c)                                                                                \
    (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') || ((c) >= '0' && (c) <= '9') ||     \
     (c) == '_' || ((unsigned char)(c)&0x80))

bool proxy__json_fail(proxy_json_err_t *err, const char *sqlstate, const char *msg)
{
    snprintf(err->sqlstate, sizeof err->sqlstate, "%s", sqlstate);
    err->msg = msg;
    err->detail = NULL;
    err->hint = NULL;
    return false;
}

bool proxy__json_failf(proxy_json_err_t *err, am_arena_t *arena, const char *sqlstate,
                       const char *fmt, ...)
{
    am_buf_t b;
    am_buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    am_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *msg = am_arena_strndup(arena, b.data, b.len);
    am_buf_destroy(&b);
    return proxy__json_fail(err, sqlstate, msg);
}

/* 22P02 with a DETAIL. */
static bool syntax_error(lexer_t *lx, const char *detail)
{
    proxy__json_fail(lx->err, "22P02", "invalid input syntax for type json");
    lx->err->detail = detail;
    return false;
}

/* 22P02 with the DETAIL pre + the current token's text + post. */
static bool token_error(lexer_t *lx, const char *pre, const char *post)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_puts(&b, pre);
    am_buf_append(&b, lx->in + lx->start, lx->end - lx->start);
    am_buf_puts(&b, post);
    syntax_error(lx, am_arena_strndup(lx->arena, b.data, b.len));
    am_buf_destroy(&b);
    return false;
}

static bool invalid_token(lexer_t *lx)
{
    return token_error(lx, "Token \"", "\" is invalid.");
}

/* pg_encoding_mblen_bounded for UTF-8: the byte length of the character at p. */
static size_t char_len(const lexer_t *lx, size_t p)
{
    unsigned char c = (unsigned char)lx->in[p];
    size_t n = c < 0x80             ? 1
               : (c & 0xe0) == 0xc0 ? 2
               : (c & 0xf0) == 0xe0 ? 3
               : (c & 0xf8) == 0xf0 ? 4
                                    : 1;
    size_t i = 0;
    while (i < n && p + i < lx->len && lx->in[p + i] != '\0')
        i++;
    return i ? i : 1;
}

static void put_utf8(am_buf_t *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    am_buf_append(b, u, n);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The code point of \uXXXX whose 'u' is at *p; *p ends on the last hex digit. -1: error set. */
static int lex_unicode(lexer_t *lx, size_t *p)
{
    int ch = 0;
    for (int i = 1; i <= 4; i++) {
        (*p)++;
        if (*p >= lx->len) {
            lx->end = *p;
            invalid_token(lx);
            return -1;
        }
        int h = hex_value(lx->in[*p]);
        if (h < 0) {
            syntax_error(lx, "\"\\u\" must be followed by four hexadecimal digits.");
            return -1;
        }
        ch = ch * 16 + h;
    }
    return ch;
}

/* Unescaping state of one string: a pending high surrogate, -1 when none. */
typedef struct unesc {
    int hi;
    bool used; /* scratch holds the value */
} unesc_t;

static bool low_surrogate_error(lexer_t *lx)
{
    return syntax_error(lx, "Unicode low surrogate must follow a high surrogate.");
}

static bool add_code_point(lexer_t *lx, unesc_t *u, int ch)
{
    if (ch >= 0xd800 && ch <= 0xdbff) {
        if (u->hi != -1)
            return syntax_error(lx, "Unicode high surrogate must not follow a high surrogate.");
        u->hi = ch;
        return true;
    }
    unsigned cp = (unsigned)ch;
    if (ch >= 0xdc00 && ch <= 0xdfff) {
        if (u->hi == -1)
            return low_surrogate_error(lx);
        cp = 0x10000u + (((unsigned)u->hi - 0xd800u) << 10) + ((unsigned)ch - 0xdc00u);
        u->hi = -1;
    }
    if (u->hi != -1)
        return low_surrogate_error(lx);
    if (cp == 0) {
        proxy__json_fail(lx->err, "22P05", "unsupported Unicode escape sequence");
        lx->err->detail = "\\u0000 cannot be converted to text.";
        return false;
    }
    put_utf8(&lx->scratch, cp);
    return true;
}

static char simple_escape(char c)
{
    switch (c) {
    case '"':
    case '\\':
    case '/':
        return c;
    case 'b':
        return '\b';
    case 'f':
        return '\f';
    case 'n':
        return '\n';
    case 'r':
        return '\r';
    case 't':
        return '\t';
    default:
        return 0;
    }
}

/* One escape; *p is on the backslash and ends on the escape's last byte. */
static bool lex_escape(lexer_t *lx, unesc_t *u, size_t *p)
{
    bool unescape = lx->flags & PROXY_JSON_ESCAPES;
    (*p)++;
    if (*p >= lx->len) {
        lx->end = *p;
        return invalid_token(lx);
    }
    if (lx->in[*p] == 'u') {
        int ch = lex_unicode(lx, p);
        if (ch < 0)
            return false;
        return unescape ? add_code_point(lx, u, ch) : true;
    }
    if (unescape && u->hi != -1)
        return low_surrogate_error(lx);
    char c = simple_escape(lx->in[*p]);
    if (!c) {
        lx->start = *p;
        lx->end = *p + char_len(lx, *p);
        return token_error(lx, "Escape sequence \"\\", "\" is invalid.");
    }
    if (unescape)
        am_buf_putc(&lx->scratch, c);
    return true;
}

static bool escaping_required(lexer_t *lx, unsigned char c)
{
    char detail[64];
    snprintf(detail, sizeof detail, "Character with value 0x%02x must be escaped.", c);
    return syntax_error(lx, am_arena_strdup(lx->arena, detail));
}

static bool lex_string(lexer_t *lx)
{
    unesc_t u = {.hi = -1, .used = false};
    size_t p = lx->start, seg = lx->start + 1;
    bool unescape = lx->flags & PROXY_JSON_ESCAPES;
    for (;;) {
        p++;
        if (p >= lx->len) {
            lx->end = p;
            return invalid_token(lx);
        }
        unsigned char c = (unsigned char)lx->in[p];
        if (c == '"')
            break;
        if (c < 32)
            return escaping_required(lx, c);
        if (c == '\\') {
            if (unescape) {
                if (!u.used)
                    am_buf_reset(&lx->scratch);
                u.used = true;
                am_buf_append(&lx->scratch, lx->in + seg, p - seg);
            }
            if (!lex_escape(lx, &u, &p))
                return false;
            seg = p + 1;
        } else if (unescape && u.hi != -1) {
            return low_surrogate_error(lx);
        }
    }
    if (unescape && u.hi != -1)
        return low_surrogate_error(lx);
    lx->tok = T_STRING;
    lx->end = p + 1;
    if (u.used) {
        am_buf_append(&lx->scratch, lx->in + seg, p - seg);
        lx->sval.p = am_arena_memdup(lx->arena, lx->scratch.data, lx->scratch.len);
        lx->sval.len = lx->scratch.len;
    } else {
        lx->sval.p = lx->in + lx->start + 1;
        lx->sval.len = p - lx->start - 1;
    }
    return true;
}

static bool is_digit_at(const lexer_t *lx, size_t p)
{
    return p < lx->len && lx->in[p] >= '0' && lx->in[p] <= '9';
}

/* json_lex_number: p is past the optional '-'. A malformed number, or one followed by word
 * characters, is one invalid token running to the end of those characters. */
static bool lex_number(lexer_t *lx, size_t p)
{
    bool error = false;
    if (p < lx->len && lx->in[p] == '0')
        p++;
    else if (is_digit_at(lx, p))
        while (is_digit_at(lx, p))
            p++;
    else
        error = true;
    if (p < lx->len && lx->in[p] == '.') {
        p++;
        if (!is_digit_at(lx, p))
            error = true;
        while (is_digit_at(lx, p))
            p++;
    }
    if (p < lx->len && (lx->in[p] == 'e' || lx->in[p] == 'E')) {
        p++;
        if (p < lx->len && (lx->in[p] == '+' || lx->in[p] == '-'))
            p++;
        if (!is_digit_at(lx, p))
            error = true;
        while (is_digit_at(lx, p))
            p++;
    }
    for (; p < lx->len && IS_ALNUM(lx->in[p]); p++)
        error = true;
    lx->end = p;
    lx->tok = T_NUMBER;
    return error ? invalid_token(lx) : true;
}

bool proxy__json_is_number(const char *text, size_t len)
{
    if (len == 0)
        return false;
    size_t p = text[0] == '-' ? 1 : 0;
    bool ok = true;
    if (p < len && text[p] == '0')
        p++;
    else if (p < len && text[p] >= '1' && text[p] <= '9')
        while (p < len && text[p] >= '0' && text[p] <= '9')
            p++;
    else
        ok = false;
    if (ok && p < len && text[p] == '.') {
        p++;
        ok = p < len && text[p] >= '0' && text[p] <= '9';
        while (p < len && text[p] >= '0' && text[p] <= '9')
            p++;
    }
    if (ok && p < len && (text[p] == 'e' || text[p] == 'E')) {
        p++;
        if (p < len && (text[p] == '+' || text[p] == '-'))
            p++;
        ok = p < len && text[p] >= '0' && text[p] <= '9';
        while (p < len && text[p] >= '0' && text[p] <= '9')
            p++;
    }
    return ok && p == len;
}

/* A bare word: true, false, null, or an invalid token (the whole word, or one byte). */
static bool lex_word(lexer_t *lx)
{
    size_t p = lx->start;
    while (p < lx->len && IS_ALNUM(lx->in[p]))
        p++;
    if (p == lx->start) {
        lx->end = p + 1;
        return invalid_token(lx);
    }
    lx->end = p;
    size_t n = p - lx->start;
    const char *s = lx->in + lx->start;
    if (n == 4 && memcmp(s, "true", 4) == 0)
        lx->tok = T_TRUE;
    else if (n == 4 && memcmp(s, "null", 4) == 0)
        lx->tok = T_NULL;
    else if (n == 5 && memcmp(s, "false", 5) == 0)
        lx->tok = T_FALSE;
    else
        return invalid_token(lx);
    return true;
}

static bool lex_next(lexer_t *lx)
{
    size_t p = lx->pos;
    while (p < lx->len &&
           (lx->in[p] == ' ' || lx->in[p] == '\t' || lx->in[p] == '\n' || lx->in[p] == '\r'))
        p++;
    lx->start = p;
    lx->end = p + 1;
    bool ok = true;
    if (p >= lx->len) {
        lx->tok = T_END;
        lx->end = p;
    } else {
        switch (lx->in[p]) {
        case '{':
            lx->tok = T_OSTART;
            break;
        case '}':
            lx->tok = T_OEND;
            break;
        case '[':
            lx->tok = T_ASTART;
            break;
        case ']':
            lx->tok = T_AEND;
            break;
        case ',':
            lx->tok = T_COMMA;
            break;
        case ':':
            lx->tok = T_COLON;
            break;
        case '"':
            ok = lex_string(lx);
            break;
        case '-':
            ok = lex_number(lx, p + 1);
            break;
        default:
            ok = (lx->in[p] >= '0' && lx->in[p] <= '9') ? lex_number(lx, p) : lex_word(lx);
        }
    }
    lx->pos = lx->end;
    return ok;
}

/* report_parse_error: what the parser wanted, and the token it found instead. */
static bool parse_error(lexer_t *lx, ctx_t ctx)
{
    static const char *const wanted[] = {
        [CTX_VALUE] = "Expected JSON value, but found \"",
        [CTX_STRING] = "Expected string, but found \"",
        [CTX_ARRAY_NEXT] = "Expected \",\" or \"]\", but found \"",
        [CTX_OBJECT_START] = "Expected string or \"}\", but found \"",
        [CTX_OBJECT_LABEL] = "Expected \":\", but found \"",
        [CTX_OBJECT_NEXT] = "Expected \",\" or \"}\", but found \"",
        [CTX_END] = "Expected end of input, but found \"",
    };
    if (lx->tok == T_END)
        return syntax_error(lx, "The input string ended unexpectedly.");
    return token_error(lx, wanted[ctx], "\".");
}

static bool expect(lexer_t *lx, ctx_t ctx, tok_t tok)
{
    return lx->tok == tok ? lex_next(lx) : parse_error(lx, ctx);
}

proxy_json_t *proxy__json_new(am_arena_t *arena, proxy_json_kind_t kind)
{
    proxy_json_t *v = am_arena_alloc(arena, sizeof *v);
    memset(v, 0, sizeof *v);
    v->kind = kind;
    return v;
}

static proxy_json_t *parse_value(lexer_t *lx);

static proxy_json_t *parse_scalar(lexer_t *lx)
{
    static const proxy_json_kind_t kinds[] = {[T_STRING] = PROXY_JSON_STRING,
                                              [T_NUMBER] = PROXY_JSON_NUMBER,
                                              [T_TRUE] = PROXY_JSON_BOOL,
                                              [T_FALSE] = PROXY_JSON_BOOL,
                                              [T_NULL] = PROXY_JSON_NULL};
    if (lx->tok < T_STRING) {
        parse_error(lx, CTX_VALUE);
        return NULL;
    }
    proxy_json_t *v = proxy__json_new(lx->arena, kinds[lx->tok]);
    v->boolean = lx->tok == T_TRUE;
    v->src.p = lx->in + lx->start;
    v->src.len = lx->end - lx->start;
    v->str = v->src;
    if (lx->tok == T_STRING && (lx->flags & PROXY_JSON_ESCAPES))
        v->str = lx->sval;
    /* PostgreSQL lexes the next token before the scalar's semantic action runs */
    if (!lex_next(lx))
        return NULL;
    if (v->kind == PROXY_JSON_NUMBER && (lx->flags & PROXY_JSON_JSONB) &&
        !proxy__json_numeric(v->src.p, v->src.len, lx->arena, &v->str, lx->err))
        return NULL;
    return v;
}

static bool enter(lexer_t *lx)
{
    if (++lx->depth <= PROXY_JSON_MAX_DEPTH)
        return true;
    proxy__json_fail(lx->err, "54001", "stack depth limit exceeded");
    lx->err->hint = "Increase the configuration parameter \"max_stack_depth\" (currently "
                    "2048kB), after ensuring the platform's stack depth limit is adequate.";
    return false;
}

static bool parse_field(lexer_t *lx)
{
    if (lx->tok != T_STRING)
        return parse_error(lx, CTX_STRING);
    proxy_json_pair_t pair = {.key = lx->sval};
    pair.key_src.p = lx->in + lx->start;
    pair.key_src.len = lx->end - lx->start;
    if (!(lx->flags & PROXY_JSON_ESCAPES))
        pair.key = pair.key_src;
    if (!lex_next(lx) || !expect(lx, CTX_OBJECT_LABEL, T_COLON))
        return false;
    pair.value = parse_value(lx);
    if (!pair.value)
        return false;
    am_buf_append(&lx->pairs, &pair, sizeof pair);
    return true;
}

/* Moves the children pushed since mark (bytes into stack) into the arena. */
static void *pop_children(lexer_t *lx, am_buf_t *stack, size_t mark)
{
    size_t n = stack->len - mark;
    void *p = n ? am_arena_memdup(lx->arena, stack->data + mark, n) : NULL;
    stack->len = mark;
    return p;
}

static proxy_json_t *parse_object(lexer_t *lx)
{
    if (!enter(lx))
        return NULL;
    proxy_json_t *v = proxy__json_new(lx->arena, PROXY_JSON_OBJECT);
    size_t start = lx->start, mark = lx->pairs.len;
    bool ok = lex_next(lx);
    if (ok && lx->tok == T_STRING) {
        ok = parse_field(lx);
        while (ok && lx->tok == T_COMMA)
            ok = lex_next(lx) && parse_field(lx);
    } else if (ok && lx->tok != T_OEND) {
        ok = parse_error(lx, CTX_OBJECT_START);
    }
    size_t end = lx->end;
    if (!ok || !expect(lx, CTX_OBJECT_NEXT, T_OEND))
        return NULL;
    v->src.p = lx->in + start;
    v->src.len = end - start;
    v->n = (lx->pairs.len - mark) / sizeof(proxy_json_pair_t);
    v->pairs = pop_children(lx, &lx->pairs, mark);
    if (lx->flags & PROXY_JSON_JSONB)
        proxy__jsonb_uniquify(v);
    lx->depth--;
    return v;
}

static bool parse_element(lexer_t *lx)
{
    proxy_json_t *e = parse_value(lx);
    if (e)
        am_buf_append(&lx->elems, &e, sizeof e); /* NOLINT(bugprone-sizeof-expression) */
    return e != NULL;
}

static proxy_json_t *parse_array(lexer_t *lx)
{
    if (!enter(lx))
        return NULL;
    proxy_json_t *v = proxy__json_new(lx->arena, PROXY_JSON_ARRAY);
    size_t start = lx->start, mark = lx->elems.len;
    bool ok = lex_next(lx);
    if (ok && lx->tok != T_AEND) {
        ok = parse_element(lx);
        while (ok && lx->tok == T_COMMA)
            ok = lex_next(lx) && parse_element(lx);
    }
    size_t end = lx->end;
    if (!ok || !expect(lx, CTX_ARRAY_NEXT, T_AEND))
        return NULL;
    v->src.p = lx->in + start;
    v->src.len = end - start;
    v->n = (lx->elems.len - mark) / sizeof(proxy_json_t *);
    v->elems = pop_children(lx, &lx->elems, mark);
    lx->depth--;
    return v;
}

static proxy_json_t *parse_value(lexer_t *lx)
{
    if (lx->tok == T_OSTART)
        return parse_object(lx);
    if (lx->tok == T_ASTART)
        return parse_array(lx);
    return parse_scalar(lx);
}

proxy_json_t *proxy__json_parse(const char *text, size_t len, unsigned flags, am_arena_t *arena,
                                proxy_json_err_t *err)
{
    lexer_t lx = {.in = text, .len = len, .arena = arena, .err = err};
    lx.flags = (flags & PROXY_JSON_JSONB) ? (flags | PROXY_JSON_ESCAPES) : flags;
    am_buf_init(&lx.scratch);
    am_buf_init(&lx.elems);
    am_buf_init(&lx.pairs);
    proxy_json_t *v = NULL;
    if (lex_next(&lx)) {
        v = parse_value(&lx);
        if (v && !expect(&lx, CTX_END, T_END))
            v = NULL;
    }
    am_buf_destroy(&lx.scratch);
    am_buf_destroy(&lx.elems);
    am_buf_destroy(&lx.pairs);
    return v;
}
