# cython: language_level=3, embedsignature=False
"""The compiled twin of ``detectors/student_names.find_mentions`` (see docs/screening.md).

``find_mentions(ctx)`` returns exactly what the Python function returns, for every message and
roster: the same mentions, in the same order, with the same candidates. The Python module stays
the reference. It is the one to read for the rules, and the one that runs when this module is
not built (no C compiler) or is older than its source (see ``screening/_compiled.py``).
``chalkline/screening/tests/test_compiled_mentions.py`` compares the two on the corpus, the
benchmark messages and random texts, and fails when this module is not built where it can be.

What makes this fast is not the compiler alone but doing the same work with fewer objects:
the regular expressions of the Python version become loops over the text's characters (each
one's comment gives the pattern it replaces, and its ``re`` semantics: ``\\s`` is str.isspace,
``\\w`` is alnum or "_", ``$`` also matches before a final newline, look-behind sees characters
before ``pos``), words are sliced only when a rule needs the word itself, and the roster
index's tables are read directly instead of through its methods, from the typed read-only view
``RosterIndex.mention_tables()`` returns. Those tables' shapes are documented in tables.py; a
change there must be made here too (the equivalence tests catch it).
"""

from cpython.object cimport PyObject
from cpython.tuple cimport PyTuple_GET_ITEM
from cpython.unicode cimport (
    Py_UNICODE_ISALNUM,
    Py_UNICODE_ISDECIMAL,
    Py_UNICODE_ISSPACE,
    Py_UNICODE_ISUPPER,
)

from chalkline.screening.names import (
    COMMON_WORDS,
    DETERMINERS,
    GREETINGS,
    HONORIFICS,
    MONTHS_DAYS,
    NOT_AFTER_START,
    PERSON_NEXT,
    PLACE_WORDS,
    TIME_PREPOSITIONS,
)
from chalkline.screening.text import fold
from chalkline.screening.detectors.context import Mention

cdef extern from *:
    """
    #ifndef CHALKLINE_PYX_SHA256
    #define CHALKLINE_PYX_SHA256 ""
    #endif
    """
    const char *CHALKLINE_PYX_SHA256

#: SHA-256 of the .pyx this module was compiled from (set by setup.py; "" when built otherwise).
SOURCE_SHA256 = CHALKLINE_PYX_SHA256.decode("ascii")

cdef frozenset _COMMON = COMMON_WORDS
cdef frozenset _DETERMINERS = DETERMINERS
cdef frozenset _GREETINGS = GREETINGS
cdef frozenset _HONORIFICS = HONORIFICS
cdef frozenset _MONTHS_DAYS = MONTHS_DAYS
cdef frozenset _NOT_AFTER_START = NOT_AFTER_START
cdef frozenset _PERSON_NEXT = PERSON_NEXT
cdef frozenset _PLACE_WORDS = PLACE_WORDS
cdef frozenset _TIME_PREPS = TIME_PREPOSITIONS
cdef tuple _EMPTY = ()


# ---- characters ------------------------------------------------------------------------------
cdef inline bint _az_upper(Py_UCS4 c):
    return 65 <= c <= 90  # [A-Z]


cdef inline bint _az_lower(Py_UCS4 c):
    return 97 <= c <= 122  # [a-z]


cdef inline bint _az(Py_UCS4 c):
    return 65 <= c <= 90 or 97 <= c <= 122  # [A-Za-z]


cdef inline bint _blank(Py_UCS4 c):
    return c == 32 or c == 9  # [ \t]


cdef inline bint _cap(str word):
    """names.is_capitalised: word[:1].isupper()."""
    return len(word) > 0 and Py_UNICODE_ISUPPER(word[0])


cdef bint _title_case(str word):
    """names.is_title_case."""
    cdef Py_ssize_t n = len(word)
    if n == 0 or not Py_UNICODE_ISUPPER(word[0]):
        return False
    return n <= 2 or not word[1:].isupper()


