/*
 * proxy/conn.c: one client connection on its own thread: the startup phase (SSLRequest answered
 * 'S' and TLS when configured, else 'N'; GSSENCRequest 'N'; CancelRequest; StartupMessage),
 * SCRAM-SHA-256[-PLUS] authentication, then the database check and the session count (both
 * only after authentication, as PostgreSQL: nothing is learnt without a password), the first
 * ParameterStatus/BackendKeyData/ReadyForQuery, then the message loop that hands Query to
 * proxy/simple.c and the extended protocol to proxy/extended.c, with the idle-in-transaction
 * timeout. Before authentication no message may exceed 8 kB; the whole of it has one deadline
 * (proxy/limits.c's watchdog shuts a late socket down).
 * Owns the socket I/O; message bytes are built and parsed only by proxy/wire.c.
 * Spec: postgres.md §4.1-4.3, §4.6.
 */
#include "proxy/proxy_internal.h"

#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define PREAUTH_MAX_LEN 8192 /* any message before authentication, startup packet included */

/* ---- socket I/O -------------------------------------------------------------------------- */

static bool read_full(proxy_session_t *s, void *p, size_t n)
{
    size_t got = 0;
    while (got < n && !s->io_failed) {
        ssize_t r = s->ssl ? proxy__tls_read(s, (char *)p + got, n - got)
                           : recv(s->fd, (char *)p + got, n - got, 0);
        if (r > 0)
            got += (size_t)r;
        else if (r < 0 && errno == EINTR)
            continue;
        else
            s->io_failed = true;
    }
    return !s->io_failed;
}

bool proxy__send(proxy_session_t *s)
{
    size_t sent = 0;
    while (sent < s->out.len && !s->io_failed) {
        ssize_t w = s->ssl ? proxy__tls_write(s, s->out.data + sent, s->out.len - sent)
                           : send(s->fd, s->out.data + sent, s->out.len - sent, MSG_NOSIGNAL);
        if (w > 0)
            sent += (size_t)w;
        else if (w < 0 && errno == EINTR)
            continue;
        else
            s->io_failed = true;
    }
    am_buf_reset(&s->out);
    return !s->io_failed;
}

void proxy__maybe_flush(proxy_session_t *s)
{
    if (s->out.len >= PROXY_FLUSH_BYTES)
        (void)proxy__send(s);
}

void proxy__send_error(proxy_session_t *s, const am_err_t *err)
{
    proxy__send_error_at(s, err, 0);
}

/* A message may carry PostgreSQL's DETAIL and HINT after newlines ("msg\nDETAIL:  d"). */
void proxy__send_error_at(proxy_session_t *s, const am_err_t *err, int position)
{
    char msg[sizeof err->msg];
    memcpy(msg, err->msg, sizeof msg);
    msg[sizeof msg - 1] = '\0';
    proxy__limits_error_text(s, err->sqlstate, msg, sizeof msg);
    const char *detail = NULL, *hint = NULL;
    for (char *nl = strchr(msg, '\n'); nl; nl = strchr(nl + 1, '\n')) {
        *nl = '\0';
        if (strncmp(nl + 1, "DETAIL:  ", 9) == 0)
            detail = nl + 10;
        else if (strncmp(nl + 1, "HINT:  ", 7) == 0)
            hint = nl + 8;
    }
    proxy__wire_error_at(&s->out, 'E', "ERROR", err->sqlstate, msg, detail, hint, position);
}

void proxy__send_notice(proxy_session_t *s, const char *sqlstate, const char *msg)
{
    proxy__wire_error(&s->out, 'N', "WARNING", sqlstate, msg, NULL, NULL);
}

static void send_fatal(proxy_session_t *s, const char *sqlstate, const char *msg)
{
    proxy__wire_error(&s->out, 'E', "FATAL", sqlstate, msg, NULL, NULL);
    (void)proxy__send(s);
}

