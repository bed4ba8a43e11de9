/* govrules._speedups: the events of a batch of CSV rows (or of records given a field at a time),
 * made in C.
 *
 * `build_rows` does what `_Builder.rows_reader`'s column-at-a-time path does in Python
 * (govrules/events.py) for a batch in which every row has the header's width and is no longer
 * than the record limit, no cell holds a control character or an undecodable byte, every event
 * has its time, actor and action, no actor or recipient is written as a party (`role:vp`), and
 * every time is a full ISO 8601 time at one offset: it takes
 * each field's cell, strips it, reads the time with `datetime.fromisoformat` (or itself, for a
 * time written in full at the batch's offset, see `read_time`) and gives it the batch's one
 * shared offset object, interns actors, actions, recipients and periods, shares
 * subjects and refs through the reader's two generations of recent values, gathers the
 * attributes the reader keeps, and calls `Event`. For any other batch it returns None and the
 * Python path reads it, so that rejections and their reasons stay those of the record-by-record
 * path. `build_lines` does what `build_rows` does for the rows the csv module would read from a
 * batch of lines that each hold one row (its cells unquoted, or quoted whole), from the lines
 * themselves.
 * `build_columns` does the second half for a batch of records whose fields the Python
 * path has gathered (JSON records): what `_Builder._made` does. `account` does for the checker
 * what `govrules.checker._account` does: the accounting of a batch of events (duplicate ids,
 * the files and lines they were read at, the events each rule reads). `keys_kept` tells whether
 * a batch of JSON texts repeats no object key (which a decoder would quietly let the last value
 * of win) by counting the keys each writes and each decoded value holds. The module is optional:
 * without it the Python paths run, with the same results (tests/test_events.py and
 * tests/checker/test_economies.py compare the two).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "datetime.h"
#include "structmember.h"

#define N_FIELDS 8
enum { F_ID, F_TIME, F_ACTOR, F_ACTION, F_RECIPIENT, F_SUBJECT, F_REF, F_PERIOD };

static PyObject *str_strip;

/* A cell as an event field (a new reference): None for an empty cell, else the cell stripped of
 * whitespace as str.strip() strips it (a cell of blanks gives ""). NULL with an exception set. */
static PyObject *
stripped(PyObject *cell)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(cell);
    if (n == 0) {
        Py_RETURN_NONE;
    }
    if (!Py_UNICODE_ISSPACE(PyUnicode_READ_CHAR(cell, 0)) &&
        !Py_UNICODE_ISSPACE(PyUnicode_READ_CHAR(cell, n - 1))) {
        return Py_NewRef(cell);
    }
    return PyObject_CallMethodNoArgs(cell, str_strip);
}

/* Whether `text` holds a control character other than tab, or a byte that could not be decoded
 * (U+DC80..U+DCFF, as surrogateescape gives it): what `_SUSPECT` finds in events.py. */
static int
suspect(PyObject *text)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *c = data;
        for (Py_ssize_t i = 0; i < n; i++) {
            if (c[i] < 0x20 && c[i] != 0x09) {
                return 1;
            }
        }
        return 0;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if ((c < 0x20 && c != 0x09) || (c >= 0xDC80 && c <= 0xDCFF)) {
            return 1;
        }
    }
    return 0;
}

/* `value` split on `sep`, each part stripped, the empty ones left out (a new list). */
static PyObject *
split_list(PyObject *value, PyObject *sep)
{
    PyObject *parts = PyUnicode_Split(value, sep, -1);
    if (parts == NULL) {
        return NULL;
    }
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        Py_DECREF(parts);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(parts); i++) {
        PyObject *part = stripped(PyList_GET_ITEM(parts, i));
        if (part == NULL) {
            goto fail;
        }
        if (part != Py_None && PyUnicode_GET_LENGTH(part) > 0 && PyList_Append(out, part) < 0) {
            Py_DECREF(part);
            goto fail;
        }
        Py_DECREF(part);
    }
    Py_DECREF(parts);
    return out;
fail:
    Py_DECREF(parts);
    Py_DECREF(out);
    return NULL;
}

/* `value` replaced by the copy `recent` holds, if any, else by the one `older` holds (which
 * `recent` then holds too), else `recent` holds `value`: the sharing of `_Builder.share`, which
 * leaves `recent` as it does, with one look-up for a value read again soon (the usual repeat).
 * Steals `value`; returns a new reference. */
static PyObject *
share(PyObject *value, PyObject *recent, PyObject *older)
{
    if (value == Py_None) {
        return value;
    }
    PyObject *kept = PyDict_SetDefault(recent, value, value);
    if (kept == NULL) {
        Py_DECREF(value);
        return NULL;
    }
    if (kept != value) {
        Py_INCREF(kept);
        Py_DECREF(value);
        return kept;
    }
    PyObject *seen = PyDict_GetItemWithError(older, value);
    if (seen == NULL) {
        if (PyErr_Occurred()) {
            Py_DECREF(value);
            return NULL;
        }
        return value;  /* the reference stolen is the one returned; `recent` holds its own */
    }
    Py_INCREF(seen);
    if (PyDict_SetItem(recent, value, seen) < 0) {
        Py_DECREF(seen);
        Py_DECREF(value);
        return NULL;
    }
    Py_DECREF(value);
    return seen;
}

/* `*value` replaced by its interned copy; by `*last` (the previous row's, interned) when the two
 * are equal, which saves a lookup in the interpreter's table for the runs of one value a log has
 * (the same action or period row after row). `*last` is then this value. */
static void
intern_field(PyObject **value, PyObject **last)
{
    PyObject *v = *value;
    if (v == Py_None) {
        return;
    }
    PyObject *l = *last;
    if (l != NULL && PyUnicode_GET_LENGTH(l) == PyUnicode_GET_LENGTH(v) &&
        PyUnicode_KIND(l) == PyUnicode_KIND(v) &&
        memcmp(PyUnicode_DATA(l), PyUnicode_DATA(v), PyUnicode_GET_LENGTH(v) * PyUnicode_KIND(v)) == 0) {
        Py_SETREF(*value, Py_NewRef(l));
        return;
    }
    PyUnicode_InternInPlace(value);
    *last = *value;  /* borrowed: the row's event holds it, and the interpreter's table */
}

/* Whether the exception set is `kind`: then it is cleared and the batch goes to the Python path. */
static int
declined(PyObject *kind)
{
    if (PyErr_ExceptionMatches(kind)) {
        PyErr_Clear();
        return 1;
    }
    return 0;
}

/* The batch's one offset: `zone`, its shared object in the reader's `zones` (a new reference;
 * NULL until the batch's first time is read) and, when that time was written in full
 * (`YYYY-MM-DDTHH:MM:SS+HH:MM`, see `written_at`), the text of its offset. */
typedef struct {
    PyObject *zone;
    int has_text;
    Py_UCS1 text[6];
} Offset;

/* The value of the two ASCII digits at `c`, or -1. */
static int
two_digits(const Py_UCS1 *c)
{
    if (c[0] < '0' || c[0] > '9' || c[1] < '0' || c[1] > '9') {
        return -1;
    }
    return (c[0] - '0') * 10 + (c[1] - '0');
}

/* Whether the `n` characters at `start` of `data` (of `kind`) are a time written
 * `YYYY-MM-DDTHH:MM:SS+HH:MM` (or `-HH:MM`), a real date and time with hours and minutes of
 * offset in range, its fields into `f` (year, month, day, hour, minute, second) and its offset's
 * six characters into `offset`: a time `fromisoformat` reads as those fields at that offset. */
