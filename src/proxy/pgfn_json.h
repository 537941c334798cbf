/*
 * proxy/pgfn_json.h: PostgreSQL 15's json and jsonb, for the am_json_* / am_jsonb_* functions
 * (docs/pgface.md sections 2 and 4) and for any proxy code that needs jsonb text.
 *
 * Representation inside DuckDB: a json value is a VARCHAR holding the exact text PostgreSQL
 * prints (its input, verbatim); a jsonb value is a VARCHAR holding PostgreSQL's jsonb output
 * text ({"a": 1, "b": [1, 2]}: keys shorter-first then bytewise, duplicates resolved last-wins,
 * numbers as PostgreSQL numeric text, strings escaped as jsonb prints them).
 *
 * Errors. A DuckDB function error is the string "<SQLSTATE> <message>", followed, when
 * PostgreSQL adds them, by "\nDETAIL: <detail>" and "\nHINT: <hint>" (one line each), e.g.
 *   22P02 invalid input syntax for type json
 *   DETAIL: Token "x" is invalid.
 * PostgreSQL's CONTEXT line ("JSON data, line 1: ...") is not reproduced.
 * Nesting deeper than PROXY_JSON_MAX_DEPTH fails with 54001 "stack depth limit exceeded"
 * (PostgreSQL 15 with max_stack_depth=2MB accepts every function at depth 6000 and fails near
 * 10000-20000 depending on the function). At that depth the recursion here uses under 1 MB of
 * stack (about 4 MB under ASan).
 *
 * Collation: jsonb's btree order compares strings with the database's default collation;
 * proxy__jsonb_cmp compares them bytewise, which is PostgreSQL's answer under C, POSIX and
 * C.UTF-8 only. The emitter must refuse (0A000) ordering jsonb under any other collation.
 *
 * -------------------------------------------------------------------------------------------
 * DuckDB functions (registered by proxy__pgfn_json_register). J = json text, B = jsonb text,
 * all VARCHAR. Strict (NULL in -> NULL out) unless marked [nulls].
 *
 *  input and casts
 *   am_json_in(J) -> J                    json_in: validates, returns the text unchanged
 *   am_jsonb_in(VARCHAR) -> B             jsonb_in, and json::jsonb
 *   am_jsonb_out_json(B) -> J             jsonb::json (the jsonb text); jsonb::text needs none
 *   am_jsonb_to_numeric(B) -> VARCHAR     jsonb::numeric (PostgreSQL numeric text)
 *   am_jsonb_to_int2/int4/int8(B) -> SMALLINT/INTEGER/BIGINT   jsonb::int2/int4/int8
 *   am_jsonb_to_float4/float8(B) -> FLOAT/DOUBLE               jsonb::float4/float8
 *   am_jsonb_to_bool(B) -> BOOLEAN        jsonb::bool
 *     refuse as PostgreSQL 15 does: 22023 "cannot cast jsonb <type> to type <type>" (a jsonb
 *     null too), 22003 on overflow.
 *
 *  operators (json and jsonb twins: am_json_X(J, ...) and am_jsonb_X(B, ...))
 *   am_json[b]_get(J, VARCHAR key) -> J          ->  text
 *   am_json[b]_get_text(J, VARCHAR key) -> VARCHAR   ->> text
 *   am_json[b]_idx(J, INTEGER) -> J              ->  int (negative counts from the end)
 *   am_json[b]_idx_text(J, INTEGER) -> VARCHAR   ->> int
 *   am_json[b]_path(J, VARCHAR[]) -> J           #>
 *   am_json[b]_path_text(J, VARCHAR[]) -> VARCHAR    #>>
 *   am_json[b]_extract_path(J, VARIADIC VARCHAR) -> J, am_json[b]_extract_path_text -> VARCHAR
 *     json[b]_extract_path(_text); the emitter passes VARIADIC ARRAY[...] calls to _path.
 *     A json sub-value is its exact input text; ->> of a string is the unescaped string, of
 *     null is NULL.
 *   am_jsonb_contains(B, B) -> BOOLEAN    @>   (<@ is the same with arguments swapped)
 *   am_jsonb_exists(B, VARCHAR) -> BOOLEAN                 ?
 *   am_jsonb_exists_any / am_jsonb_exists_all(B, VARCHAR[]) -> BOOLEAN   ?| ?&
 *   am_jsonb_concat(B, B) -> B            ||
 *   am_jsonb_delete(B, VARCHAR) -> B      - text       22023 "cannot delete from scalar"
 *   am_jsonb_delete_idx(B, INTEGER) -> B  - int        22023 also "... object using integer
 *                                                      index"
 *   am_jsonb_delete_keys(B, VARCHAR[]) -> B   - text[]
 *   am_jsonb_delete_path(B, VARCHAR[]) -> B   #-       22023 "cannot delete path in scalar",
 *                                                      22P02 non-integer array index
 *   am_jsonb_eq / am_jsonb_ne(B, B) -> BOOLEAN   = <> (numbers compare numerically)
 *   am_jsonb_eqkey(B) -> B                the jsonb with its numbers at their shortest text:
 *                                         equal for values = calls equal (GROUP BY, DISTINCT)
 *   am_jsonb_cmp(B, B) -> INTEGER         jsonb's btree order (-1, 0, 1); see Collation
 *
 *  Every json function that unescapes strings (all but json_in, json_typeof,
 *  json_array_length and json_array_elements) refuses what PostgreSQL's unescaping refuses,
 *  anywhere in the document: 22P05 "unsupported Unicode escape sequence" (\u0000), 22P02
 *  with a surrogate DETAIL.
 *
 *  functions
 *   am_json[b]_typeof(J) -> VARCHAR
 *   am_json[b]_array_length(J) -> INTEGER   22023 "cannot get array length of a scalar" / "of a
 *                                           non-array"
 *   am_json[b]_object_keys(J) -> VARCHAR[]  set-returning: the emitter unnests; 22023 "cannot
 *                                           call json[b]_object_keys on a scalar" / "an array"
 *   am_json[b]_array_elements(J) -> VARCHAR[] (json[b] texts), am_json[b]_array_elements_text
 *     22023 json: "cannot call json_array_elements[_text] on a scalar" / "on a non-array";
 *     jsonb: "cannot extract elements from a scalar" / "from an object"
 *   am_json[b]_each(J), am_json[b]_each_text(J) -> STRUCT(key VARCHAR, value VARCHAR)[]
 *     22023 json: "cannot deconstruct a scalar" / "an array as an object"; jsonb: "cannot call
 *     jsonb_each[_text] on a non-object"
 *   am_jsonb_pretty(B) -> VARCHAR
 *   am_json_strip_nulls(J) -> J, am_jsonb_strip_nulls(B) -> B
 *   am_jsonb_set(B, VARCHAR[] path, B new [, BOOLEAN create_missing]) -> B
 *   am_jsonb_insert(B, VARCHAR[] path, B new [, BOOLEAN insert_after]) -> B
 *     22023 "cannot set path in scalar", "cannot replace existing key" (insert, with HINT);
 *     22004 "path element at position N is null"; 22P02 "path element at position N is not
 *     an integer: ..."
 *
 *  construction. A PostgreSQL value arrives as two VARCHARs, its text and its kind, chosen by
 *  the emitter from the PostgreSQL type:
 *  (texts are the type's output text in the session, as the wire would print them)
 *     'null'       SQL NULL of any type (a NULL text means null for any kind too)
 *     'bool'       t/f or true/false
 *     'number'     int2/int4/int8/float4/float8/numeric output text (NaN/Infinity too)
 *     'string'     any other type's output text (text, varchar, interval, uuid, bytea, ...)
 *     'json'       json text;  'jsonb'  jsonb text
 *     'date', 'time', 'timetz', 'timestamp', 'timestamptz'
 *                  the type's output text with DateStyle ISO (timestamptz in the session's
 *                  TimeZone), e.g. "2024-01-02 03:04:05.5+01"; timestamps print in XSD form
 *                  "2024-01-02T03:04:05.5+01:00", the others as their text
 *     'array:<kind>'  the array's PostgreSQL output text ({1,2,NULL}, {{1,2},{3,4}},
 *                  [0:1]={1,2}) of elements of that kind
 *   Composite and record values have no kind: the emitter refuses them (0A000). So do arrays
 *   of box (their delimiter is ';'). An unknown kind is XX000 (an emitter bug).
 *   am_to_json(VARCHAR text, VARCHAR kind) -> J, am_to_jsonb(...) -> B           [nulls]
 *   am_json_build_object(VARIADIC VARCHAR) -> J   text1, kind1, text2, kind2, ...: key/value
 *   am_jsonb_build_object(VARIADIC VARCHAR) -> B  pairs of PostgreSQL arguments      [nulls]
 *   am_json_build_array / am_jsonb_build_array(VARIADIC VARCHAR) -> J / B            [nulls]
 *     (no arguments: am_json_build_object() etc.)
 *   aggregates, fed by DuckDB's list() in the group's order (NULL values kept):
 *   am_json_agg_final(VARCHAR[] texts, VARCHAR[] kinds | VARCHAR kind) -> J    json_agg
 *   am_jsonb_agg_final(...) -> B                                               jsonb_agg
 *   am_json_object_agg_final(VARCHAR[] keys, VARCHAR key_kind, VARCHAR[] values,
 *                            VARCHAR value_kind) -> J                        json_object_agg
 *   am_jsonb_object_agg_final(...) -> B                                     jsonb_object_agg
 *     An empty list gives NULL (PostgreSQL's aggregate over no rows). Kinds of aggregates
 *     may also be lists (one kind per element).
 *   Refusals, as PostgreSQL: 22023 "argument list must have even number of elements" (HINT),
 *   "argument N cannot be null" (json, HINT) / "argument N: key must not be null" (jsonb),
 *   "key value must be scalar, not array, composite, or json", "field name must not be null"
 *   (object aggregates); 22P02 for an array text that is not PostgreSQL's array output.
 * -------------------------------------------------------------------------------------------
 *
 * Threads: every function here is pure; allocations go to the caller's arena.
 */
