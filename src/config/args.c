/*
 * config/args.c: the command line and --help. Only the flags main.c needs; everything else
 * lives in the YAML file so that one file describes a deployment. Hand-written rather than
 * getopt_long: getopt prints its own messages to stderr and keeps global state, where we
 * want errors in am_err_t naming the flag (exit status 2, as for a bad config).
 */
#include "config/config.h"
#include "config/config_internal.h"

#include <stdlib.h>
#include <string.h>

typedef enum flag_id {
    FLAG_CONFIG,
    FLAG_HEALTH_PORT,
    FLAG_HELP,
    FLAG_ROLE,
    FLAG_STATUS_FD,
    FLAG_LISTEN_FD,
    FLAG_TEMP_DIR
} flag_id_t;

typedef struct flag {
    const char *name; /* "--config" */
    const char *alias;
    flag_id_t id;
    bool takes_value;
} flag_t;

static const flag_t flags[] = {
    {"--config", NULL, FLAG_CONFIG, true},
    {"--health-port", NULL, FLAG_HEALTH_PORT, true},
    {"--help", "-h", FLAG_HELP, false},
    /* the supervisor's, for the processes it starts */
    {"--role", NULL, FLAG_ROLE, true},
    {"--status-fd", NULL, FLAG_STATUS_FD, true},
    {"--listen-fd", NULL, FLAG_LISTEN_FD, true},
    {"--temp-dir", NULL, FLAG_TEMP_DIR, true},
};

/* The supervisor's flags: a role and descriptors it passes to a child. */
static bool internal_apply(const flag_t *f, const char *value, config_args_t *out, am_err_t *err)
{
    if (f->id == FLAG_ROLE) {
        if (strcmp(value, "writer") != 0 && strcmp(value, "server") != 0)
            return am_err_set(err, AM_SQLSTATE_CONFIG, "flag --role: expected writer or server");
        out->role = value;
        return true;
    }
    if (f->id == FLAG_TEMP_DIR) {
        out->temp_dir = value;
        return true;
    }
    char *end = NULL;
    long fd = strtol(value, &end, 10);
    if (end == value || *end || fd < 0 || fd > 65535)
        return am_err_set(err, AM_SQLSTATE_CONFIG, "flag %s: expected a descriptor", f->name);
    if (f->id == FLAG_STATUS_FD)
        out->status_fd = (int)fd;
    else
        out->listen_fd = (int)fd;
    return true;
}

/* arg is "--name" or "--name=value"; *value points after '=' when present. */
static const flag_t *flag_find(const char *arg, const char **value)
{
    *value = NULL;
    for (size_t i = 0; i < AM_ARRAY_LEN(flags); i++) {
        const flag_t *f = &flags[i];
        size_t n = strlen(f->name);
        if (strcmp(arg, f->name) == 0 || (f->alias && strcmp(arg, f->alias) == 0))
            return f;
        if (strncmp(arg, f->name, n) == 0 && arg[n] == '=') {
            *value = arg + n + 1;
            return f;
        }
    }
    return NULL;
}

static bool flag_apply(const flag_t *f, const char *value, config_args_t *out, am_err_t *err)
{
    char shown[72];
    config__show(shown, sizeof shown, value ? value : "", value ? strlen(value) : 0);
    if (f->id == FLAG_HELP) {
        if (value)
            return am_err_set(err, AM_SQLSTATE_CONFIG, "flag %s takes no value, got \"%s\"",
                              f->name, shown);
        out->help = true;
        return true;
    }
    AM_ASSERT(value != NULL); /* config_args_parse found one for every flag that takes it */
    if (f->id >= FLAG_ROLE)
        return internal_apply(f, value, out, err);
    if (f->id == FLAG_CONFIG) {
        if (*value == '\0')
            return am_err_set(err, AM_SQLSTATE_CONFIG, "flag %s: expected a file name", f->name);
        out->config_path = value;
        return true;
    }
    if (!config__port_parse(value, strlen(value), &out->health_port))
        return am_err_set(err, AM_SQLSTATE_CONFIG, "flag %s: expected %s, got \"%s\"", f->name,
                          config__kind_expect(CONFIG__PORT), shown);
    return true;
}

