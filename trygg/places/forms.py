"""The upload form for importing area boundaries from a GeoJSON file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from trygg.lib.forms import form_field
from trygg.places.models import Area, AreaKind


class AreaImportForm(forms.Form):
    file = forms.FileField(
        label=_("GeoJSON file"),
        help_text=_("A FeatureCollection of polygons in WGS84 (longitude, latitude)."),
    )
    parent = forms.ModelChoiceField(
        label=_("Import under"), queryset=Area.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(
        label=_("Kind of the imported areas"),
        choices=AreaKind.choices,
        initial=AreaKind.STADSDEL,
    )
    name_property = forms.CharField(
        label=_("Property holding the name"), initial="name", max_length=100
    )
    only = forms.CharField(
        label=_("Import only these names"),
        required=False,
        help_text=_("Comma-separated. Leave empty to import every feature."),
    )
    dry_run = forms.BooleanField(label=_("Only check the file, import nothing"), required=False)

    MAX_BYTES = 20 * 1024 * 1024

    def __init__(self, *args: Any, parents: QuerySet[Area] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if parents is not None:
            form_field(self, "parent", forms.ModelChoiceField).queryset = parents

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload
