"""The OpenAPI document describes the endpoints added for the three users' views as they behave."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_claims_api_names_the_indicators_there_are():
    """/api/v1/claims rejects an unknown indicator, so its schema lists the current ones."""
    import json
    from indices.adoption import load_indicators
    spec = json.loads((ROOT / "webapp" / "openapi.json").read_text(encoding="utf-8"))
    (param,) = [p for p in spec["paths"]["/api/v1/claims"]["get"]["parameters"] if p["name"] == "indicator"]
    assert param["schema"]["enum"] == [i.id for i in load_indicators()[1]]