static int
written_at(int kind, const void *data, Py_ssize_t start, Py_ssize_t n, int *f, Py_UCS1 *offset)
{
    static const int days_in[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    Py_UCS1 c[25];
    if (n != 25) {
        return 0;
    }
    if (kind == PyUnicode_1BYTE_KIND) {
        memcpy(c, (const Py_UCS1 *)data + start, 25);
    }
    else {
        for (int k = 0; k < 25; k++) {
            Py_UCS4 ch = PyUnicode_READ(kind, data, start + k);
            if (ch > 127) {
                return 0;
            }
            c[k] = (Py_UCS1)ch;
        }
    }
    if (c[4] != '-' || c[7] != '-' || c[10] != 'T' || c[13] != ':' || c[16] != ':' ||
        (c[19] != '+' && c[19] != '-') || c[22] != ':') {
        return 0;
    }
    int hi = two_digits(c), lo = two_digits(c + 2);
    f[1] = two_digits(c + 5);
    f[2] = two_digits(c + 8);
    f[3] = two_digits(c + 11);
    f[4] = two_digits(c + 14);
    f[5] = two_digits(c + 17);
    int off_h = two_digits(c + 20), off_m = two_digits(c + 23);
    if (hi < 0 || lo < 0 || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[3] < 0 || f[3] > 23 ||
        f[4] < 0 || f[4] > 59 || f[5] < 0 || f[5] > 59 || off_h < 0 || off_h > 23 || off_m < 0 ||
        off_m > 59) {
        return 0;
    }
    f[0] = hi * 100 + lo;
    int leap = f[0] % 4 == 0 && (f[0] % 100 != 0 || f[0] % 400 == 0);
    if (f[0] < 1 || f[2] > days_in[f[1]] + (f[1] == 2 && leap)) {
        return 0;
    }
    memcpy(offset, c + 19, 6);
    return 1;
}

/* The time written in full at `start` (`n` characters) of `data` (of `kind`), at the batch's
 * offset as written, made with the batch's shared offset object (a new reference); NULL with no
 * exception for any other text; NULL with an exception set on failure. */
static PyObject *
made_time(const Offset *off, int kind, const void *data, Py_ssize_t start, Py_ssize_t n)
{
    int f[6];
    Py_UCS1 offset[6];
    if (!off->has_text || !written_at(kind, data, start, n, f, offset) || memcmp(offset, off->text, 6) != 0) {
        return NULL;
    }
    return PyDateTimeAPI->DateTime_FromDateAndTime(f[0], f[1], f[2], f[3], f[4], f[5], 0, off->zone,
                                                   PyDateTimeAPI->DateTimeType);
}

/* `text` read into `*when` (a new reference), its offset compared with the batch's (`*off`, set
 * here from the first time read): 1 when read at that offset, 0 for a time the Python path must
 * read (no offset, another offset, not a full ISO time), -1 with an exception set.
 *
 * The first time is read with `fromisoformat` and its offset's object shared through the reader's
 * `zones`, as `share_zone` shares it. A later time written in full at the same offset, as a log's
 * times mostly are, is made here at once with that shared object: the datetime `fromisoformat`
 * would give, moved onto it (without a new offset object per time, and without a second datetime
 * per time in `share_zone`). Any other is read with `fromisoformat`. */
static int
read_time(PyObject *text, PyObject *fromisoformat, PyObject *zones, PyObject **when, Offset *off)
{
    if (PyUnicode_Check(text)) {
        *when = made_time(off, PyUnicode_KIND(text), PyUnicode_DATA(text), 0, PyUnicode_GET_LENGTH(text));
        if (*when != NULL) {
            return 1;
        }
        if (PyErr_Occurred()) {
            return -1;
        }
    }
    *when = PyObject_CallOneArg(fromisoformat, text);
    if (*when == NULL) {
        return declined(PyExc_ValueError) ? 0 : -1;
    }
    if (!PyDateTime_Check(*when)) {
        return 0;
    }
    PyObject *tz = PyDateTime_DATE_GET_TZINFO(*when);
    if (tz == Py_None) {
        return 0;  /* a wall time: read in the log's zone by the Python path */
    }
    if (off->zone == NULL) {
        PyObject *shared = PyDict_SetDefault(zones, tz, tz);
        if (shared == NULL) {
            return -1;
        }
        off->zone = Py_NewRef(shared);
        int f[6];
        off->has_text =
            written_at(PyUnicode_KIND(text), PyUnicode_DATA(text), 0, PyUnicode_GET_LENGTH(text), f, off->text);
        return 1;
    }
    if (tz == off->zone) {
        return 1;
    }
    int same = PyObject_RichCompareBool(tz, off->zone, Py_EQ);
    return same < 0 ? -1 : same;  /* 0: two offsets in the batch */
}

/* The `n` times `whens` (all at offsets equal to `zone`) moved onto the zones' shared object
 * equal to `zone`: the same wall time, what the Python path gives (astimezone, or where that would
 * leave the years a datetime holds, replace). 0, or -1 with an exception set. */
static int
share_zone(PyObject **whens, Py_ssize_t n, PyObject *zones, PyObject *zone)
{
    if (n == 0) {
        return 0;
    }
    PyObject *shared = PyDict_SetDefault(zones, zone, zone);
    if (shared == NULL) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *w = whens[i];
        if (PyDateTime_DATE_GET_TZINFO(w) == shared) {
            continue;
        }
        PyObject *moved = PyDateTimeAPI->DateTime_FromDateAndTime(
            PyDateTime_GET_YEAR(w), PyDateTime_GET_MONTH(w), PyDateTime_GET_DAY(w),
            PyDateTime_DATE_GET_HOUR(w), PyDateTime_DATE_GET_MINUTE(w), PyDateTime_DATE_GET_SECOND(w),
            PyDateTime_DATE_GET_MICROSECOND(w), shared, PyDateTimeAPI->DateTimeType);
        if (moved == NULL) {
            return -1;
        }
        Py_SETREF(whens[i], moved);
    }
    return 0;
}

/* What the reader's settings make of one record's fields `v` (new references, replaced in place:
 * the id default, interned strings, shared subject and ref) and the rest: its `Event` (a new
 * reference), or NULL with an exception set. `last` holds the previous record's interned fields. */
static PyObject *
make_event(PyObject **v, PyObject **last, PyObject *when, PyObject *attributes, PyObject *line,
           PyObject *seq, PyObject *base, PyObject *recent, PyObject *older, PyObject *event,
           PyObject *file)
{
    if (v[F_ID] == Py_None || PyUnicode_GET_LENGTH(v[F_ID]) == 0) {
        Py_SETREF(v[F_ID], PyUnicode_FromFormat("%U:%S", base, line));
        if (v[F_ID] == NULL) {
            return NULL;
        }
    }
    intern_field(&v[F_ACTOR], &last[F_ACTOR]);
    intern_field(&v[F_ACTION], &last[F_ACTION]);
    intern_field(&v[F_RECIPIENT], &last[F_RECIPIENT]);
    intern_field(&v[F_PERIOD], &last[F_PERIOD]);
    for (int f = F_SUBJECT; f <= F_REF; f++) {
        v[f] = share(v[f], recent, older);
        if (v[f] == NULL) {
            return NULL;
        }
    }
    PyObject *call[12] = {
        v[F_ID], when, v[F_ACTOR], v[F_ACTION], v[F_RECIPIENT], v[F_SUBJECT], v[F_REF], v[F_PERIOD],
        attributes, file, line, seq,
    };
    return PyObject_Vectorcall(event, call, 12, NULL);
}

/* Let go of a batch's field values (`n` records of `N_FIELDS`), times and attributes, and of
 * the arrays. */