#ifndef AM_PROXY_PGFN_JSON_H
#define AM_PROXY_PGFN_JSON_H

#include "util/util.h"

#define PROXY_JSON_MAX_DEPTH 6000

/* jsonb's type order: null < string < number < boolean < array < object. */
typedef enum proxy_json_kind {
    PROXY_JSON_NULL = 0,
    PROXY_JSON_STRING,
    PROXY_JSON_NUMBER,
    PROXY_JSON_BOOL,
    PROXY_JSON_ARRAY,
    PROXY_JSON_OBJECT,
} proxy_json_kind_t;

typedef struct proxy_json_str {
    const char *p; /* not NUL-terminated */
    size_t len;
} proxy_json_str_t;

typedef struct proxy_json proxy_json_t;

typedef struct proxy_json_pair {
    proxy_json_str_t key;     /* unescaped when parsed with PROXY_JSON_ESCAPES */
    proxy_json_str_t key_src; /* the key's token, quotes included */
    proxy_json_t *value;
} proxy_json_pair_t;

struct proxy_json {
    proxy_json_kind_t kind;
    bool boolean;
    proxy_json_str_t src; /* exact input text: the token, or '{' to '}' / '[' to ']' */
    proxy_json_str_t str; /* STRING: unescaped (with PROXY_JSON_ESCAPES, else the token);
                           * NUMBER: jsonb numeric text (PROXY_JSON_JSONB), else the token */
    size_t n;             /* ARRAY: elements; OBJECT: pairs */
    proxy_json_t **elems;
    proxy_json_pair_t *pairs;
};