# ---- the rules' text tests -------------------------------------------------------------------
cdef bint _sentence_start(str text, Py_ssize_t start):
    """names.is_sentence_start. _SENT_END, ``[.!?:;\\n\\u2022*>\\-]\\s*["'\\u201c(]*\\s*$``
    searched in the 12 characters before ``start``, matches when, going back from ``start``
    over whitespace, then quote marks, then whitespace, the character reached is one of the
    punctuation marks, or a newline was among the whitespace passed (a newline is itself one)."""
    cdef Py_ssize_t lo = start - 12 if start > 12 else 0
    cdef Py_ssize_t i, a, b, c
    cdef Py_UCS4 ch
    for i in range(lo, start):
        if not Py_UNICODE_ISSPACE(text[i]):
            break
    else:  # the 12 characters are blank
        if start < 12:
            return True
        for i in range(lo, start):
            if text[i] == "\n":
                return True
        for i in range(lo):  # not text[:start].strip()
            if not Py_UNICODE_ISSPACE(text[i]):
                return False
        return True
    a = start
    while a > lo and Py_UNICODE_ISSPACE(text[a - 1]):
        a -= 1
    b = a
    while b > lo and text[b - 1] in "\"'\u201c(":
        b -= 1
    c = b
    while c > lo and Py_UNICODE_ISSPACE(text[c - 1]):
        c -= 1
    if c > lo:
        ch = text[c - 1]
        if ch in ".!?:;\n\u2022*>-":
            return True
    for i in range(c, b):
        if text[i] == "\n":
            return True
    for i in range(a, start):
        if text[i] == "\n":
            return True
    return False


cdef Py_ssize_t _prev_word(str text, Py_ssize_t start, Py_ssize_t *end):
    """student_names._prev_word: the start of the word before ``start`` (its end goes to
    ``end``), or -1."""
    cdef Py_ssize_t lo = start - 16 if start > 16 else 0
    cdef Py_ssize_t hi = start
    cdef Py_ssize_t cut
    if hi > lo and text[hi - 1] == "\n":
        hi -= 1
    while hi > lo and text[hi - 1] in " \t,":
        hi -= 1
    if hi > lo and text[hi - 1] == ".":
        hi -= 1
    cut = hi
    while cut > lo and _az(text[cut - 1]):
        cut -= 1
    if cut == hi:
        return -1
    end[0] = hi
    return cut


cdef bint _honorific_before(str text, Py_ssize_t start):
    """student_names._HONORIFIC_BEFORE."""
    cdef Py_ssize_t end = 0
    cdef Py_ssize_t ps = _prev_word(text, start, &end)
    if ps < 0 or not Py_UNICODE_ISUPPER(text[ps]):
        return False
    return text[ps:end].lower() in _HONORIFICS


cdef bint _longer_name_follows(str text, Py_ssize_t end):
    """student_names._longer_name_follows; _FOLLOW is ``[ \\t]+([A-Z][a-z]+)\\b``."""
    cdef Py_ssize_t n = len(text)
    cdef Py_ssize_t i = end
    cdef Py_ssize_t j
    cdef Py_UCS4 ch
    while i < n and _blank(text[i]):
        i += 1
    if i == end or i >= n or not _az_upper(text[i]):
        return False
    j = i + 1
    while j < n and _az_lower(text[j]):
        j += 1
    if j == i + 1:
        return False
    if j < n:
        ch = text[j]
        if Py_UNICODE_ISALNUM(ch) or ch == "_":  # no \b after the word
            return False
    return text[i:j].lower() not in _COMMON and not _sentence_start(text, i)