static void
free_batch(PyObject **cells, PyObject **whens, PyObject **held, Py_ssize_t n)
{
    if (cells != NULL) {
        for (Py_ssize_t k = 0; k < n * N_FIELDS; k++) {
            Py_XDECREF(cells[k]);
        }
        PyMem_Free(cells);
    }
    if (whens != NULL) {
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_XDECREF(whens[i]);
        }
        PyMem_Free(whens);
    }
    if (held != NULL) {
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_XDECREF(held[i]);
        }
        PyMem_Free(held);
    }
}

/* Whether str `value` starts `role:` or `relation:`, its ASCII letters in any case, as
 * `govrules.events._PARTY_FORM` matches: the holder of a role or the members of a relation as
 * reports write them, which no actor or recipient of a record may be. */
static int
party_form(PyObject *value)
{
    static const char *forms[2] = {"role:", "relation:"};
    Py_ssize_t n = PyUnicode_GET_LENGTH(value);
    int kind = PyUnicode_KIND(value);
    const void *data = PyUnicode_DATA(value);
    if (n < 5 || (PyUnicode_READ(kind, data, 0) | 0x20) != 'r') {
        return 0;  /* the usual id, told by its first character */
    }
    for (int k = 0; k < 2; k++) {
        Py_ssize_t len = (Py_ssize_t)strlen(forms[k]), i = 0;
        for (; i < len && i < n; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != (Py_UCS4)forms[k][i]) {
                break;
            }
        }
        if (i == len) {
            return 1;
        }
    }
    return 0;
}

/* Whether `value` leaves field `f` of a record blank where the record needs it (its time, actor or
 * action), or names a party as its actor or recipient (`party_form`): the Python path says which,
 * rejecting the record. */
static int
lacks(int f, PyObject *value)
{
    if ((f == F_ACTOR || f == F_RECIPIENT) && value != Py_None && PyUnicode_Check(value) && party_form(value)) {
        return 1;
    }
    return (f == F_TIME || f == F_ACTOR || f == F_ACTION) &&
           (value == Py_None || (PyUnicode_Check(value) && PyUnicode_GET_LENGTH(value) == 0));
}

/* Whether record `v` (its `N_FIELDS` values gathered) can be made here: 1 when none of its time,
 * actor and action is blank and its time reads at the batch's offset (into `*when`, see
 * `read_time`), 0 for a record the Python path must read, -1 with an exception set. */
static int
readable(PyObject **v, PyObject *fromisoformat, PyObject *zones, PyObject **when, Offset *off)
{
    for (int f = 0; f < N_FIELDS; f++) {
        if (lacks(f, v[f])) {
            return 0;
        }
    }
    return read_time(v[F_TIME], fromisoformat, zones, when, off);
}

/* The arrays of a batch of `n` records, zeroed: `*cells` (`N_FIELDS` a record), `*whens` and
 * `*held` (one a record). 0, or -1 with MemoryError set (those made are freed by `free_batch`). */
