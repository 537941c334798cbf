/*
 * source/copytext.c: one line of COPY ... TO STDOUT in TEXT format -> its fields.
 * Pure (bytes in, fields out) and fuzzable; the initial copy (copy.c) calls it per row.
 * Hand-written: libpq hands out raw COPY lines and no library splits them.
 * Spec: PostgreSQL docs, "COPY", File Formats, Text Format (what CopyReadAttributesText reads):
 *   fields separated by a tab, the line ends in "\n"; a field that is exactly \N is NULL;
 *   \b \f \n \r \t \v, \\ , \ooo (1-3 octal digits), \xh[h] (1-2 hex digits), and a backslash
 *   before any other character stands for that character.
 * Fields without a backslash point into the line, so the common row copies nothing.
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <string.h>

#define BAD_COPY "22P04" /* bad_copy_file_format */

static int octal_digit(char c)
{
    return c >= '0' && c <= '7' ? c - '0' : -1;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes the escape after a backslash at s[*i] (s[*i] is the character after it). */
static char unescape_one(const char *s, size_t end, size_t *i)
{
    char c = s[(*i)++];
    int d;
    switch (c) {
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
    case 'v':
        return '\v';
    case 'x':
        if (*i >= end || (d = hex_digit(s[*i])) < 0)
            return 'x';
        (*i)++;
        if (*i < end && hex_digit(s[*i]) >= 0)
            d = d * 16 + hex_digit(s[(*i)++]);
        return (char)d;
    default:
        if ((d = octal_digit(c)) < 0)
            return c;
        for (int n = 1; n < 3 && *i < end && octal_digit(s[*i]) >= 0; n++)
            d = d * 8 + octal_digit(s[(*i)++]);
        return (char)(d & 0xff);
    }
}

/* Unescapes s[start, end) into out; returns the length written, or SIZE_MAX for a backslash
 * that ends the field. */
static size_t unescape(const char *s, size_t start, size_t end, char *out)
{
    size_t n = 0;
    for (size_t i = start; i < end;) {
        if (s[i] != '\\') {
            out[n++] = s[i++];
            continue;
        }
        if (++i == end)
            return SIZE_MAX;
        out[n++] = unescape_one(s, end, &i);
    }
    return n;
}

/* One field s[start, end) into *f, rewriting into scratch (at *used) when it has escapes. */
static bool split_field(const char *s, size_t start, size_t end, char *scratch, size_t *used,
                        source_copy_field_t *f)
{
    size_t n = end - start;
    if (n == 2 && s[start] == '\\' && s[start + 1] == 'N') {
        *f = (source_copy_field_t){.p = NULL, .len = 0};
        return true;
    }
    if (!memchr(s + start, '\\', n)) {
        *f = (source_copy_field_t){.p = s + start, .len = n};
        return true;
    }
    char *out = scratch + *used;
    size_t w = unescape(s, start, end, out);
    if (w == SIZE_MAX)
        return false;
    *f = (source_copy_field_t){.p = out, .len = w};
    *used += w;
    return true;
}

bool source_copytext_split(const char *line, size_t len, char *scratch, source_copy_field_t *fields,
                           size_t n_fields, am_err_t *err)
{
    if (len > 0 && line[len - 1] == '\n')
        len--;
    if (n_fields == 0) {
        if (len != 0)
            return am_err_set(err, BAD_COPY, "copy line: data for a table without columns");
        return true;
    }
    size_t pos = 0, used = 0;
    for (size_t i = 0; i < n_fields; i++) {
        if (pos > len)
            return am_err_set(err, BAD_COPY, "copy line: missing data for column %zu of %zu", i + 1,
                              n_fields);
        const char *tab = memchr(line + pos, '\t', len - pos);
        size_t end = tab ? (size_t)(tab - line) : len;
        if (tab && i + 1 == n_fields)
            return am_err_set(err, BAD_COPY, "copy line: extra data after column %zu", n_fields);
        if (!split_field(line, pos, end, scratch, &used, &fields[i]))
            return am_err_set(err, BAD_COPY, "copy line: column %zu ends in a lone backslash",
                              i + 1);
        pos = end + 1;
    }
    return true;
}
