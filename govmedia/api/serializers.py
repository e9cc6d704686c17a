from rest_framework import serializers

from govmedia.registry.models import Contact, MediaAccount, Unit


class UnitSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.name")
    parent = serializers.CharField(source="parent.name", default=None, allow_null=True, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "region",
            "parent",
            "assessment_group",
            "contact_name",
            "contact_phone",
        ]


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["role", "name", "position", "office_phone", "mobile"]


class AccountSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.name")
    owner_id = serializers.IntegerField()
    operator = serializers.CharField(source="operator.name", default=None, allow_null=True, read_only=True)
    platform_display = serializers.CharField(source="get_platform_display")
    status_display = serializers.CharField(source="get_status_display")
    contacts = ContactSerializer(many=True)

    class Meta:
        model = MediaAccount
        fields = [
            "id",
            "name",
            "platform",
            "platform_display",
            "platform_uid",
            "url",
            "owner",
            "owner_id",
            "operator",
            "content_type",
            "has_interaction",
            "verified",
            "news_licence",
            "opened_on",
            "status",
            "status_display",
            "followers",
            "contacts",
            "updated_at",
        ]
