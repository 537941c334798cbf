#!/usr/bin/python3
"""tests/fuzz/make_seeds.py: writes the seed corpora of fuzz_startup, fuzz_extended,
fuzz_pgfn_text, fuzz_pgfn_num, fuzz_pgfn_more, fuzz_pgfn_time and fuzz_sqlc (tests/fuzz/corpus/
startup/, extended/, pgfn_text/, pgfn_num/, pgfn_more/, pgfn_time/, sqlc/) in the input formats
their headers describe: what libpq, psycopg, pgjdbc and psql send, plus the refusals worth
reaching; a call of every text, numeric, time and other function; the end-to-end corpus's
statements (tests/e2e/corpus/*.sql), a few to a file.
Run it again after changing a format; the files it writes are committed."""
import base64
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def u16(n):
    return struct.pack("!H", n)


def u32(n):
    return struct.pack("!I", n)


def i32(n):
    return struct.pack("!i", n)


def cstr(s):
    return (s if isinstance(s, bytes) else s.encode()) + b"\0"


# ---- fuzz_startup: a client's script ---------------------------------------------------------

PROTO_30 = 196608
SSL, GSS, CANCEL = 80877103, 80877104, 80877102


def startup_body(params, code=PROTO_30):
    return u32(code) + b"".join(cstr(k) + cstr(v) for k, v in params) + b"\0"


def op_startup(body):
    return b"\0" + u16(len(body)) + body


def op_msg(kind, body):
    return b"\1" + kind + u16(len(body)) + body


def op_raw(data):
    return b"\2" + u16(len(data)) + data


OP_TLS, OP_END = b"\3", b"\7"


def op_first(mech, first):
    body = cstr(mech) + first.encode()
    return b"\4" + u16(len(body)) + body


def op_final(mode, data=b""):
    return b"\5" + bytes([mode]) + u16(len(data)) + data


def login(params=None, mech="SCRAM-SHA-256", first="n,,n=,r=seednonce1", mode=1, extra=b"", tls=False):
    s = b""
    if tls:
        s += op_startup(u32(SSL)) + OP_TLS
    s += op_startup(startup_body(params or [("user", "fuzz"), ("database", "fuzz")]))
    s += op_first(mech, first) + op_final(mode, extra)
    return s


def query(sql):
    return op_msg(b"Q", cstr(sql))