/* An error as PostgreSQL reports it; the strings are static or in the call's arena. */
typedef struct proxy_json_err {
    char sqlstate[6];
    const char *msg;
    const char *detail; /* NULL: none */
    const char *hint;   /* NULL: none */
} proxy_json_err_t;

/* Fills err and returns false. */
bool proxy__json_fail(proxy_json_err_t *err, const char *sqlstate, const char *msg);
/* Same, message printf-formatted into arena. */
bool proxy__json_failf(proxy_json_err_t *err, am_arena_t *arena, const char *sqlstate,
                       const char *fmt, ...) AM_PRINTF(4, 5);

/* ---- parsing (pgfn_json_parse.c) ---------------------------------------------------------- */

#define PROXY_JSON_ESCAPES 1u /* unescape strings; reject what PostgreSQL's unescaping rejects */
#define PROXY_JSON_JSONB 2u   /* jsonb: numbers to numeric text, objects sorted and unique */

/* Parses text as PostgreSQL's json parser does (same errors, same order). The tree lives in
 * arena and points into text. NULL + err on failure. */
proxy_json_t *proxy__json_parse(const char *text, size_t len, unsigned flags, am_arena_t *arena,
                                proxy_json_err_t *err) AM_MUST_CHECK;
/* PostgreSQL's numeric text for a number's text (JSON grammar, or any numeric output: sign,
 * digits, '.', exponent, surrounding blanks), into arena. False + err (22003 "value overflows
 * numeric format", 22P02 on bad syntax). */