/* Type byte + Int32 length + body into s->in. Returns the type, or 0 on EOF/garbage. */
static char read_message_max(proxy_session_t *s, uint32_t max_len)
{
    uint8_t hdr[5];
    if (!read_full(s, hdr, sizeof hdr))
        return 0;
    uint32_t len = (uint32_t)hdr[1] << 24 | (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 8 | hdr[4];
    if (len < 4 || len > max_len) {
        send_fatal(s, AM_SQLSTATE_PROTOCOL_VIOLATION, "invalid message length");
        return 0;
    }
    am_buf_reset(&s->in);
    am_buf_reserve(&s->in, len - 4);
    if (!read_full(s, s->in.data, len - 4))
        return 0;
    s->in.len = len - 4;
    s->in.data[s->in.len] = '\0';
    return (char)hdr[0];
}

static char read_message(proxy_session_t *s)
{
    return read_message_max(s, PROXY_MAX_MSG_LEN);
}

/* Waits until the client sends something; false after timeout_ms (0 = forever) or on error. */
static bool wait_readable(proxy_session_t *s, int64_t timeout_ms)
{
    if (timeout_ms <= 0 || (s->ssl && proxy__tls_pending(s)))
        return true;
    int64_t deadline = am_mono_us() + timeout_ms * 1000;
    for (;;) {
        int64_t left_ms = (deadline - am_mono_us() + 999) / 1000;
        if (left_ms <= 0)
            return false;
        struct pollfd pf = {.fd = s->fd, .events = POLLIN};
        int n = poll(&pf, 1, left_ms > 1000 ? 1000 : (int)left_ms);
        if (n > 0 || atomic_load(&s->proxy->stopping))
            return true;
        if (n < 0 && errno != EINTR)
            return true; /* the read reports it */
    }
}

/* ---- startup ----------------------------------------------------------------------------- */

/* Reads startup packets until one is not an encryption request (answered 'N'). */
static bool read_startup(proxy_session_t *s, proxy_startup_t *st)
{
    for (int round = 0; round < 3; round++) {
        uint8_t lenb[4];
        if (!read_full(s, lenb, 4))
            return false;
        uint32_t len =
            (uint32_t)lenb[0] << 24 | (uint32_t)lenb[1] << 16 | (uint32_t)lenb[2] << 8 | lenb[3];
        if (len < 8 || len > PREAUTH_MAX_LEN) {
            send_fatal(s, AM_SQLSTATE_PROTOCOL_VIOLATION, "invalid length of startup packet");
            return false;
        }
        am_buf_reset(&s->in);
        am_buf_reserve(&s->in, len - 4);
        if (!read_full(s, s->in.data, len - 4))
            return false;
        s->in.len = len - 4;
        am_err_t err = {0};
        if (!proxy__startup_decode((const uint8_t *)s->in.data, s->in.len, st, &err)) {
            send_fatal(s, err.sqlstate, err.msg);
            return false;
        }
        if (st->code != PROXY_CODE_SSL && st->code != PROXY_CODE_GSSENC)
            return true;
        if (s->ssl) {
            send_fatal(s, AM_SQLSTATE_PROTOCOL_VIOLATION, "SSLRequest inside TLS");
            return false;
        }
        bool tls = st->code == PROXY_CODE_SSL && s->proxy->tls;
        am_buf_putc(&s->out, tls ? 'S' : 'N');
        if (!proxy__send(s) || (tls && !proxy__tls_accept(s)))
            return false;
    }
    send_fatal(s, AM_SQLSTATE_PROTOCOL_VIOLATION, "too many encryption requests");
    return false;
}

static bool falsy(const char *v)
{
    return !strcasecmp(v, "false") || !strcasecmp(v, "off") || !strcasecmp(v, "0") ||
           !strcasecmp(v, "no");
}

/* Version, replication, user, database. Sends the FATAL itself. */
static bool check_startup(proxy_session_t *s, const proxy_startup_t *st)
{
    char msg[300];
    if ((st->code >> 16) != 3) {
        snprintf(msg, sizeof msg, "unsupported frontend protocol %u.%u: server supports 3.0 to 3.0",
                 st->code >> 16, st->code & 0xffff);
        send_fatal(s, AM_SQLSTATE_PROTOCOL_VIOLATION, msg);
        return false;
    }
    const char *unknown[PROXY_STARTUP_MAX_PARAMS];
    size_t n_unknown = 0;
    for (size_t i = 0; i < st->n_params; i++)
        if (strncmp(st->names[i], "_pq_.", 5) == 0)
            unknown[n_unknown++] = st->names[i];
    if ((st->code & 0xffff) != 0 || n_unknown > 0)
        proxy__wire_negotiate(&s->out, PROXY_PROTO_30, unknown, n_unknown);
    const char *repl = proxy__startup_param(st, "replication");
    if (repl && !falsy(repl)) {
        send_fatal(s, AM_SQLSTATE_UNSUPPORTED,
                   "replication connections are not supported by Arctic Mirror");
        return false;
    }
    const char *user = proxy__startup_param(st, "user");
    if (!user || !*user) {
        send_fatal(s, "28000", "no PostgreSQL user name specified in startup packet");
        return false;
    }
    if (!s->ssl && proxy__tls_required(s->proxy)) {
        snprintf(msg, sizeof msg,
                 "connection requires TLS (proxy.tls.mode is require): user \"%.64s\", no "
                 "encryption",
                 user);
        send_fatal(s, "28000", msg);
        return false;
    }
    return true;
}

/* After authentication only, as PostgreSQL: a wrong database is news to a known user only. */
static bool check_database(proxy_session_t *s, const proxy_startup_t *st)
{
    const char *db = proxy__startup_param(st, "database");
    if (!db || !*db)
        db = proxy__startup_param(st, "user");
    if (strcmp(db, s->proxy->database) == 0)
        return true;
    char msg[300];
    snprintf(msg, sizeof msg, "database \"%.200s\" does not exist", db);
    send_fatal(s, PROXY_SQLSTATE_NO_DATABASE, msg);
    return false;
}

/* ---- authentication ---------------------------------------------------------------------- */

static bool auth_fail(proxy_session_t *s, const char *user, const am_err_t *err)
{
    char msg[300];
    if (strcmp(err->sqlstate, PROXY_SQLSTATE_BAD_PASSWORD) == 0) {
        snprintf(msg, sizeof msg, "password authentication failed for user \"%.200s\"", user);
        am_log_info("proxy", "authentication failed", AM_KV_STR("user", user));
        send_fatal(s, PROXY_SQLSTATE_BAD_PASSWORD, msg);
    } else {
        send_fatal(s, err->sqlstate, err->msg);
    }
    return false;
}

/* The mechanism the client chose; over TLS -PLUS is offered first and binds the channel. */
static bool sasl_mechanism(proxy_session_t *s, proxy_scram_t *sc, const char *mech, am_err_t *err)
{
    bool plus = s->ssl && strcmp(mech, "SCRAM-SHA-256-PLUS") == 0;
    if (!plus && strcmp(mech, "SCRAM-SHA-256") != 0)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                          "client selected an invalid SASL authentication mechanism");
    if (s->ssl) {
        size_t n = 0;
        const uint8_t *cb = proxy__tls_cbind(s->proxy, &n);
        proxy__scram_set_tls(sc, plus, cb, n);
    }
    return true;
}

