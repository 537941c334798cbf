/*
 * proxy/sqltext.c: just enough lexing of PostgreSQL SQL to find statement boundaries, the
 * leading keywords of a statement (SET, SHOW, BEGIN ...) and catalog spellings to rewrite.
 * Never parses SQL for meaning: DuckDB does that. Pure functions on text (fuzzable).
 * Hand-written: DuckDB's parser rejects PostgreSQL-only statements before we could see them.
 * Spec: PostgreSQL docs, "Lexical Structure": '' doubling, E'' backslash escapes, "" idents,
 * $tag$ dollar quotes, -- and nested / * * / comments.
 */
#include "proxy/proxy_internal.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static bool ident_start(char c)
{
    return isalpha((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

static bool ident_char(char c)
{
    return ident_start(c) || isdigit((unsigned char)c) || c == '$';
}

/* Skips blanks and comments. */
static size_t skip_space(const char *s, size_t len, size_t i)
{
    while (i < len) {
        if (isspace((unsigned char)s[i])) {
            i++;
        } else if (s[i] == '-' && i + 1 < len && s[i + 1] == '-') {
            while (i < len && s[i] != '\n')
                i++;
        } else if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
            int depth = 1;
            for (i += 2; i < len && depth > 0; i++) {
                if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
                    depth++;
                    i++;
                } else if (s[i] == '*' && i + 1 < len && s[i + 1] == '/') {
                    depth--;
                    i++;
                }
            }
        } else {
            break;
        }
    }
    return i;
}

/* i at the opening quote; backslash escapes when esc. Returns the index after the close. */
static size_t scan_quoted(const char *s, size_t len, size_t i, char q, bool esc)
{
    for (i++; i < len; i++) {
        if (esc && s[i] == '\\') {
            i++;
        } else if (s[i] == q) {
            if (i + 1 < len && s[i + 1] == q)
                i++;
            else
                return i + 1;
        }
    }
    return len;
}

/* Length of a dollar-quote tag "$tag$" at i, or 0. */
static size_t dollar_tag(const char *s, size_t len, size_t i)
{
    size_t j = i + 1;
    if (j < len && s[j] == '$')
        return 2;
    if (j >= len || !ident_start(s[j]))
        return 0;
    while (j < len && ident_char(s[j]) && s[j] != '$')
        j++;
    return j < len && s[j] == '$' ? j - i + 1 : 0;
}

static size_t scan_dollar(const char *s, size_t len, size_t i, size_t tag_len)
{
    for (size_t j = i + tag_len; j + tag_len <= len; j++)
        if (s[j] == '$' && memcmp(s + j, s + i, tag_len) == 0)
            return j + tag_len;
    return len;
}

static size_t scan_symbol(const char *s, size_t len, size_t i)
{
    static const char ops[] = "+-*/<>=~!@#%^&|`?";
    if (!strchr(ops, s[i]) || s[i] == '\0')
        return i + 1; /* punctuation: ( ) , ; [ ] . : */
    size_t j = i;
    while (j < len && s[j] && strchr(ops, s[j])) {
        if ((s[j] == '-' && j + 1 < len && s[j + 1] == '-') ||
            (s[j] == '/' && j + 1 < len && s[j + 1] == '*'))
            break;
        j++;
    }
    return j > i ? j : i + 1;
}

static size_t scan_word(const char *sql, size_t len, size_t i, proxy_tok_t *tok)
{
    /* E'..', B'..', X'..', N'..' and U&'..' are one string token. */
    char c = (char)toupper((unsigned char)sql[i]);
    if (i + 1 < len && sql[i + 1] == '\'' && strchr("EBXN", c)) {
        tok->kind = PROXY_TOK_STRING;
        return scan_quoted(sql, len, i + 1, '\'', c == 'E');
    }
    if (c == 'U' && i + 2 < len && sql[i + 1] == '&' && (sql[i + 2] == '\'' || sql[i + 2] == '"')) {
        tok->kind = sql[i + 2] == '"' ? PROXY_TOK_QIDENT : PROXY_TOK_STRING;
        return scan_quoted(sql, len, i + 2, sql[i + 2], false);
    }
    tok->kind = PROXY_TOK_WORD;
    while (i < len && ident_char(sql[i]))
        i++;
    return i;
}

static size_t scan_number(const char *sql, size_t len, size_t i)
{
    while (i < len &&
           (isalnum((unsigned char)sql[i]) || sql[i] == '.' || sql[i] == '_' ||
            ((sql[i] == '+' || sql[i] == '-') && (sql[i - 1] == 'e' || sql[i - 1] == 'E'))))
        i++;
    return i;
}

size_t proxy__sql_token(const char *sql, size_t len, size_t pos, proxy_tok_t *tok)
{
    size_t i = skip_space(sql, len, pos);
    tok->off = i;
    tok->len = 0;
    tok->kind = PROXY_TOK_END;
    if (i >= len || sql[i] == '\0')
        return len;
    size_t end;
    char c = sql[i];
    size_t tag = c == '$' ? dollar_tag(sql, len, i) : 0;
    if (ident_start(c)) {
        end = scan_word(sql, len, i, tok);
    } else if (c == '\'') {
        tok->kind = PROXY_TOK_STRING;
        end = scan_quoted(sql, len, i, '\'', false);
    } else if (c == '"') {
        tok->kind = PROXY_TOK_QIDENT;
        end = scan_quoted(sql, len, i, '"', false);
    } else if (tag > 0) {
        tok->kind = PROXY_TOK_STRING;
        end = scan_dollar(sql, len, i, tag);
    } else if (c == '$' && i + 1 < len && isdigit((unsigned char)sql[i + 1])) {
        tok->kind = PROXY_TOK_PARAM;
        for (end = i + 1; end < len && isdigit((unsigned char)sql[end]);)
            end++;
    } else if (isdigit((unsigned char)c) ||
               (c == '.' && i + 1 < len && isdigit((unsigned char)sql[i + 1]))) {
        tok->kind = PROXY_TOK_NUMBER;
        end = scan_number(sql, len, i + 1);
    } else {
        tok->kind = PROXY_TOK_SYMBOL;
        end = scan_symbol(sql, len, i);
    }
    tok->len = end - i;
    return end;
}

bool proxy__tok_is(const char *sql, const proxy_tok_t *tok, const char *word)
{
    size_t n = strlen(word);
    return tok->kind != PROXY_TOK_END && tok->kind != PROXY_TOK_STRING && tok->len == n &&
           strncasecmp(sql + tok->off, word, n) == 0;
}

proxy_span_t *proxy__sql_split(const char *sql, size_t len, size_t *n_out)
{
    size_t cap = 4, n = 0, pos = 0;
    proxy_span_t *spans = am_xmalloc(cap * sizeof *spans);
    size_t first = 0, last_end = 0;
    bool any = false;
    for (;;) {
        proxy_tok_t t;
        pos = proxy__sql_token(sql, len, pos, &t);
        bool semi = t.kind == PROXY_TOK_SYMBOL && t.len == 1 && sql[t.off] == ';';
        if (t.kind == PROXY_TOK_END || semi) {
            if (any) {
                if (n == cap)
                    spans = am_xrealloc(spans, (cap *= 2) * sizeof *spans);
                spans[n++] = (proxy_span_t){first, last_end - first};
            }
            any = false;
            if (t.kind == PROXY_TOK_END)
                break;
            continue;
        }
        if (!any)
            first = t.off;
        any = true;
        last_end = t.off + t.len;
    }
    *n_out = n;
    return spans;
}

static char escape_char(char c)
{
    switch (c) {
    case 'n':
        return '\n';
    case 't':
        return '\t';
    case 'r':
        return '\r';
    default:
        return c;
    }
}

static void unquote_escapes(const char *p, size_t n, am_buf_t *out)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '\\' || i + 1 == n) {
            am_buf_putc(out, p[i]);
            continue;
        }
        i++;
        am_buf_putc(out, escape_char(p[i]));
    }
}