static int
new_batch(Py_ssize_t n, PyObject ***cells, PyObject ***whens, PyObject ***held)
{
    size_t records = (size_t)(n > 0 ? n : 1);
    *cells = PyMem_Calloc(records * N_FIELDS, sizeof(PyObject *));
    *whens = PyMem_Calloc(records, sizeof(PyObject *));
    *held = PyMem_Calloc(records, sizeof(PyObject *));
    if (*cells == NULL || *whens == NULL || *held == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* Whether the events of `action` keep their attributes: `keep` is None (all do) or holds it.
 * -1 with an exception set. */
static int
kept(PyObject *keep, PyObject *action)
{
    return keep == Py_None ? 1 : PySet_Contains(keep, action);
}

/* The events of a batch of `n` records whose fields `cells` are gathered and whose times `whens`
 * are read at offsets equal to `zone`, with their attributes `held` (NULL for none): the times
 * moved onto the shared offset object of `zones`, then each record's `Event`. A new list, or NULL
 * with an exception set. */
static PyObject *
events_of(PyObject **cells, PyObject **whens, PyObject **held, Py_ssize_t n, PyObject *zone,
          PyObject *zones, PyObject *lines, PyObject *seqs, PyObject *no_attributes, PyObject *base,
          PyObject *recent, PyObject *older, PyObject *event, PyObject *file)
{
    if (share_zone(whens, n, zones, zone) < 0) {
        return NULL;
    }
    PyObject *result = PyList_New(n);
    if (result == NULL) {
        return NULL;
    }
    PyObject *last[N_FIELDS] = {NULL};
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *made = make_event(&cells[i * N_FIELDS], last, whens[i],
                                    held[i] != NULL ? held[i] : no_attributes, PyList_GET_ITEM(lines, i),
                                    PyList_GET_ITEM(seqs, i), base, recent, older, event, file);
        if (made == NULL) {
            Py_DECREF(result);
            return NULL;
        }
        PyList_SET_ITEM(result, i, made);
    }
    return result;
}

/* Where a batch's fields and attributes are in a row: `index[f]`, the column of each of the
 * `N_FIELDS` event fields (`fields`; -1 for none), `*at` (a new array, freed with PyMem_Free),
 * the column of each attribute of `attributes` (tuples of position, name and separator), and
 * `*width`, the fewest columns a row must have to hold them all. 0, or -1 with an exception set,
 * whose message begins with `name`. */
static int
column_plan(const char *name, PyObject *fields, PyObject *attributes, Py_ssize_t *index, Py_ssize_t **at,
            Py_ssize_t *width)
{
    *width = 0;
    for (int f = 0; f < N_FIELDS; f++) {
        index[f] = PyLong_AsSsize_t(PyTuple_GET_ITEM(fields, f));
        if (index[f] == -1 && PyErr_Occurred()) {
            return -1;
        }
        if (index[f] >= *width) {
            *width = index[f] + 1;
        }
    }
    Py_ssize_t n_attributes = PyTuple_GET_SIZE(attributes);
    *at = PyMem_Calloc((size_t)(n_attributes > 0 ? n_attributes : 1), sizeof(Py_ssize_t));
    if (*at == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t a = 0; a < n_attributes; a++) {
        PyObject *plan = PyTuple_GET_ITEM(attributes, a);
        if (!PyTuple_CheckExact(plan) || PyTuple_GET_SIZE(plan) != 3) {
            PyErr_Format(PyExc_TypeError, "%s: an attribute is (position, name, separator)", name);
            return -1;
        }
        (*at)[a] = PyLong_AsSsize_t(PyTuple_GET_ITEM(plan, 0));
        if ((*at)[a] < 0) {
            if (!PyErr_Occurred()) {
                PyErr_Format(PyExc_ValueError, "%s: an attribute position is negative", name);
            }
            return -1;
        }
        if ((*at)[a] >= *width) {
            *width = (*at)[a] + 1;
        }
    }
    return 0;
}

/* The non-empty cell `value` held in a record's attributes `*held` (made on first use) under the
 * name of the attribute `plan` (position, name, separator): as it is, or split on the separator
 * (`split_list`). 0, or -1 with an exception set. */
static int
add_attribute(PyObject **held, PyObject *plan, PyObject *value)
{
    PyObject *sep = PyTuple_GET_ITEM(plan, 2);
    PyObject *item = sep == Py_None ? Py_NewRef(value) : split_list(value, sep);
    if (item == NULL || (*held == NULL && (*held = PyDict_New()) == NULL)) {
        Py_XDECREF(item);
        return -1;
    }
    int failed = PyDict_SetItem(*held, PyTuple_GET_ITEM(plan, 1), item);
    Py_DECREF(item);
    return failed;
}

PyDoc_STRVAR(build_rows_doc,
"build_rows(rows, lines, seqs, width, max_chars, fields, attributes, event, no_attributes, file,\n"
"           base, zones, recent, older, fromisoformat, attributes_of) -> list[Event] | None\n\n"
"The events of a batch of CSV rows (see the module's comment), or None for a batch the Python\n"
"path must read, among them one with a row of another width than `width` or of more than\n"
"`max_chars` characters. `fields` holds, per event field, the row position of its column or\n"
"-1; `attributes` the (position, name, separator or None) of each attribute column;\n"
"`attributes_of` the actions whose events keep their attributes (a set), or None for all.");

static PyObject *
build_rows(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 16) {
        PyErr_SetString(PyExc_TypeError, "build_rows takes 16 arguments");
        return NULL;
    }
    PyObject *rows = args[0], *lines = args[1], *seqs = args[2];
    Py_ssize_t row_width = PyLong_AsSsize_t(args[3]), max_chars = PyLong_AsSsize_t(args[4]);
    if ((row_width == -1 || max_chars == -1) && PyErr_Occurred()) {
        return NULL;
    }
    PyObject *fields = args[5], *attributes = args[6], *event = args[7], *no_attributes = args[8];
    PyObject *file = args[9], *base = args[10], *zones = args[11], *recent = args[12];
    PyObject *older = args[13], *fromisoformat = args[14], *keep = args[15];
    if (!PyList_CheckExact(rows) || !PyList_CheckExact(lines) || !PyList_CheckExact(seqs) ||
        !PyTuple_CheckExact(fields) || PyTuple_GET_SIZE(fields) != N_FIELDS ||
        !PyTuple_CheckExact(attributes) || !PyDict_CheckExact(zones) || !PyDict_CheckExact(recent) ||
        !PyDict_CheckExact(older) || (keep != Py_None && !PyAnySet_Check(keep))) {
        PyErr_SetString(PyExc_TypeError, "build_rows: unexpected argument types");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(rows);
    if (PyList_GET_SIZE(lines) != n || PyList_GET_SIZE(seqs) != n) {
        PyErr_SetString(PyExc_ValueError, "build_rows: rows, lines and seqs differ in length");
        return NULL;
    }
    Py_ssize_t index[N_FIELDS], *at = NULL, width;
    if (column_plan("build_rows", fields, attributes, index, &at, &width) < 0) {
        PyMem_Free(at);
        return NULL;
    }
    Py_ssize_t n_attributes = PyTuple_GET_SIZE(attributes);

    /* cells[i * N_FIELDS + f]: the field values, whens[i]: the times read, held[i]: the
     * attributes (new references, or NULL) */
    PyObject **cells, **whens, **held;
    PyObject *result = NULL;
    Offset off = {NULL, 0, {0}};
    int bail = 0;
    if (new_batch(n, &cells, &whens, &held) < 0) {
        goto done;
    }

    /* 1. every field of every row, and every time read at one offset; else the Python path */
    for (Py_ssize_t i = 0; i < n && !bail; i++) {
        PyObject *row = PyList_GET_ITEM(rows, i);
        if (!PyList_CheckExact(row) || PyList_GET_SIZE(row) != row_width || row_width < width) {
            bail = 1;  /* a row of another width: rejected by the Python path */
            break;
        }
        Py_ssize_t chars = 0;
        for (Py_ssize_t k = 0; k < row_width && !bail; k++) {
            PyObject *cell = PyList_GET_ITEM(row, k);
            bail = !PyUnicode_CheckExact(cell) || suspect(cell);
            chars += bail ? 0 : PyUnicode_GET_LENGTH(cell);
        }
        if (bail || chars > max_chars) {
            bail = 1;  /* a cell the record-by-record path must look at, or a record too long */
            break;
        }
        for (int f = 0; f < N_FIELDS; f++) {
            PyObject *value;
            if (index[f] < 0) {
                value = Py_NewRef(Py_None);
            }
            else {
                PyObject *cell = PyList_GET_ITEM(row, index[f]);
                if (!PyUnicode_CheckExact(cell)) {
                    bail = 1;
                    break;
                }
                value = stripped(cell);
                if (value == NULL) {
                    goto done;
                }
            }
            cells[i * N_FIELDS + f] = value;
        }
        if (bail) {
            break;
        }
        int read = readable(&cells[i * N_FIELDS], fromisoformat, zones, &whens[i], &off);
        if (read < 0) {
            goto done;
        }
        bail = !read;
    }
    if (bail) {
        result = Py_NewRef(Py_None);
        goto done;
    }

    /* 2. the attributes the reader keeps, then the events */
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *row = PyList_GET_ITEM(rows, i);
        int keeps = kept(keep, cells[i * N_FIELDS + F_ACTION]);
        if (keeps < 0) {
            goto done;
        }
        Py_ssize_t wanted = keeps ? n_attributes : 0;  /* none when the action's are not read */
        for (Py_ssize_t a = 0; a < wanted; a++) {
            PyObject *plan = PyTuple_GET_ITEM(attributes, a);
            PyObject *value = PyList_GET_ITEM(row, at[a]);
            if (!PyUnicode_CheckExact(value) || PyUnicode_GET_LENGTH(value) == 0) {
                continue;
            }
            if (add_attribute(&held[i], plan, value) < 0) {
                goto done;
            }
        }
    }
    result = events_of(cells, whens, held, n, off.zone, zones, lines, seqs, no_attributes, base, recent,
                       older, event, file);
done:
    free_batch(cells, whens, held, n);
    Py_XDECREF(off.zone);
    PyMem_Free(at);
    return result;
}

/* The span [`*a`, `*b`) narrowed to what `str.strip` leaves of it. */
static void
strip_span(int kind, const void *data, Py_ssize_t *a, Py_ssize_t *b)
{
    while (*a < *b && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, *a))) {
        (*a)++;
    }
    while (*b > *a && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, *b - 1))) {
        (*b)--;
    }
}

/* The cell [`a`, `b`) of `line` as an event field (a new reference): what `stripped` gives for
 * the cell the csv module would have made. NULL with an exception set. */
static PyObject *
cell_value(PyObject *line, int kind, const void *data, Py_ssize_t a, Py_ssize_t b)
{
    if (a == b) {
        Py_RETURN_NONE;
    }
    strip_span(kind, data, &a, &b);
    return PyUnicode_Substring(line, a, b);
}

/* `text` (a reference taken over; NULL passed on) with each `""` made one `"`: a quoted cell's
 * text as the csv module reads it. NULL with an exception set. */
static PyObject *
undoubled(PyObject *text)
{
    if (text == NULL) {
        return NULL;
    }
    PyObject *two = PyUnicode_FromString("\"\""), *one = two == NULL ? NULL : PyUnicode_FromString("\"");
    PyObject *value = one == NULL ? NULL : PyUnicode_Replace(text, two, one, -1);
    Py_XDECREF(two);
    Py_XDECREF(one);
    Py_DECREF(text);
    return value;
}

/* The quoted cell whose text between the quotes is [`a`, `b`), with doubled quotes in it, as an
 * event field: `cell_value` of the text as the csv module reads it. */
static PyObject *
unquoted_value(PyObject *line, int kind, const void *data, Py_ssize_t a, Py_ssize_t b)
{
    PyObject *value = cell_value(line, kind, data, a, b);
    return value == NULL || value == Py_None ? value : undoubled(value);
}

/* Whether a character makes a line the csv module's to read: a control character other than a
 * tab, or an undecodable byte (a lone surrogate) that `suspect` would find. */
static inline int
unsafe_char(Py_UCS4 c)
{
    return (c < 0x20 && c != 0x09) || (c >= 0xDC80 && c <= 0xDCFF);
}

/* Where the text of the cell that starts at `k` of a line [0, `end`) stops: at the next `sep` (or
 * the line's end) for a cell not `quoted`, at its closing quote for a `quoted` one (`k` past its
 * opening quote), setting `*doubled` where a doubled quote in it stands for one. -1 where the csv
 * module must read the line: a character `unsafe_char` finds, or a quote left open. */