USER_DB = [("user", "fuzz"), ("database", "fuzz")]
STARTUP = {
    "login": login() + query("SELECT 1"),
    "login_psql_params": login([("user", "fuzz"), ("database", "fuzz"), ("application_name", "psql"),
                                ("client_encoding", "UTF8")]) + query("SHOW application_name"),
    "login_jdbc_params": login([("user", "fuzz"), ("database", "fuzz"), ("client_encoding", "UTF8"),
                                ("DateStyle", "ISO"), ("TimeZone", "Europe/Berlin"),
                                ("extra_float_digits", "2")]),
    "login_options": login([("user", "fuzz"), ("database", "fuzz"),
                            ("options", "-c TimeZone=Asia/Kolkata --extra-float-digits=0 "
                                        "-c statement_timeout=5s -capplication_name=a\\ b -c")]) +
    query("SHOW statement_timeout"),
    "login_options_bad": login([("user", "fuzz"), ("options", "-c nosuch=1 -c TimeZone=No/Zone --=x -c =")]),
    "login_no_database": login([("user", "fuzz")]),
    "wrong_database": login([("user", "fuzz"), ("database", "elsewhere")]),
    "wrong_password": login(mode=1 | 4),
    "unknown_user": login([("user", "nobody"), ("database", "fuzz")]),
    "no_user": op_startup(startup_body([("database", "fuzz")])),
    "empty_user": op_startup(startup_body([("user", ""), ("database", "fuzz")])),
    "replication": op_startup(startup_body(USER_DB + [("replication", "database")])),
    "replication_off": login(USER_DB + [("replication", "off")]),
    "protocol_31_pq": login(USER_DB + [("_pq_.compression", "on")]).replace(u32(PROTO_30), u32(PROTO_30 + 1), 1),
    "protocol_20": op_startup(startup_body(USER_DB, code=2 << 16)),
    "protocol_40": op_startup(startup_body(USER_DB, code=4 << 16)),
    "cancel": op_startup(u32(CANCEL) + u32(1234) + u32(0xdeadbeef)),
    "cancel_short": op_startup(u32(CANCEL) + u32(1234)),
    "gssenc_then_login": op_startup(u32(GSS)) + OP_TLS + login(),
    "ssl_long": op_startup(u32(SSL) + b"xx") + OP_TLS,
    "encryption_thrice": op_startup(u32(GSS)) + op_startup(u32(GSS)) + op_startup(u32(GSS)),
    "tls_login": login(tls=True) + query("SELECT current_user"),
    "tls_plus": login(mech="SCRAM-SHA-256-PLUS", first="p=tls-server-end-point,,n=,r=seednonce2", mode=1 | 2,
                      tls=True),
    "tls_plus_no_binding": login(mech="SCRAM-SHA-256-PLUS", first="n,,n=,r=seednonce3", tls=True),
    "tls_plus_wrong_binding": login(mech="SCRAM-SHA-256-PLUS", first="p=tls-server-end-point,,n=,r=n4",
                                    mode=1, tls=True),
    "tls_downgrade_y": login(first="y,,n=,r=seednonce5", tls=True),
    "tls_binding_without_plus": login(first="p=tls-server-end-point,,n=,r=seednonce6", mode=1 | 2, tls=True),
    "tls_ssl_inside_tls": op_startup(u32(SSL)) + OP_TLS + op_startup(u32(SSL)),
    "plain_y_flag": login(first="y,,n=,r=seednonce7"),
    "plain_binding": login(first="p=tls-server-end-point,,n=,r=seednonce8"),
    "authzid": login(first="n,a=someone,n=,r=seednonce9"),
    "extension": login(first="n,,n=,r=seednonce10,m=ext"),
    "bad_nonce": login(first="n,,n=,r=bad nonce"),
    "no_nonce": login(first="n,,n=fuzz"),
    "bad_mechanism": login(mech="SCRAM-SHA-1"),
    "final_extra_attr": login(extra=b",x=extension"),
    "final_raw_garbage": login(mode=0, extra=b"c=biws,r=wrong,p=AAAA"),
    "final_raw_empty": login(mode=0),
    "final_bad_proof_b64": op_startup(startup_body(USER_DB)) + op_first("SCRAM-SHA-256", "n,,n=,r=abc") +
    op_final(0, b"c=biws,r=abc,p=!!!!"),
    "password_message": op_startup(startup_body(USER_DB)) + op_msg(b"p", cstr("fuzz pw")),
    "sasl_null_data": op_startup(startup_body(USER_DB)) +
    op_msg(b"p", cstr("SCRAM-SHA-256") + i32(-1)),
    "sasl_short": op_startup(startup_body(USER_DB)) + op_msg(b"p", cstr("SCRAM-SHA-256") + i32(50) + b"n,,"),
    "query_before_auth": op_startup(startup_body(USER_DB)) + query("SELECT 1"),
    "startup_too_long": op_raw(u32(9000) + u32(PROTO_30) + b"user\0" + b"x" * 100),
    "startup_too_short": op_raw(u32(4) + u32(PROTO_30)),
    "startup_no_terminator": op_startup(u32(PROTO_30) + b"user\0fuzz\0database\0fuzz"),
    "startup_missing_value": op_startup(u32(PROTO_30) + b"user\0"),
    "startup_many_params": op_startup(startup_body(USER_DB + [(f"p{i}", "v") for i in range(70)])),
    "message_too_long_preauth": op_startup(startup_body(USER_DB)) + op_raw(b"p" + u32(9000) + b"x" * 64),
    "after_login_extended": login() + op_msg(b"P", cstr("") + cstr("SELECT $1::int") + u16(0)) +
    op_msg(b"B", cstr("") + cstr("") + u16(0) + u16(1) + i32(1) + b"7" + u16(0)) +
    op_msg(b"E", cstr("") + u32(0)) + op_msg(b"S", b""),
    "after_login_bad_type": login() + op_msg(b"z", b""),
}

# ---- fuzz_extended: pipelined messages --------------------------------------------------------