void proxy__sql_unquote(const char *sql, const proxy_tok_t *tok, am_buf_t *out)
{
    const char *p = sql + tok->off;
    size_t n = tok->len;
    if (n >= 2 && p[0] == '$') {
        size_t tag = dollar_tag(p, n, 0);
        if (tag > 0 && n >= 2 * tag)
            am_buf_append(out, p + tag, n - 2 * tag);
        return;
    }
    bool esc = n >= 1 && (p[0] == 'E' || p[0] == 'e');
    size_t start = 0;
    while (start < n && p[start] != '\'' && p[start] != '"')
        start++;
    if (start >= n)
        return;
    char q = p[start];
    size_t end = n > start + 1 && p[n - 1] == q ? n - 1 : n;
    if (esc) {
        unquote_escapes(p + start + 1, end - start - 1, out);
        return;
    }
    for (size_t i = start + 1; i < end; i++) {
        am_buf_putc(out, p[i]);
        if (p[i] == q && i + 1 < end && p[i + 1] == q)
            i++;
    }
}

/*
 * Functions DuckDB has but answers differently; DuckDB's own catalog views call some of
 * them (current_database() filters pg_namespace), so ours carry other names and client
 * calls are renamed.
 */
static const char *const renamed[][2] = {
    {"current_database", "am_current_database"},
    {"current_catalog", "am_current_database"},
    {"current_schema", "am_current_schema"},
    {"current_schemas", "am_current_schemas"},
    {"version", "am_version"},
};

