#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"

Test(util, map_put_get_delete_many)
{
    am_map_t *m = am_map_new();
    char key[32];
    for (int i = 0; i < 100000; i++) {
        int n = snprintf(key, sizeof key, "k%d", i);
        cr_assert(am_map_put(m, key, (size_t)n, (uint64_t)i));
    }
    cr_assert_eq(am_map_count(m), 100000);
    for (int i = 0; i < 100000; i += 2) {
        int n = snprintf(key, sizeof key, "k%d", i);
        cr_assert(am_map_del(m, key, (size_t)n));
    }
    for (int i = 0; i < 100000; i++) {
        int n = snprintf(key, sizeof key, "k%d", i);
        uint64_t v = 0;
        bool found = am_map_get(m, key, (size_t)n, &v);
        cr_assert_eq(found, i % 2 == 1, "key %s", key);
        if (found)
            cr_assert_eq(v, (uint64_t)i);
    }
    cr_assert_not(am_map_put(m, "k1", 2, 7));
    uint64_t v = 0;
    cr_assert(am_map_get(m, "k1", 2, &v));
    cr_assert_eq(v, 7);
    am_map_free(m);
}

Test(util, arena_reset_reuses_memory)
{
    am_arena_t *a = am_arena_new(1024);
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 1000; i++) {
            char *s = am_arena_strdup(a, "hello arena");
            cr_assert_str_eq(s, "hello arena");
        }
        void *big = am_arena_alloc(a, 100000);
        memset(big, 1, 100000);
        am_arena_reset(a);
        cr_assert_eq(am_arena_used(a), 0);
    }
    am_arena_free(a);
}

Test(util, map_reserve_keeps_entries)
{
    am_map_t *m = am_map_new();
    cr_assert(am_map_put(m, "a", 1, 1));
    am_map_reserve(m, 100000);
    cr_assert(am_map_put(m, "b", 1, 2));
    uint64_t v = 0;
    cr_assert(am_map_get(m, "a", 1, &v) && v == 1);
    cr_assert(am_map_get(m, "b", 1, &v) && v == 2);
    cr_assert_eq(am_map_count(m), 2);
    am_map_free(m);
}