INT4, INT8, TEXT, FLOAT8, BOOL, NUMERIC, DATE, TIMESTAMP, TIMESTAMPTZ, BYTEA, UUID, JSONB, INTERVAL = (
    23, 20, 25, 701, 16, 1700, 1082, 1114, 1184, 17, 2950, 3802, 1186)


def m(kind, body=b""):
    return kind + u16(len(body)) + body


def parse(sql, oids=(), name=""):
    return m(b"P", cstr(name) + cstr(sql) + u16(len(oids)) + b"".join(u32(o) for o in oids))


def bind(values=(), formats=(), result_formats=(), stmt="", portal=""):
    body = cstr(portal) + cstr(stmt) + u16(len(formats)) + b"".join(u16(f) for f in formats)
    body += u16(len(values))
    for v in values:
        body += i32(-1) if v is None else i32(len(v)) + v
    body += u16(len(result_formats)) + b"".join(u16(f) for f in result_formats)
    return m(b"B", body)


def describe(kind, name=""):
    return m(b"D", kind + cstr(name))


def execute(portal="", max_rows=0):
    return m(b"E", cstr(portal) + u32(max_rows))


def close(kind, name=""):
    return m(b"C", kind + cstr(name))


SYNC, FLUSH = m(b"S"), m(b"H")


def q(sql):
    return m(b"Q", cstr(sql))


def run(sql, oids=(), values=(), formats=(), result_formats=(), name=""):
    """What libpq's PQexecParams sends."""
    return (parse(sql, oids, name) + bind(values, formats, result_formats, stmt=name) + describe(b"P") +
            execute() + SYNC)


