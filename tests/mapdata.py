"""Reading the map's point-layer payloads back, for tests (the decoding the map's JavaScript does)."""


def per_point(cloud: dict, label: str) -> list[str]:
    """What a popup shows for ``label`` at each point: plain, word-coded, lookup or combined column."""
    column = next(f["c"] for f in cloud["fields"] if f["label"] == label)
    if "v" in column:
        return column["v"]
    if "x" in column:
        return [" ".join(column["w"][w] for w in words) for words in column["x"]]
    if "p" in column:
        return [column["k"][cloud["combo"]["k"][c][column["p"]]] for c in cloud["combo"]["i"]]
    return [column["k"][i] for i in column["i"]]
