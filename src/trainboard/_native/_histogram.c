/*
 * Histogram bucket counts plus min, max, sum and sum of squares, in one pass.
 *
 * Bucketing. A float's bit pattern, with the sign bit flipped for positives and
 * all bits flipped for negatives, is an unsigned "key" whose order is the
 * float's order (-0.0 sorts just below +0.0; NaNs sort beyond the infinities).
 * Python turns the bin edges into key thresholds T[0..nb]: a value belongs to
 * bucket i-1 when exactly i thresholds are <= its key (0: below the first edge,
 * nb+1: above the last edge or NaN). A table over the key's top 16 bits gives,
 * per cell, (base, thr): when a cell holds at most one threshold, the index is
 * base + (key >= thr); cells holding several thresholds are marked SLOW and
 * binary-searched. With TensorBoard's default edges (10% apart) no cell is SLOW:
 * a cell spans < 1% (float32) or 6.25% (float64) of its values.
 *
 * Sums. The sum and the sum of squares (in double) follow numpy's pairwise
 * summation (8 accumulators over blocks of at most 128 values, halves split at a
 * multiple of 8), so `sum` is bit-identical to numpy's `values.astype(float).sum()`
 * and the sum of squares to `np.sum(v * v)`. Build with -ffp-contract=off so
 * x * x + q is never fused into an FMA.
 *
 * The GIL is released while counting: Python runs the two halves of a large
 * array (split where numpy's pairwise summation splits it) in two threads.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_BITS 16
#define TABLE_CELLS ((Py_ssize_t)1 << TABLE_BITS)
#define PW_BLOCKSIZE 128
#define LANES 4                          /* interleaved count arrays: fewer store-forward stalls */
#define MAX_LANED_WIDTH 8192              /* beyond this many buckets, one count array */
#define FLUSH_EVERY ((Py_ssize_t)1 << 30) /* uint32 sub-counts are flushed before they can wrap */

typedef struct {
    uint32_t thr;
    int32_t base;
} Cell32;

typedef struct {
    uint64_t thr;
    int64_t base;
} Cell64;

#define SLOW32 INT32_MIN
#define SLOW64 INT64_MIN

typedef struct {
    const void *cells;
    const void *thresholds;
    Py_ssize_t nthr;      /* number of thresholds: buckets + 1 */
    Py_ssize_t width;     /* count slots: buckets + 2 */
    Py_ssize_t lane_mask; /* LANES - 1, or 0 for a single count array */
    uint32_t *sub;        /* (lane_mask + 1) * width sub-counts */
    int64_t *out;         /* width totals */
    Py_ssize_t since_flush;
    double mn, mx;
} State;

static void flush_counts(State *st)
{
    Py_ssize_t lanes = st->lane_mask + 1;
    for (Py_ssize_t lane = 0; lane < lanes; lane++) {
        uint32_t *sub = st->sub + lane * st->width;
        for (Py_ssize_t i = 0; i < st->width; i++) {
            st->out[i] += sub[i];
            sub[i] = 0;
        }
    }
    st->since_flush = 0;
}

