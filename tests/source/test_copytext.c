/*
 * tests/source/test_copytext.c: COPY TEXT lines -> fields (source/copytext.c), including the
 * lines PostgreSQL's own COPY TO prints for awkward values.
 */
#include "source_test.h"

typedef struct split {
    source_copy_field_t f[8];
    char scratch[512];
    am_err_t err;
    bool ok;
} split_t;

/* Fields may point into the scratch inside the returned struct: one split at a time. */
static split_t *split(const char *line, size_t n_fields)
{
    static split_t s;
    memset(&s, 0, sizeof s);
    s.ok = source_copytext_split(line, strlen(line), s.scratch, s.f, n_fields, &s.err);
    return &s;
}

static void field_eq(const source_copy_field_t *f, const char *want, size_t want_len)
{
    cr_assert(f->p != NULL, "field is NULL");
    cr_assert_eq(f->len, want_len, "length %zu, want %zu", f->len, want_len);
    cr_assert(memcmp(f->p, want, want_len) == 0);
}

Test(source, copytext_plain_fields_point_into_line)
{
    const char *line = "42\thello\t\t\\N\n";
    split_t *s = split(line, 4);
    cr_assert(s->ok, "%s", s->err.msg);
    field_eq(&s->f[0], "42", 2);
    cr_assert_eq(s->f[0].p, line);
    field_eq(&s->f[1], "hello", 5);
    field_eq(&s->f[2], "", 0);
    cr_assert_null(s->f[3].p);
}

Test(source, copytext_escapes)
{
    split_t *s = split("a\\tb\\nc\\\\d\\re\\bf\\fg\\vh\t\\101\\x41\\x4a\\7\\q\\N1\tx\\xz\n", 3);
    cr_assert(s->ok, "%s", s->err.msg);
    field_eq(&s->f[0], "a\tb\nc\\d\re\bf\fg\vh", 15);
    field_eq(&s->f[1], "AAJ\007qN1", 7);
    field_eq(&s->f[2], "xxz", 3);
}

Test(source, copytext_field_count_errors)
{
    split_t *s = split("1\t2\n", 3);
    cr_assert_not(s->ok);
    cr_assert_str_eq(s->err.sqlstate, "22P04");
    cr_assert(strstr(s->err.msg, "missing data for column 3") != NULL, "%s", s->err.msg);
    s = split("1\t2\t3\n", 2);
    cr_assert_not(s->ok);
    cr_assert(strstr(s->err.msg, "extra data") != NULL, "%s", s->err.msg);
    s = split("1\t2\\\n", 2);
    cr_assert_not(s->ok);
    cr_assert(strstr(s->err.msg, "backslash") != NULL, "%s", s->err.msg);
    cr_assert(split("\n", 0)->ok, "a table without columns prints empty lines");
    cr_assert_not(split("x\n", 0)->ok);
    s = split("", 1);
    cr_assert(s->ok);
    field_eq(&s->f[0], "", 0);
}

/* What PostgreSQL's COPY TO prints for tabs, newlines, backslashes, \N text and unicode. */
Test(source, copytext_round_trips_postgres_output)
{
    amt_create_db("src_copytext_roundtrip");
    PGconn *c = amt_pg_connect("src_copytext_roundtrip");
    amt_pg_exec(c, "CREATE TABLE t (a text, b text, c text)");
    amt_pg_exec(c, "INSERT INTO t VALUES (E'tab\\there\\nline\\r\\\\back', '\\N', NULL), "
                   "(E'\\b\\f' || chr(11) || '\u00e9\u4e2d', '', 'x')");
    PGresult *r = PQexec(c, "COPY t TO STDOUT");
    cr_assert_eq(PQresultStatus(r), PGRES_COPY_OUT);
    PQclear(r);
    char *line = NULL;
    cr_assert(PQgetCopyData(c, &line, 0) > 0);
    split_t *s = split(line, 3);
    cr_assert(s->ok, "%s: %s", line, s->err.msg);
    field_eq(&s->f[0], "tab\there\nline\r\\back", 19);
    field_eq(&s->f[1], "\\N", 2);
    cr_assert_null(s->f[2].p);
    PQfreemem(line);
    cr_assert(PQgetCopyData(c, &line, 0) > 0);
    s = split(line, 3);
    cr_assert(s->ok, "%s", s->err.msg);
    field_eq(&s->f[0], "\b\f\v\u00e9\u4e2d", 8);
    field_eq(&s->f[1], "", 0);
    field_eq(&s->f[2], "x", 1);
    PQfreemem(line);
    cr_assert_eq(PQgetCopyData(c, &line, 0), -1);
    PQclear(PQgetResult(c));
    PQfinish(c);
}