static bool sasl_exchange(proxy_session_t *s, proxy_scram_t *sc, am_err_t *err)
{
    proxy__wire_auth_sasl(&s->out, s->ssl != NULL);
    if (!proxy__send(s) || read_message_max(s, PREAUTH_MAX_LEN) != 'p')
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "expected SASL response");
    proxy_sasl_initial_t init;
    if (!proxy__sasl_initial_decode((const uint8_t *)s->in.data, s->in.len, &init, err) ||
        !sasl_mechanism(s, sc, init.mechanism, err))
        return false;
    am_buf_t reply;
    am_buf_init(&reply);
    bool ok = proxy__scram_first(sc, init.data, init.data_len, &reply, err);
    if (ok) {
        proxy__wire_auth(&s->out, 11, reply.data, reply.len);
        ok = proxy__send(s) && read_message_max(s, PREAUTH_MAX_LEN) == 'p';
        if (!ok)
            am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "expected SASL response");
    }
    am_buf_reset(&reply);
    if (ok)
        ok = proxy__scram_final(sc, (const uint8_t *)s->in.data, s->in.len, &reply, err);
    if (ok)
        proxy__wire_auth(&s->out, 12, reply.data, reply.len);
    am_buf_destroy(&reply);
    return ok;
}

static bool authenticate(proxy_session_t *s, const proxy_startup_t *st)
{
    proxy_t *p = s->proxy;
    const char *user = proxy__startup_param(st, "user");
    proxy_scram_secret_t sec;
    bool found = false;
    am_err_t err = {0};
    if (!proxy__auth_lookup(p, user, &sec, &found, &err)) {
        send_fatal(s, AM_SQLSTATE_CONNECTION_FAILURE,
                   "could not look up the role: the authentication source is unavailable");
        return false;
    }
    proxy_scram_t sc;
    proxy__scram_init(&sc, &sec, found, user, p->doomed_key);
    explicit_bzero(&sec, sizeof sec);
    bool ok = sasl_exchange(s, &sc, &err);
    proxy__scram_destroy(&sc);
    if (!ok) {
        if (s->io_failed)
            return false;
        return auth_fail(s, user, &err);
    }
    proxy__wire_auth(&s->out, 0, NULL, 0);
    s->role = am_xstrdup(user);
    return true;
}

/* ---- the session ------------------------------------------------------------------------- */

static bool open_session(proxy_session_t *s, const proxy_startup_t *st)
{
    duckdb_connection con;
    if (duckdb_connect(s->proxy->db, &con) != DuckDBSuccess) {
        send_fatal(s, AM_SQLSTATE_INTERNAL, "duckdb: cannot open a connection");
        return false;
    }
    s->con = con;
    proxy__client_set_con(s->client, con);
    proxy__session_init(s, st);
    int32_t fixed;
    proxy_tz_t *z;
    if (proxy__tz_parse(proxy__setting_find(s, "TimeZone"), &fixed, &z)) {
        proxy__tz_free(s->tz_zone);
        s->tz_zone = z;
        s->tz_fixed_s = fixed;
    }
    proxy__session_report_all(s);
    proxy__wire_backend_key(&s->out, s->client->pid, s->client->key);
    proxy__wire_ready(&s->out, 'I');
    return proxy__send(s);
}