EXTENDED = {
    "select_int_text": run("SELECT $1::int4 + 1", [INT4], [b"41"]),
    "select_int_binary": run("SELECT $1::int4 * 2", [INT4], [struct.pack("!i", 21)], [1], [1]),
    "select_int8_float8_binary": run("SELECT $1::int8, $2::float8", [INT8, FLOAT8],
                                     [struct.pack("!q", -5), struct.pack("!d", 2.5)], [1], [1]),
    "select_untyped_params": run("SELECT $1 || $2", [], [b"a", b"b"]),
    "select_null_param": run("SELECT $1::text IS NULL", [TEXT], [None]),
    "select_bool_numeric": run("SELECT $1::bool, $2::numeric * 2", [BOOL, NUMERIC], [b"t", b"12.50"]),
    "select_numeric_binary": run("SELECT $1::numeric", [NUMERIC],
                                 [u16(2) + u16(0) + u16(0) + u16(2) + u16(12) + u16(5000)], [1], [1]),
    "select_dates": run("SELECT $1::date + 1, $2::timestamp, $3::timestamptz", [DATE, TIMESTAMP, TIMESTAMPTZ],
                        [b"2024-02-29", b"2024-01-01 12:00:00", b"2024-01-01 12:00:00+02"]),
    "select_dates_binary": run("SELECT $1::date, $2::timestamptz", [DATE, TIMESTAMPTZ],
                               [struct.pack("!i", 9000), struct.pack("!q", 760000000000000)], [1], [1]),
    "select_bytea_uuid": run("SELECT $1::bytea, $2::uuid", [BYTEA, UUID],
                             [b"\x00\x01\xff", bytes(range(16))], [1, 1], [0, 1]),
    "select_jsonb_interval": run("SELECT $1::jsonb -> 'a', $2::interval * 2", [JSONB, INTERVAL],
                                 [b'{"a": [1, 2]}', b"1 day 02:00"]),
    "select_binary_results": run("SELECT 1::int2, 2::int4, 3::int8, 1.5::float4, 2.5::float8, true, 'x'::text, "
                                 "'2024-01-01'::date, now(), 1.25::numeric, 'a'::bytea", [], [], [], [1]),
    "generate_series_suspended": (parse("SELECT g FROM generate_series(1, 10) g") + bind() + describe(b"P") +
                                  execute("", 3) + execute("", 3) + execute("", 0) + SYNC),
    "named_statement_reuse": (parse("SELECT $1::int4 * 10", [INT4], "s1") + describe(b"S", "s1") + SYNC +
                              bind([b"1"], stmt="s1", portal="p1") + execute("p1") +
                              bind([b"2"], stmt="s1", portal="p2") + execute("p2") + close(b"P", "p1") +
                              close(b"S", "s1") + SYNC + bind([b"3"], stmt="s1") + SYNC),
    "describe_statement_params": parse("SELECT $1::int4, $2::text, $3", [INT4, 0, 0]) + describe(b"S") + SYNC,
    "error_then_sync": (parse("SELECT 1/0") + bind() + execute() + parse("SELECT 2") + bind() + execute() +
                        SYNC + parse("SELECT 3") + bind() + execute() + SYNC),
    "syntax_error": parse("SELEC 1") + bind() + execute() + SYNC,
    "refused_statement": run("COPY (SELECT 1) TO '/tmp/x'") + run("SELECT * FROM read_text('/etc/passwd')"),
    "transaction_block": (run("BEGIN") + run("SELECT 1") + run("SAVEPOINT a") + run("SELECT 1/0") +
                          run("ROLLBACK TO SAVEPOINT a") + run("COMMIT")),
    "failed_block": run("BEGIN") + run("SELECT x") + run("SELECT 1") + run("ROLLBACK"),
    "set_show": (run("SET TimeZone = 'America/New_York'") + run("SELECT now()::text") + run("SHOW TimeZone") +
                 run("SET statement_timeout = '1s'") + run("RESET ALL") + run("SHOW statement_timeout") +
                 run("DISCARD ALL")),
    "cursor_sql": (run("BEGIN") + run("DECLARE c CURSOR FOR SELECT g FROM generate_series(1, 5) g") +
                   run("FETCH 2 FROM c") + run("MOVE 1 IN c") + run("FETCH ALL FROM c") + run("CLOSE c") +
                   run("COMMIT")),
    "prepare_execute_sql": run("PREPARE p(int) AS SELECT $1 + 1") + run("EXECUTE p(41)") + run("DEALLOCATE p"),
    "catalog_query_jdbc": run("SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                              "ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'v') AND n.nspname LIKE $1 "
                              "ORDER BY 1, 2", [TEXT], [b"%"]),
    "catalog_types": run("SELECT oid, typname, typlen FROM pg_type WHERE oid = ANY($1::oid[])", [0], [b"{23,25,1700}"]),
    "values_order_limit": run("SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, NULL)) v(x, y) ORDER BY x DESC LIMIT $1",
                              [INT8], [b"2"]),
    "window_aggregate": run("SELECT g % 3 AS k, sum(g) OVER (PARTITION BY g % 3 ORDER BY g), count(*) OVER () "
                            "FROM generate_series(1, 20) g ORDER BY 1, 2"),
    "array_params": run("SELECT $1::int[] || 4, array_length($2::text[], 1)", [1007, 1009], [b"{1,2,3}", b"{a,b}"]),
    "array_binary_param": run("SELECT $1::int4[]", [1007],
                              [i32(1) + i32(0) + u32(INT4) + i32(2) + i32(1) + i32(4) + i32(7) + i32(4) + i32(8)],
                              [1], [1]),
    "bad_binary_param": run("SELECT $1::int4", [INT4], [b"\x00\x01"], [1]),
    "bad_text_param": run("SELECT $1::int4", [INT4], [b"forty-two"]),
    "too_few_params": run("SELECT $1::int4, $2::int4", [INT4, INT4], [b"1"]),
    "format_count_mismatch": run("SELECT $1::int4, $2::int4", [INT4, INT4], [b"1", b"2"], [0, 1, 0]),
    "unknown_statement_portal": bind(stmt="nope") + execute("nope") + describe(b"P", "nope") + SYNC,
    "empty_query": parse("") + bind() + describe(b"P") + execute() + SYNC,
    "multi_statement_parse": parse("SELECT 1; SELECT 2") + bind() + execute() + SYNC,
    "flush_between": parse("SELECT 1") + FLUSH + bind() + FLUSH + execute() + FLUSH + SYNC,
    "simple_query_mix": q("SELECT 1; SELECT 'two'") + run("SELECT 3") + q("BEGIN; SELECT 1/0; COMMIT"),
    "copy_out": run("COPY (SELECT g, g::text FROM generate_series(1, 3) g) TO STDOUT") +
    q("COPY (SELECT 1) TO STDOUT WITH (FORMAT csv, HEADER)"),
    "explain": run("EXPLAIN SELECT g FROM generate_series(1, 3) g WHERE g > $1", [INT4], [b"1"]),
    "function_call_message": m(b"F", u32(1598) + u16(0) + u16(0) + u16(0)) + SYNC,
    "statement_timeout_set": run("SET statement_timeout = 50") +
    run("SELECT count(*) FROM generate_series(1, 2000) a, generate_series(1, 2000) b, generate_series(1, 2000) c"),
    "duplicate_portal": (run("BEGIN") + parse("SELECT 1", name="a") + bind(stmt="a", portal="p") +
                         bind(stmt="a", portal="p") + SYNC + run("COMMIT")),
    # a parameter type no catalog knows, before the first catalog is loaded (it crashed the
    # server: found by fuzz_extended)
    "unknown_param_type_no_catalog": run("SELECT g FROM generate_series(1, 3) g WHERE g > $1", [16777449], [b"1"]),
    "unknown_param_types": run("SELECT $1 || $2, $3 = $3", [99999, 4294967295, 1], [b"a", b"b", None]),
    "text_functions": run("SELECT upper($1), regexp_replace($1, 'b+', 'X', 'g'), format('%s-%I', $1, $2), "
                          "to_char(now(), 'YYYY'), md5($1)", [TEXT, TEXT], [b"abbbc", b"Mixed Case"]),
}


