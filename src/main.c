/*
 * main.c: flags, config, wiring, signals; nothing else. Three roles of one binary:
 *  - the supervisor (no --role): binds the proxy's port, serves /health and /metrics, and
 *    runs the two others as child processes (proc/), restarting either when it dies;
 *  - the writer (--role writer): the write path, source -> mirror -> lake;
 *  - the server (--role server): the proxy over the lake, sandboxed (read-only warehouse).
 * They share only the warehouse on disk and a status page per child (its status and metrics,
 * read by the supervisor), so a crash or a hostile query on the server side never stops or
 * corrupts replication. SIGINT/SIGTERM stop everything; SIGHUP reloads the table list (the
 * supervisor passes it on to the writer).
 * Exit status: 0 clean stop, 1 runtime failure, 2 bad flags or config.
 */
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "health/health.h"
#include "lake/lake.h"
#include "mirror/mirror.h"
#include "proc/proc.h"
#include "proxy/proxy.h"
#include "source/source.h"
#include "util/util.h"

#ifndef AM_VERSION
#define AM_VERSION "0.1.0-dev"
#endif

#define TICK_MS 50
#define PUBLISH_MS 200
#define STALE_US (INT64_C(5) * 1000 * 1000) /* a child that says nothing this long is down */
#define STOP_GRACE_MS 30000

static atomic_bool g_stop;
static atomic_bool g_reload;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        atomic_store(&g_reload, true);
    else
        atomic_store(&g_stop, true);
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a client that hangs up is an error return, not a death */
}

/* What the server publishes on its status page (plain bytes; the supervisor checks them). */
typedef struct server_status {
    uint64_t visible_lsn;
    int32_t clients;
    int32_t pending;
    int32_t duck_ok;
    char duck_err[200];
    char sandbox[64];
} server_status_t;

typedef struct app {
    config_t cfg;
    config_args_t args;
    source_table_ref_t *tables;
    mirror_table_spec_t *specs;
    source_options_t src_opts;
    proc_super_t *super;
    size_t writer, server; /* role indexes */
    proc_page_t *writer_page;
    proc_page_t *server_page;
    char temp_dir[PATH_MAX];
    health_t *health;
    char sandbox[64]; /* server role */
} app_t;

/* What the writer publishes on its status page: the write path's status, then one line per
 * table that is not simply streaming ("schema.name\tstate\tdetail\n"), then every table's
 * "schema.name=state" list, as much as fits. */
typedef struct writer_status {
    mirror_status_t st;
    char tables[PROC_STATUS_MAX - sizeof(mirror_status_t)];
} writer_status_t;

/* The configuration's table list as the write path takes it (borrowed from cfg). */
static mirror_table_spec_t *table_specs(const config_t *c)
{
    mirror_table_spec_t *specs = am_xcalloc(c->n_tables + 1, sizeof *specs);
    for (size_t i = 0; i < c->n_tables; i++)
        specs[i] = (mirror_table_spec_t){c->tables[i].schema, c->tables[i].name,
                                         c->tables[i].insert_only, c->tables[i].drop_lake};
    return specs;
}

static void build_source_options(app_t *app)
{
    const config_t *c = &app->cfg;
    app->tables = am_xcalloc(c->n_tables, sizeof *app->tables);
    for (size_t i = 0; i < c->n_tables; i++) {
        app->tables[i].schema = c->tables[i].schema;
        app->tables[i].name = c->tables[i].name;
    }
    app->specs = table_specs(c);
    app->src_opts = (source_options_t){
        .host = c->postgres.host,
        .port = c->postgres.port,
        .user = c->postgres.user,
        .password = c->postgres.password,
        .database = c->postgres.database,
        .slot = c->postgres.slot,
        .publication = c->postgres.publication,
        .tables = app->tables,
        .n_tables = c->n_tables,
        .copy_workers = c->mirror.copy_workers,
    };
}

/* ---- a child's status page --------------------------------------------------------------- */

static proc_page_t *child_page(const app_t *app)
{
    am_err_t err = {0};
    proc_page_t *pg = NULL;
    if (proc_child_init(&err))
        pg = proc_page_open(app->args.status_fd, health_metrics_area_size(), &err);
    if (!pg) {
        am_log_error("main", "not started by the supervisor", AM_KV_STR("role", app->args.role),
                     AM_KV_ERR(&err));
        return NULL;
    }
    size_t len = 0;
    void *area = proc_page_extra(pg, &len);
    health_metrics_bind(area, len);
    return pg;
}

