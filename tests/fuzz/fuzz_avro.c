/*
 * tests/fuzz/fuzz_avro.c: the lake's Avro container reader and the Iceberg manifest and
 * manifest list decoders on top of it, fed arbitrary bytes (a manifest written by anyone, or
 * broken on disk). Each input decodes or fails with an error; nothing may crash, leak or read
 * out of bounds. Corpus: manifests and manifest lists our writer produced.
 */
#include <stdint.h>
#include <stdlib.h>

#include "lake/lake_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    am_err_t err = {0};
    lake__avro_file_t f;
    if (lake__avro_decode(data, size, "fuzz.avro", &f, &err))
        AM_ASSERT(f.n_records == 0 || f.records != NULL);
    else
        AM_ASSERT(err.msg[0] != '\0');
    lake__avro_file_destroy(&f);

    lake__entry_t *es = NULL;
    size_t n = 0;
    if (lake__manifest_decode(data, size, "fuzz.avro", &es, &n, &err)) {
        for (size_t i = 0; i < n; i++) {
            AM_ASSERT(es[i].f.path != NULL);
            lake__file_destroy(&es[i].f);
        }
        free(es);
    }
    lake__mref_t *ms = NULL;
    if (lake__mlist_decode(data, size, "fuzz.avro", &ms, &n, &err)) {
        for (size_t i = 0; i < n; i++) {
            AM_ASSERT(ms[i].path != NULL);
            lake__mref_destroy(&ms[i]);
        }
        free(ms);
    }
    return 0;
}