cdef Py_ssize_t _middle_end(str text, Py_ssize_t pos):
    """End of ``_MIDDLE.match(text, pos, pos + 40)``, ``\\s+(?:[A-Z]\\.?|[A-Z][a-z]+)\\s+``,
    or -1."""
    cdef Py_ssize_t stop = len(text)
    cdef Py_ssize_t i = pos
    cdef Py_ssize_t k
    if stop > pos + 40:
        stop = pos + 40
    while i < stop and Py_UNICODE_ISSPACE(text[i]):
        i += 1
    if i == pos or i >= stop or not _az_upper(text[i]):
        return -1
    k = i + 1
    if k < stop and text[k] == ".":
        k += 1
    if k < stop and Py_UNICODE_ISSPACE(text[k]):  # an initial, with or without its point
        while k < stop and Py_UNICODE_ISSPACE(text[k]):
            k += 1
        return k
    k = i + 1
    while k < stop and _az_lower(text[k]):
        k += 1
    if k == i + 1 or k >= stop or not Py_UNICODE_ISSPACE(text[k]):
        return -1
    while k < stop and Py_UNICODE_ISSPACE(text[k]):
        k += 1
    return k


cdef Py_ssize_t _after_initial(str text, Py_ssize_t pos):
    """Start of group 1 of ``_AFTER_INITIAL.match(text, pos)``,
    ``[ \\t]+([A-Z])\\.(?![A-Za-z])``, or -1 (the match ends two characters later)."""
    cdef Py_ssize_t n = len(text)
    cdef Py_ssize_t i = pos
    while i < n and _blank(text[i]):
        i += 1
    if i == pos or i + 1 >= n or not _az_upper(text[i]) or text[i + 1] != ".":
        return -1
    if i + 2 < n and _az(text[i + 2]):
        return -1
    return i


cdef Py_ssize_t _before_initial(str text, Py_ssize_t lo, Py_ssize_t stop):
    """Start of ``_BEFORE_INITIAL.search(text, lo, stop)``, ``(?<![A-Za-z])([A-Z])\\.[ \\t]+$``,
    or -1. The look-behind sees the character before ``lo``; ``$`` matches at ``stop`` or
    before a newline just before it."""
    cdef Py_ssize_t p, q
    for p in range(lo, stop):
        if p > 0 and _az(text[p - 1]):
            continue
        if not _az_upper(text[p]) or p + 1 >= stop or text[p + 1] != ".":
            continue
        q = p + 2
        while q < stop and _blank(text[q]):
            q += 1
        if q == p + 2:
            continue
        if q == stop or (q == stop - 1 and text[q] == "\n"):
            return p
    return -1


cdef str _next_word(str text, Py_ssize_t e):
    """Group 1 of ``_NEXT_WORD.match(text[e : e + 30])``,
    ``^(?:'s)?[ \\t]*([A-Za-z][A-Za-z'’]*|\\d)``, or ""."""
    cdef Py_ssize_t stop = len(text)
    cdef Py_ssize_t i = e
    cdef Py_ssize_t j
    if stop > e + 30:
        stop = e + 30
    if i + 2 <= stop and text[i] == "'" and text[i + 1] == "s":
        i += 2
    while i < stop and _blank(text[i]):
        i += 1
    if i >= stop:
        return ""
    if _az(text[i]):
        j = i + 1
        while j < stop and (_az(text[j]) or text[j] == "'" or text[j] == "\u2019"):
            j += 1
        return text[i:j]
    if Py_UNICODE_ISDECIMAL(text[i]):
        return text[i : i + 1]
    return ""


cdef bint _all_blank(str text, Py_ssize_t s, Py_ssize_t e):
    """``_SPACE.fullmatch(text[s:e]) or text[s:e] in ("", " ")``: only spaces and tabs."""
    cdef Py_ssize_t i
    for i in range(s, e):
        if not _blank(text[i]):
            return False
    return True


cdef bint _comma_only(str text, Py_ssize_t s, Py_ssize_t e):
    """``_COMMA.fullmatch(text[s:e])``, ``\\s*,\\s*$``."""
    cdef Py_ssize_t i = s
    while i < e and Py_UNICODE_ISSPACE(text[i]):
        i += 1
    if i >= e or text[i] != ",":
        return False
    i += 1
    while i < e and Py_UNICODE_ISSPACE(text[i]):
        i += 1
    return i == e


