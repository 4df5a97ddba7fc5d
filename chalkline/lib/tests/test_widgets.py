"""PlainSelect writes the markup Django's Select renders from its templates."""

from __future__ import annotations

from django import forms
from django.test.html import parse_html

from chalkline.lib.widgets import PlainSelect

CHOICES = [("", "Any status"), ("signed", "Signed"), ("x<y", "Tom & <Jerry>"), (3, "Three")]


class _Form(forms.Form):
    django = forms.ChoiceField(choices=CHOICES, required=True, help_text="Pick one")
    plain = forms.ChoiceField(
        choices=CHOICES, required=True, help_text="Pick one", widget=PlainSelect
    )


def _same(data: dict[str, str] | None) -> tuple[str, str]:
    form = _Form(data)
    form.is_valid()
    a, b = str(form["django"]), str(form["plain"])
    # the two fields differ only in their names and ids
    b = b.replace("id_plain", "id_django").replace('name="plain"', 'name="django"')
    return a, b


def test_the_same_markup_with_nothing_chosen_and_with_errors() -> None:
    a, b = _same({"django": "nope", "plain": "nope"})  # invalid: aria-invalid on both
    assert 'aria-invalid="true"' in b and "aria-describedby" in b
    assert parse_html(a) == parse_html(b)


def test_the_same_markup_with_a_choice_and_escaped_labels() -> None:
    a, b = _same({"django": "x<y", "plain": "x<y"})
    assert '<option value="x&lt;y" selected>Tom &amp; &lt;Jerry&gt;</option>' in b
    assert parse_html(a) == parse_html(b)
    a, b = _same({"django": "3", "plain": "3"})
    assert '<option value="3" selected>Three</option>' in b
    assert parse_html(a) == parse_html(b)


def test_grouped_choices_are_left_to_django() -> None:
    grouped = [("Done", [("signed", "Signed"), ("paper", "Paper")]), ("", "Any")]
    widget = PlainSelect(choices=grouped)
    assert parse_html(widget.render("s", "paper")) == parse_html(
        forms.Select(choices=grouped).render("s", "paper")
    )
