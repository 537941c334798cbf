/*
 * tests/fuzz/fuzz_watermark.c: the watermark reader (<warehouse>/_arctic/watermark.json, the
 * LSN and snapshot of every served table, read by the writer at every start and by the proxy
 * at every refresh) on arbitrary bytes. Each input parses or is refused; nothing may crash or
 * leak, and what parses holds what a reader relies on. Corpus: watermarks the writer wrote.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lake/lake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lake_watermark_t wm;
    if (!lake_watermark_parse((const char *)data, size, &wm)) {
        AM_ASSERT(wm.n_tables == 0 && wm.tables == NULL && wm.publications == NULL);
        return 0;
    }
    for (size_t i = 0; i < wm.n_tables; i++)
        AM_ASSERT(wm.tables[i].schema && wm.tables[i].name && wm.tables[i].location);
    for (size_t i = 0; i < wm.n_gone; i++)
        AM_ASSERT(wm.gone[i].schema && wm.gone[i].name && wm.gone[i].location);
    lake_watermark_destroy(&wm);
    return 0;
}