# ---- fuzz_pgfn_text: an overload's index, then its arguments ----------------------------------

def vtext(s):
    s = s if isinstance(s, bytes) else s.encode()
    return bytes([len(s)]) + s


def vint(n):
    return bytes([n + 100])  # -100 .. 99


# arguments that read sensibly as any overload's: strings that are patterns, separators,
# formats, arrays, encodings, then small numbers
ARGS = [
    vtext("abc,def,,ghi") + vtext(",") + vint(2) + vtext("x"),
    vtext("foo123bar45") + vtext("[0-9]+") + vtext("<\\&>") + vint(1) + vint(0) + vtext("gi"),
    vtext("%s|%I|%L|%1$s|%-5s|%*s") + bytes([3]) + vtext("a b") + vtext("O'Neil") + vtext("5"),
    vtext('{1,NULL,"a b",\\"q\\"}') + vtext(",") + bytes([2, 1]) + b"x" + bytes([255]),
    vtext("aGVsbG8=") + vtext("base64") + vint(3),
    vtext("Ümläut ẞ 𝄞 text") + vtext("%_ä%") + vtext("\\") + vint(-2) + vint(7),
]
PGFN_TEXT_OVERLOADS = 82  # the family's tables' entries (the harness wraps the index)
PGFN_TEXT = {f"fn{k:03d}_{j}": bytes([k & 255, k >> 8]) + ARGS[(k + j) % len(ARGS)]
             for k in range(PGFN_TEXT_OVERLOADS) for j in (0, 3)}
# substr(text, start, count) with start + count past 2^63 (signed overflow: found by fuzz_pgfn_text)
PGFN_TEXT["substr_start_plus_count_overflows"] = b'\x0c\xb5\x00\xf3{1"a b"\x01U'
# repeat('', huge): a loop of as many empty appends (found by fuzz_pgfn_text: it never ended)
PGFN_TEXT["repeat_empty_string_huge_count"] = bytes([11, 0]) + vtext("") + bytes([201])
# right(text, -2^63): its negation overflowed (found by fuzz_pgfn_text)
PGFN_TEXT["right_of_int64_min"] = b"\x0e\x00\x00\xc8\xda\xf7\xff_ \x00\n\xf0\x8c\x83I"
# a regular expression's {count} of more digits than an int holds (found by fuzz_pgfn_text)
PGFN_TEXT["regex_repeat_count_overflows"] = base64.b64decode(
    "SQALZm9vHzIzBDxcJjMxBSr/dW5rbv////8AFDc3Nzc3Nzc3Nzc3Nzc3Cns3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzf/////"
    "Cns9BmL//////////////////////wAWJQ==")