static Py_ssize_t
cell_stop(int kind, const void *data, Py_ssize_t k, Py_ssize_t end, Py_UCS4 sep, int quoted, char *doubled)
{
    if (kind == PyUnicode_1BYTE_KIND && !quoted) {  /* the usual cell: bytes up to the delimiter */
        const Py_UCS1 *bytes = data;
        for (; k < end && bytes[k] != sep; k++) {
            if (bytes[k] < 0x20 && bytes[k] != 0x09) {  /* no lone surrogate in one-byte text */
                return -1;
            }
        }
        return k;
    }
    for (; k < end; k++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, k);
        if (quoted && c == '"') {
            if (k + 1 < end && PyUnicode_READ(kind, data, k + 1) == '"') {
                *doubled = 1;
                k++;
                continue;
            }
            return k;
        }
        if (!quoted && c == sep) {
            return k;
        }
        if (unsafe_char(c)) {
            return -1;
        }
    }
    return quoted ? -1 : end;
}

PyDoc_STRVAR(build_lines_doc,
"build_lines(texts, lines, seqs, delimiter, width, max_chars, fields, attributes, event,\n"
"            no_attributes, file, base, zones, recent, older, fromisoformat, attributes_of)\n"
"    -> list[Event] | None\n\n"
"What `build_rows` makes of the rows the csv module reads from `texts` (lines as read, each\n"
"with its line break), read from the lines themselves: for a batch of lines that each hold one\n"
"row, split on `delimiter`, each cell either not starting with a quote or quoted whole (a quote\n"
"first, a quote last, and within only quotes doubled). None for any other batch (text after a\n"
"closing quote, a quote left open, a line break inside a line, a blank line, a row of another\n"
"width, or one `build_rows` gives back), which the csv module then reads. Cells no field or kept\n"
"attribute reads are not made, and a time written in full at the batch's offset is read from\n"
"the line.");

static PyObject *
build_lines(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 17) {
        PyErr_SetString(PyExc_TypeError, "build_lines takes 17 arguments");
        return NULL;
    }
    PyObject *texts = args[0], *lines = args[1], *seqs = args[2], *delimiter = args[3];
    Py_ssize_t row_width = PyLong_AsSsize_t(args[4]), max_chars = PyLong_AsSsize_t(args[5]);
    if ((row_width == -1 || max_chars == -1) && PyErr_Occurred()) {
        return NULL;
    }
    PyObject *fields = args[6], *attributes = args[7], *event = args[8], *no_attributes = args[9];
    PyObject *file = args[10], *base = args[11], *zones = args[12], *recent = args[13];
    PyObject *older = args[14], *fromisoformat = args[15], *keep = args[16];
    if (!PyList_CheckExact(texts) || !PyList_CheckExact(lines) || !PyList_CheckExact(seqs) ||
        !PyUnicode_Check(delimiter) || PyUnicode_GET_LENGTH(delimiter) != 1 ||
        !PyTuple_CheckExact(fields) || PyTuple_GET_SIZE(fields) != N_FIELDS ||
        !PyTuple_CheckExact(attributes) || !PyDict_CheckExact(zones) || !PyDict_CheckExact(recent) ||
        !PyDict_CheckExact(older) || (keep != Py_None && !PyAnySet_Check(keep)) || row_width < 1) {
        PyErr_SetString(PyExc_TypeError, "build_lines: unexpected argument types");
        return NULL;
    }
    Py_UCS4 sep = PyUnicode_READ_CHAR(delimiter, 0);
    Py_ssize_t n = PyList_GET_SIZE(texts);
    if (PyList_GET_SIZE(lines) != n || PyList_GET_SIZE(seqs) != n) {
        PyErr_SetString(PyExc_ValueError, "build_lines: texts, lines and seqs differ in length");
        return NULL;
    }
    Py_ssize_t index[N_FIELDS], *at = NULL, width;
    if (column_plan("build_lines", fields, attributes, index, &at, &width) < 0 || width > row_width) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_ValueError, "build_lines: a field or attribute is past the row");
        }
        PyMem_Free(at);
        return NULL;
    }
    Py_ssize_t n_attributes = PyTuple_GET_SIZE(attributes);
    PyObject **cells = NULL, **whens = NULL, **held = NULL;
    PyObject *result = NULL;
    Offset off = {NULL, 0, {0}};
    int bail = 0;
    /* where the text of each cell of the line at hand starts and stops (within its quotes, for a
     * quoted cell), and whether it holds a doubled quote */
    Py_ssize_t *starts = PyMem_Calloc(2 * (size_t)row_width, sizeof(Py_ssize_t));
    Py_ssize_t *stops = starts == NULL ? NULL : starts + row_width;
    char *doubled = PyMem_Calloc((size_t)row_width, 1);
    /* the lines held for the length of the call: their text is read after calling
     * `fromisoformat` and `Event`, which could change the list */
    PyObject *own = PyList_AsTuple(texts);
    if (starts == NULL || doubled == NULL || own == NULL) {
        PyMem_Free(at);
        PyMem_Free(starts);
        PyMem_Free(doubled);
        Py_XDECREF(own);
        return own == NULL ? NULL : PyErr_NoMemory();
    }
    if (new_batch(n, &cells, &whens, &held) < 0) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < n && !bail; i++) {
        PyObject *line = PyTuple_GET_ITEM(own, i);
        if (!PyUnicode_CheckExact(line)) {
            bail = 1;
            break;
        }
        int kind = PyUnicode_KIND(line);
        const void *data = PyUnicode_DATA(line);
        Py_ssize_t end = PyUnicode_GET_LENGTH(line);
        if (end > 0 && PyUnicode_READ(kind, data, end - 1) == '\n') {
            end--;
        }
        if (end > 0 && PyUnicode_READ(kind, data, end - 1) == '\r') {
            end--;
        }
        /* one row, no line break and nothing `suspect` finds, split on the delimiter into the
         * header's width: a cell is read up to the next delimiter (a quote inside it is a quote,
         * as the csv module reads it), or, if it starts with a quote, up to the quote that closes
         * it (a doubled quote stands for one), which the delimiter or the line's end must follow;
         * anything else after the closing quote, or a quote left open, leaves the batch to the
         * csv module */
        Py_ssize_t cells_seen = 0, k = 0;
        int opens_cell = 1;
        while (opens_cell) {
            if (cells_seen >= row_width) {
                bail = 1;
                break;
            }
            int quoted = k < end && PyUnicode_READ(kind, data, k) == '"';
            doubled[cells_seen] = 0;
            starts[cells_seen] = k + quoted;
            Py_ssize_t stop = cell_stop(kind, data, k + quoted, end, sep, quoted, &doubled[cells_seen]);
            if (stop < 0) {
                bail = 1;
                break;
            }
            stops[cells_seen] = stop;
            k = stop + quoted;  /* at the delimiter or the line's end, unless text follows a closing quote */
            if (k < end && PyUnicode_READ(kind, data, k) != sep) {
                bail = 1;
                break;
            }
            cells_seen++;
            opens_cell = k < end;  /* at a delimiter: another cell follows it */
            k++;
        }
        if (bail || end == 0 || cells_seen != row_width || end - (cells_seen - 1) > max_chars) {
            bail = 1;
            break;
        }
        PyObject **v = &cells[i * N_FIELDS];
        for (int f = 0; f < N_FIELDS; f++) {
            if (f == F_TIME && index[f] >= 0) {
                Py_ssize_t a = starts[index[f]], b = stops[index[f]];
                strip_span(kind, data, &a, &b);
                if (a == b || doubled[index[f]]) {
                    bail = 1;  /* no time: the Python path says so */
                    break;
                }
                whens[i] = made_time(&off, kind, data, a, b - a);
                if (whens[i] == NULL) {
                    if (PyErr_Occurred()) {
                        goto done;
                    }
                    PyObject *text = PyUnicode_Substring(line, a, b);
                    if (text == NULL) {
                        goto done;
                    }
                    int read = read_time(text, fromisoformat, zones, &whens[i], &off);
                    Py_DECREF(text);
                    if (read < 0) {
                        goto done;
                    }
                    if (!read) {
                        bail = 1;
                        break;
                    }
                }
                v[f] = Py_NewRef(Py_None);  /* read into `whens[i]`; not an event field of its own */
                continue;
            }
            v[f] = index[f] < 0        ? Py_NewRef(Py_None)
                   : doubled[index[f]] ? unquoted_value(line, kind, data, starts[index[f]], stops[index[f]])
                                       : cell_value(line, kind, data, starts[index[f]], stops[index[f]]);
            if (v[f] == NULL) {
                goto done;
            }
            if (lacks(f, v[f])) {
                bail = 1;
                break;
            }
        }
        if (bail) {
            break;
        }
        int keeps = kept(keep, v[F_ACTION]);
        if (keeps < 0) {
            goto done;
        }
        Py_ssize_t wanted = keeps ? n_attributes : 0;  /* none when the action's are not read */
        for (Py_ssize_t a = 0; a < wanted; a++) {
            Py_ssize_t from = starts[at[a]], to = stops[at[a]];
            if (from == to) {
                continue;
            }
            PyObject *value = PyUnicode_Substring(line, from, to);
            if (doubled[at[a]]) {
                value = undoubled(value);
            }
            if (value == NULL) {
                goto done;
            }
            int failed = add_attribute(&held[i], PyTuple_GET_ITEM(attributes, a), value);
            Py_DECREF(value);
            if (failed < 0) {
                goto done;
            }
        }
    }
    if (bail) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    result = events_of(cells, whens, held, n, off.zone, zones, lines, seqs, no_attributes, base, recent,
                       older, event, file);
