"""What an engine answers: the hits of one page of results, the count, the facets and notes."""

from dataclasses import dataclass, field


@dataclass
class SearchHit:
    # An EntryCard (search.cards): what a result shows of the entry version, without a page instance.
    entry: object
    snippet: str
    score: float | None = None
    # The entry's other public language versions (EntryCards), linked from the result.
    translations: list = field(default_factory=list)
    # False when only the vectors found it: no word of the query is in it.
    matched_text: bool = True
    # The names of the query's clauses it matched (Elasticsearch's matched_queries).
    matched: set = field(default_factory=set)


@dataclass
class SearchResults:
    query: str
    hits: list[SearchHit]
    page: object
    count: int
    backend: str
    notes: list[str] = field(default_factory=list)
    facets: dict[str, list[dict]] = field(default_factory=dict)
    # "Did you mean": the query spelled as the index knows it, when no entry matched its words.
    suggestion: str | None = None
    # Elasticsearch's own time for the request, in ms (None from the database).
    took: int | None = None
