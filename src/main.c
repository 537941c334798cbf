/*
 * main.c: flags, config, wiring, signals; nothing else. The write path (mirror) runs on its own
 * thread, the proxy and the health server start their own; SIGINT/SIGTERM stop all three.
 * Exit status: 0 clean stop, 1 runtime failure, 2 bad flags or config.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "health/health.h"
#include "lake/lake.h"
#include "mirror/mirror.h"
#include "proxy/proxy.h"
#include "source/source.h"
#include "util/util.h"

#ifndef AM_VERSION
#define AM_VERSION "0.1.0-dev"
#endif

static atomic_bool g_stop;
static atomic_bool g_reload;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        atomic_store(&g_reload, true);
    else
        atomic_store(&g_stop, true);
}

typedef struct app {
    config_t cfg;
    config_args_t args;
    source_table_ref_t *tables;
    mirror_table_spec_t *specs;
    source_options_t src_opts;
    proxy_t *proxy;
    mirror_t *mirror;
    health_t *health;
    pthread_t mirror_thread;
    atomic_bool mirror_done;
    bool mirror_ok;
    am_err_t mirror_err;
} app_t;

static void on_watermark(void *ud, am_lsn_t lsn)
{
    app_t *app = ud;
    (void)lsn;
    am_err_t err = {0};
    if (app->proxy && !proxy_refresh(app->proxy, &err))
        am_log_warn("main", "proxy could not load the new watermark", AM_KV_ERR(&err));
}

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

static bool check_replication(void *ud, health_report_t *r)
{
    app_t *app = ud;
    mirror_status_t st;
    mirror_status(app->mirror, &st);
    char lsn[24];
    health_report_str(r, "phase", mirror_phase_name(st.phase));
    health_report_str(r, "committed_lsn", am_lsn_format(st.committed_lsn, lsn, sizeof lsn));
    health_report_str(r, "server_wal_end", am_lsn_format(st.wal_end, lsn, sizeof lsn));
    health_report_num(r, "lag_bytes",
                      st.wal_end > st.committed_lsn ? (double)(st.wal_end - st.committed_lsn) : 0);
    if (st.last_flush_unix_us)
        health_report_num(r, "seconds_since_flush",
                          (double)(am_now_us() - st.last_flush_unix_us) / 1e6);
    if (st.last_error[0])
        health_report_str(r, "last_error", st.last_error);
    mirror_report_tables(app->mirror, r);
    bool up =
        st.phase == MIRROR_STREAMING || st.phase == MIRROR_COPYING || st.phase == MIRROR_STARTING;
    health_report_message(r, "%s", up ? mirror_phase_name(st.phase) : st.last_error);
    return up;
}

static bool check_duckdb(void *ud, health_report_t *r)
{
    app_t *app = ud;
    am_err_t err = {0};
    if (!proxy_check(app->proxy, &err)) {
        health_report_message(r, "%s", err.msg);
        return false;
    }
    char lsn[24];
    health_report_str(r, "visible_lsn",
                      am_lsn_format(proxy_visible_lsn(app->proxy), lsn, sizeof lsn));
    health_report_num(r, "clients", proxy_n_clients(app->proxy));
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

static void *mirror_main(void *ud)
{
    app_t *app = ud;
    app->mirror_ok = mirror_run(app->mirror, &g_stop, &app->mirror_err);
    atomic_store(&app->mirror_done, true);
    return NULL;
}

/* The configuration's table list as the write path takes it (borrowed from cfg). */
static mirror_table_spec_t *table_specs(const config_t *c)
{
    mirror_table_spec_t *specs = am_xcalloc(c->n_tables + 1, sizeof *specs);
    for (size_t i = 0; i < c->n_tables; i++)
        specs[i] = (mirror_table_spec_t){c->tables[i].schema, c->tables[i].name,
                                         c->tables[i].insert_only, c->tables[i].drop_lake};
    return specs;
}

