/*
 * tests/config/test_args.c: the command line (config/args.c) and --help.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

static bool parse(config_args_t *out, am_err_t *err, int argc, char **argv)
{
    return config_args_parse(argc, argv, out, err);
}

#define ARGV(...) ((char *[]){"arctic-mirror", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"arctic-mirror", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(out, err, ...) parse(out, err, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

Test(config, args_defaults)
{
    config_args_t a;
    am_err_t err = {0};
    char *argv[] = {"arctic-mirror", NULL};
    cr_assert(parse(&a, &err, 1, argv));
    cr_assert_str_eq(a.config_path, "config.yaml");
    cr_assert_eq(a.health_port, 8080);
    cr_assert_not(a.help);
}

Test(config, args_separate_and_joined_values)
{
    config_args_t a;
    am_err_t err = {0};
    cr_assert(PARSE(&a, &err, "--config", "/etc/am.yaml", "--health-port", "9000"), "%s", err.msg);
    cr_assert_str_eq(a.config_path, "/etc/am.yaml");
    cr_assert_eq(a.health_port, 9000);
    cr_assert(PARSE(&a, &err, "--config=x.yaml", "--health-port=1"), "%s", err.msg);
    cr_assert_str_eq(a.config_path, "x.yaml");
    cr_assert_eq(a.health_port, 1);
}

Test(config, args_help)
{
    config_args_t a;
    am_err_t err = {0};
    cr_assert(PARSE(&a, &err, "-h"));
    cr_assert(a.help);
    cr_assert(PARSE(&a, &err, "--help"));
    cr_assert(a.help);
    cr_assert_not(PARSE(&a, &err, "--help=yes"));
    cr_assert_str_eq(err.msg, "flag --help takes no value, got \"yes\"");
}

Test(config, args_errors_name_the_flag)
{
    config_args_t a;
    am_err_t err = {0};
    cr_assert_not(PARSE(&a, &err, "--verbose"));
    cr_assert_str_eq(err.sqlstate, "F0000");
    cr_assert_str_eq(err.msg, "unknown flag \"--verbose\" (see --help)");
    cr_assert_not(PARSE(&a, &err, "--config"));
    cr_assert_str_eq(err.msg, "flag --config needs a value");
    cr_assert_not(PARSE(&a, &err, "--health-port"));
    cr_assert_str_eq(err.msg, "flag --health-port needs a value");
    cr_assert_not(PARSE(&a, &err, "--health-port", "http"));
    cr_assert_str_eq(err.msg, "flag --health-port: expected an integer 1-65535, got \"http\"");
    cr_assert_not(PARSE(&a, &err, "--health-port=70000"));
    cr_assert_str_eq(err.msg, "flag --health-port: expected an integer 1-65535, got \"70000\"");
    cr_assert_not(PARSE(&a, &err, "--config="));
    cr_assert_str_eq(err.msg, "flag --config: expected a file name");
    cr_assert_not(PARSE(&a, &err, "extra"));
    cr_assert_str_eq(err.msg, "unexpected argument \"extra\" (see --help)");
    cr_assert_not(PARSE(&a, &err, "--configx=1"));
    cr_assert_str_eq(err.msg, "unknown flag \"--configx=1\" (see --help)");
}

Test(config, usage_mentions_flags_env_and_exit_codes)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert(f);
    config_usage(f, "arctic-mirror");
    cr_assert(fclose(f) == 0);
    const char *want[] = {"--config FILE",     "--health-port N", "--help",
                          "POSTGRES_HOST",     "POSTGRES_PORT",   "POSTGRES_USER",
                          "POSTGRES_PASSWORD", "POSTGRES_DB",     "LOG_LEVEL",
                          "  2  bad flags",    "tables:",         "iceberg:"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_assert(strstr(text, want[i]), "usage lacks %s", want[i]);
    free(text);
}

Test(config, usage_example_is_a_valid_config)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert(f);
    config_usage(f, "arctic-mirror");
    cr_assert(fclose(f) == 0);
    const char *start = strstr(text, "  postgres:\n");
    cr_assert(start);
    config_t cfg;
    am_err_t err = {0};
    cr_assert(config_load_bytes(&cfg, start, strlen(start), "usage", false, &err), "%s", err.msg);
    cr_assert_eq(cfg.n_tables, 2);
    config_destroy(&cfg);
    free(text);
}
