/*
 * util/util.h: the helpers every module shares: errors, memory, byte buffers and readers,
 * arenas, logging, time, LSNs, a byte-keyed hash map, neutral column values, SQL quoting.
 * Knows nothing of PostgreSQL, Iceberg, DuckDB or HTTP. Everything here is thread-safe
 * unless the object itself is shared (buffers, arenas and maps belong to one thread).
 */
#ifndef AM_UTIL_H
#define AM_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AM_MUST_CHECK __attribute__((warn_unused_result))
#define AM_PRINTF(fmt_idx, first_arg) __attribute__((format(printf, fmt_idx, first_arg)))
#define AM_NORETURN __attribute__((noreturn))
#define AM_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

AM_NORETURN void am_assert_fail(const char *expr, const char *file, int line);
/* Stays on in release builds: a broken invariant is a bug, never bad input. */
#define AM_ASSERT(cond)                                                                            \
    do {                                                                                           \
        if (!(cond))                                                                               \
            am_assert_fail(#cond, __FILE__, __LINE__);                                             \
    } while (0)

/* ---- errors ------------------------------------------------------------------------------ */

/* Real SQLSTATEs: the proxy sends them as they are, the write path acts on the class. */
#define AM_SQLSTATE_INTERNAL "XX000"
#define AM_SQLSTATE_PROTOCOL_VIOLATION "08P01"
#define AM_SQLSTATE_CONNECTION_FAILURE "08006"
#define AM_SQLSTATE_IO "58030"
#define AM_SQLSTATE_CONFIG "F0000"
#define AM_SQLSTATE_INVALID_PARAMETER "22023"
#define AM_SQLSTATE_BAD_INPUT "22P02"
#define AM_SQLSTATE_UNDEFINED_TABLE "42P01"
#define AM_SQLSTATE_SYNTAX "42601"
#define AM_SQLSTATE_UNSUPPORTED "0A000"
#define AM_SQLSTATE_DISK_FULL "53100"
#define AM_SQLSTATE_OBJECT_IN_USE "55006"

typedef struct am_err {
    char sqlstate[6]; /* PostgreSQL SQLSTATE, e.g. "58030"; "" when no error */
    char msg[512];    /* one line: what failed, on what, with which value */
} am_err_t;

/* Fills err (may be NULL) and returns false, so failing is one statement. */
bool am_err_set(am_err_t *err, const char *sqlstate, const char *fmt, ...) AM_PRINTF(3, 4);
/* Prepends "<context>: " to err->msg. */
void am_err_prefix(am_err_t *err, const char *fmt, ...) AM_PRINTF(2, 3);
/* Sets err from errno with "<context>: strerror"; picks 53100 for ENOSPC/EDQUOT. */
bool am_err_errno(am_err_t *err, int errnum, const char *fmt, ...) AM_PRINTF(3, 4);

/* ---- memory: out of memory aborts (a crash replays from the watermark) -------------------- */

void *am_xmalloc(size_t n);
void *am_xcalloc(size_t count, size_t size);
void *am_xrealloc(void *p, size_t n);
char *am_xstrdup(const char *s);
char *am_xstrndup(const char *s, size_t n);
char *am_xasprintf(const char *fmt, ...) AM_PRINTF(1, 2);

/* ---- growable byte buffer; appends may move data: keep offsets, not pointers -------------- */

typedef struct am_buf {
    char *data; /* always NUL-terminated after any append (not counted in len) */
    size_t len;
    size_t cap;
} am_buf_t;

void am_buf_init(am_buf_t *b);
void am_buf_destroy(am_buf_t *b);
void am_buf_reset(am_buf_t *b); /* empties, keeps capacity */
void am_buf_reserve(am_buf_t *b, size_t extra);
void am_buf_append(am_buf_t *b, const void *p, size_t n);
void am_buf_puts(am_buf_t *b, const char *s);
void am_buf_putc(am_buf_t *b, char c);
void am_buf_printf(am_buf_t *b, const char *fmt, ...) AM_PRINTF(2, 3);
void am_buf_vprintf(am_buf_t *b, const char *fmt, va_list ap) AM_PRINTF(2, 0);
/* Big-endian integers, as PostgreSQL's protocols use. */
/* Decimal text, without printf's cost (result encoders call these per value): v with at
 * least width digits, zero-padded; a signed v with its '-'. */
void am_buf_put_uint(am_buf_t *b, uint64_t v, unsigned width);
void am_buf_put_int(am_buf_t *b, int64_t v);

void am_buf_put_u8(am_buf_t *b, uint8_t v);
void am_buf_put_u16(am_buf_t *b, uint16_t v);
void am_buf_put_u32(am_buf_t *b, uint32_t v);
void am_buf_put_u64(am_buf_t *b, uint64_t v);
void am_buf_set_u32(am_buf_t *b, size_t offset, uint32_t v); /* patch a length prefix */
/* Avro/protobuf zigzag varint of a signed 64-bit value. */
void am_buf_put_zigzag(am_buf_t *b, int64_t v);
/* Takes the bytes out: the caller frees the returned pointer; b is left empty. */
char *am_buf_steal(am_buf_t *b, size_t *len);

/* ---- bounds-checked reader with a sticky failed flag ------------------------------------- */

typedef struct am_reader {
    const uint8_t *p;
    size_t len;
    size_t pos;
    bool failed; /* set by any read past the end; reads then return 0 / NULL */
} am_reader_t;

/* The fixed-width reads are inline: decoders call them for every field of every row (an
 * initial copy reads 10 M rows of 7 fields through them), and a call each cost more than the
 * read. */
static inline am_reader_t am_reader_init(const void *p, size_t len)
{
    am_reader_t r = {.p = p, .len = len, .pos = 0, .failed = false};
    return r;
}

/* Pointer to the next n bytes (borrowed), or NULL and failed. */
static inline const uint8_t *am_read_bytes(am_reader_t *r, size_t n)
{
    if (r->failed || n > r->len - r->pos) {
        r->failed = true;
        return NULL;
    }
    const uint8_t *p = r->p + r->pos;
    r->pos += n;
    return p;
}

/* Big-endian (network order), 0 once failed. */
static inline uint8_t am_read_u8(am_reader_t *r)
{
    const uint8_t *p = am_read_bytes(r, 1);
    return p ? p[0] : 0;
}

static inline uint16_t am_read_u16(am_reader_t *r)
{
    const uint8_t *p = am_read_bytes(r, 2);
    return p ? (uint16_t)((p[0] << 8) | p[1]) : 0;
}

static inline uint32_t am_read_u32(am_reader_t *r)
{
    const uint8_t *p = am_read_bytes(r, 4);
    if (!p)
        return 0;
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline uint64_t am_read_u64(am_reader_t *r)
{
    uint64_t hi = am_read_u32(r);
    uint64_t lo = am_read_u32(r);
    return (hi << 32) | lo;
}

static inline int16_t am_read_i16(am_reader_t *r)
{
    return (int16_t)am_read_u16(r);
}

static inline int32_t am_read_i32(am_reader_t *r)
{
    return (int32_t)am_read_u32(r);
}

static inline int64_t am_read_i64(am_reader_t *r)
{
    return (int64_t)am_read_u64(r);
}

/* NUL-terminated string inside the buffer (borrowed); len excludes the NUL. */
const char *am_read_cstr(am_reader_t *r, size_t *len);
/* Zigzag varint (Avro int/long); fails on more than 10 bytes. */
int64_t am_read_zigzag(am_reader_t *r);
static inline size_t am_reader_left(const am_reader_t *r)
{
    return r->failed ? 0 : r->len - r->pos;
}
/* False (with err naming what) if the reader failed or bytes are left over. */
bool am_reader_done(const am_reader_t *r, const char *what, am_err_t *err) AM_MUST_CHECK;

/* ---- arena: data that dies together, freed in one call ------------------------------------ */

typedef struct am_arena am_arena_t;
am_arena_t *am_arena_new(size_t block_size);
void am_arena_free(am_arena_t *a);             /* NULL is a no-op */
void am_arena_reset(am_arena_t *a);            /* frees every allocation, keeps the first block */
void *am_arena_alloc(am_arena_t *a, size_t n); /* 8-byte aligned, not zeroed */
void *am_arena_memdup(am_arena_t *a, const void *p, size_t n);
char *am_arena_strndup(am_arena_t *a, const char *s, size_t n);
char *am_arena_strdup(am_arena_t *a, const char *s);
size_t am_arena_used(const am_arena_t *a);

/* Sorts n keys ascending in place; allocates nothing (util/sort.c). */
void am_sort_u64(uint64_t *a, size_t n);

/* ---- logging: one logfmt line per event on stderr ---------------------------------------- */

typedef enum am_log_level {
    AM_LOG_DEBUG = 0,
    AM_LOG_INFO = 1,
    AM_LOG_WARN = 2,
    AM_LOG_ERROR = 3,
} am_log_level_t;

typedef enum am_kv_kind {
    AM_KV_KIND_NONE = 0,
    AM_KV_KIND_STR,
    AM_KV_KIND_I64,
    AM_KV_KIND_F64
} am_kv_kind_t;
typedef struct am_kv {
    const char *key;
    am_kv_kind_t kind;
    const char *s;
    int64_t i;
    double f;
} am_kv_t;

#define AM_KV_STR(k, v) ((am_kv_t){.key = (k), .kind = AM_KV_KIND_STR, .s = (v)})
#define AM_KV_I64(k, v) ((am_kv_t){.key = (k), .kind = AM_KV_KIND_I64, .i = (int64_t)(v)})
#define AM_KV_F64(k, v) ((am_kv_t){.key = (k), .kind = AM_KV_KIND_F64, .f = (double)(v)})
/* An error adds sqlstate= and err= */
#define AM_KV_ERR(e) AM_KV_STR("sqlstate", (e)->sqlstate), AM_KV_STR("err", (e)->msg)

/* Reads LOG_LEVEL; an unknown value keeps info and says so. Call once from main. */
void am_log_init_from_env(void);
void am_log_set_level(am_log_level_t level);
bool am_log_enabled(am_log_level_t level);
/* kvs[0] is a placeholder skipped by the writer (lets the macros take zero pairs). */
void am_log_write(am_log_level_t level, const char *component, const char *msg, const am_kv_t *kvs,
                  size_t n_kvs);
bool am_log_level_parse(const char *s, am_log_level_t *out);

#define AM__LOG(level, comp, msg, ...)                                                             \
    do {                                                                                           \
        if (am_log_enabled(level)) {                                                               \
            const am_kv_t am__kvs[] = {{0}, ##__VA_ARGS__};                                        \
            am_log_write(level, comp, msg, am__kvs, AM_ARRAY_LEN(am__kvs));                        \
        }                                                                                          \
    } while (0)
#define am_log_debug(comp, msg, ...) AM__LOG(AM_LOG_DEBUG, comp, msg, ##__VA_ARGS__)
#define am_log_info(comp, msg, ...) AM__LOG(AM_LOG_INFO, comp, msg, ##__VA_ARGS__)
#define am_log_warn(comp, msg, ...) AM__LOG(AM_LOG_WARN, comp, msg, ##__VA_ARGS__)
#define am_log_error(comp, msg, ...) AM__LOG(AM_LOG_ERROR, comp, msg, ##__VA_ARGS__)

/* ---- time and LSNs ------------------------------------------------------------------------ */

int64_t am_now_us(void);  /* wall clock, Unix microseconds */
int64_t am_mono_us(void); /* monotonic microseconds, for intervals */
void am_sleep_ms(int ms);
/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar (astronomical years: 1 BC
 * is 0; H. Hinnant's days_from_civil). */
int64_t am_days_from_civil(int64_t y, int64_t m, int64_t d);
/* "2026-11-24T15:04:05.123456Z" into out (at least 32 bytes). */
void am_time_format_iso(int64_t unix_us, char *out, size_t out_len);
/* A duration as PostgreSQL reads a millisecond setting: "250", "250ms", "10s", "1.5 min", "2h",
 * "1d"; 0 to 2147483647 ms. False (out untouched) on anything else. */
bool am_duration_ms_parse(const char *s, int64_t *out) AM_MUST_CHECK;
/* A byte size: "512", "64kB", "512MB", "1.5GiB", "2TB" (every unit a power of 1024). */
bool am_size_parse(const char *s, uint64_t *out) AM_MUST_CHECK;

/* Microseconds and days between 1970-01-01 and PostgreSQL's 2000-01-01 epoch. */
#define AM_PG_EPOCH_OFFSET_US INT64_C(946684800000000)
#define AM_PG_EPOCH_OFFSET_DAYS 10957

typedef uint64_t am_lsn_t;
#define AM_LSN_FMT "%X/%X"
#define AM_LSN_ARGS(lsn) (unsigned)((uint64_t)(lsn) >> 32), (unsigned)((uint64_t)(lsn)&0xffffffffu)
/* Parses "16/B374D848". */
bool am_lsn_parse(const char *s, am_lsn_t *out) AM_MUST_CHECK;
/* Formats into out (at least 20 bytes); returns out. */
char *am_lsn_format(am_lsn_t lsn, char *out, size_t out_len);

/* ---- fault injection for crash tests ------------------------------------------------------ */

/*
 * A named point on a path that must survive a crash anywhere ("compact-files-written"). When
 * the environment variable AM_FAULT names it, the process logs the point and kills itself with
 * SIGKILL there, as kill -9 would: end-to-end tests prove every such point ends exact. Costs a
 * getenv when AM_FAULT is unset.
 */
void am_fault_point(const char *name);

/* ---- randomness ---------------------------------------------------------------------------- */

/* Kernel randomness (getrandom); aborts if the kernel refuses: nothing can run without it. */
void am_random_bytes(void *p, size_t n);
/* Random version-4 UUID as 36 lowercase characters + NUL. */
void am_uuid4(char out[37]);
/* Random positive id below 2^53 (JavaScript readers hold longs as doubles). */
int64_t am_random_id53(void);

/* ---- byte-keyed hash map: key bytes -> uint64_t value ------------------------------------- */

typedef struct am_map am_map_t;
am_map_t *am_map_new(void);
void am_map_free(am_map_t *m); /* NULL is a no-op */
/* Copies the key. Returns true if the key was new, false if its value was replaced. */
bool am_map_put(am_map_t *m, const void *key, size_t key_len, uint64_t value);
bool am_map_get(const am_map_t *m, const void *key, size_t key_len, uint64_t *value);
bool am_map_del(am_map_t *m, const void *key, size_t key_len);
size_t am_map_count(const am_map_t *m);
/* Makes room for n entries in all (no rehash until then). */
void am_map_reserve(am_map_t *m, size_t n);
void am_map_clear(am_map_t *m);
/* Calls fn for each entry; fn returns false to stop. Do not modify m inside fn. */
void am_map_foreach(const am_map_t *m,
                    bool (*fn)(const void *key, size_t key_len, uint64_t value, void *ud),
                    void *ud);
/* Calls fn with each entry's value to change in place (no entry added or removed). */
void am_map_update_values(am_map_t *m, void (*fn)(uint64_t *value, void *ud), void *ud);
uint64_t am_hash_bytes(const void *p, size_t n); /* FNV-1a 64 */

/* ---- neutral column types and values (what source decodes, mirror moves, lake stores) ----- */

typedef enum am_type {
    AM_TYPE_BOOL = 1,
    AM_TYPE_INT16,
    AM_TYPE_INT32,
    AM_TYPE_INT64,
    AM_TYPE_FLOAT32,
    AM_TYPE_FLOAT64,
    AM_TYPE_DECIMAL,     /* precision 1-38, scale 0-precision; value is canonical decimal text */
    AM_TYPE_STRING,      /* UTF-8 text; also the fallback for every type without a better home */
    AM_TYPE_BINARY,      /* raw bytes */
    AM_TYPE_DATE,        /* days since 1970-01-01; AM_DATE_(NEG_)INFINITY for +-infinity */
    AM_TYPE_TIME,        /* microseconds since midnight */
    AM_TYPE_TIMESTAMP,   /* microseconds since 1970-01-01, no zone; AM_TS_(NEG_)INFINITY */
    AM_TYPE_TIMESTAMPTZ, /* microseconds since 1970-01-01 UTC; AM_TS_(NEG_)INFINITY */
    AM_TYPE_UUID,        /* value is the canonical text: 36 lowercase characters with hyphens */
    AM_TYPE_LIST,        /* one-dimensional list of elements of type elem (never a list) */
} am_type_t;

/* Infinity as DuckDB (and so the lake) stores it: the extremes of the integer, less one. */
#define AM_DATE_INFINITY INT32_MAX
#define AM_DATE_NEG_INFINITY (-INT32_MAX)
#define AM_TS_INFINITY INT64_MAX
#define AM_TS_NEG_INFINITY (-INT64_MAX)

typedef struct am_coltype {
    am_type_t type;
    int16_t precision; /* AM_TYPE_DECIMAL, or AM_TYPE_LIST of decimals */
    int16_t scale;     /* AM_TYPE_DECIMAL, or AM_TYPE_LIST of decimals */
    am_type_t elem;    /* AM_TYPE_LIST only: the element type; 0 otherwise */
} am_coltype_t;

const char *am_type_name(am_type_t t); /* "int64", "decimal", ... for messages */
/* The element type of a list column (precision and scale carried over). */
am_coltype_t am_coltype_elem(am_coltype_t list);
/* Same type, precision and scale (decimals), element (lists). */
bool am_coltype_equal(am_coltype_t a, am_coltype_t b);

typedef enum am_value_kind {
    AM_VALUE_NULL = 0,
    AM_VALUE_PRESENT = 1,
    AM_VALUE_UNCHANGED = 2, /* an unchanged TOASTed column in an UPDATE: take the old value */
} am_value_kind_t;

/*
 * One column value. bool, int16/32/64, date, time, timestamp(tz) use i; float32/64 use f;
 * decimal, string, uuid and binary use s + len (bytes borrowed from whoever decoded them);
 * lists use items (n_items element values, kind NULL for a null element).
 * A value decoded from source text also keeps that text in s + len, whatever its type (all
 * but binary, whose s holds the bytes): a column the lake stores as text takes it verbatim.
 * Values read back from the lake have s only where the type needs it.
 */
typedef struct am_value {
    uint8_t kind; /* am_value_kind_t */
    int64_t i;
    double f;
    const char *s;
    uint32_t len;
    uint32_t n_items;
    const struct am_value *items;
} am_value_t;

/* ---- SQL text building (for DuckDB statements; values go as parameters where possible) ---- */

/* Appends name as a double-quoted identifier, doubling any quote. */
void am_sql_ident(am_buf_t *b, const char *name);
/* Appends "name~N" as one quoted identifier (name's quotes doubled). */
void am_sql_ident_suffix(am_buf_t *b, const char *name, size_t n);
/* Appends s as a single-quoted literal, doubling any quote (file paths in COPY ... TO). */
void am_sql_literal(am_buf_t *b, const char *s);

/* ---- files -------------------------------------------------------------------------------- */

/* Whole file into b (appended). */
bool am_file_read_all(const char *path, am_buf_t *b, am_err_t *err) AM_MUST_CHECK;
/* mkdir -p with mode 0755. */
bool am_mkdir_p(const char *path, am_err_t *err) AM_MUST_CHECK;
/* rm -rf; missing is fine. */
bool am_remove_tree(const char *path, am_err_t *err) AM_MUST_CHECK;
bool am_path_exists(const char *path);

/* ---- the stack ---------------------------------------------------------------------------- */

/* Bytes of the calling thread's stack still below the caller's frame (SIZE_MAX when the
 * thread's stack cannot be known): what recursion over client-shaped trees checks first, as
 * PostgreSQL's check_stack_depth does. */
size_t am_stack_left(void);

#endif /* AM_UTIL_H */
