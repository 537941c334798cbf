/*
 * proxy/wire.c: PostgreSQL frontend/backend protocol v3 framing. The only encoder of backend
 * messages and the decoder of frontend messages. Pure functions on bytes (never a socket), so
 * tests/fuzz/fuzz_wire.c can feed it anything.
 * Hand-written: no C library implements the server side of the protocol.
 * Spec: PostgreSQL docs, "Frontend/Backend Protocol", "Message Formats";
 *   /work/shared/reference/postgres.md §4.
 *   typed message:  Byte1 type | Int32 len (counts itself, not the type) | body
 *   startup packet: Int32 len | Int32 code | String name, String value ... | 0
 */
#include "proxy/proxy_internal.h"

#include <stdio.h>
#include <string.h>

/* ---- decoders ---------------------------------------------------------------------------- */

bool proxy__startup_decode(const uint8_t *body, size_t len, proxy_startup_t *out, am_err_t *err)
{
    memset(out, 0, sizeof *out);
    am_reader_t r = am_reader_init(body, len);
    out->code = am_read_u32(&r);
    if (r.failed)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "invalid length of startup packet");
    if (out->code == PROXY_CODE_SSL || out->code == PROXY_CODE_GSSENC)
        return am_reader_done(&r, "encryption request", err);
    if (out->code == PROXY_CODE_CANCEL) {
        out->cancel_pid = am_read_u32(&r);
        out->cancel_key = am_read_u32(&r);
        return am_reader_done(&r, "cancel request", err);
    }
    if ((out->code >> 16) != 3)
        return true; /* the caller refuses the version with 08P01 */
    for (;;) {
        size_t nlen = 0;
        const char *name = am_read_cstr(&r, &nlen);
        if (!name)
            return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                              "invalid startup packet layout: expected terminator as last byte");
        if (nlen == 0)
            break;
        const char *value = am_read_cstr(&r, NULL);
        if (!value)
            return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                              "invalid startup packet layout: missing value for \"%.64s\"", name);
        if (out->n_params == PROXY_STARTUP_MAX_PARAMS)
            return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                              "startup packet has more than %d parameters",
                              PROXY_STARTUP_MAX_PARAMS);
        out->names[out->n_params] = name;
        out->values[out->n_params++] = value;
    }
    return am_reader_done(&r, "startup packet", err);
}

const char *proxy__startup_param(const proxy_startup_t *st, const char *name)
{
    for (size_t i = 0; i < st->n_params; i++)
        if (strcmp(st->names[i], name) == 0)
            return st->values[i];
    return NULL;
}

bool proxy__sasl_initial_decode(const uint8_t *body, size_t len, proxy_sasl_initial_t *out,
                                am_err_t *err)
{
    am_reader_t r = am_reader_init(body, len);
    out->mechanism = am_read_cstr(&r, NULL);
    int32_t n = am_read_i32(&r);
    out->data = NULL;
    out->data_len = 0;
    if (!r.failed && n >= 0) {
        out->data = am_read_bytes(&r, (size_t)n);
        out->data_len = (size_t)n;
    }
    if (r.failed || n < -1)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "malformed SASLInitialResponse");
    return am_reader_done(&r, "SASLInitialResponse", err);
}

bool proxy__query_decode(const uint8_t *body, size_t len, const char **sql, am_err_t *err)
{
    am_reader_t r = am_reader_init(body, len);
    *sql = am_read_cstr(&r, NULL);
    return am_reader_done(&r, "Query message", err);
}

/* Int16 count then count Int16s into the arena. */
static int16_t *read_i16_array(am_reader_t *r, am_arena_t *arena, uint16_t *n)
{
    *n = am_read_u16(r);
    if (r->failed || am_reader_left(r) < (size_t)*n * 2) {
        r->failed = true;
        return NULL;
    }
    int16_t *a = am_arena_alloc(arena, (size_t)*n * sizeof *a + 1);
    for (uint16_t i = 0; i < *n; i++)
        a[i] = am_read_i16(r);
    return a;
}

bool proxy__parse_decode(const uint8_t *body, size_t len, am_arena_t *arena, proxy_parse_msg_t *out,
                         am_err_t *err)
{
    am_reader_t r = am_reader_init(body, len);
    out->name = am_read_cstr(&r, NULL);
    out->sql = am_read_cstr(&r, NULL);
    out->n_params = am_read_u16(&r);
    out->param_oids = NULL;
    if (!r.failed && am_reader_left(&r) >= (size_t)out->n_params * 4) {
        out->param_oids = am_arena_alloc(arena, (size_t)out->n_params * 4 + 1);
        for (uint16_t i = 0; i < out->n_params; i++)
            out->param_oids[i] = am_read_u32(&r);
    } else {
        r.failed = true;
    }
    return am_reader_done(&r, "Parse message", err);
}