static const char *rename_of(const char *sql, const proxy_tok_t *t)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(renamed); i++)
        if (proxy__tok_is(sql, t, renamed[i][0]))
            return renamed[i][1];
    return NULL;
}

static bool symbol_is(const char *sql, const proxy_tok_t *t, const char *s)
{
    return t->kind == PROXY_TOK_SYMBOL && t->len == strlen(s) &&
           memcmp(sql + t->off, s, t->len) == 0;
}

/* At token t (already read), try one rewrite; returns the position to continue from or 0. */
static size_t rewrite_at(const char *sql, size_t len, const proxy_tok_t *t, size_t pos,
                         am_buf_t *out)
{
    proxy_tok_t a, b, c, d;
    size_t p1 = proxy__sql_token(sql, len, pos, &a);
    size_t p2 = proxy__sql_token(sql, len, p1, &b);
    bool qualified = proxy__tok_is(sql, t, "pg_catalog") && symbol_is(sql, &a, ".");
    if (qualified && rename_of(sql, &b)) {
        proxy_tok_t paren;
        (void)proxy__sql_token(sql, len, p2, &paren);
        if (symbol_is(sql, &paren, "(")) {
            am_buf_puts(out, rename_of(sql, &b));
            return p2;
        }
    }
    if (qualified && (b.kind == PROXY_TOK_WORD || b.kind == PROXY_TOK_QIDENT)) {
        /* pg_catalog.x: DuckDB's pg_catalog schema has only part of PostgreSQL's (no
         * array_to_string, no text type), the proxy's own stand-ins (pg_class, pg_database,
         * pg_get_expr ...) live in main, and an unqualified name finds all three */
        am_buf_append(out, sql + b.off, b.len);
        return p2;
    }
    if (rename_of(sql, t) && symbol_is(sql, &a, "(")) {
        am_buf_puts(out, rename_of(sql, t));
        return pos;
    }
    if (proxy__tok_is(sql, t, "current_catalog") || proxy__tok_is(sql, t, "current_schema")) {
        /* SQL-standard spellings without parentheses */
        am_buf_puts(out, rename_of(sql, t));
        am_buf_puts(out, "()");
        return pos;
    }
    if (proxy__tok_is(sql, t, "OPERATOR") && symbol_is(sql, &a, "(") &&
        proxy__tok_is(sql, &b, "pg_catalog")) {
        size_t p3 = proxy__sql_token(sql, len, p2, &c);
        size_t p4 = proxy__sql_token(sql, len, p3, &c);
        size_t p5 = proxy__sql_token(sql, len, p4, &d);
        if (c.kind == PROXY_TOK_SYMBOL && symbol_is(sql, &d, ")")) {
            am_buf_append(out, sql + c.off, c.len);
            return p5;
        }
    }
    if (proxy__tok_is(sql, t, "COLLATE") && proxy__tok_is(sql, &a, "pg_catalog")) {
        size_t p3 = proxy__sql_token(sql, len, p2, &c);
        if (symbol_is(sql, &b, ".") && c.kind != PROXY_TOK_END)
            return p3;
    }
    return 0;
}

/* ---- set-returning functions in FROM ---------------------------------------------------- */

/*
 * PostgreSQL names the one column of "FROM generate_series(1, 3) s" s, after the alias;
 * DuckDB makes s the row (a struct), so s used as a number fails to bind (psql's \d does
 * arr[s]). "s(s)" says what PostgreSQL means. Tracks, per parenthesis depth, whether the
 * text is in a FROM list, to touch only FROM items.
 */
#define FROM_MAX_DEPTH 32

typedef struct from_state {
    bool in_from[FROM_MAX_DEPTH];
    size_t depth;
    bool item_start; /* the last token began a FROM item: FROM, JOIN, LATERAL, ',' */
} from_state_t;

static bool word_in(const char *sql, const proxy_tok_t *t, const char *const *words, size_t n)
{
    for (size_t i = 0; t->kind == PROXY_TOK_WORD && i < n; i++)
        if (proxy__tok_is(sql, t, words[i]))
            return true;
    return false;
}

/* Words that end a FROM list. */
static const char *const clause_end[] = {"WHERE",  "GROUP",   "ORDER",    "HAVING",    "LIMIT",
                                         "OFFSET", "UNION",   "EXCEPT",   "INTERSECT", "SELECT",
                                         "WINDOW", "QUALIFY", "RETURNING"};
/* Words that may follow a FROM item, so are no alias. */
static const char *const not_alias[] = {"ON",    "USING", "JOIN",  "INNER",      "LEFT",
                                        "RIGHT", "FULL",  "CROSS", "NATURAL",    "WITH",
                                        "AS",    "FETCH", "FOR",   "TABLESAMPLE"};

static void from_track(from_state_t *st, const char *sql, const proxy_tok_t *t)
{
    bool start = false;
    if (symbol_is(sql, t, "(")) {
        if (st->depth + 1 < FROM_MAX_DEPTH)
            st->depth++;
        st->in_from[st->depth] = false;
    } else if (symbol_is(sql, t, ")")) {
        st->depth -= st->depth > 0;
    } else if (proxy__tok_is(sql, t, "FROM")) {
        st->in_from[st->depth] = start = true;
    } else if (proxy__tok_is(sql, t, "JOIN") || proxy__tok_is(sql, t, "LATERAL") ||
               symbol_is(sql, t, ",")) {
        start = st->in_from[st->depth];
    } else if (word_in(sql, t, clause_end, AM_ARRAY_LEN(clause_end))) {
        st->in_from[st->depth] = false;
    }
    st->item_start = start;
}

/* At a FROM item [pg_catalog.]generate_series(...) or unnest(...): its bare alias, if any. */
static bool srf_alias(const char *sql, size_t len, const proxy_tok_t *t, size_t pos,
                      proxy_tok_t *alias)
{
    proxy_tok_t name = *t, tk;
    if (proxy__tok_is(sql, t, "pg_catalog")) {
        pos = proxy__sql_token(sql, len, pos, &tk);
        if (!symbol_is(sql, &tk, "."))
            return false;
        pos = proxy__sql_token(sql, len, pos, &name);
    }
    if (!proxy__tok_is(sql, &name, "generate_series") && !proxy__tok_is(sql, &name, "unnest"))
        return false;
    pos = proxy__sql_token(sql, len, pos, &tk);
    if (!symbol_is(sql, &tk, "("))
        return false;
    for (int depth = 1; depth > 0;) {
        pos = proxy__sql_token(sql, len, pos, &tk);
        if (tk.kind == PROXY_TOK_END)
            return false;
        depth += symbol_is(sql, &tk, "(") - symbol_is(sql, &tk, ")");
    }
    pos = proxy__sql_token(sql, len, pos, alias);
    if (proxy__tok_is(sql, alias, "AS"))
        pos = proxy__sql_token(sql, len, pos, alias);
    proxy_tok_t next;
    (void)proxy__sql_token(sql, len, pos, &next);
    return (alias->kind == PROXY_TOK_WORD || alias->kind == PROXY_TOK_QIDENT) &&
           !word_in(sql, alias, clause_end, AM_ARRAY_LEN(clause_end)) &&
           !word_in(sql, alias, not_alias, AM_ARRAY_LEN(not_alias)) && !symbol_is(sql, &next, "(");
}

/*
 * PostgreSQL's float is float8, DuckDB's FLOAT 4 bytes: x::float and CAST(x AS float) become
 * DOUBLE. The type name follows "::" (two ':' tokens) or AS before ')'; float(p) is left be.
 */
static bool is_float_type(const char *sql, size_t len, const proxy_tok_t *prev,
                          const proxy_tok_t *t, size_t next)
{
    if (t->kind != PROXY_TOK_WORD || !proxy__tok_is(sql, t, "float"))
        return false;
    proxy_tok_t after;
    (void)proxy__sql_token(sql, len, next, &after);
    if (symbol_is(sql, &after, "("))
        return false;
    return symbol_is(sql, prev, ":") ||
           (proxy__tok_is(sql, prev, "AS") && symbol_is(sql, &after, ")"));
}

void proxy__sql_rewrite(const char *sql, size_t len, am_buf_t *out)
{
    size_t pos = 0, copied = 0;
    am_buf_t repl;
    am_buf_init(&repl);
    from_state_t from = {{false}, 0, false};
    proxy_tok_t alias = {PROXY_TOK_END, 0, 0}, prev = {PROXY_TOK_END, 0, 0};
    bool has_alias = false;
    proxy_tok_t t = prev;
    for (;; prev = t) {
        size_t next = proxy__sql_token(sql, len, pos, &t);
        if (t.kind == PROXY_TOK_END)
            break;
        am_buf_reset(&repl);
        size_t resume = 0;
        if (from.item_start && t.kind == PROXY_TOK_WORD && srf_alias(sql, len, &t, next, &alias))
            has_alias = true;
        from_track(&from, sql, &t);
        if (has_alias && t.off == alias.off) { /* s -> s(s) */
            am_buf_append(&repl, sql + t.off, t.len);
            am_buf_putc(&repl, '(');
            am_buf_append(&repl, sql + t.off, t.len);
            am_buf_putc(&repl, ')');
            has_alias = false;
            resume = next;
        } else if (is_float_type(sql, len, &prev, &t, next)) {
            am_buf_puts(&repl, "DOUBLE");
            resume = next;
        } else if (t.kind == PROXY_TOK_WORD) {
            resume = rewrite_at(sql, len, &t, next, &repl);
        }
        if (resume > 0) {
            am_buf_append(out, sql + copied, t.off - copied);
            am_buf_append(out, repl.data, repl.len);
            am_buf_putc(out, ' ');
            copied = pos = resume;
            continue;
        }
        pos = next;
    }
    am_buf_append(out, sql + copied, len - copied);
    am_buf_destroy(&repl);
}