/* ---- the writer --------------------------------------------------------------------------- */

typedef struct writer_run {
    mirror_t *mirror;
    atomic_bool done;
    bool ok;
    am_err_t err;
} writer_run_t;

static void *writer_thread(void *ud)
{
    writer_run_t *w = ud;
    w->ok = mirror_run(w->mirror, &g_stop, &w->err);
    atomic_store(&w->done, true);
    return NULL;
}

/* SIGHUP: the table list again from the file; other keys take effect at the next start. */
static void reload_tables(app_t *app, mirror_t *m)
{
    config_t fresh;
    am_err_t err = {0};
    if (!config_load(&fresh, app->args.config_path, &err)) {
        am_log_error("main", "configuration not reloaded", AM_KV_ERR(&err));
        return;
    }
    mirror_table_spec_t *specs = table_specs(&fresh);
    mirror_reload(m, specs, fresh.n_tables);
    free(specs);
    config_destroy(&fresh);
}

static void writer_publish(proc_page_t *pg, const mirror_t *m)
{
    static writer_status_t ws;
    memset(&ws, 0, sizeof ws);
    mirror_status(m, &ws.st);
    mirror_table_status_t ts[256];
    size_t n = mirror_table_statuses(m, ts, sizeof ts / sizeof *ts);
    if (n > sizeof ts / sizeof *ts)
        n = sizeof ts / sizeof *ts;
    size_t used = 0, cap = sizeof ws.tables;
    for (size_t i = 0; i < n && used < cap; i++)
        if (strcmp(ts[i].state, "streaming") != 0) {
            int w = snprintf(ws.tables + used, cap - used, "%s\t%s\t%s\n", ts[i].table, ts[i].state,
                             ts[i].detail);
            used = w < 0 ? used : used + (size_t)w;
        }
    for (size_t i = 0; i < n && used < cap; i++) {
        int w = snprintf(ws.tables + used, cap - used, "%s%s=%s", i ? ", " : "", ts[i].table,
                         ts[i].state);
        used = w < 0 ? used : used + (size_t)w;
    }
    ws.tables[cap - 1] = '\0';
    proc_page_publish(pg, &ws, sizeof ws);
}

/* The lake section as the write path's maintenance takes it. */
static lake_maintain_options_t maintain_options(const config_t *c)
{
    return (lake_maintain_options_t){
        .compact = c->lake.compaction.enabled,
        .target_file_bytes = c->lake.compaction.target_file_size,
        .small_file_bytes = c->lake.compaction.small_file_size,
        .max_small_files = c->lake.compaction.max_small_files,
        .max_deleted_percent = c->lake.compaction.max_deleted_percent,
        .file_retention_ms = c->lake.file_retention_ms,
        .orphan_check_ms = c->lake.orphan_check_ms,
    };
}

static int writer_main(app_t *app)
{
    /* glibc raises its mmap threshold each time a big block is freed, after which the
     * write path's batch buffers come from the heap and stay there, pinned between the index's
     * slots: a fixed threshold returns every block of 128 kB or more at free */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    proc_page_t *pg = child_page(app);
    if (!pg)
        return 1;
    const config_t *c = &app->cfg;
    lake_maintain_options_t maintain = maintain_options(c);
    am_err_t err = {0};
    if (!lake_maintain_check(&maintain, &err)) { /* config validated the same ranges */
        am_log_error("main", "bad maintenance options", AM_KV_ERR(&err));
        proc_page_free(pg);
        return 1;
    }
    mirror_options_t mopts = {
        .source = app->src_opts,
        .maintain = &maintain,
        .specs = app->specs,
        .n_specs = c->n_tables,
        .resnapshot_on_slot_loss = c->mirror.resnapshot_on_slot_loss,
        .catalog_check_ms = c->mirror.catalog_check_ms,
        .flush_interval_ms = c->mirror.flush_interval_ms,
        .flush_max_rows = c->mirror.flush_rows,
        .max_memory = c->mirror.max_memory,
        .warehouse = c->iceberg.path,
    };
    writer_run_t w = {.mirror = mirror_new(&mopts)};
    atomic_init(&w.done, false);
    pthread_t t;
    if (pthread_create(&t, NULL, writer_thread, &w) != 0) {
        am_log_error("main", "could not start the write-path thread");
        return 1;
    }
    while (!atomic_load(&w.done)) {
        writer_publish(pg, w.mirror);
        if (atomic_exchange(&g_reload, false))
            reload_tables(app, w.mirror);
        am_sleep_ms(PUBLISH_MS);
    }
    pthread_join(t, NULL);
    writer_publish(pg, w.mirror);
    mirror_free(w.mirror);
    proc_page_free(pg);
    if (!w.ok) {
        /* mirror_run retries what may pass (connections, disks) itself: what it returns is
         * for the operator to fix, and the supervisor stops rather than start it again */
        am_log_error("main", "write path stopped", AM_KV_ERR(&w.err));
        return PROC_EXIT_FINAL;
    }
    return 0;
}

