"""What a collection's instances are called (child, children) and the prompt to add one."""

from __future__ import annotations

from eligibility.model import Collection, Text, Title

FORMS = ("one", "other")

_ADD_UNTITLED = {
    "en": "Please add the next one to '{id}' (more are to come).",
    "de": "Bitte ergänzen Sie den nächsten Eintrag in „{id}“ (es folgen weitere).",
}
# German nouns have genders ("das nächste Kind", "den nächsten Beschäftigten"), so the German
# prompt names the list rather than the next one.
_ADD_TITLED = {
    "en": "Please add the next {one} (more are to come).",
    "de": "Bitte ergänzen Sie einen weiteren Eintrag unter „{other}“ (es folgen weitere).",
}


def noun(title: Title, form: str) -> Text:
    """The word for one (`one`) or for several (`other`), per language."""
    return {lang: forms[form] for lang, forms in title.items()}


def add_label(collection: Collection) -> Text:
    """The prompt to add an instance: the authors' own, else worded with the title."""
    if collection.add_label:
        return dict(collection.add_label)
    titled = {}
    for lang, text in _ADD_TITLED.items():
        forms = collection.title.get(lang) or collection.title.get("*")
        if forms is not None:
            titled[lang] = text.format(**forms)
    untitled = {lang: text.format(id=collection.id) for lang, text in _ADD_UNTITLED.items()}
    return titled or untitled
