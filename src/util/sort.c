/*
 * util/sort.c: an in-place sort of 64-bit keys. qsort is glibc's merge sort, which mallocs a
 * copy of the whole array: for a batch holding millions of deleted positions that copy doubles
 * the batch's memory just when the write path's budget is tightest. Introsort needs no memory
 * beyond its stack: quicksort on the median of three, heapsort past 2 log2 n levels (so no input
 * makes it quadratic), insertion sort for short runs.
 */
#include "util/util.h"

#define SHORT_RUN 16

static void swap(uint64_t *a, size_t i, size_t j)
{
    uint64_t t = a[i];
    a[i] = a[j];
    a[j] = t;
}

static void insertion(uint64_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint64_t v = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

static void sift_down(uint64_t *a, size_t i, size_t n)
{
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            return;
        if (c + 1 < n && a[c + 1] > a[c])
            c++;
        if (a[i] >= a[c])
            return;
        swap(a, i, c);
        i = c;
    }
}

static void heapsort_u64(uint64_t *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t end = n; end-- > 1;) {
        swap(a, 0, end);
        sift_down(a, 0, end);
    }
}

/* Moves the median of the first, middle and last keys to a[0], the pivot. */
static void median_first(uint64_t *a, size_t n)
{
    size_t m = n / 2, l = n - 1;
    if (a[m] < a[0])
        swap(a, m, 0);
    if (a[l] < a[0])
        swap(a, l, 0);
    if (a[l] < a[m])
        swap(a, l, m);
    swap(a, 0, m);
}

/* Hoare's partition around a[0]: returns k with a[0..k] <= pivot <= a[k+1..n-1], 0 <= k < n-1. */
static size_t partition(uint64_t *a, size_t n)
{
    uint64_t p = a[0];
    size_t i = 0, j = n;
    for (;;) {
        while (a[i] < p)
            i++;
        do
            j--;
        while (a[j] > p);
        if (i >= j)
            return j;
        swap(a, i, j);
        i++;
    }
}

void am_sort_u64(uint64_t *a, size_t n)
{
    int depth = 0;
    for (size_t k = n; k > 1; k >>= 1)
        depth += 2;
    while (n > SHORT_RUN) {
        if (depth-- == 0) {
            heapsort_u64(a, n);
            return;
        }
        median_first(a, n);
        size_t k = partition(a, n) + 1;
        /* recurse into the shorter side, loop on the longer: the stack stays O(log n) */
        if (k < n - k) {
            am_sort_u64(a, k);
            a += k;
            n -= k;
        } else {
            am_sort_u64(a + k, n - k);
            n = k;
        }
    }
    insertion(a, n);
}
