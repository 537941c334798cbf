/*
 * tests/fuzz/fuzz_config.c: YAML bytes -> config_load_bytes. Any input either loads or fails
 * with F0000 and a one-line message; nothing crashes, leaks or reads the environment.
 * Corpus: tests/fuzz/corpus/config/ (valid files and each kind of error).
 */
#include <stdint.h>
#include <string.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    config_t cfg;
    am_err_t err = {0};
    if (config_load_bytes(&cfg, (const char *)data, size, "fuzz.yaml", false, &err)) {
        AM_ASSERT(cfg.n_tables > 0 && cfg.iceberg.path && cfg.postgres.user);
        AM_ASSERT(cfg.postgres.port >= 1 && cfg.postgres.port <= 65535);
    } else {
        AM_ASSERT(strcmp(err.sqlstate, AM_SQLSTATE_CONFIG) == 0);
        AM_ASSERT(memchr(err.msg, '\n', strlen(err.msg)) == NULL);
    }
    config_destroy(&cfg);
    return 0;
}