# overlay(text placing text from start for count) with start + count past 2^63 (fuzz_pgfn_text)
PGFN_TEXT["overlay_start_plus_count_overflows"] = base64.b64decode(
    "EwALi29vAAAAAAAAAAACAPPz8/Pz8/Pz8/Pz8/Pz8/Pz8/Pz8/Pz8/Pz8/Pz8/Pz8/Pz8/Pz8/Pz8/Pz8/PzJ/Pz8/Pz8/Pz"
    "83ICXWk=")


# ---- fuzz_pgfn_num: a definition's index, then its arguments -----------------------------------

NUM_ARGS = [
    vtext("12.345") + vtext("-3.5") + vint(2) + vint(1),
    vtext("1e20") + vtext("0.0001") + vint(-3) + vint(10),
    vtext("-1234567.891") + vtext("S9G999G999D99") + vint(0),
    vtext("NaN") + vtext("Infinity") + vint(5),
    vtext("2") + vtext("0.5") + bytes([116, 92]),
]
PGFN_NUM_DEFS = 82  # the three tables' entries (the harness wraps the index)
PGFN_NUM = {f"fn{k:03d}_{j}": bytes([k]) + NUM_ARGS[(k + j) % len(NUM_ARGS)]
            for k in range(PGFN_NUM_DEFS) for j in (0, 2)}


# ---- fuzz_pgfn_more: a definition's index, then its arguments ----------------------------------

MORE_ARGS = [
    vtext("192.168.1.5/24") + vtext("10.0.0.0/8") + vint(2),
    vtext("2001:db8::ff00:42:8329/64") + vtext("::ffff:1.2.3.4") + vint(3),
    vtext("1.5") + vtext("10") + vtext("2.5"),
    vtext("d\\0061t\\+000061") + vtext("UTF8") + vint(1) + vint(0),
    bytes([4, 1]) + b"a" + bytes([1]) + b"b" + bytes([1]) + b"c" + bytes([255]) + vint(5),
]
PGFN_MORE_DEFS = 42  # the four tables' entries (the harness wraps the index)
PGFN_MORE = {f"fn{k:03d}_{j}": bytes([k]) + MORE_ARGS[(k + j) % len(MORE_ARGS)]
             for k in range(PGFN_MORE_DEFS) for j in (0, 2)}
# generate_series over numeric of wide values: its list outgrew memory (found by fuzz_pgfn_more)
PGFN_MORE["numeric_series_of_wide_values"] = base64.b64decode(
    "AgMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMz"
    "MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzAAAAAAAAAAAAAAAAMzMzMC41AjEKVgkuMQ==")


# ---- fuzz_pgfn_time: a definition's index, then its arguments ----------------------------------

TIME_ARGS = [
    bytes([70, 60, 40]) + vtext("day") + vtext("ISO, MDY") + vtext("UTC"),
    bytes([55, 45, 75]) + vtext("Europe/Berlin") + vtext("YYYY-MM-DD HH24:MI:SS") + bytes([52]),
    bytes([200, 201, 204]) + vtext("2024-02-29 12:34:56.789+05:30") + vtext("postgres"),
    bytes([60, 61, 62, 63, 64, 65]) + vtext("1 year 2 mons -3 days 04:05:06") + vtext("SQL, DMY"),
]
PGFN_TIME_DEFS = 100  # the tables' entries (the harness wraps the index)
PGFN_TIME = {f"fn{k:03d}_{j}": bytes([k]) + TIME_ARGS[(k + j) % len(TIME_ARGS)]
             for k in range(PGFN_TIME_DEFS) for j in (0, 1)}
# make_date(-2147483648, ...): the year's negation overflowed (found by fuzz_pgfn_time)
PGFN_TIME["make_date_of_int_min_year"] = base64.b64decode(
    "TsjJzB0yMDI0LTAyLTI5IDEyOjM0OjU2Ljc4OSswNTozMAhwb3N0Z3Jlcw==")
