"""The columns of the import and export format, by entry type."""

COMMON_FIELDS = [
    "external_id",
    "type",
    "language",
    "title",
    "body",
    "date",
    "date_precision",
    "city",
    "themes",
    "tags",
    "latitude",
    "longitude",
    "source_url",
    "licence",
    "attribution",
    "translation_of",
]
TYPE_FIELDS = {
    "initiative": ["summary", "date_end", "organisers", "partner_cities"],
    "testimony": [
        "summary",
        "witness_name",
        "witness_birth_year",
        "recorded_place",
        "original_language",
        "transcript",
        "consent",
        "consent_given_by",
        "consent_date",
        "contains_personal_data",
    ],
    "memorial_site": ["summary", "kind", "address", "inscription", "people"],
}
ALL_FIELDS = COMMON_FIELDS + sorted({name for names in TYPE_FIELDS.values() for name in names})
LIST_FIELDS = {"themes", "tags", "partner_cities"}
PERSON_FIELDS = {"name", "birth_year", "death_year", "born", "deported", "fate"}