done:
    free_batch(cells, whens, held, n);
    Py_XDECREF(off.zone);
    PyMem_Free(at);
    PyMem_Free(starts);
    PyMem_Free(doubled);
    Py_DECREF(own);
    return result;
}

PyDoc_STRVAR(build_columns_doc,
"build_columns(fields, attributes, lines, seqs, event, no_attributes, file, base, zones, recent,\n"
"              older, fromisoformat, attributes_of) -> list[Event] | None\n\n"
"The events of a batch of records given a field at a time, as `_Builder._made` makes them:\n"
"`fields` holds eight lists (id, time, actor, action, recipient, subject, ref, period), each\n"
"value a stripped string or None, and `attributes` each record's attributes. None for a batch\n"
"the Python path must read: a value of another type, a blank time, actor or action, an actor or\n"
"recipient written as a party (`role:`, `relation:`), or a time without an offset or at a second\n"
"one.");

static PyObject *
build_columns(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 13) {
        PyErr_SetString(PyExc_TypeError, "build_columns takes 13 arguments");
        return NULL;
    }
    PyObject *fields = args[0], *attributes = args[1], *lines = args[2], *seqs = args[3];
    PyObject *event = args[4], *no_attributes = args[5], *file = args[6], *base = args[7];
    PyObject *zones = args[8], *recent = args[9], *older = args[10], *fromisoformat = args[11];
    PyObject *keep = args[12];
    if (!PyTuple_CheckExact(fields) || PyTuple_GET_SIZE(fields) != N_FIELDS ||
        !PyList_CheckExact(attributes) || !PyList_CheckExact(lines) || !PyList_CheckExact(seqs) ||
        !PyDict_CheckExact(zones) || !PyDict_CheckExact(recent) || !PyDict_CheckExact(older) ||
        (keep != Py_None && !PyAnySet_Check(keep))) {
        PyErr_SetString(PyExc_TypeError, "build_columns: unexpected argument types");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(lines);
    int lengths = PyList_GET_SIZE(attributes) == n && PyList_GET_SIZE(seqs) == n;
    for (int f = 0; f < N_FIELDS && lengths; f++) {
        PyObject *column = PyTuple_GET_ITEM(fields, f);
        lengths = PyList_CheckExact(column) && PyList_GET_SIZE(column) == n;
    }
    if (!lengths) {
        PyErr_SetString(PyExc_ValueError, "build_columns: the fields, attributes, lines and seqs differ in length");
        return NULL;
    }
    PyObject **cells, **whens, **held;
    PyObject *result = NULL;
    Offset off = {NULL, 0, {0}};
    int bail = 0;
    if (new_batch(n, &cells, &whens, &held) < 0) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < n && !bail; i++) {
        for (int f = 0; f < N_FIELDS && !bail; f++) {
            PyObject *value = PyList_GET_ITEM(PyTuple_GET_ITEM(fields, f), i);
            cells[i * N_FIELDS + f] = Py_NewRef(value);
            bail = value != Py_None && !PyUnicode_CheckExact(value);
        }
        if (bail) {
            break;
        }
        int read = readable(&cells[i * N_FIELDS], fromisoformat, zones, &whens[i], &off);
        if (read < 0) {
            goto done;
        }
        bail = !read;
    }
    if (bail) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        int keeps = kept(keep, cells[i * N_FIELDS + F_ACTION]);
        if (keeps < 0) {
            goto done;
        }
        held[i] = keeps ? Py_NewRef(PyList_GET_ITEM(attributes, i)) : NULL;
    }
    result = events_of(cells, whens, held, n, off.zone, zones, lines, seqs, no_attributes, base, recent,
                       older, event, file);
done:
    free_batch(cells, whens, held, n);
    Py_XDECREF(off.zone);
    return result;
}

/* The positions of an `Event`'s fields in its struct, read from the type's member descriptors. */
enum { E_ID, E_TIME, E_ACTOR, E_ACTION, E_ATTRIBUTES, E_FILE, E_LINE, N_SLOTS };
static const char *slot_names[N_SLOTS] = {"id", "time", "actor", "action", "attributes", "file", "line"};

/* Fill `offsets` from the member descriptors of `type` (its own or its bases'): 0 when done, -1
 * with an exception set. */
static int
slot_offsets(PyObject *type, Py_ssize_t *offsets)
{
    for (int k = 0; k < N_SLOTS; k++) {
        PyObject *descr = PyObject_GetAttrString(type, slot_names[k]);
        if (descr == NULL) {
            return -1;
        }
        int member = Py_IS_TYPE(descr, &PyMemberDescr_Type) &&
                     ((PyMemberDescrObject *)descr)->d_member->type == T_OBJECT_EX &&
                     PyType_IsSubtype((PyTypeObject *)type, PyDescr_TYPE(descr));
        if (member) {
            offsets[k] = ((PyMemberDescrObject *)descr)->d_member->offset;
        }
        Py_DECREF(descr);
        if (!member) {
            PyErr_Format(PyExc_TypeError, "account: %s is not a field of the event type", slot_names[k]);
            return -1;
        }
    }
    return 0;
}

#define SLOT(object, k) (*(PyObject **)((char *)(object) + offsets[k]))

/* Whether `a` equals `b` (identical objects first, as interned names and shared values are):
 * 1, 0, or -1 with an exception set. */
static int
same(PyObject *a, PyObject *b)
{
    return a == b ? 1 : PyObject_RichCompareBool(a, b, Py_EQ);
}

/* Append `event` to the list `by_action` holds for `action` (made if missing); a list that
 * reaches `part` events moves into `parts[action]` as one tuple. 0, or -1 with an exception set.
 * The lists are held here while in use: a key's comparison may run Python code. */