/* SIGHUP: the table list again from the file; other keys take effect at the next start. */
static void reload_tables(app_t *app)
{
    config_t fresh;
    am_err_t err = {0};
    if (!config_load(&fresh, app->args.config_path, &err)) {
        am_log_error("main", "configuration not reloaded", AM_KV_ERR(&err));
        return;
    }
    mirror_table_spec_t *specs = table_specs(&fresh);
    mirror_reload(app->mirror, specs, fresh.n_tables);
    free(specs);
    config_destroy(&fresh);
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
    };
}

static bool start_services(app_t *app, am_err_t *err)
{
    const config_t *c = &app->cfg;
    proxy_options_t popts = {
        .port = c->proxy.port,
        .user = c->postgres.user,
        .password = c->postgres.password,
        .database = c->postgres.database,
        .warehouse = c->iceberg.path,
    };
    app->proxy = proxy_start(&popts, err);
    if (!app->proxy)
        return false;
    lake_maintain_options_t maintain = {
        .compact = c->lake.compaction.enabled,
        .target_file_bytes = c->lake.compaction.target_file_size,
        .small_file_bytes = c->lake.compaction.small_file_size,
        .max_small_files = c->lake.compaction.max_small_files,
        .max_deleted_percent = c->lake.compaction.max_deleted_percent,
        .file_retention_ms = c->lake.file_retention_ms,
        .orphan_check_ms = c->lake.orphan_check_ms,
    };
    if (!lake_maintain_check(&maintain, err))
        return false;
    mirror_options_t mopts = {
        .source = app->src_opts,
        .maintain = &maintain,
        .specs = app->specs,
        .n_specs = c->n_tables,
        .resnapshot_on_slot_loss = c->mirror.resnapshot_on_slot_loss,
        .catalog_check_ms = c->mirror.catalog_check_ms,
        .warehouse = c->iceberg.path,
        .on_watermark = on_watermark,
        .on_watermark_ud = app,
    };
    app->mirror = mirror_new(&mopts);
    app->health = health_new();
    health_check_add(app->health, "postgres", check_postgres, app);
    health_check_add(app->health, "replication", check_replication, app);
    health_check_add(app->health, "duckdb", check_duckdb, app);
    health_check_add(app->health, "iceberg", check_iceberg, app);
    health_check_add(app->health, "config", check_config, app);
    if (!health_start(app->health, app->args.health_port, err))
        return false;
    if (pthread_create(&app->mirror_thread, NULL, mirror_main, app) != 0)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "could not start the write-path thread");
    return true;
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

static int run(app_t *app)
{
    am_err_t err = {0};
    if (!start_services(app, &err)) {
        am_log_error("main", "could not start", AM_KV_ERR(&err));
        atomic_store(&g_stop, true);
        return 1;
    }
    am_log_info("main", "arctic mirror running", AM_KV_STR("version", AM_VERSION),
                AM_KV_I64("proxy_port", proxy_port(app->proxy)),
                AM_KV_I64("health_port", health_port(app->health)),
                AM_KV_STR("warehouse", app->cfg.iceberg.path));
    while (!atomic_load(&g_stop) && !atomic_load(&app->mirror_done)) {
        am_sleep_ms(100);
        if (atomic_exchange(&g_reload, false))
            reload_tables(app);
    }
    atomic_store(&g_stop, true);
    pthread_join(app->mirror_thread, NULL);
    if (!app->mirror_ok) {
        am_log_error("main", "write path stopped", AM_KV_ERR(&app->mirror_err));
        return 1;
    }
    am_log_info("main", "stopped");
    return 0;
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
    if (!config_load(&app.cfg, app.args.config_path, &err)) {
        fprintf(stderr, "arctic-mirror: %s\n", err.msg);
        am_log_error("config", "invalid configuration", AM_KV_ERR(&err));
        return CONFIG_EXIT_USAGE;
    }
    install_signals();
    build_source_options(&app);
    int rc = run(&app);
    health_free(app.health);
    proxy_stop(app.proxy);
    mirror_free(app.mirror);
    free(app.tables);
    free(app.specs);
    config_destroy(&app.cfg);
    return rc;
}
