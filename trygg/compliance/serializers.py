"""The checklist in the REST API: ``{"duties": [{"key", "status", "due", "evidence_url"}, …]}``."""

from __future__ import annotations

from rest_framework import serializers

from trygg.compliance.duties import Status


class DutySerializer(serializers.Serializer):
    key = serializers.CharField(help_text="E.g. “lagesbild”, “overenskommelse”.")
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=[s.value for s in Status])
    due = serializers.DateField(allow_null=True, help_text="When the duty falls due, if it does.")
    evidence_url = serializers.URLField(allow_null=True)
    explanation = serializers.CharField()


class ChecklistSerializer(serializers.Serializer):
    area = serializers.IntegerField(help_text="The area the checklist is for.")
    date = serializers.DateField(help_text="The day the checklist is computed for.")
    duties = DutySerializer(many=True)