# a date before PostgreSQL's first made a timestamp: the product overflowed (fuzz_pgfn_time)
PGFN_TIME["date_before_the_first_to_timestamp"] = base64.b64decode("JcL9w9K0/9b/AAQAQQBBQQ==")
# a timestamp near -2^63 split into date and time: the floored day overflowed (fuzz_pgfn_time)
PGFN_TIME["timestamp_near_int64_min_to_fields"] = base64.b64decode("YsjpMCg0AADulzpyZWRzcmVz")
# the difference of two dates beyond PostgreSQL's range overflowed an int (fuzz_pgfn_time)
PGFN_TIME["date_minus_date_overflows"] = base64.b64decode("DY7JMKPG384yOjOmM17IyQ==")
# date_bin's step back a stride from a delta near -2^63 (found by fuzz_pgfn_time)
PGFN_TIME["date_bin_step_back_overflows"] = base64.b64decode(
    "LzIrcyItNAA7ACtzIv////////////////////////////////8tfjQyLw==")
# AT TIME ZONE an interval of about 2^63 µs (found by fuzz_pgfn_time)
PGFN_TIME["at_time_zone_huge_interval"] = base64.b64decode("HzIy/f///wAAAA==")


def corpus_statements(path):
    """The statements of an end-to-end corpus file: comment lines dropped, each ends with ';'
    at the end of a line."""
    with open(path) as f:
        text = "".join(line for line in f if not line.lstrip().startswith("--"))
    return [st.strip() + ";" for st in text.split(";\n") if st.strip()]


SQLC_PER_SEED = 6
SQLC = {}
_corpus = os.path.join(HERE, "..", "e2e", "corpus")
for _name in sorted(os.listdir(_corpus)):
    if _name.endswith(".sql") and _name != "fixture.sql":
        _stmts = corpus_statements(os.path.join(_corpus, _name))
        for _i in range(0, len(_stmts), SQLC_PER_SEED):
            SQLC[f"{_name[:-4]}_{_i // SQLC_PER_SEED:03d}"] = "\n".join(_stmts[_i:_i + SQLC_PER_SEED]).encode()
# deep trees: 1,307 nested unary + overflowed the compiler's stack under the fuzzer's ASan
# (found by fuzz_sqlc); 6,000 of them, or a chain of 5,000 + operators, protobuf-c's reader
SQLC["deep_unary_plus"] = b"SELECT id FROM customers WHERE id = " + b"+" * 1307 + b"1;"
SQLC["deep_unary_6000"] = b"SELECT " + b"+" * 6000 + b"1;"
SQLC["deep_chain_5000"] = b"SELECT " + b"1+" * 5000 + b"1;"
SQLC["deep_subqueries"] = b"SELECT " + b"(SELECT " * 1500 + b"1" + b")" * 1500 + b";"
# a literal that is not UTF-8 reached DuckDB (found by fuzz_sqlc's one-statement check)
SQLC["invalid_utf8"] = b"SELECT am_to_number('$1\xe9\xff,234.56', 'L9,999.99'), 'caf\xc3\xa9';"
# current_setting(expr) with no setting known wrote a CASE without WHEN (found by fuzz_sqlc,
# which compiles without a session)
SQLC["current_setting_no_session"] = b"SHOW max_i$ifnetier_length;\nSHOW is_superuser;\nSHOW no_such_thing;\nSHOW server_version;\nSELECT current_setting(N'server_versfier_length;\nS$userHOW is_superuum')::int / 04999;\nSELECT version();"
# the session byte: Asia/Kolkata, German dates, sql_standard intervals, search_path sales first
SQLC["session_byte"] = bytes([0x01 | 0x04 | 0x20 | 0x80]) + \
    b"SELECT now()::date, interval '1 day 2 hours', code FROM regions ORDER BY 1 LIMIT 1;"


def write(name, seeds):
    d = os.path.join(HERE, "corpus", name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for k, v in seeds.items():
        with open(os.path.join(d, k), "wb") as f:
            f.write(v)
    print(f"{d}: {len(seeds)} seeds")


if __name__ == "__main__":
    write("startup", STARTUP)
    write("extended", EXTENDED)
    write("pgfn_text", PGFN_TEXT)
    write("pgfn_num", PGFN_NUM)
    write("pgfn_more", PGFN_MORE)
    write("pgfn_time", PGFN_TIME)
    write("sqlc", SQLC)