/* ---- the server --------------------------------------------------------------------------- */

static bool seal_server(void *ud, am_err_t *err)
{
    app_t *app = ud;
    const char *reads[] = {app->cfg.iceberg.path};
    const char *writes[] = {app->temp_dir};
    proc_sandbox_t sb = {.read_dirs = reads,
                         .n_read_dirs = 1,
                         .write_dirs = writes,
                         .n_write_dirs = app->temp_dir[0] ? 1 : 0,
                         .user = app->cfg.proxy.sandbox_user};
    if (!proc_sandbox_apply(&sb, app->sandbox, sizeof app->sandbox, err))
        return false;
    if (strcmp(app->sandbox, "none") == 0)
        am_log_warn("main", "server not sandboxed: no Landlock and not root",
                    AM_KV_STR("sandbox", app->sandbox));
    else
        am_log_info("main", "server sandboxed", AM_KV_STR("sandbox", app->sandbox),
                    AM_KV_STR("read_only", app->cfg.iceberg.path),
                    AM_KV_STR("read_write", app->temp_dir));
    return true;
}

static char *auth_conninfo(const config_t *c)
{
    if (!c->proxy.auth_user[0])
        return NULL;
    am_buf_t b;
    am_buf_init(&b);
    am_buf_printf(&b, "host=%s port=%d connect_timeout=5 application_name=arctic_mirror_auth ",
                  c->postgres.host, c->postgres.port);
    const char *keys[] = {"dbname", "user", "password"};
    const char *vals[] = {c->postgres.database, c->proxy.auth_user, c->proxy.auth_password};
    for (size_t i = 0; i < 3; i++) {
        am_buf_printf(&b, "%s='", keys[i]);
        for (const char *p = vals[i]; *p; p++) {
            if (*p == '\'' || *p == '\\')
                am_buf_putc(&b, '\\');
            am_buf_putc(&b, *p);
        }
        am_buf_puts(&b, "' ");
    }
    return am_buf_steal(&b, NULL);
}

static void server_options(app_t *app, proxy_options_t *o, proxy_user_t *users, char *conninfo)
{
    const config_t *c = &app->cfg;
    for (size_t i = 0; i < c->proxy.n_users; i++)
        users[i] = (proxy_user_t){c->proxy.users[i].name, c->proxy.users[i].verifier};
    *o = (proxy_options_t){
        .listen_host = c->proxy.host,
        .has_listen_fd = true,
        .listen_fd = app->args.listen_fd,
        .user = c->postgres.user,
        .password = c->postgres.password,
        .users = users,
        .n_users = c->proxy.n_users,
        .auth_conninfo = conninfo,
        .auth_query = c->proxy.auth_query,
        .database = c->postgres.database,
        .warehouse = c->iceberg.path,
        .max_clients = c->proxy.max_connections,
        .max_pending = c->proxy.max_auth_connections,
        .auth_timeout_ms = c->proxy.auth_timeout_ms,
        .statement_timeout_ms = c->proxy.statement_timeout_ms,
        .idle_in_tx_timeout_ms = c->proxy.idle_in_transaction_timeout_ms,
        .max_prepared = c->proxy.max_prepared_statements,
        .max_portals = c->proxy.max_portals,
        .temp_directory = app->temp_dir,
        .max_temp_directory_size = c->proxy.max_temp_directory_size,
        .tls_mode = c->proxy.tls.mode,
        .tls_cert = c->proxy.tls.cert,
        .tls_key = c->proxy.tls.key,
        .seal = seal_server,
        .seal_ud = app,
    };
}

