#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* xorshift: the same inputs every run */
static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void check(const uint64_t *in, size_t n, const char *what)
{
    uint64_t *got = malloc((n + 1) * sizeof *got), *want = malloc((n + 1) * sizeof *want);
    memcpy(got, in, n * sizeof *got);
    memcpy(want, in, n * sizeof *want);
    am_sort_u64(got, n);
    qsort(want, n, sizeof *want, u64_cmp);
    cr_assert(memcmp(got, want, n * sizeof *got) == 0, "%s, %zu keys", what, n);
    free(got);
    free(want);
}

Test(util, sort_u64_matches_qsort_on_every_shape)
{
    const size_t sizes[] = {0, 1, 2, 3, 15, 16, 17, 100, 1000, 100000};
    uint64_t seed = 0x9e3779b97f4a7c15u;
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        size_t n = sizes[s];
        uint64_t *a = malloc((n + 1) * sizeof *a);
        for (size_t i = 0; i < n; i++)
            a[i] = next(&seed);
        check(a, n, "random");
        for (size_t i = 0; i < n; i++)
            a[i] = next(&seed) % 4;
        check(a, n, "four distinct keys");
        for (size_t i = 0; i < n; i++)
            a[i] = i;
        check(a, n, "ascending");
        for (size_t i = 0; i < n; i++)
            a[i] = n - i;
        check(a, n, "descending");
        for (size_t i = 0; i < n; i++)
            a[i] = 7;
        check(a, n, "all equal");
        for (size_t i = 0; i < n; i++)
            a[i] = i % 2 ? UINT64_MAX - i : i; /* organ pipe with the extremes */
        check(a, n, "interleaved extremes");
        free(a);
    }
}
