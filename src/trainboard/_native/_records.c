/*
 * trainboard._native._records: the compiled hot loops of the data layer.
 *
 * scan()          walks TFRecord framing in a buffer, checks CRC32C, and decodes the
 *                 common shape of a scalar Event (wall_time, step, summary values that
 *                 are a simple_value or a one-element float/double/int32/int64 tensor)
 *                 into fixed 64-byte rows. Every record it does not fully understand
 *                 becomes a "record" row that Python decodes with protobuf, so the
 *                 result is identical to the pure-Python path in
 *                 trainboard/data/_kernel.py, which emits only "record" rows.
 * ema()           TensorBoard's debiased exponential moving average.
 * ema_weighted()  the same average with a decay per unit of x (time-weighted).
 *
 * Nothing here allocates Python objects while the GIL is released.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------ CRC32C */

static uint32_t crc_table[8][256];
static int crc_hw;

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
        crc_table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xFF];
}

static uint32_t crc_sw(uint32_t c, const uint8_t *p, size_t n) {
    while (n >= 8) {
        uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                           (uint32_t)p[3] << 24);
        c = crc_table[7][lo & 0xFF] ^ crc_table[6][(lo >> 8) & 0xFF] ^
            crc_table[5][(lo >> 16) & 0xFF] ^ crc_table[4][lo >> 24] ^ crc_table[3][p[4]] ^
            crc_table[2][p[5]] ^ crc_table[1][p[6]] ^ crc_table[0][p[7]];
        p += 8;
        n -= 8;
    }
    while (n--) c = (c >> 8) ^ crc_table[0][(c ^ *p++) & 0xFF];
    return c;
}

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_HW_CRC 1
__attribute__((target("sse4.2"))) static uint32_t crc_hw_run(uint32_t c, const uint8_t *p,
                                                             size_t n) {
#if defined(__x86_64__)
    uint64_t c64 = c;
    while (n >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        c64 = __builtin_ia32_crc32di(c64, word);
        p += 8;
        n -= 8;
    }
    c = (uint32_t)c64;
#endif
    while (n--) c = __builtin_ia32_crc32qi(c, *p++);
    return c;
}
#endif

static uint32_t masked_crc(const uint8_t *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
#ifdef HAVE_HW_CRC
    c = crc_hw ? crc_hw_run(c, p, n) : crc_sw(c, p, n);
#else
    c = crc_sw(c, p, n);
#endif
    c ^= 0xFFFFFFFFu;
    return ((c >> 15) | (c << 17)) + 0xA282EAD8u;
}

static uint32_t load_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t load_u64(const uint8_t *p) {
    return (uint64_t)load_u32(p) | (uint64_t)load_u32(p + 4) << 32;
}

/* ------------------------------------------------------------- wire format */

/* Rows, as numpy reads them (trainboard/data/_kernel.py ROW_DTYPE). */
typedef struct {
    int64_t offset;      /* absolute offset of the record in its file */
    int64_t length;      /* data length (RECORD, BAD_CRC) or bytes skipped (SKIPPED) */
    int64_t step;
    double wall_time;
    double value;
    int32_t tag;         /* index into the tag tuple scan() returns */
    int32_t value_index; /* position of the value in Summary.value */
    int32_t meta_off;    /* metadata bytes, from the record's data start; -1 when absent */
    int32_t meta_len;
    int32_t kind;
    int32_t reserved;
} row_t;

enum { ROW_RECORD = 0, ROW_SIMPLE = 1, ROW_TENSOR = 2, ROW_BAD_CRC = 3, ROW_SKIPPED = 4 };
enum { STATUS_END = 0, STATUS_ROWS_FULL = 1, STATUS_TAGS_FULL = 2 };

typedef struct {
    const uint8_t *p;
    const uint8_t *end;
} cursor_t;

/* 0 on a malformed or over-long varint. */
static int read_varint(cursor_t *c, uint64_t *out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (c->p >= c->end) return 0;
        uint8_t b = *c->p++;
        if (shift == 63 && b > 1) return 0;
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 1;
        }
    }
    return 0;
}

static int read_len(cursor_t *c, cursor_t *sub) {
    uint64_t n;
    if (!read_varint(c, &n) || n > (uint64_t)(c->end - c->p)) return 0;
    sub->p = c->p;
    sub->end = c->p + n;
    c->p += n;
    return 1;
}

