"""The upload form for statistics files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from trygg.statistics.models import StatisticSeries


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or Excel (.xlsx) with the template's columns."),
    )
    series = forms.ModelChoiceField(
        label=_("Series"),
        queryset=StatisticSeries.objects.order_by("name"),
        required=False,
        empty_label=_("The series named in the column “serie”"),
        help_text=_(
            "Choose a series to import every row into it; then the file needs no column serie."
        ),
    )
    dry_run = forms.BooleanField(label=_("Only check the file, import nothing"), required=False)

    MAX_BYTES = 50 * 1024 * 1024

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload
