/*
 * source/array.c: PostgreSQL's text output of a one-dimensional array -> a list value whose
 * items are parsed as the element type (value.c), in the caller's arena.
 * Hand-written: no C library reads PostgreSQL array literals.
 * Spec: PostgreSQL docs, "Arrays", Array Value Input and Output; what array_out prints:
 *   {}                        empty
 *   {1,2,NULL}                elements split by the element type's delimiter (',' but ';'
 *                             for box), NULL unquoted is a null element
 *   {"a b","",NULL,"NULL","x\"y","\\"}
 *                             quoted when empty, "NULL", or holding " \ { } the delimiter or
 *                             white space; inside quotes \ escapes the next character
 *   {{1,2},{3,4}}             more dimensions: refused (0A000), never flattened
 *   [2:3]={1,2}               a lower bound other than 1: refused (0A000), never shifted
 * The whole text stays in the value's s + len (a column stored as text takes it verbatim).
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <string.h>
#include <strings.h>

typedef struct array_cursor {
    const char *s;
    size_t len;
    size_t pos;
    char delim;
} array_cursor_t;

static bool unsupported(am_err_t *err, const char *why, const char *text, size_t len)
{
    char shown[SOURCE_VALUE_CLIP + 4];
    source__value_shown(text, len, shown, sizeof shown);
    return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                      "array value \"%s\" %s: only one-dimensional arrays with lower bound 1 "
                      "can be mirrored",
                      shown, why);
}

/* "..." at c->pos: the text between the quotes with its escapes undone, into arena. */
static bool read_quoted(array_cursor_t *c, am_arena_t *arena, const char **out, size_t *out_len)
{
    size_t start = ++c->pos;
    char *buf = am_arena_alloc(arena, c->len - start + 1);
    size_t n = 0;
    while (c->pos < c->len && c->s[c->pos] != '"') {
        if (c->s[c->pos] == '\\' && ++c->pos == c->len)
            return false;
        buf[n++] = c->s[c->pos++];
    }
    if (c->pos == c->len)
        return false;
    c->pos++; /* the closing quote */
    *out = buf;
    *out_len = n;
    return true;
}

/* Up to the delimiter or the closing brace; array_out never escapes unquoted text. */
static bool read_bare(array_cursor_t *c, const char **out, size_t *out_len)
{
    size_t start = c->pos;
    while (c->pos < c->len && c->s[c->pos] != c->delim && c->s[c->pos] != '}') {
        char ch = c->s[c->pos];
        if (ch == '"' || ch == '\\' || ch == '{')
            return false;
        c->pos++;
    }
    *out = c->s + start;
    *out_len = c->pos - start;
    return *out_len > 0;
}

/* One element at c->pos into item (kind NULL for an unquoted NULL). */
static bool read_item(array_cursor_t *c, am_coltype_t elem, am_arena_t *arena, am_value_t *item,
                      am_err_t *err)
{
    const char *p = NULL;
    size_t n = 0;
    bool quoted = c->s[c->pos] == '"';
    if (quoted ? !read_quoted(c, arena, &p, &n) : !read_bare(c, &p, &n))
        return source__bad_value(err, (am_coltype_t){.type = AM_TYPE_LIST}, c->s, c->len);
    if (!quoted && n == 4 && strncasecmp(p, "NULL", 4) == 0) {
        *item = (am_value_t){.kind = AM_VALUE_NULL};
        return true;
    }
    return source__parse_value(elem, ',', p, n, arena, item, err);
}

/* Elements are at most one more than the delimiters the text holds. */
static size_t max_items(const char *s, size_t len, char delim)
{
    size_t n = 1;
    for (size_t i = 0; i < len; i++)
        n += s[i] == delim;
    return n;
}

static bool read_items(array_cursor_t *c, am_coltype_t t, am_arena_t *arena, am_value_t *out,
                       am_err_t *err)
{
    am_value_t *items = am_arena_alloc(arena, max_items(c->s, c->len, c->delim) * sizeof *items);
    am_coltype_t elem = am_coltype_elem(t);
    size_t n = 0;
    for (c->pos = 1; c->pos < c->len - 1;) {
        if (!read_item(c, elem, arena, &items[n], err)) {
            am_err_prefix(err, "array element %zu", n + 1);
            return false;
        }
        n++;
        if (c->pos < c->len - 1 && c->s[c->pos] != c->delim)
            return source__bad_value(err, t, c->s, c->len);
        if (c->pos < c->len - 1 && ++c->pos == c->len - 1)
            return source__bad_value(err, t, c->s, c->len); /* a delimiter before '}' */
    }
    if (n > UINT32_MAX)
        return am_err_set(err, "54000", "array of %zu elements is too long", n);
    out->items = items;
    out->n_items = (uint32_t)n;
    return true;
}

bool source__parse_array(am_coltype_t t, char delim, const char *text, size_t len,
                         am_arena_t *arena, am_value_t *out, am_err_t *err)
{
    AM_ASSERT(t.type == AM_TYPE_LIST && arena != NULL);
    if (len > 0 && text[0] == '[')
        return unsupported(err, "has a lower bound other than 1", text, len);
    if (len < 2 || text[0] != '{' || text[len - 1] != '}')
        return source__bad_value(err, t, text, len);
    if (text[1] == '{')
        return unsupported(err, "is multi-dimensional", text, len);
    array_cursor_t c = {.s = text, .len = len, .pos = 1, .delim = ','};
    if (delim)
        c.delim = delim;
    return read_items(&c, t, arena, out, err);
}
