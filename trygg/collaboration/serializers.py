"""How agreements, forums and meetings look in the REST API (read-only)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trygg.collaboration.exports import Kind, current_kind
from trygg.collaboration.models import (
    ActionItem,
    AgendaItem,
    Agreement,
    AgreementDocument,
    AgreementPriority,
    Forum,
    ForumMember,
    Meeting,
    Signatory,
)
from trygg.lib.documents import DocumentLinksSerializer, document_links


class SignatorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Signatory
        fields = ["name", "title", "organisation"]


class AgreementPrioritySerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="priority_area.code")
    name = serializers.CharField(source="priority_area.name")

    class Meta:
        model = AgreementPriority
        fields = ["code", "name", "is_prioritised", "reason", "status_note", "follow_up"]


class AgreementDocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(
        help_text="The PDF; fetched with the same token as the API."
    )

    class Meta:
        model = AgreementDocument
        fields = ["title", "original_name", "size", "uploaded_at", "download_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, document: AgreementDocument) -> str:
        return self.context["request"].build_absolute_uri(document.get_absolute_url())


class AgreementSerializer(serializers.ModelSerializer):
    signatories = SignatorySerializer(many=True, read_only=True)
    priorities = AgreementPrioritySerializer(many=True, read_only=True)
    documents = AgreementDocumentSerializer(
        many=True, read_only=True, help_text="The PDFs attached to the agreement."
    )
    url = serializers.SerializerMethodField(help_text="The agreement's page.")

    class Meta:
        model = Agreement
        fields = [
            "id",
            "title",
            "scope",
            "area",
            "follows",
            "parties",
            "signatories",
            "signed_on",
            "valid_from",
            "valid_until",
            "annex_review_due",
            "annex_reviewed_on",
            "situation_report_reference",
            "action_plan_reference",
            "summary",
            "priorities",
            "documents",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, agreement: Agreement) -> str:
        return self.context["request"].build_absolute_uri(agreement.get_absolute_url())


class ForumMemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")

    class Meta:
        model = ForumMember
        fields = ["user", "name", "title", "organisation", "is_chair"]


class ForumSerializer(serializers.ModelSerializer):
    members = ForumMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Forum
        fields = ["id", "name", "kind", "area", "rhythm", "rhythm_note", "purpose", "is_active",
                  "members"]  # fmt: skip
        read_only_fields = fields


class AgendaItemSerializer(serializers.ModelSerializer):
    link = serializers.SerializerMethodField(
        help_text="What the item is about, as “app_label.model:id”, or null."
    )

    class Meta:
        model = AgendaItem
        fields = ["position", "title", "description", "presenter", "link", "carried_action"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_link(self, item: AgendaItem) -> str | None:
        if item.linked_id is None or item.linked_type is None:
            return None
        return f"{item.linked_type.app_label}.{item.linked_type.model}:{item.linked_id}"


class ActionItemSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner_display")

    class Meta:
        model = ActionItem
        fields = ["id", "title", "owner", "owner_name", "due_on", "done", "done_on"]


class MeetingSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="display_title")
    agenda = AgendaItemSerializer(source="agenda_items", many=True, read_only=True)
    decisions = serializers.SlugRelatedField(slug_field="text", many=True, read_only=True)
    action_items = ActionItemSerializer(many=True, read_only=True)
    attendees = serializers.ListField(
        source="attendee_names",
        child=serializers.CharField(),
        read_only=True,
        help_text="Who was present: the forum's members recorded, then others by name.",
    )
    ics_url = serializers.SerializerMethodField(
        help_text="The meeting as an iCalendar file; fetched with the same token as the API."
    )
    exports = serializers.SerializerMethodField(
        help_text="The meeting's current document as Word (DOCX) and PDF: the agenda until the "
        "meeting starts, then the minutes (who was invited, decisions, action items). "
        "Fetched with the same token as the API."
    )
    agenda_exports = serializers.SerializerMethodField(
        help_text="The agenda (kallelse) as Word (DOCX) and PDF."
    )
    minutes_exports = serializers.SerializerMethodField(
        help_text="The minutes as Word (DOCX) and PDF."
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "forum",
            "title",
            "starts_at",
            "ends_at",
            "address",
            "room",
            "online_url",
            "contact_name",
            "contact_phone",
            "contact_email",
            "is_cancelled",
            "agenda",
            "attendees",
            "minutes",
            "decisions",
            "action_items",
            "ics_url",
            "exports",
            "agenda_exports",
            "minutes_exports",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_ics_url(self, meeting: Meeting) -> str:
        return self.context["request"].build_absolute_uri(meeting.get_ics_url())

    @extend_schema_field(DocumentLinksSerializer)
    def get_exports(self, meeting: Meeting) -> dict[str, str]:
        kind = current_kind(meeting, self.context.get("now"))
        return document_links(self.context, "collaboration:meeting_export", meeting.pk, kind)

    @extend_schema_field(DocumentLinksSerializer)
    def get_agenda_exports(self, meeting: Meeting) -> dict[str, str]:
        return document_links(self.context, "collaboration:meeting_export", meeting.pk, Kind.AGENDA)

    @extend_schema_field(DocumentLinksSerializer)
    def get_minutes_exports(self, meeting: Meeting) -> dict[str, str]:
        return document_links(
            self.context, "collaboration:meeting_export", meeting.pk, Kind.MINUTES
        )
