# SPDX-License-Identifier: MIT
"""The UI's words in the journey's language, read from the catalogues the build compiled.

A check compares what the screen says with T("Added to favourites") instead of the English literal,
so the same check holds for the English run and the Arabic one (run_journey.py --lang ar sets
QANAT_JOURNEY_LANG and QANAT_LOCALE_DIR). A msgid missing from the catalogue stays English, as in qanat.
"""
import gettext
import os
import re

LANG = os.environ.get("QANAT_JOURNEY_LANG", "en") or "en"


def _catalogue():
    if LANG == "en":
        return gettext.NullTranslations()
    path = os.path.join(os.environ.get("QANAT_LOCALE_DIR", ""), "C.UTF-8", "LC_MESSAGES", "qanat-%s.mo" % LANG)
    with open(path, "rb") as f:  # a run in a language without its catalogue is a broken build
        return gettext.GNUTranslations(f)


_CAT = _catalogue()


def T(msgid, context=None):
    """The translation of msgid (in context, like TRC)."""
    if context:
        return _CAT.pgettext(context, msgid)
    return _CAT.gettext(msgid)


def TN(singular, plural, n):
    """The plural form for n (like TRN)."""
    return _CAT.ngettext(singular, plural, n)


def pattern(msgid, context=None):
    """A regular expression for a translated printf format: %s matches any text, %d digits."""
    text = T(msgid, context)
    parts = re.split(r"(%[sd]|%\d\$[sd])", text)
    out = ""
    for part in parts:
        if re.fullmatch(r"%(\d\$)?s", part):
            out += "(.*)"
        elif re.fullmatch(r"%(\d\$)?d", part):
            out += r"(\d+)"
        else:
            out += re.escape(part)
    return out


def label(kind, name):
    """A list row that shows a kind and a name ("Channel: Qanat News"), as the screens build it."""
    return "%s: %s" % (kind, name)


def rtl():
    return LANG in ("ar", "he", "fa", "ur")


def plural_forms(singular, plural):
    """Every form the catalogue has for this plural message (English: the two)."""
    if LANG == "en":
        return [singular, plural]
    forms, i = [], 0
    while (singular, i) in _CAT._catalog:
        forms.append(_CAT._catalog[(singular, i)])
        i += 1
    return forms or [singular, plural]


def match_plural(singular, plural, text, whole=True):
    """Matches text against each plural form of the message. Returns (n, groups): the count the text
    says (from its %d, or, for a form without one like Arabic's "ends today", the count that form
    is for) and the %s groups; None when no form matches. The count must choose that very form:
    an Arabic "6 حلقة" (the singular form with six) does not match."""
    for form in plural_forms(singular, plural):
        specs = re.findall(r"%(?:\d\$)?[sd]", form)
        rx = "".join("(.*)" if re.fullmatch(r"%(\d\$)?s", p) else r"(\d+)" if re.fullmatch(r"%(\d\$)?d", p)
                     else re.escape(p) for p in re.split(r"(%[sd]|%\d\$[sd])", form))
        m = re.fullmatch(rx, text) if whole else re.search(rx, text)
        if not m:
            continue
        nums = [int(g) for g, p in zip(m.groups(), specs) if p.endswith("d")]
        strs = [g for g, p in zip(m.groups(), specs) if p.endswith("s")]
        if nums:
            n = nums[0]
        else:
            n = next((k for k in range(1000) if TN(singular, plural, k) == form), None)
        if n is None or TN(singular, plural, n) != form:
            continue
        return n, strs
    return None