/* PostgreSQL ends a session idle in a transaction block too long, with a FATAL. */
static bool idle_wait(proxy_session_t *s)
{
    int64_t ms = s->tx != 'I' ? proxy__limits_idle_tx_ms(s) : 0;
    if (wait_readable(s, ms))
        return true;
    send_fatal(s, "25P03", "terminating connection due to idle-in-transaction timeout");
    am_log_info("proxy", "session ended: idle in transaction", AM_KV_I64("timeout_ms", ms));
    return false;
}

static void message_loop(proxy_session_t *s)
{
    while (!s->io_failed && !atomic_load(&s->proxy->stopping)) {
        if (!idle_wait(s))
            return;
        char type = read_message(s);
        am_arena_reset(s->arena);
        if (type == 0 || type == 'X')
            return;
        proxy__limits_message_begin(s);
        atomic_store(&s->client->busy, true);
        if (type == 'Q') {
            const char *sql;
            am_err_t err = {0};
            if (proxy__query_decode((const uint8_t *)s->in.data, s->in.len, &sql, &err)) {
                proxy__simple_query(s, sql);
            } else {
                send_fatal(s, err.sqlstate, err.msg);
                s->io_failed = true;
            }
        } else if (strchr("PBDECSHF", type)) {
            proxy__extended_message(s, type, (const uint8_t *)s->in.data, s->in.len);
        } else {
            send_fatal(s, AM_SQLSTATE_PROTOCOL_VIOLATION, "invalid frontend message type");
            s->io_failed = true;
        }
        atomic_store(&s->client->busy, false);
        proxy__limits_message_end(s);
        if (atomic_load(&s->client->hung_up))
            return;
        if (s->out.len > 0 && type != 'P' && type != 'B' && type != 'D' && type != 'E' &&
            type != 'C')
            (void)proxy__send(s);
    }
    if (atomic_load(&s->proxy->stopping) && !s->io_failed)
        send_fatal(s, PROXY_SQLSTATE_SHUTDOWN,
                   "terminating connection due to administrator command");
}

static void session_run(proxy_session_t *s)
{
    proxy_startup_t st;
    if (!read_startup(s, &st))
        return;
    if (st.code == PROXY_CODE_CANCEL) {
        proxy__cancel(s->proxy, st.cancel_pid, st.cancel_key);
        return;
    }
    /* st points into s->in, which later reads reuse: keep a copy of the packet. */
    am_buf_t packet;
    am_buf_init(&packet);
    am_buf_append(&packet, s->in.data, s->in.len);
    am_err_t err = {0};
    bool ok = proxy__startup_decode((const uint8_t *)packet.data, packet.len, &st, &err) &&
              check_startup(s, &st);
    atomic_store(&s->client->stage, PROXY_STAGE_AUTH);
    ok = ok && authenticate(s, &st) && check_database(s, &st);
    if (ok && !proxy__session_register(s->proxy, s->client)) {
        send_fatal(s, PROXY_SQLSTATE_TOO_MANY, "sorry, too many clients already");
        ok = false;
    }
    if (ok && open_session(s, &st))
        message_loop(s);
    proxy__session_unregister(s->proxy, s->client);
    am_buf_destroy(&packet);
}

void *proxy__client_main(void *arg)
{
    proxy_client_t *c = arg;
    proxy_session_t s;
    memset(&s, 0, sizeof s);
    s.proxy = c->proxy;
    s.client = c;
    s.fd = c->fd;
    s.tx = 'I';
    am_buf_init(&s.in);
    am_buf_init(&s.out);
    s.arena = am_arena_new(16384);
    int one = 1;
    (void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    session_run(&s);
    proxy__extended_reset(&s);
    if (s.con) {
        proxy__client_set_con(c, NULL);
        duckdb_disconnect(&s.con);
    }
    proxy__session_destroy(&s);
    proxy__tls_close(&s);
    free(s.role);
    am_buf_destroy(&s.in);
    am_buf_destroy(&s.out);
    am_arena_free(s.arena);
    shutdown(c->fd, SHUT_RDWR);
    malloc_trim(0); /* a session's statements and portals go back to the system, not a pool */
    atomic_fetch_sub(&c->proxy->n_threads, 1);
    atomic_store(&c->done, true);
    return NULL;
}