/* "50%" of physical memory, or the size as written. */
static void memory_limit(const char *v, char *out, size_t cap)
{
    size_t n = strlen(v);
    if (n == 0 || v[n - 1] != '%') {
        snprintf(out, cap, "%s", v);
        return;
    }
    long pct = strtol(v, NULL, 10);
    double bytes =
        (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE) * (double)pct / 100.0;
    snprintf(out, cap, "%lldMiB", (long long)(bytes / 1048576.0));
}

static void server_publish(proc_page_t *pg, proxy_t *p, const app_t *app, bool check)
{
    static server_status_t st;
    if (check) {
        am_err_t err = {0};
        st.duck_ok = proxy_check(p, &err);
        snprintf(st.duck_err, sizeof st.duck_err, "%.199s", st.duck_ok ? "" : err.msg);
    }
    st.visible_lsn = proxy_visible_lsn(p);
    st.clients = proxy_n_clients(p);
    st.pending = proxy_n_pending(p);
    snprintf(st.sandbox, sizeof st.sandbox, "%s", app->sandbox);
    proc_page_publish(pg, &st, sizeof st);
}

#define SPAWN_FAILING_MAX_US (INT64_C(5) * 1000 * 1000)
#define SPAWN_FAILING_STOP_S 10

static int server_main(app_t *app)
{
    proc_page_t *pg = child_page(app);
    if (!pg)
        return 1;
    snprintf(app->temp_dir, sizeof app->temp_dir, "%s",
             app->cfg.proxy.temp_directory[0] ? app->cfg.proxy.temp_directory
                                              : (app->args.temp_dir ? app->args.temp_dir : ""));
    proxy_user_t *users = am_xcalloc(app->cfg.proxy.n_users + 1, sizeof *users);
    char *conninfo = auth_conninfo(&app->cfg);
    char mem[64];
    memory_limit(app->cfg.proxy.memory_limit, mem, sizeof mem);
    proxy_options_t o;
    server_options(app, &o, users, conninfo);
    o.memory_limit = mem;
    am_err_t err = {0};
    proxy_t *p = proxy_start(&o, &err);
    free(conninfo);
    free(users);
    if (!p) {
        am_log_error("main", "could not start the server", AM_KV_ERR(&err));
        proc_page_free(pg);
        return 1;
    }
    int rc = 0;
    for (int i = 0; !atomic_load(&g_stop); i++) {
        server_publish(pg, p, app, i % 5 == 0);
        if (proxy_spawn_failing_us(p) > SPAWN_FAILING_MAX_US) {
            /* the supervisor starts a fresh process, whose memory and threads are its own */
            am_log_error("main", "no client thread could start for 5 s: the server exits",
                         AM_KV_I64("clients", proxy_n_clients(p)));
            rc = 1;
            /* a client thread stuck where no interrupt reaches would hold the stop below
             * forever; SIGALRM's default action ends the process instead */
            alarm(SPAWN_FAILING_STOP_S);
            break;
        }
        am_sleep_ms(PUBLISH_MS);
    }
    proxy_stop(p);
    proc_page_free(pg);
    return rc;
}

/* ---- the supervisor's health checks ------------------------------------------------------ */

static bool check_postgres(void *ud, health_report_t *r)
{
    app_t *app = ud;
    am_err_t err = {0};
    int64_t latency_us = 0;
    if (!source_ping(&app->src_opts, &latency_us, &err)) {
        health_report_message(r, "%s", err.msg);
        return false;
    }
    health_report_num(r, "latency_ms", (double)latency_us / 1000.0);
    health_report_str(r, "host", app->cfg.postgres.host);
    health_report_num(r, "port", app->cfg.postgres.port);
    health_report_message(r, "connected");
    return true;
}

/* The child's process facts; false (with the message) when it is not running. */
static bool report_child(app_t *app, size_t role, const char *name, health_report_t *r)
{
    proc_child_state_t cs;
    proc_super_state(app->super, role, &cs);
    health_report_num(r, "pid", cs.pid);
    health_report_num(r, "restarts", cs.restarts);
    if (cs.last_exit[0])
        health_report_str(r, "last_exit", cs.last_exit);
    if (cs.pid > 0)
        return true;
    health_report_message(r, "%s process not running (%s); starting again in %lld ms", name,
                          cs.last_exit[0] ? cs.last_exit : "not started",
                          (long long)cs.next_start_in_ms);
    return false;
}