static int
hold(PyObject *by_action, PyObject *parts, PyObject *action, PyObject *event, Py_ssize_t part)
{
    PyObject *held = PyDict_GetItemWithError(by_action, action);
    if (held != NULL) {
        Py_INCREF(held);
    }
    else if (PyErr_Occurred() || (held = PyList_New(0)) == NULL || PyDict_SetItem(by_action, action, held) < 0) {
        Py_XDECREF(held);
        return -1;
    }
    if (!PyList_Check(held)) {
        PyErr_SetString(PyExc_TypeError, "account: the events held for an action are not a list");
        Py_DECREF(held);
        return -1;
    }
    int failed = PyList_Append(held, event) < 0;
    if (!failed && PyList_GET_SIZE(held) == part) {
        PyObject *done = PyList_AsTuple(held), *into = NULL;
        failed = done == NULL;
        if (!failed) {
            into = PyDict_GetItemWithError(parts, action);
            if (into != NULL) {
                Py_INCREF(into);
            }
            else {
                failed = PyErr_Occurred() != NULL || (into = PyList_New(0)) == NULL ||
                         PyDict_SetItem(parts, action, into) < 0;
            }
        }
        failed = failed || !PyList_Check(into) || PyList_Append(into, done) < 0 ||
                 PyList_SetSlice(held, 0, PyList_GET_SIZE(held), NULL) < 0;
        if (failed && !PyErr_Occurred()) {
            PyErr_SetString(PyExc_TypeError, "account: the parts held for an action are not a list");
        }
        Py_XDECREF(done);
        Py_XDECREF(into);
    }
    Py_DECREF(held);
    return failed ? -1 : 0;
}

/* Whether the `n` lines `lines` rise strictly from `top`, compared as `checker._account` compares
 * them: none is None, `lines[0] > top`, then each `<` the next. 1, 0, or -1 with an exception set.
 * `*last` is then the last line (borrowed). */
static int
still_rising(PyObject **lines, Py_ssize_t n, PyObject *top, PyObject **last)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        if (lines[i] == Py_None) {
            return 0;
        }
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        int up = i == 0 ? PyObject_RichCompareBool(lines[0], top, Py_GT)
                        : PyObject_RichCompareBool(lines[i - 1], lines[i], Py_LT);
        if (up <= 0) {
            return up;
        }
    }
    *last = n > 0 ? lines[n - 1] : top;
    return 1;
}

PyDoc_STRVAR(account_doc,
"account(batch, event, seen, bound_of, first_file, other_files, rising, top, known, wanted, bare,\n"
"        by_action, parts, part, stripped) -> tuple[bool, int, bool] | None\n\n"
"The accounting of a batch of events that `_ingest` (govrules/checker.py) does a field at a time,\n"
"as `checker._account` does it: for a batch of `event` instances of one file, their times at one\n"
"offset whose audit moment `bound_of(offset)` gives and none after it, and no id seen before or\n"
"twice, each id goes into `seen` with its line (and into `other_files` with the file, if that is\n"
"not `first_file`), and each event of an action in `wanted` into `by_action` (without its\n"
"attributes, made by `stripped`, for an action in `bare`; `part` at a time into `parts`). Returns\n"
"whether the lines still rise (given that they did, as `rising`, up to `top`), the last line, and\n"
"whether every actor is in `known`; None, having changed nothing, for any other batch.");

static PyObject *
account(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 15) {
        PyErr_SetString(PyExc_TypeError, "account takes 15 arguments");
        return NULL;
    }
    PyObject *batch = args[0], *event = args[1], *seen = args[2], *bound_of = args[3];
    PyObject *first_file = args[4], *other_files = args[5], *top = args[7];
    PyObject *known = args[8], *wanted = args[9], *bare = args[10], *by_action = args[11];
    PyObject *parts = args[12], *stripped = args[14];
    int rising = PyObject_IsTrue(args[6]);
    Py_ssize_t part = PyLong_AsSsize_t(args[13]);
    if (rising < 0 || (part == -1 && PyErr_Occurred())) {
        return NULL;
    }
    if (!PyList_CheckExact(batch) || !PyType_Check(event) || !PyDict_CheckExact(seen) ||
        !PyDict_CheckExact(other_files) || !PyAnySet_Check(known) || !PyAnySet_Check(wanted) ||
        !PyAnySet_Check(bare) || !PyDict_CheckExact(by_action) || !PyDict_CheckExact(parts) || part < 1) {
        PyErr_SetString(PyExc_TypeError, "account: unexpected argument types");
        return NULL;
    }
    Py_ssize_t offsets[N_SLOTS];
    if (slot_offsets(event, offsets) < 0) {
        return NULL;
    }
    /* the batch's own list, which holds its events (and so their fields: an event is immutable)
     * while Python code runs from here (`bound_of`, `stripped`, comparisons) */
    PyObject *events = PyList_GetSlice(batch, 0, PyList_GET_SIZE(batch));
    if (events == NULL) {
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(events);
    PyObject **items = ((PyListObject *)events)->ob_item;
    PyObject **lines = PyMem_Calloc((size_t)(n > 0 ? n : 1), sizeof(PyObject *));
    PyObject *result = NULL, *file = NULL, *zone = NULL, *last = top;
    Py_ssize_t added = 0;
    if (lines == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    /* first what makes the batch one to account for here, changing nothing */
    int fits = n > 0;
    for (Py_ssize_t i = 0; i < n && fits > 0; i++) {
        PyObject *e = items[i];
        fits = Py_IS_TYPE(e, (PyTypeObject *)event);
        for (int k = 0; k < N_SLOTS && fits; k++) {
            fits = SLOT(e, k) != NULL;
        }
        PyObject *when = fits ? SLOT(e, E_TIME) : NULL;
        fits = fits && PyDateTime_Check(when) && PyDateTime_DATE_GET_TZINFO(when) != Py_None;
        if (!fits) {
            break;
        }
        lines[i] = SLOT(e, E_LINE);
        if (i == 0) {
            file = SLOT(e, E_FILE);
            zone = PyDateTime_DATE_GET_TZINFO(when);
            continue;
        }
        fits = same(SLOT(e, E_FILE), file);
        if (fits > 0) {
            fits = same(PyDateTime_DATE_GET_TZINFO(when), zone);
        }
    }
    if (fits > 0) {
        PyObject *bound = PyObject_CallOneArg(bound_of, zone);
        if (bound == NULL) {
            goto done;
        }
        fits = bound != Py_None;
        for (Py_ssize_t i = 0; i < n && fits > 0; i++) {
            fits = PyObject_RichCompareBool(SLOT(items[i], E_TIME), bound, Py_LE);
        }
        Py_DECREF(bound);
    }
    if (fits <= 0) {
        result = fits < 0 ? NULL : Py_NewRef(Py_None);
        goto done;
    }
    int elsewhere = PyObject_RichCompareBool(file, first_file, Py_NE);
    if (elsewhere < 0 || (!elsewhere && rising && (rising = still_rising(lines, n, top, &last)) < 0)) {
        goto done;
    }
    int all_known = 1;
    for (Py_ssize_t i = 0; i < n && all_known > 0; i++) {
        all_known = PySet_Contains(known, SLOT(items[i], E_ACTOR));
    }
    if (all_known < 0) {
        goto done;
    }
    /* each id into `seen`, taken out again if one of them was there already */
    int fresh = 1;
    for (; added < n && fresh > 0; added++) {
        Py_ssize_t size = PyDict_GET_SIZE(seen);
        if (PyDict_SetDefault(seen, SLOT(items[added], E_ID), lines[added]) == NULL) {
            fresh = -1;
        }
        else if (PyDict_GET_SIZE(seen) == size) {
            fresh = 0;
        }
    }
    if (fresh <= 0) {
        /* the last id tried was there before (or failed): the ones before it were added here */
        PyObject *type, *value, *traceback;
        PyErr_Fetch(&type, &value, &traceback);
        for (Py_ssize_t i = 0; i < added - 1; i++) {
            if (PyDict_DelItem(seen, SLOT(items[i], E_ID)) < 0) {
                Py_XDECREF(type);
                Py_XDECREF(value);
                Py_XDECREF(traceback);
                goto done;
            }
        }
        PyErr_Restore(type, value, traceback);
        result = fresh < 0 ? NULL : Py_NewRef(Py_None);
        goto done;
    }
    /* the batch is accounted for here: the rest only adds */
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *e = items[i], *action = SLOT(e, E_ACTION);
        if (elsewhere && PyDict_SetItem(other_files, SLOT(e, E_ID), file) < 0) {
            goto done;
        }
        int wants = PySet_Contains(wanted, action);
        int strip = wants > 0 ? PyObject_IsTrue(SLOT(e, E_ATTRIBUTES)) : 0;
        if (strip > 0) {
            strip = PySet_Contains(bare, action);
        }
        if (wants < 0 || strip < 0) {
            goto done;
        }
        if (!wants) {
            continue;
        }
        PyObject *kept = strip ? PyObject_CallOneArg(stripped, e) : Py_NewRef(e);
        int failed = kept == NULL || hold(by_action, parts, action, kept, part) < 0;
        Py_XDECREF(kept);
        if (failed) {
            goto done;
        }
    }
    result = Py_BuildValue("(NON)", PyBool_FromLong(rising), rising ? last : top, PyBool_FromLong(all_known));
done:
    PyMem_Free(lines);
    Py_DECREF(events);
    return result;
}