/* Skip one field of a known-good wire type; 0 on anything else. */
static int skip_field(cursor_t *c, int wire) {
    uint64_t v;
    cursor_t sub;
    switch (wire) {
    case 0: return read_varint(c, &v);
    case 1: if (c->end - c->p < 8) return 0; c->p += 8; return 1;
    case 2: return read_len(c, &sub);
    case 5: if (c->end - c->p < 4) return 0; c->p += 4; return 1;
    default: return 0;
    }
}

/* Strict UTF-8, as upb checks proto3 strings. */
static int valid_utf8(const uint8_t *s, const uint8_t *end) {
    while (s < end) {
        uint8_t b = *s;
        if (b < 0x80) { s++; continue; }
        int n;
        uint32_t cp;
        if (b >= 0xC2 && b <= 0xDF) { n = 1; cp = b & 0x1F; }
        else if (b >= 0xE0 && b <= 0xEF) { n = 2; cp = b & 0x0F; }
        else if (b >= 0xF0 && b <= 0xF4) { n = 3; cp = b & 0x07; }
        else return 0;
        if (end - s <= n) return 0;
        for (int i = 1; i <= n; i++) {
            if ((s[i] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (s[i] & 0x3F);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        s += n + 1;
    }
    return 1;
}

/* SummaryMetadata: validate it the way the protobuf parser would; 0 = let Python decide. */
static int check_metadata(cursor_t c) {
    unsigned seen = 0;
    while (c.p < c.end) {
        uint64_t key;
        cursor_t sub;
        if (!read_varint(&c, &key)) return 0;
        unsigned field = (unsigned)(key >> 3), wire = key & 7;
        if (field >= 1 && field <= 4) {
            if (seen & (1u << field)) return 0;
            seen |= 1u << field;
        }
        if ((field == 2 || field == 3) && wire == 2) {
            if (!read_len(&c, &sub) || !valid_utf8(sub.p, sub.end)) return 0;
        } else if (field == 1 && wire == 2) {
            unsigned pseen = 0;
            if (!read_len(&c, &sub)) return 0;
            while (sub.p < sub.end) {
                cursor_t s2;
                if (!read_varint(&sub, &key)) return 0;
                unsigned f2 = (unsigned)(key >> 3);
                if ((key & 7) != 2 || (f2 != 1 && f2 != 2) || (pseen & (1u << f2))) return 0;
                pseen |= 1u << f2;
                if (!read_len(&sub, &s2)) return 0;
                if (f2 == 1 && !valid_utf8(s2.p, s2.end)) return 0;
            }
        } else if (field == 4 && wire == 0) {
            uint64_t v;
            if (!read_varint(&c, &v)) return 0;
        } else {
            return 0;
        }
    }
    return 1;
}

/* TensorShapeProto whose dims are all 1 (a one-element shape). */
static int check_unit_shape(cursor_t c) {
    while (c.p < c.end) {
        uint64_t key;
        cursor_t dim;
        if (!read_varint(&c, &key) || key != ((2 << 3) | 2) || !read_len(&c, &dim)) return 0;
        int have_size = 0;
        while (dim.p < dim.end) {
            uint64_t k2, size;
            if (!read_varint(&dim, &k2) || k2 != ((1 << 3) | 0) || have_size) return 0;
            if (!read_varint(&dim, &size) || size != 1) return 0;
            have_size = 1;
        }
        if (!have_size) return 0;
    }
    return 1;
}

/* The one value of a tensor_content of dtype 1, 2, 3 or 9 (little-endian). */
static int content_value(uint64_t dtype, cursor_t content, double *out) {
    size_t width = dtype == 1 || dtype == 3 ? 4 : 8;
    if ((size_t)(content.end - content.p) != width) return 0;
    uint64_t bits = width == 4 ? load_u32(content.p) : load_u64(content.p);
    if (dtype == 1) { float f; uint32_t b32 = (uint32_t)bits; memcpy(&f, &b32, 4); *out = f; }
    else if (dtype == 2) { double d; memcpy(&d, &bits, 8); *out = d; }
    else if (dtype == 3) *out = (double)(int32_t)(uint32_t)bits;
    else *out = (double)(int64_t)bits;
    return 1;
}

/* The one value of typed field 5/6/7/10 (float/double/int32/int64), packed or not. */
static int typed_value(int field, cursor_t t, int packed, double *out) {
    if (!packed) { /* the bytes start with the field's key */
        uint64_t key;
        if (!read_varint(&t, &key)) return 0;
    }
    if (field == 5) {
        if (t.end - t.p != 4) return 0;
        float f; uint32_t b32 = load_u32(t.p); memcpy(&f, &b32, 4); *out = f;
    } else if (field == 6) {
        if (t.end - t.p != 8) return 0;
        double d; uint64_t b64 = load_u64(t.p); memcpy(&d, &b64, 8); *out = d;
    } else {
        uint64_t v;
        if (!read_varint(&t, &v) || t.p != t.end) return 0;
        *out = field == 7 ? (double)(int32_t)(uint32_t)v : (double)(int64_t)v;
    }
    return 1;
}

/* A one-element DT_FLOAT/DT_DOUBLE/DT_INT32/DT_INT64 TensorProto -> double; 0 = punt. */
static int read_unit_tensor(cursor_t c, double *out) {
    uint64_t dtype = 0;
    int have_dtype = 0, have_shape = 0;
    cursor_t content = {NULL, NULL}, typed[11];
    int typed_count[11] = {0};
    while (c.p < c.end) {
        uint64_t key, v;
        cursor_t sub;
        if (!read_varint(&c, &key)) return 0;
        unsigned field = (unsigned)(key >> 3), wire = key & 7;
        if (field == 1 && wire == 0) {
            if (have_dtype || !read_varint(&c, &dtype)) return 0;
            have_dtype = 1;
        } else if (field == 2 && wire == 2) {
            if (have_shape || !read_len(&c, &sub) || !check_unit_shape(sub)) return 0;
            have_shape = 1;
        } else if (field == 3 && wire == 0) {
            if (!read_varint(&c, &v)) return 0;
        } else if (field == 4 && wire == 2) {
            if (content.p || !read_len(&c, &content)) return 0;
        } else if (field == 5 || field == 6 || field == 7 || field == 10) {
            int packed_wire = 2;
            int single_wire = field == 5 ? 5 : field == 6 ? 1 : 0;
            if ((int)wire != packed_wire && (int)wire != single_wire) return 0;
            if (typed_count[field]) return 0; /* repeated occurrences: let protobuf merge */
            const uint8_t *start = c.p;
            if ((int)wire == packed_wire) {
                if (!read_len(&c, &sub)) return 0;
                typed[field] = sub;
            } else {
                if (!skip_field(&c, (int)wire)) return 0;
                typed[field].p = start;
                typed[field].end = c.p;
            }
            typed_count[field] = (int)wire == packed_wire ? 2 : 1;
        } else {
            return 0;
        }
    }
    int field = dtype == 1 ? 5 : dtype == 2 ? 6 : dtype == 3 ? 7 : dtype == 9 ? 10 : 0;
    if (!field) return 0;
    if (content.p && content.end > content.p) return content_value(dtype, content, out);
    if (!typed_count[field]) return 0;
    return typed_value(field, typed[field], typed_count[field] == 2, out);
}

/* --------------------------------------------------------------- tag table */

#define TAG_SLOTS 8192
#define TAG_MAX 4096

/* Open addressing with linear probing, at most half full (TAG_MAX = TAG_SLOTS / 2), so
   every probe ends at an empty slot. Entries are only ever removed newest first
   (forget_tags), which restores the table exactly as it was before they were added. */
typedef struct {
    const uint8_t *ptr[TAG_MAX];
    Py_ssize_t len[TAG_MAX];
    uint32_t home[TAG_MAX];    /* the slot each entry occupies */
    int32_t slot[TAG_SLOTS]; /* index + 1; 0 = empty */
    int count;
} tags_t;

static int32_t intern_tag(tags_t *t, const uint8_t *p, Py_ssize_t n) {
    uint32_t h = 2166136261u;
    for (Py_ssize_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    uint32_t s = h & (TAG_SLOTS - 1);
    for (int probes = 0; t->slot[s]; probes++) {
        if (probes >= TAG_SLOTS) return -1; /* cannot happen while half full; never spin */
        int32_t i = t->slot[s] - 1;
        if (t->len[i] == n && memcmp(t->ptr[i], p, (size_t)n) == 0) return i;
        s = (s + 1) & (TAG_SLOTS - 1);
    }
    if (t->count >= TAG_MAX) return -1;
    t->ptr[t->count] = p;
    t->len[t->count] = n;
    t->home[t->count] = s;
    t->slot[s] = t->count + 1;
    return t->count++;
}

/* Remove the entries added after the table held `keep` of them, newest first. */
static void forget_tags(tags_t *t, int keep) {
    while (t->count > keep) {
        t->count--;
        t->slot[t->home[t->count]] = 0;
    }
}

/* ------------------------------------------------------------ event decode */

enum { PARSE_PUNT = 0, PARSE_OK = 1, PARSE_TAGS_FULL = 2, PARSE_ROWS_FULL = 3 };

static int parse_value(cursor_t c, const uint8_t *data, row_t *row, tags_t *tags) {
    cursor_t tag = {NULL, NULL}, meta = {NULL, NULL}, sub;
    int kind = 0;
    double value = 0;
    while (c.p < c.end) {
        uint64_t key;
        if (!read_varint(&c, &key)) return PARSE_PUNT;
        unsigned field = (unsigned)(key >> 3), wire = key & 7;
        if (field == 1 && wire == 2) {
            if (tag.p || !read_len(&c, &tag)) return PARSE_PUNT;
        } else if (field == 9 && wire == 2) {
            if (meta.p || !read_len(&c, &meta) || !check_metadata(meta)) return PARSE_PUNT;
        } else if (field == 2 && wire == 5) {
            if (kind || c.end - c.p < 4) return PARSE_PUNT;
            float f; uint32_t b32 = load_u32(c.p); memcpy(&f, &b32, 4);
            value = f;
            c.p += 4;
            kind = ROW_SIMPLE;
        } else if (field == 8 && wire == 2) {
            if (kind || !read_len(&c, &sub) || !read_unit_tensor(sub, &value)) return PARSE_PUNT;
            kind = ROW_TENSOR;
        } else {
            return PARSE_PUNT;
        }
    }
    if (!kind || !tag.p || tag.end == tag.p || !valid_utf8(tag.p, tag.end)) return PARSE_PUNT;
    int32_t id = intern_tag(tags, tag.p, tag.end - tag.p);
    if (id < 0) return PARSE_TAGS_FULL;
    row->tag = id;
    row->value = value;
    row->kind = kind;
    row->meta_off = meta.p ? (int32_t)(meta.p - data) : -1;
    row->meta_len = meta.p ? (int32_t)(meta.end - meta.p) : 0;
    return PARSE_OK;
}

/* Decode one Event into rows[0..]; *nrows is set on PARSE_OK. */
static int parse_event(const uint8_t *data, size_t n, row_t *rows, Py_ssize_t room,
                       Py_ssize_t *nrows, tags_t *tags) {
    cursor_t c = {data, data + n}, summary = {NULL, NULL};
    double wall = 0;
    int64_t step = 0;
    unsigned seen = 0;
    if (n > 0x7FFFFFFF) return PARSE_PUNT;
    while (c.p < c.end) {
        uint64_t key, v;
        if (!read_varint(&c, &key)) return PARSE_PUNT;
        unsigned field = (unsigned)(key >> 3), wire = key & 7;
        if (field == 1 && wire == 1 && !(seen & 2)) {
            if (c.end - c.p < 8) return PARSE_PUNT;
            uint64_t bits = load_u64(c.p);
            memcpy(&wall, &bits, 8);
            c.p += 8;
            seen |= 2;
        } else if (field == 2 && wire == 0 && !(seen & 4)) {
            if (!read_varint(&c, &v)) return PARSE_PUNT;
            step = (int64_t)v;
            seen |= 4;
        } else if (field == 5 && wire == 2 && !(seen & 32)) {
            if (!read_len(&c, &summary)) return PARSE_PUNT;
            seen |= 32;
        } else {
            return PARSE_PUNT;
        }
    }
    if (!summary.p) return PARSE_PUNT;
    Py_ssize_t k = 0;
    while (summary.p < summary.end) {
        uint64_t key;
        cursor_t value;
        if (!read_varint(&summary, &key) || key != ((1 << 3) | 2) || !read_len(&summary, &value))
            return PARSE_PUNT;
        if (k >= room) return PARSE_ROWS_FULL;
        int r = parse_value(value, data, &rows[k], tags);
        if (r != PARSE_OK) return r;
        rows[k].step = step;
        rows[k].wall_time = wall;
        rows[k].value_index = (int32_t)k;
        rows[k].length = (int64_t)n;
        k++;
    }
    *nrows = k;
    return PARSE_OK;
}

/* -------------------------------------------------------------- scan loop */

static void put_row(row_t *row, int kind, int64_t offset, int64_t length) {
    memset(row, 0, sizeof(*row));
    row->kind = kind;
    row->offset = offset;
    row->length = length;
    row->meta_off = -1;
}

typedef struct {
    const uint8_t *buf;
    Py_ssize_t pos, end;
    int64_t base;
    int check_crc;
    row_t *rows;
    Py_ssize_t capacity, nrows;
    tags_t *tags;
    int status;
} scan_t;

static void scan_loop(scan_t *s) {
    const uint8_t *buf = s->buf;
    Py_ssize_t pos = s->pos, n = s->end;
    s->status = STATUS_END;
    while (pos + 12 <= n) {
        if (s->nrows >= s->capacity) { s->status = STATUS_ROWS_FULL; break; }
        row_t *row = &s->rows[s->nrows];
        if (s->check_crc && masked_crc(buf + pos, 8) != load_u32(buf + pos + 8)) {
            Py_ssize_t q = pos + 1;
            while (q + 12 <= n && masked_crc(buf + q, 8) != load_u32(buf + q + 8)) q++;
            if (q + 12 > n) q = n - 11;
            put_row(row, ROW_SKIPPED, s->base + pos, q - pos);
            s->nrows++;
            pos = q;
            continue;
        }
        uint64_t length = load_u64(buf + pos);
        if (n - pos < 16 || length > (uint64_t)(n - pos - 16)) break; /* incomplete: wait */
        const uint8_t *data = buf + pos + 12;
        Py_ssize_t next = pos + 16 + (Py_ssize_t)length;
        if (s->check_crc && masked_crc(data, (size_t)length) != load_u32(data + length)) {
            put_row(row, ROW_BAD_CRC, s->base + pos, (int64_t)length);
            s->nrows++;
            pos = next;
            continue;
        }
        Py_ssize_t k = 0;
        int saved_tags = s->tags->count;
        int r = parse_event(data, (size_t)length, row, s->capacity - s->nrows, &k, s->tags);
        if (r == PARSE_TAGS_FULL || r == PARSE_ROWS_FULL) {
            /* Forget this record's new tags, then stop so Python can drain the rows,
               or decode the record itself when nothing came before it. */
            forget_tags(s->tags, saved_tags);
            if (s->nrows > 0) {
                s->status = r == PARSE_TAGS_FULL ? STATUS_TAGS_FULL : STATUS_ROWS_FULL;
                break;
            }
            r = PARSE_PUNT;
        }
        if (r == PARSE_OK) {
            for (Py_ssize_t i = 0; i < k; i++) row[i].offset = s->base + pos;
            s->nrows += k;
        } else {
            put_row(row, ROW_RECORD, s->base + pos, (int64_t)length);
            s->nrows++;
        }
        pos = next;
    }
    s->pos = pos;
}

static PyObject *scan(PyObject *self, PyObject *args) {
    Py_buffer buf, out;
    Py_ssize_t start, end;
    long long base;
    int check_crc;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*nnLpw*", &buf, &start, &end, &base, &check_crc, &out))
        return NULL;
    PyObject *result = NULL;
    tags_t *tags = NULL;
    if (start < 0 || end > buf.len || start > end) {
        PyErr_SetString(PyExc_ValueError, "scan: start/end outside the buffer");
        goto done;
    }
    tags = PyMem_Calloc(1, sizeof(tags_t));
    if (!tags) { PyErr_NoMemory(); goto done; }
    scan_t s = {buf.buf, start, end, base, check_crc, out.buf,
                out.len / (Py_ssize_t)sizeof(row_t), 0, tags, 0};
    Py_BEGIN_ALLOW_THREADS
    scan_loop(&s);
    Py_END_ALLOW_THREADS
    PyObject *names = PyTuple_New(tags->count);
    if (!names) goto done;
    for (int i = 0; i < tags->count; i++) {
        PyObject *b = PyBytes_FromStringAndSize((const char *)tags->ptr[i], tags->len[i]);
        if (!b) { Py_DECREF(names); goto done; }
        PyTuple_SET_ITEM(names, i, b);
    }
    result = Py_BuildValue("nnNi", s.pos, s.nrows, names, s.status);
done:
    PyMem_Free(tags);
    PyBuffer_Release(&buf);
    PyBuffer_Release(&out);
    return result;
}

/* ---------------------------------------------------------------- smoothing */

static int get_doubles(PyObject *obj, Py_buffer *view, int writable) {
    if (PyObject_GetBuffer(obj, view, (writable ? PyBUF_WRITABLE : 0) | PyBUF_C_CONTIGUOUS |
                                          PyBUF_FORMAT) < 0)
        return 0;
    if (view->itemsize != 8 || !view->format || strcmp(view->format, "d") != 0) {
        PyErr_SetString(PyExc_TypeError, "expected a contiguous float64 buffer");
        PyBuffer_Release(view);
        return 0;
    }
    return 1;
}

static PyObject *ema(PyObject *self, PyObject *args) {
    PyObject *yo, *oo;
    double w;
    Py_buffer y, out;
    (void)self;
    if (!PyArg_ParseTuple(args, "OOd", &yo, &oo, &w)) return NULL;
    if (!get_doubles(yo, &y, 0)) return NULL;
    if (!get_doubles(oo, &out, 1)) { PyBuffer_Release(&y); return NULL; }
    Py_ssize_t n = y.len / 8;
    const double *ys = y.buf;
    double *os = out.buf;
    Py_BEGIN_ALLOW_THREADS
    double last = 0.0, count = 0.0;
    int saturated = w == 1.0; /* then the debias factor is 1 for good */
    for (Py_ssize_t i = 0; i < n; i++) {
        double v = ys[i];
        if (!isfinite(v)) { os[i] = v; continue; }
        last = last * w + (1.0 - w) * v;
        count += 1.0;
        double debias = 1.0;
        if (!saturated) {
            /* Once w**count < 2**-54, 1 - w**count rounds to 1 for every later count:
               skip pow() (slow on subnormal results) with the very same result. */
            double p = pow(w, count);
            saturated = p < 0x1p-54;
            debias = 1.0 - p;
        }
        os[i] = last / debias;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&y);
    PyBuffer_Release(&out);
    Py_RETURN_NONE;
}

static PyObject *ema_weighted(PyObject *self, PyObject *args) {
    PyObject *xo, *yo, *oo;
    double w, scale;
    Py_buffer x, y, out;
    (void)self;
    if (!PyArg_ParseTuple(args, "OOOdd", &xo, &yo, &oo, &w, &scale)) return NULL;
    if (!get_doubles(xo, &x, 0)) return NULL;
    if (!get_doubles(yo, &y, 0)) { PyBuffer_Release(&x); return NULL; }
    if (!get_doubles(oo, &out, 1)) { PyBuffer_Release(&x); PyBuffer_Release(&y); return NULL; }
    Py_ssize_t n = y.len / 8;
    const double *xs = x.buf, *ys = y.buf;
    double *os = out.buf;
    Py_BEGIN_ALLOW_THREADS
    /* num/den: the weighted sum of the values so far and of their weights (1 each),
       both decayed by w ** (dx / scale) between points; scale <= 0: by w per point. */
    double num = 0.0, den = 0.0, prev_x = 0.0, prev_dx = -1.0, decay = 1.0;
    double rate = w == 0.0 ? -INFINITY : log(w) / scale; /* w ** (dx / scale) = exp(dx * rate) */
    for (Py_ssize_t i = 0; i < n; i++) {
        double v = ys[i];
        if (!isfinite(v)) { os[i] = v; continue; }
        if (den > 0.0) {
            if (scale > 0.0) {
                double dx = xs[i] - prev_x;
                if (!(dx > 0.0)) dx = 0.0;
                if (dx != prev_dx) { /* evenly spaced points reuse the last decay */
                    decay = dx == 0.0 ? 1.0 : exp(dx * rate);
                    prev_dx = dx;
                }
            } else {
                decay = w;
            }
            num *= decay;
            den *= decay;
        }
        num += v;
        den += 1.0;
        prev_x = xs[i];
        os[i] = num / den;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&x);
    PyBuffer_Release(&y);
    PyBuffer_Release(&out);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS,
     "scan(buffer, start, end, base_offset, check_crc, rows) -> (pos, nrows, tags, status)"},
    {"ema", ema, METH_VARARGS, "ema(values, out, weight): debiased EMA into out"},
    {"ema_weighted", ema_weighted, METH_VARARGS,
     "ema_weighted(x, values, out, weight, scale): time-weighted debiased EMA into out"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_records", NULL, -1, methods,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__records(void) {
    crc_init();
#ifdef HAVE_HW_CRC
    __builtin_cpu_init();
    crc_hw = __builtin_cpu_supports("sse4.2");
#endif
    PyObject *m = PyModule_Create(&module);
    if (m && PyModule_AddIntConstant(m, "ROW_SIZE", (long)sizeof(row_t)) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