/* The writer's table lines (writer_status_t.tables) as report entries: "table <name>" with
 * "state: detail" for each that is not streaming, "tables" with them all, and counts. */
static void report_tables(health_report_t *r, char *text, size_t cap)
{
    text[cap - 1] = '\0';
    int stale = 0, copying = 0;
    char *line = text;
    for (char *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
        *nl = '\0';
        char *state = strchr(line, '\t');
        char *detail = state ? strchr(state + 1, '\t') : NULL;
        if (!detail)
            continue;
        *state++ = '\0';
        *detail++ = '\0';
        stale += strcmp(state, "stale") == 0;
        copying += strcmp(state, "copying") == 0;
        char key[160], value[440];
        snprintf(key, sizeof key, "table %.150s", line);
        snprintf(value, sizeof value, "%.15s: %.399s", state, detail);
        health_report_str(r, key, value);
    }
    health_report_str(r, "tables", line);
    health_report_num(r, "tables_stale", stale);
    health_report_num(r, "tables_copying", copying);
}

static bool check_replication(void *ud, health_report_t *r)
{
    app_t *app = ud;
    if (!report_child(app, app->writer, "writer", r))
        return false;
    static writer_status_t ws; /* health checks run one at a time */
    size_t len = 0;
    int64_t age = 0;
    mirror_status_t st;
    if (!proc_page_read(app->writer_page, &ws, sizeof ws, &len, &age) || len != sizeof ws ||
        (st = ws.st, (unsigned)st.phase > MIRROR_FAILED)) {
        health_report_message(r, "starting");
        return true;
    }
    if (age > STALE_US) {
        health_report_message(r, "writer silent for %lld s", (long long)(age / 1000000));
        return false;
    }
    st.last_error[sizeof st.last_error - 1] = '\0';
    char lsn[24];
    health_report_str(r, "phase", mirror_phase_name(st.phase));
    health_report_str(r, "committed_lsn", am_lsn_format(st.committed_lsn, lsn, sizeof lsn));
    health_report_str(r, "server_wal_end", am_lsn_format(st.wal_end, lsn, sizeof lsn));
    health_report_num(r, "lag_bytes", (double)st.lag_bytes);
    health_report_num(r, "lag_seconds", st.lag_seconds);
    if (st.retained_wal_bytes >= 0)
        health_report_num(r, "retained_wal_bytes", (double)st.retained_wal_bytes);
    if (!isnan(st.freshness_p50_s)) {
        health_report_num(r, "freshness_p50_seconds", st.freshness_p50_s);
        health_report_num(r, "freshness_p99_seconds", st.freshness_p99_s);
    }
    st.tuples[sizeof st.tuples - 1] = '\0';
    if (st.tuples[0])
        health_report_str(r, "tuples", st.tuples);
    if (st.last_flush_unix_us)
        health_report_num(r, "seconds_since_flush",
                          (double)(am_now_us() - st.last_flush_unix_us) / 1e6);
    if (st.last_error[0])
        health_report_str(r, "last_error", st.last_error);
    report_tables(r, ws.tables, sizeof ws.tables);
    bool up =
        st.phase == MIRROR_STREAMING || st.phase == MIRROR_COPYING || st.phase == MIRROR_STARTING;
    health_report_message(r, "%s", up ? mirror_phase_name(st.phase) : st.last_error);
    return up;
}

static bool check_duckdb(void *ud, health_report_t *r)
{
    app_t *app = ud;
    if (!report_child(app, app->server, "server", r))
        return false;
    server_status_t st;
    size_t len = 0;
    int64_t age = 0;
    if (!proc_page_read(app->server_page, &st, sizeof st, &len, &age) || len != sizeof st) {
        health_report_message(r, "starting");
        return false;
    }
    st.duck_err[sizeof st.duck_err - 1] = st.sandbox[sizeof st.sandbox - 1] = '\0';
    char lsn[24];
    health_report_str(r, "sandbox", st.sandbox);
    health_report_str(r, "visible_lsn", am_lsn_format(st.visible_lsn, lsn, sizeof lsn));
    health_report_num(r, "clients", st.clients);
    health_report_num(r, "authenticating", st.pending);
    if (age > STALE_US) {
        health_report_message(r, "server silent for %lld s", (long long)(age / 1000000));
        return false;
    }
    if (!st.duck_ok) {
        health_report_message(r, "%s", st.duck_err);
        return false;
    }
    health_report_message(r, "answering queries");
    return true;
}