cdef bint _quoted(str text, Py_ssize_t s, Py_ssize_t e):
    """student_names._quoted."""
    cdef Py_UCS4 before, after
    if s < 1 or e >= len(text):
        return False
    before = text[s - 1]
    after = text[e]
    return before in "\"\u201c'" and after in "\"\u201d'"


cdef inline tuple _as_tuple(object value):
    """index.as_tuple."""
    if value is None:
        return _EMPTY
    if type(value) is str:
        return (value,)
    if type(value) is list:
        return tuple(value)
    return <tuple>value


# ---- one message -----------------------------------------------------------------------------
cdef class _Finder:
    """One call of find_mentions: the message, its roster context and the index's tables."""

    cdef object ctx, index, message, fmap
    cdef str text, folded
    cdef dict students, full_table, unique_first, intern
    cdef dict staff, staff_names, staff_classes, guardians, class_names, given
    cdef tuple recipients, classes
    cdef frozenset extra
    cdef bint have_context
    cdef list mentions

    def __init__(self, ctx):
        self.ctx = ctx
        self.index = ctx.index
        self.message = ctx.message
        self.text = ctx.text
        folded = ctx.folded
        self.folded = folded.text
        self.fmap = folded._map
        tables = self.index.mention_tables()
        self.students = tables.students
        self.full_table = tables.full
        self.intern = tables.intern
        self.staff = tables.staff
        self.staff_names = tables.staff_names
        self.staff_classes = tables.staff_classes
        self.guardians = tables.guardians
        self.class_names = tables.class_names
        self.given = tables.given
        self.unique_first = ctx._unique_first
        self.recipients = tuple(self.message.audience.recipients)
        self.have_context = False
        self.mentions = []

    # folded <-> original offsets (text.Folded)
    cdef inline Py_ssize_t orig_start(self, Py_ssize_t fs):
        return fs if self.fmap is None else <Py_ssize_t>self.fmap[fs]

    cdef inline Py_ssize_t orig_end(self, Py_ssize_t fe):
        return fe if self.fmap is None else <Py_ssize_t>self.fmap[fe - 1] + 1

    cdef Py_ssize_t to_folded(self, Py_ssize_t orig):
        if self.fmap is None:
            return orig
        return self.ctx.folded.to_folded(orig)

    # ---- the roster context (ScreenContext._context and the queries built on it) -------------
    cdef void context(self):
        """ScreenContext._context: the audience class and each class the sender teaches, and
        the student recipients with the children of guardian recipients (kept in ctx._ctx for
        the other detectors)."""
        if self.have_context:
            return
        found = self.ctx._ctx
        if found is None:
            index = self.index
            aud = self.message.audience
            classes = dict.fromkeys(self.staff_classes.get(self.message.sender.id, _EMPTY))
            if aud.class_id:
                classes[aud.class_id] = None
            extra = []
            students = self.students
            guardians = self.guardians
            for r in self.recipients:
                if r in students:
                    extra.append(r)
                else:
                    extra.extend(_as_tuple(guardians.get(r)))
            found = (tuple(classes), frozenset(classes), frozenset(extra))
            self.ctx._ctx = found
        self.classes = <tuple>found[0]
        self.extra = <frozenset>found[2]
        self.have_context = True

    cdef tuple first_name_students(self, str tok):
        """ScreenContext.first_name_students. The class tables hold the index's interned
        tokens (index._keys), so a token is found by identity: no string is read, which at
        district scale would be a cache miss for each of the ~150 names of a context."""
        cdef tuple toks, owners, table
        cdef dict out
        cdef Py_ssize_t i, n
        cdef PyObject *want
        found = self.unique_first.get(tok)
        if found is not None:
            return <tuple>found
        out = {}
        itok = self.intern.get(tok)
        if itok is not None:  # else no student has the token: nothing to find
            want = <PyObject *>itok
            index = self.index
            class_names = self.class_names
            self.context()
            for c in self.classes:
                entry = class_names.get(c)
                if entry is None:
                    entry = index.class_names(c)
                table = <tuple>entry
                toks = <tuple>table[0]
                owners = <tuple>table[1]
                n = len(toks)
                for i in range(n):
                    if PyTuple_GET_ITEM(toks, i) == want:
                        out[owners[i]] = None
            students = self.students
            for sid in self.extra:
                st = students.get(sid)
                if st is not None and itok in st.givens:
                    out[sid] = None
        result = tuple(out)
        self.unique_first[tok] = result
        return result

    cdef tuple families_of(self, sid):
        """RosterIndex.families_of."""
        st = self.students.get(sid)
        if st is None:
            return _EMPTY
        return <tuple>st.families

    cdef set context_matches(self, str kind, str key, object bucket):
        """ScreenContext.context_matches."""
        cdef set out
        cdef Py_UCS4 initial
        cdef Py_ssize_t n
        if kind == "given_initial":
            n = len(key)
            initial = key[n - 1]
            out = set()
            for s in self.first_name_students(key[: n - 2]):
                for f in self.families_of(s):
                    if (<str>f)[0] == initial:
                        out.add(s)
                        break
            return out
        if kind == "full" and key.count(" ") == 1:
            given, _, family = key.partition(" ")
            out = set()
            for s in self.first_name_students(given):
                if family in self.families_of(s):
                    out.add(s)
            return out
        return <set>self.ctx.context_matches(kind, key, bucket)

    cdef object resolve_key(self, str kind, str key):
        """ScreenContext.resolve_key."""
        cdef set inside
        bucket = self.index.name_bucket(kind, key)
        if not bucket:
            return None
        if type(bucket) is str:
            return bucket
        if len(bucket) == 1:
            return bucket[0]
        inside = self.context_matches(kind, key, bucket)
        return inside.pop() if len(inside) == 1 else None

    cdef bint colleague_named(self, str key):
        """student_names._colleague_named."""
        cdef tuple staff = _as_tuple(self.staff_names.get(key))
        if not staff:
            return False
        if self.message.sender.id in staff:
            return True
        for r in self.recipients:
            if r in staff:
                return True
        index = self.index
        mine = <frozenset>index.staff_buildings(self.message.sender.id)
        return not mine.isdisjoint(index.staff_name_buildings(key))

    cdef bint staff_recipient_named(self, str tok):
        """student_names._is_staff_recipient_name."""
        staff = self.staff
        for r in self.recipients:
            rec = staff.get(r)
            if rec is not None and fold(rec.given_name) == tok:
                return True
        return False

    cdef str sender_given_name(self):
        """ScreenContext.sender_given_name."""
        rec = self.staff.get(self.message.sender.id)
        return fold(rec.given_name) if rec is not None and rec.given_name else ""

    cdef object unique(self, str tok):
        cdef tuple found = self.first_name_students(tok)
        return found[0] if len(found) == 1 else None

    # ---- mentions ------------------------------------------------------------------------------
    cdef void add_full(self, Py_ssize_t fs, Py_ssize_t fe, str key):
        """find_mentions' add_full."""
        cdef Py_ssize_t s = self.orig_start(fs)
        cdef Py_ssize_t e = self.orig_end(fe)
        cdef set inside
        if _honorific_before(self.text, s):
            return
        if self.colleague_named(key):
            inside = self.context_matches("full", key, None)
            if len(inside) != 1:
                return
            sid = inside.pop()
        else:
            sid = self.resolve_key("full", key)
        if sid is not None:
            cands = (sid,)
        else:
            bucket = self.full_table.get(key)
            cands = (bucket,) if type(bucket) is str else (bucket or _EMPTY)
        self.mentions.append(Mention(s, e, "full", cands, sid))

    cdef object first_name_ok(
        self, str tok, Py_ssize_t s, Py_ssize_t e, str word, str sender_name
    ):
        """student_names._first_name_ok."""
        cdef str text = self.text
        cdef Py_ssize_t n = len(text)
        cdef Py_ssize_t prev_start, prev_end = 0
        cdef str prev_word, prev_low, nxt, nxt_low
        cdef bint upper_ok, possessive, start_of_sentence
        upper_ok = len(word) > 1 and word.isupper() and not text.isupper()
        prev_start = _prev_word(text, s, &prev_end)
        prev_word = text[prev_start:prev_end] if prev_start >= 0 else ""
        if prev_start >= 0 and Py_UNICODE_ISUPPER(text[prev_start]):
            if prev_word.lower() in _HONORIFICS:
                return None
        if _quoted(text, s, e):
            return None
        if tok == sender_name and n - e < 40:
            return None  # the sender's own first name near the end is a signature
        nxt = _next_word(text, e)
        possessive = e + 2 <= n and (text[e] == "'" or text[e] == "\u2019") and text[e + 1] == "s"
        if nxt and Py_UNICODE_ISUPPER(nxt[0]) and not possessive and nxt != "I":
            sid = self.unique(tok)
            if sid is None:
                return None
            if fold(nxt) not in self.families_of(sid):
                return None  # someone else's full name, or a place/organisation
        if self.staff_recipient_named(tok):
            return None
        nxt_low = nxt.lower()
        if nxt_low in _PLACE_WORDS and _cap(nxt):
            return None
        start_of_sentence = _sentence_start(text, s)
        prev_low = prev_word.lower()
        if (
            prev_start >= 0
            and Py_UNICODE_ISUPPER(text[prev_start])
            and not start_of_sentence
            and prev_low not in _GREETINGS
            and not _sentence_start(text, prev_start)
        ):
            return None  # inside a title-case phrase: "Lake Forest", "Grace Church"
        if tok not in _COMMON:
            return self.unique(tok)
        # ordinary-word names need more evidence
        if prev_low in _DETERMINERS:
            return None
        if not (_title_case(word) or upper_ok):
            return None
        if nxt and Py_UNICODE_ISDECIMAL(nxt[0]):  # nxt[:1].isdigit(): only the \d branch
            return None  # (also "May 5": a date)
        if tok in _MONTHS_DAYS and prev_low in _TIME_PREPS:
            return None
        if start_of_sentence:
            if prev_low in _GREETINGS:
                return self.unique(tok)
            if tok in _MONTHS_DAYS and not possessive:
                return None  # "May is Asthma Awareness Month"
            if possessive or nxt_low in _PERSON_NEXT and nxt_low not in _NOT_AFTER_START:
                return self.unique(tok)
            return None
        return self.unique(tok)

    cdef list run(self):
        cdef str text = self.text
        cdef str folded = self.folded
        cdef Py_ssize_t nf = len(folded)
        cdef Py_ssize_t fs, fe, fs2, fe2, s1, e1, s2, e2, nxt, mid, i, j, p
        cdef str tok, tok2, key, w1
        cdef list hits, lst
        cdef dict by_start
        cdef set consumed
        cdef bint matched
        cdef tuple h, h2
        index = self.index
        aut = index.automaton
        if not len(aut):
            return []
        # _hits: an ordinary-word name written in lower case is never part of a mention
        hits = []
        for end, tok in aut.iter(" " + folded + " "):
            fs = <Py_ssize_t>end - len(tok) - 1
            if tok in _COMMON and not Py_UNICODE_ISUPPER(text[self.orig_start(fs)]):
                continue
            hits.append((fs, fs + len(tok), tok))
        if not hits:
            return []
        hits.sort()
        by_start = {}
        for h in hits:
            lst = by_start.get(h[0])
            if lst is None:
                by_start[h[0]] = [h]
            else:
                lst.append(h)
        for lst in by_start.values():
            if len(lst) > 1:
                lst.sort(key=_minus_end)  # longest first: "garcia lopez" before "garcia"
        consumed = set()
        full = self.full_table
        for h in hits:
            fs = h[0]
            fe = h[1]
            tok = h[2]
            s1 = self.orig_start(fs)
            e1 = self.orig_end(fe)
            if tok in _COMMON and not Py_UNICODE_ISUPPER(text[s1]):
                continue  # _cased_ok
            nxt = fe
            while nxt < nf and folded[nxt] == " ":
                nxt += 1
            matched = False
            for h2 in by_start.get(nxt, _EMPTY):
                fs2 = h2[0]
                fe2 = h2[1]
                tok2 = h2[2]
                s2 = self.orig_start(fs2)
                e2 = self.orig_end(fe2)
                if tok2 in _COMMON and not Py_UNICODE_ISUPPER(text[s2]):
                    continue
                if _all_blank(text, e1, s2):
                    key = tok + " " + tok2
                elif _comma_only(text, e1, s2):
                    key = tok2 + " " + tok
                else:
                    continue
                if full.get(key) and not _longer_name_follows(text, e2):
                    self.add_full(fs, fe2, key)
                    consumed.add(fs)
                    consumed.add(fs2)
                    matched = True
                    break
            if matched:
                continue
            # "Maria J. Garcia" / "Maria Jose Garcia": skip one middle word
            mid = _middle_end(text, e1)
            if mid >= 0:
                for h2 in by_start.get(self.to_folded(mid), _EMPTY):
                    fs2 = h2[0]
                    fe2 = h2[1]
                    tok2 = h2[2]
                    key = tok + " " + tok2
                    if full.get(key) and (
                        tok2 not in _COMMON or Py_UNICODE_ISUPPER(text[self.orig_start(fs2)])
                    ):
                        self.add_full(fs, fe2, key)
                        consumed.add(fs)
                        consumed.add(fs2)
                        matched = True
                        break
            if matched:
                continue
            if not Py_UNICODE_ISUPPER(text[s1]):
                continue  # both initial forms need a capitalised word
            i = _after_initial(text, e1)
            if i >= 0:
                # an abbreviated name counts when it is unique in the district or the context
                sid = self.resolve_key("given_initial", tok + " " + text[i].lower())
                if sid is not None:
                    s = self.orig_start(fs)
                    e = self.orig_end(self.to_folded(i + 2))
                    if not _honorific_before(text, s):
                        self.mentions.append(Mention(s, e, "initial", (sid,), sid))
                    consumed.add(fs)
                    continue
            p = _before_initial(text, s1 - 6 if s1 > 6 else 0, s1)
            if p >= 0:
                sid = self.resolve_key("initial_family", text[p].lower() + " " + tok)
                if sid is not None:
                    self.mentions.append(Mention(p, e1, "initial", (sid,), sid))
                    consumed.add(fs)
                    continue
        given = self.given
        sender_name = None
        for h in hits:
            fs = h[0]
            tok = h[2]
            if fs in consumed or tok not in given:
                continue
            if sender_name is None:
                sender_name = self.sender_given_name()
            s1 = self.orig_start(fs)
            e1 = self.orig_end(h[1])
            sid = self.first_name_ok(tok, s1, e1, text[s1:e1], sender_name)
            if sid is not None:
                consumed.add(fs)
                self.mentions.append(Mention(s1, e1, "first", (sid,), sid))
        return _without_overlaps(self.mentions)


def _minus_end(tuple h):
    return -<Py_ssize_t>h[1]


def _by_start_longest(m):
    return (m.start, m.start - m.end)


cdef list _without_overlaps(list mentions):
    """Mentions contained in longer ones are dropped (e.g. "cruz" inside "de la cruz")."""
    cdef list out = []
    if len(mentions) > 1:
        mentions.sort(key=_by_start_longest)
    for m in mentions:
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out


def find_mentions(ctx):
    """Exactly ``student_names.find_mentions_py(ctx)``, compiled."""
    return _Finder(ctx).run()