bool proxy__json_numeric(const char *text, size_t len, am_arena_t *arena, proxy_json_str_t *out,
                         proxy_json_err_t *err) AM_MUST_CHECK;
/* Numeric comparison of two PostgreSQL numeric texts (finite): <0, 0, >0. */
int proxy__json_numeric_cmp(proxy_json_str_t a, proxy_json_str_t b);
/* True if text is a JSON number (PostgreSQL's IsValidJsonNumber). */
bool proxy__json_is_number(const char *text, size_t len);
/* Sorts an object's pairs as jsonb does and drops duplicate keys (the last one wins). */
void proxy__jsonb_uniquify(proxy_json_t *obj);

/* ---- output (pgfn_json_out.c) ------------------------------------------------------------- */

/* PostgreSQL's escape_json: s quoted and escaped, appended to out. */
void proxy__json_escape(am_buf_t *out, const char *s, size_t len);
/* Appends v's jsonb text (PostgreSQL's JsonbToCString). */
void proxy__jsonb_encode(am_buf_t *out, const proxy_json_t *v);
/* Appends jsonb_pretty(v). */
void proxy__jsonb_pretty(am_buf_t *out, const proxy_json_t *v);
/* Appends the text ->> gives for a jsonb value (NULL value: nothing; caller checks kind). */
void proxy__jsonb_as_text(am_buf_t *out, const proxy_json_t *v);
/* Appends the canonical jsonb text of a json text (jsonb_in). False + err. */
bool proxy__jsonb_canon(am_buf_t *out, const char *text, size_t len, am_arena_t *arena,
                        proxy_json_err_t *err) AM_MUST_CHECK;

/* Casts (pgfn_json_num.c). True if root is of kind want, else 22023 "cannot cast jsonb <kind>
 * to type <type>". */
bool proxy__jsonb_scalar_for_cast(const proxy_json_t *root, proxy_json_kind_t want,
                                  const char *type, am_arena_t *arena,
                                  proxy_json_err_t *err) AM_MUST_CHECK;
/* numeric -> int2/int4/int8 (bits 16, 32, 64): rounds half away from zero; 22003 on overflow. */
bool proxy__json_numeric_to_int(proxy_json_str_t num, int bits, int64_t *out,
                                proxy_json_err_t *err) AM_MUST_CHECK;
/* numeric -> float8 (or float4 when single), as float8in/float4in read numeric_out's text. */
bool proxy__json_numeric_to_float(proxy_json_str_t num, bool single, am_arena_t *arena, double *out,
                                  proxy_json_err_t *err) AM_MUST_CHECK;

/* ---- jsonb operators (pgfn_json_ops.c) ---------------------------------------------------- */

proxy_json_t *proxy__json_new(am_arena_t *arena, proxy_json_kind_t kind);
proxy_json_t *proxy__json_new_string(am_arena_t *arena, const char *s, size_t len);
/* jsonb's key order: shorter first, then bytewise. */
int proxy__jsonb_key_cmp(proxy_json_str_t a, proxy_json_str_t b);
/* jsonb's btree comparison (compareJsonbContainers): -1, 0, 1. */
int proxy__jsonb_cmp(const proxy_json_t *a, const proxy_json_t *b);
/* a @> b (jsonb_contains). */
bool proxy__jsonb_contains(const proxy_json_t *a, const proxy_json_t *b);
/* jsonb ? key: a top-level key, or a top-level string element (a string scalar too). */
bool proxy__jsonb_exists(const proxy_json_t *root, const char *key, size_t len);
/* The value of key in a jsonb object (keys sorted and unique), or NULL. */
const proxy_json_t *proxy__jsonb_find_key(const proxy_json_t *obj, const char *key, size_t len);

/* ---- building and editing jsonb (pgfn_json_edit.c); results share the inputs' nodes ----- */

/* a || b. */
const proxy_json_t *proxy__jsonb_concat(am_arena_t *arena, const proxy_json_t *a,
                                        const proxy_json_t *b);
/* Without the top-level keys / string elements equal to one of keys (p NULL: skipped). The
 * caller refuses scalars. */
const proxy_json_t *proxy__jsonb_delete_keys(am_arena_t *arena, const proxy_json_t *v,
                                             const proxy_json_str_t *keys, size_t n_keys);