static bool check_iceberg(void *ud, health_report_t *r)
{
    app_t *app = ud;
    am_err_t err = {0};
    health_report_str(r, "path", app->cfg.iceberg.path);
    if (!lake_check_writable(app->cfg.iceberg.path, &err)) {
        health_report_message(r, "%s", err.msg);
        return false;
    }
    health_report_message(r, "writable");
    return true;
}

static bool check_config(void *ud, health_report_t *r)
{
    app_t *app = ud;
    health_report_str(r, "file", app->cfg.file);
    health_report_num(r, "tables", (double)app->cfg.n_tables);
    health_report_message(r, "loaded");
    return true;
}

/* ---- the supervisor ------------------------------------------------------------------------ */

/* Before each server start: an empty private spill directory. */
static void server_starting(void *ud)
{
    app_t *app = ud;
    am_err_t err = {0};
    proc_page_clear(app->server_page);
    if (app->cfg.proxy.temp_directory[0])
        return;
    if (!am_remove_tree(app->temp_dir, &err) || !am_mkdir_p(app->temp_dir, &err))
        am_log_warn("main", "could not empty the server's temp directory", AM_KV_ERR(&err));
}

static void writer_starting(void *ud)
{
    proc_page_clear(((app_t *)ud)->writer_page);
}

static size_t add_role(app_t *app, const char *role, int page_fd, int listen_fd, const char *exe)
{
    char page_s[16], listen_s[16];
    snprintf(page_s, sizeof page_s, "%d", page_fd);
    snprintf(listen_s, sizeof listen_s, "%d", listen_fd);
    const char *argv[] = {exe,
                          "--config",
                          app->args.config_path,
                          "--role",
                          role,
                          "--status-fd",
                          page_s,
                          "--temp-dir",
                          app->temp_dir,
                          listen_fd >= 0 ? "--listen-fd" : NULL,
                          listen_s,
                          NULL};
    int keep[2] = {page_fd, listen_fd};
    return proc_super_add(app->super, role, argv, keep, listen_fd >= 0 ? 2 : 1);
}

static bool start_children(app_t *app, const char *exe, am_err_t *err)
{
    size_t area_size = health_metrics_area_size();
    app->writer_page = proc_page_new(area_size, err);
    app->server_page = app->writer_page ? proc_page_new(area_size, err) : NULL;
    if (!app->server_page)
        return false;
    size_t len = 0;
    void *area = proc_page_extra(app->writer_page, &len);
    health_metrics_attach(area, len);
    area = proc_page_extra(app->server_page, &len);
    health_metrics_attach(area, len);
    /* the server's sandbox names the warehouse: it must exist before the first copy */
    if (!am_mkdir_p(app->cfg.iceberg.path, err))
        return false;
    int listen_fd = proxy_listen(app->cfg.proxy.host, app->cfg.proxy.port, err);
    if (listen_fd < 0)
        return false;
    int swept = proc_temp_dirs_sweep();
    if (swept > 0)
        am_log_info("main", "removed temp directories of supervisors no longer running",
                    AM_KV_I64("count", swept));
    proc_temp_dir_name(app->temp_dir, sizeof app->temp_dir, getpid());
    app->super = proc_super_new();
    app->writer = add_role(app, "writer", proc_page_fd(app->writer_page), -1, exe);
    app->server = add_role(app, "server", proc_page_fd(app->server_page), listen_fd, exe);
    proc_super_on_start(app->super, app->writer, writer_starting, app);
    proc_super_on_start(app->super, app->server, server_starting, app);
    return proc_super_start(app->super, err);
}

static bool start_health(app_t *app, am_err_t *err)
{
    app->health = health_new();
    health_set_host(app->health, app->cfg.health.host);
    health_set_detailed(app->health, app->cfg.health.detailed);
    health_check_add(app->health, "postgres", check_postgres, app);
    health_check_add(app->health, "replication", check_replication, app);
    health_check_add(app->health, "duckdb", check_duckdb, app);
    health_check_add(app->health, "iceberg", check_iceberg, app);
    health_check_add(app->health, "config", check_config, app);
    return health_start(app->health, app->args.health_port, err);
}