/* The keys written in `text`, a JSON value read without error: each string followed (after
 * any white space) by a colon. */
static Py_ssize_t
written_keys(PyObject *text)
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), keys = 0;
    int in_string = 0;
    /* For one- and two-byte characters, from quote to quote, found by memchr in the bytes (for
     * two-byte ones, a byte 0x22 of a character that is a quote); a quote after an odd run of
     * backslashes is inside the text. */
#define QUOTE_TO_QUOTE(T)                                                                      \
    {                                                                                          \
        const char *bytes = (const char *)data, *end = bytes + n * sizeof(T), *q = bytes;      \
        while ((q = memchr(q, '"', end - q)) != NULL) {                                        \
            const T *at = (const T *)bytes + (size_t)(q - bytes) / sizeof(T), *b = at;         \
            if (*at != '"') { /* a byte of another character */                                \
                q = (const char *)(at + 1);                                                    \
                continue;                                                                      \
            }                                                                                  \
            while (in_string && (const char *)b > bytes && b[-1] == '\\') {                     \
                b--;                                                                           \
            }                                                                                  \
            const T *p = at + 1, *stop = (const T *)end;                                       \
            q = (const char *)p;                                                               \
            if (in_string && (at - b) % 2 == 1) {                                              \
                continue;                                                                      \
            }                                                                                  \
            in_string = !in_string;                                                            \
            if (!in_string) {                                                                  \
                while (p < stop && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {     \
                    p++;                                                                       \
                }                                                                              \
                keys += p < stop && *p == ':';                                                 \
                q = (const char *)p;                                                           \
            }                                                                                  \
        }                                                                                      \
        return keys;                                                                           \
    }
    if (kind == PyUnicode_1BYTE_KIND) {
        QUOTE_TO_QUOTE(Py_UCS1)
    }
    if (kind == PyUnicode_2BYTE_KIND) {
        QUOTE_TO_QUOTE(Py_UCS2)
    }
#undef QUOTE_TO_QUOTE
    const Py_UCS4 *p = (const Py_UCS4 *)data, *end = p + n;
    while (p < end) {
        Py_UCS4 c = *p++;
        if (!in_string) {
            in_string = c == '"';
        }
        else if (c == '\\') {
            p++; /* the escaped character, whatever it is */
        }
        else if (c == '"') {
            in_string = 0;
            while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
                p++;
            }
            keys += p < end && *p == ':';
        }
    }
    return keys;
}

/* The keys the objects in `value` hold, nested ones too; -1 past `depth` levels. */
static Py_ssize_t
held_keys(PyObject *value, int depth)
{
    Py_ssize_t keys = 0, m;
    if (depth > 1000) {
        return -1;
    }
    if (PyDict_Check(value)) {
        Py_ssize_t pos = 0;
        PyObject *key, *item;
        keys = PyDict_GET_SIZE(value);
        while (PyDict_Next(value, &pos, &key, &item)) {
            if (!PyDict_Check(item) && !PyList_Check(item)) {
                continue; /* a scalar: no keys */
            }
            if ((m = held_keys(item, depth + 1)) < 0) {
                return -1;
            }
            keys += m;
        }
    }
    else if (PyList_Check(value)) {
        for (Py_ssize_t k = 0; k < PyList_GET_SIZE(value); k++) {
            if ((m = held_keys(PyList_GET_ITEM(value, k), depth + 1)) < 0) {
                return -1;
            }
            keys += m;
        }
    }
    return keys;
}

PyDoc_STRVAR(keys_kept_doc,
"keys_kept(texts, values) -> bool\n\n"
"Whether each of `texts`, a JSON value read as the one beside it in `values`, writes no more\n"
"object keys than the objects of that value hold: False where an object repeats a key (of\n"
"which a reader keeps the last value) or nests too deep to count.");

static PyObject *
keys_kept(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyList_Check(args[0]) || !PyList_Check(args[1]) ||
        PyList_GET_SIZE(args[0]) != PyList_GET_SIZE(args[1])) {
        PyErr_SetString(PyExc_TypeError, "keys_kept(texts, values): two lists of one length");
        return NULL;
    }
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(args[0]); k++) {
        PyObject *text = PyList_GET_ITEM(args[0], k);
        if (!PyUnicode_Check(text)) {
            PyErr_SetString(PyExc_TypeError, "keys_kept: texts must be str");
            return NULL;
        }
        PyObject *value = PyList_GET_ITEM(args[1], k);
        Py_ssize_t written = written_keys(text);
        /* as many keys written as the object holds at its top: none written twice, none nested */
        if (PyDict_Check(value) && written == PyDict_GET_SIZE(value)) {
            continue;
        }
        if (written != held_keys(value, 0)) {
            Py_RETURN_FALSE;
        }
    }
    Py_RETURN_TRUE;
}

static PyMethodDef methods[] = {
    {"build_rows", (PyCFunction)(void (*)(void))build_rows, METH_FASTCALL, build_rows_doc},
    {"build_columns", (PyCFunction)(void (*)(void))build_columns, METH_FASTCALL, build_columns_doc},
    {"build_lines", (PyCFunction)(void (*)(void))build_lines, METH_FASTCALL, build_lines_doc},
    {"account", (PyCFunction)(void (*)(void))account, METH_FASTCALL, account_doc},
    {"keys_kept", (PyCFunction)(void (*)(void))keys_kept, METH_FASTCALL, keys_kept_doc},
    {NULL, NULL, 0, NULL},
};

static int
exec_module(PyObject *module)
{
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL) {
        return -1;
    }
    str_strip = PyUnicode_InternFromString("strip");
    return str_strip != NULL ? 0 : -1;
}

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, exec_module},
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "govrules._speedups",
    .m_doc = "The events of a batch of records made, and accounted for, in C (see govrules.events, govrules.checker).",
    .m_size = 0,
    .m_methods = methods,
    .m_slots = slots,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    return PyModuleDef_Init(&module_def);
}