static bool read_bind_params(am_reader_t *r, am_arena_t *arena, proxy_bind_msg_t *out)
{
    out->n_params = am_read_u16(r);
    if (r->failed || am_reader_left(r) < (size_t)out->n_params * 4)
        return false;
    out->values = am_arena_alloc(arena, (size_t)out->n_params * sizeof *out->values + 1);
    out->lens = am_arena_alloc(arena, (size_t)out->n_params * sizeof *out->lens + 1);
    for (uint16_t i = 0; i < out->n_params; i++) {
        int32_t n = am_read_i32(r);
        out->lens[i] = n;
        out->values[i] = NULL;
        if (n < -1)
            return false;
        if (n >= 0) {
            out->values[i] = am_read_bytes(r, (size_t)n);
            if (!out->values[i])
                return false;
        }
    }
    return !r->failed;
}

bool proxy__bind_decode(const uint8_t *body, size_t len, am_arena_t *arena, proxy_bind_msg_t *out,
                        am_err_t *err)
{
    memset(out, 0, sizeof *out);
    am_reader_t r = am_reader_init(body, len);
    out->portal = am_read_cstr(&r, NULL);
    out->stmt = am_read_cstr(&r, NULL);
    out->formats = read_i16_array(&r, arena, &out->n_formats);
    if (r.failed || !read_bind_params(&r, arena, out))
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "malformed Bind message");
    out->result_formats = read_i16_array(&r, arena, &out->n_result_formats);
    if (!am_reader_done(&r, "Bind message", err))
        return false;
    if (out->n_formats > 1 && out->n_formats != out->n_params)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "bind message has %u parameter formats but %u parameters", out->n_formats,
                          out->n_params);
    return true;
}

int16_t proxy__bind_format(const int16_t *formats, size_t n, size_t i)
{
    if (n == 1)
        return formats[0];
    if (i < n)
        return formats[i];
    return 0;
}

bool proxy__target_decode(const uint8_t *body, size_t len, char *kind, const char **name,
                          am_err_t *err)
{
    am_reader_t r = am_reader_init(body, len);
    *kind = (char)am_read_u8(&r);
    *name = am_read_cstr(&r, NULL);
    if (!am_reader_done(&r, "Describe/Close message", err))
        return false;
    if (*kind != 'S' && *kind != 'P')
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "invalid DESCRIBE/CLOSE message subtype %d", *kind);
    return true;
}

bool proxy__execute_decode(const uint8_t *body, size_t len, const char **portal, uint32_t *max_rows,
                           am_err_t *err)
{
    am_reader_t r = am_reader_init(body, len);
    *portal = am_read_cstr(&r, NULL);
    *max_rows = am_read_u32(&r);
    return am_reader_done(&r, "Execute message", err);
}

/* ---- encoders ---------------------------------------------------------------------------- */

size_t proxy__msg_begin(am_buf_t *b, char type)
{
    am_buf_put_u8(b, (uint8_t)type);
    size_t off = b->len;
    am_buf_put_u32(b, 0);
    return off;
}

void proxy__msg_end(am_buf_t *b, size_t len_off)
{
    am_buf_set_u32(b, len_off, (uint32_t)(b->len - len_off));
}

static void put_cstr(am_buf_t *b, const char *s)
{
    am_buf_append(b, s, strlen(s) + 1);
}

void proxy__wire_empty(am_buf_t *b, char type)
{
    proxy__msg_end(b, proxy__msg_begin(b, type));
}

void proxy__wire_auth(am_buf_t *b, uint32_t code, const void *data, size_t len)
{
    size_t off = proxy__msg_begin(b, 'R');
    am_buf_put_u32(b, code);
    if (len > 0)
        am_buf_append(b, data, len);
    proxy__msg_end(b, off);
}

void proxy__wire_auth_sasl(am_buf_t *b, bool plus)
{
    /* each name NUL-terminated; the list ends with an empty string */
    static const char both[] = "SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0";
    static const char plain[] = "SCRAM-SHA-256\0";
    if (plus)
        proxy__wire_auth(b, 10, both, sizeof both);
    else
        proxy__wire_auth(b, 10, plain, sizeof plain);
}