/* A server that cannot answer (DuckDB failing, e.g. out of memory, or silent) for this long is
 * killed, so the supervisor starts a fresh one. */
#define SERVER_SICK_US (INT64_C(5) * 1000 * 1000)

static void watch_server(app_t *app, int64_t *sick_since)
{
    pid_t pid = proc_super_pid(app->super, app->server);
    server_status_t st;
    size_t len = 0;
    int64_t age = 0;
    bool read =
        pid > 0 && proc_page_read(app->server_page, &st, sizeof st, &len, &age) && len == sizeof st;
    bool sick = read && (!st.duck_ok || age > STALE_US);
    if (!sick) {
        *sick_since = 0;
        return;
    }
    if (*sick_since == 0)
        *sick_since = am_mono_us();
    if (am_mono_us() - *sick_since < SERVER_SICK_US)
        return;
    st.duck_err[sizeof st.duck_err - 1] = '\0';
    am_log_error("main", "server unhealthy; killing it to start a fresh one", AM_KV_I64("pid", pid),
                 AM_KV_STR("reason", st.duck_ok ? "silent" : st.duck_err));
    kill(pid, SIGKILL);
    *sick_since = 0;
}

static int supervise(app_t *app, const char *exe)
{
    am_err_t err = {0};
    int rc = 0;
    if (!start_children(app, exe, &err) || !start_health(app, &err)) {
        am_log_error("main", "could not start", AM_KV_ERR(&err));
        rc = 1;
    } else {
        am_log_info("main", "arctic mirror running", AM_KV_STR("version", AM_VERSION),
                    AM_KV_STR("proxy_host", app->cfg.proxy.host),
                    AM_KV_I64("proxy_port", app->cfg.proxy.port),
                    AM_KV_I64("health_port", health_port(app->health)),
                    AM_KV_I64("landlock_abi", proc_landlock_abi()));
        int64_t sick_since = 0;
        while (!atomic_load(&g_stop)) {
            if (atomic_exchange(&g_reload, false)) {
                pid_t pid = proc_super_pid(app->super, app->writer);
                am_log_info("main", "SIGHUP: the writer reloads the table list",
                            AM_KV_I64("pid", pid));
                if (pid > 0)
                    kill(pid, SIGHUP);
            }
            proc_super_tick(app->super);
            const char *failed = NULL;
            if (proc_super_failed(app->super, &failed)) {
                am_log_error("main", "stopping: a process failed for good",
                             AM_KV_STR("role", failed));
                rc = 1;
                break;
            }
            watch_server(app, &sick_since);
            am_sleep_ms(TICK_MS);
        }
    }
    proc_super_stop(app->super, STOP_GRACE_MS);
    health_free(app->health);
    proc_page_free(app->writer_page);
    proc_page_free(app->server_page);
    if (app->temp_dir[0] && !am_remove_tree(app->temp_dir, &err))
        am_log_warn("main", "could not remove the server's temp directory", AM_KV_ERR(&err));
    if (rc == 0)
        am_log_info("main", "stopped");
    return rc;
}

int main(int argc, char **argv)
{
    am_log_init_from_env();
    app_t app;
    memset(&app, 0, sizeof app);
    am_err_t err = {0};
    if (!config_args_parse(argc, argv, &app.args, &err)) {
        fprintf(stderr, "arctic-mirror: %s\n", err.msg);
        config_usage(stderr, argv[0]);
        return CONFIG_EXIT_USAGE;
    }
    if (app.args.help) {
        config_usage(stdout, argv[0]);
        return 0;
    }
    if (app.args.status) {
        if (health_status_print(stdout, "127.0.0.1", app.args.health_port, &err))
            return 0;
        fprintf(stderr, "arctic-mirror status: %s\n", err.msg);
        return 1;
    }
    if (!config_load(&app.cfg, app.args.config_path, &err)) {
        fprintf(stderr, "arctic-mirror: %s\n", err.msg);
        am_log_error("config", "invalid configuration", AM_KV_ERR(&err));
        return CONFIG_EXIT_USAGE;
    }
    install_signals();
    build_source_options(&app);
    int rc;
    if (!app.args.role)
        rc = supervise(&app, argv[0]);
    else if (strcmp(app.args.role, "writer") == 0)
        rc = writer_main(&app);
    else
        rc = server_main(&app);
    free(app.tables);
    free(app.specs);
    config_destroy(&app.cfg);
    return rc;
}
