"""\"Did you mean\": near spellings of the query's words, as the index knows them."""


def spelling_probe(text, typo_query, filters):
    """Whether the words, typos forgiven, match an entry the filters let through; and near spellings.

    No hits, no scoring: `hits.total` is 1 or 0, `suggest.did_you_mean` holds, per word, the
    most frequent spelling of the index within two edits (the term suggester).
    """
    return {
        "query": {"bool": {"filter": [typo_query, *filters]}},
        "size": 0,
        "track_total_hits": 1,
        "terminate_after": 1,
        "suggest": {
            "text": text,
            "did_you_mean": {
                "term": {"field": "body.folded", "suggest_mode": "popular", "min_word_length": 4, "size": 1}
            },
        },
    }


def did_you_mean(text, response):
    """The query with each unknown word replaced by the index's most frequent near spelling, or None."""
    options = {
        entry["text"].lower(): entry["options"][0]["text"]
        for entry in response.get("suggest", {}).get("did_you_mean", [])
        if entry["options"]
    }
    if not options:
        return None
    corrected = " ".join(options.get(word.lower(), word) for word in text.split())
    return corrected if corrected.lower() != text.lower() else None