/* Without array element idx (negative from the end). The caller refuses non-arrays. */
const proxy_json_t *proxy__jsonb_delete_idx(am_arena_t *arena, const proxy_json_t *v, int64_t idx);
/* jsonb_strip_nulls. */
const proxy_json_t *proxy__jsonb_strip_nulls(am_arena_t *arena, const proxy_json_t *v);

/* setPath's operations. */
#define PROXY_JSONB_CREATE 0x01u
#define PROXY_JSONB_DELETE 0x02u
#define PROXY_JSONB_REPLACE 0x04u
#define PROXY_JSONB_INSERT_BEFORE 0x08u
#define PROXY_JSONB_INSERT_AFTER 0x10u
/* jsonb_set / jsonb_insert / #- below the top level of v (a container; path elements with p
 * NULL are SQL NULLs). NULL + err: 22004 null path element, 22P02 non-integer array index,
 * 22023 "cannot replace existing key". */
const proxy_json_t *proxy__jsonb_set_path(am_arena_t *arena, const proxy_json_t *v,
                                          const proxy_json_str_t *path, size_t len,
                                          const proxy_json_t *newval, unsigned op,
                                          proxy_json_err_t *err);

/* ---- lookups (pgfn_json_get.c) ------------------------------------------------------------ */

/* json -> ->> #> #>> as get_worker: root parsed with PROXY_JSON_ESCAPES from input; names
 * (NULL for -> int) and idx (NULL for -> text; negative entries are rewritten) give the path.
 * Result p NULL: SQL NULL. */
proxy_json_str_t proxy__json_get(const proxy_json_t *root, const char *input,
                                 const proxy_json_str_t *names, int *idx, size_t npath,
                                 bool as_text, am_arena_t *arena);
/* strtoint(s, &end, 10) consuming all of s (leading blanks and a sign allowed). */
bool proxy__json_strtoint(const char *s, size_t len, am_arena_t *arena, int *out);
/* jsonb -> text, -> int, #>: the value or NULL. */
const proxy_json_t *proxy__jsonb_field(const proxy_json_t *root, const char *key, size_t len);
const proxy_json_t *proxy__jsonb_element(const proxy_json_t *root, int64_t i);
const proxy_json_t *proxy__jsonb_get_path(const proxy_json_t *root, const proxy_json_str_t *path,
                                          size_t npath, am_arena_t *arena);

/* ---- values of other types (pgfn_json_build.c) -------------------------------------------- */

/* The kinds of docs above ('null', 'bool', ...), with 'array:' for arrays of them. */
typedef enum proxy_json_vkind_base {
    PROXY_JSON_VK_NULL = 0,
    PROXY_JSON_VK_BOOL,
    PROXY_JSON_VK_NUMBER,
    PROXY_JSON_VK_STRING,
    PROXY_JSON_VK_JSON,
    PROXY_JSON_VK_JSONB,
    PROXY_JSON_VK_DATE,
    PROXY_JSON_VK_TIME,
    PROXY_JSON_VK_TIMETZ,
    PROXY_JSON_VK_TIMESTAMP,
    PROXY_JSON_VK_TIMESTAMPTZ,
} proxy_json_vkind_base_t;

typedef struct proxy_json_vkind {
    proxy_json_vkind_base_t base;
    bool array;
    bool composite; /* "record": a record's row_to_json text (base JSON) */
} proxy_json_vkind_t;

/* Reads a kind name; XX000 for an unknown one (an emitter bug). */
bool proxy__json_vkind_parse(proxy_json_str_t s, proxy_json_vkind_t *out, am_arena_t *arena,
                             proxy_json_err_t *err) AM_MUST_CHECK;
/* Appends a value of kind k with text t (p NULL: SQL NULL) as json (datum_to_json); key: as an
 * object key. 22023 for an array/json/jsonb key, 22P02 for a malformed array text. */
bool proxy__json_put(am_buf_t *out, proxy_json_str_t t, proxy_json_vkind_t k, bool key,
                     am_arena_t *arena, proxy_json_err_t *err) AM_MUST_CHECK;
/* The same value as jsonb (datum_to_jsonb); a key is a STRING node. NULL + err. */
proxy_json_t *proxy__jsonb_value(proxy_json_str_t t, proxy_json_vkind_t k, bool key,
                                 am_arena_t *arena, proxy_json_err_t *err);

#endif /* AM_PROXY_PGFN_JSON_H */