static Py_ssize_t upper_bound32(const uint32_t *t, Py_ssize_t n, uint32_t key)
{
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (t[mid] <= key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static Py_ssize_t upper_bound64(const uint64_t *t, Py_ssize_t n, uint64_t key)
{
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (t[mid] <= key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* One pairwise leaf (n <= PW_BLOCKSIZE): the sums in numpy's order, for x and x * x,
 * and min/max ignoring NaN (NaN is detected from the sum of squares instead).
 * numpy starts its 8 accumulators at a[0..7]; starting them at -0.0 and adding
 * a[0..7] gives the same bits (-0.0 + x == x for every x). Each lane is independent
 * and min/max use `x < m ? x : m`, the form SIMD min/max instructions compute, so
 * the main loop vectorizes. */
#define DEFINE_LEAF_STATS(NAME, T)                                                  \
    static void NAME(const T *a, Py_ssize_t n, State *st, double *sum, double *sq)  \
    {                                                                               \
        T mn = (T)st->mn, mx = (T)st->mx;                                           \
        Py_ssize_t i = 0;                                                           \
        double rs = -0.0, qs = -0.0;                                                \
        if (n >= 8) {                                                               \
            double r[8], q[8];                                                      \
            T lo[8], hi[8];                                                         \
            for (int j = 0; j < 8; j++) {                                           \
                r[j] = q[j] = -0.0;                                                 \
                lo[j] = mn;                                                         \
                hi[j] = mx;                                                         \
            }                                                                       \
            Py_ssize_t m = n - (n % 8);                                             \
            for (; i < m; i += 8) {                                                 \
                for (int j = 0; j < 8; j++) {                                       \
                    T v = a[i + j];                                                 \
                    double x = (double)v;                                           \
                    r[j] += x;                                                      \
                    q[j] += x * x;                                                  \
                    lo[j] = v < lo[j] ? v : lo[j];                                  \
                    hi[j] = v > hi[j] ? v : hi[j];                                  \
                }                                                                   \
            }                                                                       \
            rs = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7])); \
            qs = ((q[0] + q[1]) + (q[2] + q[3])) + ((q[4] + q[5]) + (q[6] + q[7])); \
            for (int j = 0; j < 8; j++) {                                           \
                mn = lo[j] < mn ? lo[j] : mn;                                       \
                mx = hi[j] > mx ? hi[j] : mx;                                       \
            }                                                                       \
        }                                                                           \
        for (; i < n; i++) {                                                        \
            T v = a[i];                                                             \
            double x = (double)v;                                                   \
            rs += x;                                                                \
            qs += x * x;                                                            \
            mn = v < mn ? v : mn;                                                   \
            mx = v > mx ? v : mx;                                                   \
        }                                                                           \
        st->mn = (double)mn;                                                        \
        st->mx = (double)mx;                                                        \
        *sum = rs;                                                                  \
        *sq = qs;                                                                   \
    }

#if (defined(__SSE2__) || defined(_M_X64)) && !defined(TRAINBOARD_NO_SIMD)
#include <emmintrin.h>
/* The float32 leaf with SSE2 (every x86-64 CPU has it): lanes j = 2k, 2k+1 of the
 * scalar version live in r[k], q[k]; the same additions in the same order. */
static void leaf_stats_f32(const float *a, Py_ssize_t n, State *st, double *sum, double *sq)
{
    float mn = (float)st->mn, mx = (float)st->mx;
    Py_ssize_t i = 0;
    double rs = -0.0, qs = -0.0;
    if (n >= 8) {
        __m128d r[4], q[4];
        __m128 lo[2], hi[2];
        for (int k = 0; k < 4; k++)
            r[k] = q[k] = _mm_set1_pd(-0.0);
        lo[0] = lo[1] = _mm_set1_ps(mn);
        hi[0] = hi[1] = _mm_set1_ps(mx);
        Py_ssize_t m = n - (n % 8);
        for (; i < m; i += 8) {
            __m128 v[2] = {_mm_loadu_ps(a + i), _mm_loadu_ps(a + i + 4)};
            for (int h = 0; h < 2; h++) {
                __m128d x0 = _mm_cvtps_pd(v[h]);
                __m128d x1 = _mm_cvtps_pd(_mm_movehl_ps(v[h], v[h]));
                r[2 * h] = _mm_add_pd(r[2 * h], x0);
                r[2 * h + 1] = _mm_add_pd(r[2 * h + 1], x1);
                q[2 * h] = _mm_add_pd(q[2 * h], _mm_mul_pd(x0, x0));
                q[2 * h + 1] = _mm_add_pd(q[2 * h + 1], _mm_mul_pd(x1, x1));
                lo[h] = _mm_min_ps(v[h], lo[h]); /* v < lo ? v : lo */
                hi[h] = _mm_max_ps(v[h], hi[h]);
            }
        }
        double rl[8], ql[8];
        float lol[8], hil[8];
        for (int k = 0; k < 4; k++) {
            _mm_storeu_pd(rl + 2 * k, r[k]);
            _mm_storeu_pd(ql + 2 * k, q[k]);
        }
        for (int h = 0; h < 2; h++) {
            _mm_storeu_ps(lol + 4 * h, lo[h]);
            _mm_storeu_ps(hil + 4 * h, hi[h]);
        }
        rs = ((rl[0] + rl[1]) + (rl[2] + rl[3])) + ((rl[4] + rl[5]) + (rl[6] + rl[7]));
        qs = ((ql[0] + ql[1]) + (ql[2] + ql[3])) + ((ql[4] + ql[5]) + (ql[6] + ql[7]));
        for (int j = 0; j < 8; j++) {
            mn = lol[j] < mn ? lol[j] : mn;
            mx = hil[j] > mx ? hil[j] : mx;
        }
    }
    for (; i < n; i++) {
        float v = a[i];
        double x = (double)v;
        rs += x;
        qs += x * x;
        mn = v < mn ? v : mn;
        mx = v > mx ? v : mx;
    }
    st->mn = (double)mn;
    st->mx = (double)mx;
    *sum = rs;
    *sq = qs;
}

/* The float64 leaf with SSE2, as the float32 one. */
static void leaf_stats_f64(const double *a, Py_ssize_t n, State *st, double *sum, double *sq)
{
    double mn = st->mn, mx = st->mx;
    Py_ssize_t i = 0;
    double rs = -0.0, qs = -0.0;
    if (n >= 8) {
        __m128d r[4], q[4], lo[4], hi[4];
        for (int k = 0; k < 4; k++) {
            r[k] = q[k] = _mm_set1_pd(-0.0);
            lo[k] = _mm_set1_pd(mn);
            hi[k] = _mm_set1_pd(mx);
        }
        Py_ssize_t m = n - (n % 8);
        for (; i < m; i += 8) {
            for (int k = 0; k < 4; k++) {
                __m128d x = _mm_loadu_pd(a + i + 2 * k);
                r[k] = _mm_add_pd(r[k], x);
                q[k] = _mm_add_pd(q[k], _mm_mul_pd(x, x));
                lo[k] = _mm_min_pd(x, lo[k]);
                hi[k] = _mm_max_pd(x, hi[k]);
            }
        }
        double rl[8], ql[8], lol[8], hil[8];
        for (int k = 0; k < 4; k++) {
            _mm_storeu_pd(rl + 2 * k, r[k]);
            _mm_storeu_pd(ql + 2 * k, q[k]);
            _mm_storeu_pd(lol + 2 * k, lo[k]);
            _mm_storeu_pd(hil + 2 * k, hi[k]);
        }
        rs = ((rl[0] + rl[1]) + (rl[2] + rl[3])) + ((rl[4] + rl[5]) + (rl[6] + rl[7]));
        qs = ((ql[0] + ql[1]) + (ql[2] + ql[3])) + ((ql[4] + ql[5]) + (ql[6] + ql[7]));
        for (int j = 0; j < 8; j++) {
            mn = lol[j] < mn ? lol[j] : mn;
            mx = hil[j] > mx ? hil[j] : mx;
        }
    }
    for (; i < n; i++) {
        double x = a[i];
        rs += x;
        qs += x * x;
        mn = x < mn ? x : mn;
        mx = x > mx ? x : mx;
    }
    st->mn = mn;
    st->mx = mx;
    *sum = rs;
    *sq = qs;
}
#else
DEFINE_LEAF_STATS(leaf_stats_f32, float)
DEFINE_LEAF_STATS(leaf_stats_f64, double)
#endif

static inline Py_ssize_t index32(const State *st, uint32_t bits)
{
    uint32_t key = bits ^ ((uint32_t)((int32_t)bits >> 31) | 0x80000000u);
    Cell32 cell = ((const Cell32 *)st->cells)[key >> (32 - TABLE_BITS)];
    if (cell.base != SLOW32)
        return (Py_ssize_t)cell.base + (key >= cell.thr);
    return upper_bound32((const uint32_t *)st->thresholds, st->nthr, key);
}

static inline Py_ssize_t index64(const State *st, uint64_t bits)
{
    uint64_t key = bits ^ ((uint64_t)((int64_t)bits >> 63) | 0x8000000000000000ull);
    Cell64 cell = ((const Cell64 *)st->cells)[key >> (64 - TABLE_BITS)];
    if (cell.base != SLOW64)
        return (Py_ssize_t)cell.base + (key >= cell.thr);
    return upper_bound64((const uint64_t *)st->thresholds, st->nthr, key);
}

/* Four values per step, each counted in its own lane: independent read-modify-writes. */
#define DEFINE_LEAF_COUNTS(NAME, T, U, INDEX)                                       \
    static void NAME(const T *a, Py_ssize_t n, State *st)                           \
    {                                                                               \
        Py_ssize_t step = st->lane_mask ? st->width : 0;                            \
        uint32_t *s0 = st->sub, *s1 = s0 + step, *s2 = s1 + step, *s3 = s2 + step;  \
        U b[4];                                                                     \
        Py_ssize_t i;                                                               \
        for (i = 0; i + 4 <= n; i += 4) {                                           \
            memcpy(b, a + i, sizeof b);                                             \
            s0[INDEX(st, b[0])]++;                                                  \
            s1[INDEX(st, b[1])]++;                                                  \
            s2[INDEX(st, b[2])]++;                                                  \
            s3[INDEX(st, b[3])]++;                                                  \
        }                                                                           \
        for (; i < n; i++) {                                                        \
            memcpy(b, a + i, sizeof b[0]);                                          \
            s0[INDEX(st, b[0])]++;                                                  \
        }                                                                           \
    }

DEFINE_LEAF_COUNTS(leaf_counts_f32, float, uint32_t, index32)
DEFINE_LEAF_COUNTS(leaf_counts_f64, double, uint64_t, index64)

/* numpy's pairwise recursion; every leaf also counts and tracks min/max. */
#define DEFINE_PAIRWISE(NAME, T, STATS, COUNTS)                              \
    static void NAME(const T *a, Py_ssize_t n, State *st, double *sum, double *sq)  \
    {                                                                               \
        if (n <= PW_BLOCKSIZE) {                                                    \
            STATS(a, n, st, sum, sq);                                               \
            COUNTS(a, n, st);                                                       \
            st->since_flush += n;                                                   \
            if (st->since_flush >= FLUSH_EVERY)                                     \
                flush_counts(st);                                                   \
            return;                                                                 \
        }                                                                           \
        Py_ssize_t n2 = n / 2;                                                      \
        n2 -= n2 % 8;                                                               \
        double s1, q1, s2, q2;                                                      \
        NAME(a, n2, st, &s1, &q1);                                                  \
        NAME(a + n2, n - n2, st, &s2, &q2);                                         \
        *sum = s1 + s2;                                                             \
        *sq = q1 + q2;                                                              \
    }

DEFINE_PAIRWISE(pairwise_f32, float, leaf_stats_f32, leaf_counts_f32)
DEFINE_PAIRWISE(pairwise_f64, double, leaf_stats_f64, leaf_counts_f64)

static int check_table(const Py_buffer *cells, int wide, Py_ssize_t nthr)
{
    for (Py_ssize_t c = 0; c < TABLE_CELLS; c++) {
        int64_t base;
        if (wide) {
            base = ((const Cell64 *)cells->buf)[c].base;
            if (base == SLOW64)
                continue;
        }
        else {
            base = ((const Cell32 *)cells->buf)[c].base;
            if (base == SLOW32)
                continue;
        }
        if (base < -1 || base >= nthr) {
            PyErr_Format(PyExc_ValueError, "table cell %zd has base %lld outside [-1, %zd)", c,
                         (long long)base, nthr);
            return -1;
        }
    }
    return 0;
}

static int check_sorted(const Py_buffer *thr, int wide, Py_ssize_t nthr)
{
    for (Py_ssize_t i = 1; i < nthr; i++) {
        int bad = wide ? ((const uint64_t *)thr->buf)[i] < ((const uint64_t *)thr->buf)[i - 1]
                       : ((const uint32_t *)thr->buf)[i] < ((const uint32_t *)thr->buf)[i - 1];
        if (bad) {
            PyErr_SetString(PyExc_ValueError, "thresholds must be sorted");
            return -1;
        }
    }
    return 0;
}

static int format_is(const Py_buffer *view, char code)
{
    const char *f = view->format ? view->format : "B";
    if (*f == '<' || *f == '=' || *f == '@')
        f++;
    return f[0] == code && f[1] == '\0';
}

PyDoc_STRVAR(count_doc,
"count(values, start, stop, cells, thresholds, counts) -> (min, max, sum, sum_squares)\n\n"
"Add the bucket counts of values[start:stop] (a contiguous float32 or float64 buffer)\n"
"into counts (int64, len(thresholds) + 1 slots). cells is the 65536-cell lookup table\n"
"(uint32 thr, int32 base) for float32 or (uint64, int64) for float64; thresholds\n"
"the sorted uint32/uint64 keys. min and max ignore NaN; sum and sum_squares follow\n"
"numpy's pairwise summation of values[start:stop] as float64.");

/* Check the buffers' formats and sizes and the table; set *wide and *nthr. */
static int check_args(const Py_buffer *values, const Py_buffer *cells, const Py_buffer *thr,
                      const Py_buffer *counts, Py_ssize_t start, Py_ssize_t stop, int *wide,
                      Py_ssize_t *nthr)
{
    if (format_is(values, 'f') && values->itemsize == 4)
        *wide = 0;
    else if (format_is(values, 'd') && values->itemsize == 8)
        *wide = 1;
    else {
        PyErr_Format(PyExc_TypeError, "values must be float32 or float64, got format %s",
                     values->format ? values->format : "B");
        return -1;
    }
    Py_ssize_t item = *wide ? 8 : 4;
    *nthr = thr->len / item;
    if (thr->itemsize != item || *nthr < 1) {
        PyErr_SetString(PyExc_ValueError, "thresholds must be non-empty keys of the values' width");
        return -1;
    }
    if (cells->len != TABLE_CELLS * 2 * item) {
        PyErr_Format(PyExc_ValueError, "cells must hold %zd bytes, got %zd",
                     TABLE_CELLS * 2 * item, cells->len);
        return -1;
    }
    if (counts->itemsize != 8 || counts->len / 8 != *nthr + 1 ||
        !(format_is(counts, 'q') || format_is(counts, 'l'))) {
        PyErr_Format(PyExc_ValueError, "counts must be int64 with %zd slots", *nthr + 1);
        return -1;
    }
    if (start < 0 || stop < start || stop > values->len / item) {
        PyErr_Format(PyExc_ValueError, "range [%zd, %zd) outside the %zd values", start, stop,
                     values->len / item);
        return -1;
    }
    if (check_table(cells, *wide, *nthr) < 0 || check_sorted(thr, *wide, *nthr) < 0)
        return -1;
    return 0;
}

/* Count values[start:stop] without the GIL; returns (min, max, sum, sum_squares). */
static PyObject *run_count(const Py_buffer *values, const Py_buffer *cells,
                           const Py_buffer *thr, const Py_buffer *counts, Py_ssize_t start,
                           Py_ssize_t stop, int wide, Py_ssize_t nthr)
{
    State st = {0};
    st.cells = cells->buf;
    st.thresholds = thr->buf;
    st.nthr = nthr;
    st.width = nthr + 1;
    st.lane_mask = st.width <= MAX_LANED_WIDTH ? LANES - 1 : 0;
    st.out = (int64_t *)counts->buf;
    st.mn = Py_HUGE_VAL;
    st.mx = -Py_HUGE_VAL;
    st.sub = (uint32_t *)calloc((size_t)((st.lane_mask + 1) * st.width), sizeof(uint32_t));
    if (st.sub == NULL)
        return PyErr_NoMemory();

    double sum = 0.0, sq = 0.0;
    Py_ssize_t n = stop - start;
    Py_BEGIN_ALLOW_THREADS
    if (n > 0) {
        if (wide)
            pairwise_f64((const double *)values->buf + start, n, &st, &sum, &sq);
        else
            pairwise_f32((const float *)values->buf + start, n, &st, &sum, &sq);
    }
    flush_counts(&st);
    Py_END_ALLOW_THREADS
    free(st.sub);
    return Py_BuildValue("dddd", st.mn, st.mx, sum, sq);
}

static PyObject *count(PyObject *self, PyObject *args)
{
    PyObject *values_obj, *cells_obj, *thr_obj, *counts_obj;
    Py_ssize_t start, stop;
    if (!PyArg_ParseTuple(args, "OnnOOO:count", &values_obj, &start, &stop, &cells_obj, &thr_obj,
                          &counts_obj))
        return NULL;

    Py_buffer values = {0}, cells = {0}, thr = {0}, counts = {0};
    PyObject *result = NULL;
    int wide;
    Py_ssize_t nthr;
    if (PyObject_GetBuffer(values_obj, &values, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) == 0 &&
        PyObject_GetBuffer(cells_obj, &cells, PyBUF_C_CONTIGUOUS) == 0 &&
        PyObject_GetBuffer(thr_obj, &thr, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) == 0 &&
        PyObject_GetBuffer(counts_obj, &counts,
                           PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | PyBUF_WRITABLE) == 0 &&
        check_args(&values, &cells, &thr, &counts, start, stop, &wide, &nthr) == 0)
        result = run_count(&values, &cells, &thr, &counts, start, stop, wide, nthr);

    if (values.obj)
        PyBuffer_Release(&values);
    if (cells.obj)
        PyBuffer_Release(&cells);
    if (thr.obj)
        PyBuffer_Release(&thr);
    if (counts.obj)
        PyBuffer_Release(&counts);
    return result;
}

static PyMethodDef methods[] = {
    {"count", count, METH_VARARGS, count_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    "trainboard._native._histogram",
    "Histogram bucket counting kernel (see _histogram.c).",
    -1,
    methods,
};

PyMODINIT_FUNC PyInit__histogram(void)
{
    return PyModule_Create(&module);
}