bool config_args_parse(int argc, char **argv, config_args_t *out, am_err_t *err)
{
    *out = (config_args_t){
        .config_path = "config.yaml", .health_port = 8080, .status_fd = -1, .listen_fd = -1};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value = NULL;
        char shown[72];
        config__show(shown, sizeof shown, arg, strlen(arg));
        const flag_t *f = flag_find(arg, &value);
        if (!f && i == 1 && strcmp(arg, "status") == 0) {
            out->status = true;
            continue;
        }
        if (!f && arg[0] == '-')
            return am_err_set(err, AM_SQLSTATE_CONFIG, "unknown flag \"%s\" (see --help)", shown);
        if (!f)
            return am_err_set(err, AM_SQLSTATE_CONFIG, "unexpected argument \"%s\" (see --help)",
                              shown);
        if (f->takes_value && !value) {
            if (i + 1 >= argc)
                return am_err_set(err, AM_SQLSTATE_CONFIG, "flag %s needs a value", f->name);
            value = argv[++i];
        }
        if (!flag_apply(f, value, out, err))
            return false;
    }
    return true;
}

void config_usage(FILE *out, const char *argv0)
{
    fprintf(out,
            "Usage: %s [--config FILE] [--health-port N]\n"
            "       %s status [--health-port N]\n"
            "\n"
            "Mirrors PostgreSQL tables into Apache Iceberg tables through logical replication\n"
            "and serves them over the PostgreSQL wire protocol.\n"
            "\n"
            "Flags:\n"
            "  --config FILE       YAML configuration file (default: config.yaml)\n"
            "  --health-port N     HTTP port for /health, /health/detailed and /metrics,\n"
            "                      1-65535 (default: 8080)\n"
            "  -h, --help          print this help and exit\n"
            "\n"
            "Commands:\n"
            "  status              print the state of the mirror running on 127.0.0.1 with\n"
            "                      that health port: lag, freshness, one line per table\n"
            "\n",
            argv0 ? argv0 : "arctic-mirror", argv0 ? argv0 : "arctic-mirror");
    fputs("Environment (overrides the file):\n"
          "  POSTGRES_HOST       postgres.host\n"
          "  POSTGRES_PORT       postgres.port\n"
          "  POSTGRES_USER       postgres.user\n"
          "  POSTGRES_PASSWORD   postgres.password\n"
          "  POSTGRES_DB         postgres.database\n"
          "  LOG_LEVEL           debug, info (default), warn or error; logs go to stderr\n"
          "\n"
          "Exit status:\n"
          "  0  clean shutdown\n"
          "  1  runtime failure\n"
          "  2  bad flags or configuration\n"
          "\n",
          out);
    fputs("Configuration example (defaults noted; user, database, tables and iceberg.path\n"
          "are required):\n"
          "\n"
          "  postgres:\n"
          "    host: localhost              # default localhost\n"
          "    port: 5432                   # default 5432\n"
          "    user: replicator             # needs the REPLICATION attribute\n"
          "    password: secret             # default empty; prefer POSTGRES_PASSWORD\n"
          "    database: mydb\n"
          "    slot: iceberg_replica        # default arctic_mirror\n"
          "    publication: pub_all         # default arctic_mirror_pub\n"
          "  tables:\n"
          "    - schema: public             # default public\n"
          "      name: users\n"
          "    - name: orders\n"
          "  iceberg:\n"
          "    path: /data/warehouse        # relative paths start at the current directory\n"
          "  proxy:\n"
          "    host: 127.0.0.1              # default 127.0.0.1; 0.0.0.0 for every interface\n"
          "    port: 5433                   # default 5433\n"
          "  health:\n"
          "    host: 127.0.0.1              # default 127.0.0.1\n"
          "  # limits, TLS and users: see config.example.yaml and README.md\n",
          out);
}