void proxy__wire_param_status(am_buf_t *b, const char *name, const char *value)
{
    size_t off = proxy__msg_begin(b, 'S');
    put_cstr(b, name);
    put_cstr(b, value);
    proxy__msg_end(b, off);
}

void proxy__wire_backend_key(am_buf_t *b, uint32_t pid, uint32_t key)
{
    size_t off = proxy__msg_begin(b, 'K');
    am_buf_put_u32(b, pid);
    am_buf_put_u32(b, key);
    proxy__msg_end(b, off);
}

void proxy__wire_ready(am_buf_t *b, char status)
{
    size_t off = proxy__msg_begin(b, 'Z');
    am_buf_put_u8(b, (uint8_t)status);
    proxy__msg_end(b, off);
}

void proxy__wire_complete(am_buf_t *b, const char *tag)
{
    size_t off = proxy__msg_begin(b, 'C');
    put_cstr(b, tag);
    proxy__msg_end(b, off);
}

void proxy__wire_negotiate(am_buf_t *b, uint32_t minor, const char *const *names, size_t n)
{
    size_t off = proxy__msg_begin(b, 'v');
    am_buf_put_u32(b, minor);
    am_buf_put_u32(b, (uint32_t)n);
    for (size_t i = 0; i < n; i++)
        put_cstr(b, names[i]);
    proxy__msg_end(b, off);
}

void proxy__wire_param_desc(am_buf_t *b, const uint32_t *oids, size_t n)
{
    size_t off = proxy__msg_begin(b, 't');
    am_buf_put_u16(b, (uint16_t)n);
    for (size_t i = 0; i < n; i++)
        am_buf_put_u32(b, oids[i]);
    proxy__msg_end(b, off);
}

/* A field value must not contain NUL (the wire terminates on it): cut at the first one. */
static void put_field(am_buf_t *b, char code, const char *v)
{
    if (!v || !*v)
        return;
    am_buf_putc(b, code);
    put_cstr(b, v);
}

void proxy__wire_error(am_buf_t *b, char type, const char *severity, const char *sqlstate,
                       const char *message, const char *detail, const char *hint)
{
    proxy__wire_error_at(b, type, severity, sqlstate, message, detail, hint, 0);
}

void proxy__wire_error_at(am_buf_t *b, char type, const char *severity, const char *sqlstate,
                          const char *message, const char *detail, const char *hint, int position)
{
    size_t off = proxy__msg_begin(b, type);
    put_field(b, 'S', severity);
    put_field(b, 'V', severity);
    put_field(b, 'C', sqlstate && *sqlstate ? sqlstate : AM_SQLSTATE_INTERNAL);
    am_buf_putc(b, 'M');
    put_cstr(b, message ? message : "");
    put_field(b, 'D', detail);
    put_field(b, 'H', hint);
    if (position > 0) {
        char pos[16];
        snprintf(pos, sizeof pos, "%d", position);
        put_field(b, 'P', pos);
    }
    am_buf_putc(b, '\0');
    proxy__msg_end(b, off);
}

size_t proxy__wire_rowdesc_begin(am_buf_t *b, uint16_t n_fields)
{
    size_t off = proxy__msg_begin(b, 'T');
    am_buf_put_u16(b, n_fields);
    return off;
}

void proxy__wire_rowdesc_field(am_buf_t *b, const char *name, uint32_t oid, int16_t typlen,
                               int32_t typmod, int16_t format)
{
    proxy__wire_rowdesc_field_at(b, name, 0, 0, oid, typlen, typmod, format);
}

void proxy__wire_rowdesc_field_at(am_buf_t *b, const char *name, uint32_t relid, int16_t attnum,
                                  uint32_t oid, int16_t typlen, int32_t typmod, int16_t format)
{
    put_cstr(b, name);
    am_buf_put_u32(b, relid); /* a plain table column: its table and column number */
    am_buf_put_u16(b, (uint16_t)attnum);
    am_buf_put_u32(b, oid);
    am_buf_put_u16(b, (uint16_t)typlen);
    am_buf_put_u32(b, (uint32_t)typmod);
    am_buf_put_u16(b, (uint16_t)format);
}

size_t proxy__wire_datarow_begin(am_buf_t *b, uint16_t n_values)
{
    size_t off = proxy__msg_begin(b, 'D');
    am_buf_put_u16(b, n_values);
    return off;
}
