"""The case-file JSON Schema: valid, and its enums are the SKOS vocabularies' notations."""

from __future__ import annotations

import json
import re

from jsonschema import Draft202012Validator

from casegraph.cases import case_schema

from .conftest import ROOT


def test_schema_is_valid_json_schema() -> None:
    Draft202012Validator.check_schema(case_schema())


def _notations(scheme: str) -> list[str]:
    text = (ROOT / "ontology" / "vocabularies" / f"{scheme}.ttl").read_text(encoding="utf-8")
    return re.findall(r'skos:notation "([^"]+)"', text)


def test_schema_enums_follow_the_vocabularies() -> None:
    # If this fails after adding a concept: python scripts/generate_schema.py
    props = case_schema()["properties"]
    item = lambda section: props[section]["items"]["properties"]  # noqa: E731
    assert props["status"]["enum"] == _notations("case-status")
    assert item("findings")["outcome"]["enum"] == _notations("outcome")
    assert item("remedies")["kind"]["enum"] == _notations("remedy-kind")
    assert item("remedies")["status"]["enum"] == _notations("implementation-status")
    assert item("money")["role"]["enum"] == _notations("money-role")
    assert item("people")["roles"]["items"]["enum"] == _notations("role")
    assert item("organisations")["kind"]["enum"] == _notations("agent-kind")
    assert item("documents")["kind"]["enum"] == _notations("document-kind")
    # A finding without an article names an instrument: the notation of a scheme in ontology/instruments/.
    schemes = sorted(re.search(r'skos:notation "([^"]+)"', f.read_text(encoding="utf-8")).group(1)
                     for f in (ROOT / "ontology" / "instruments").glob("*.ttl"))
    assert item("findings")["instrument"]["enum"] == schemes


def test_schema_file_is_what_the_editor_header_points_at() -> None:
    header = (ROOT / "data" / "gerasimov-v-kazakhstan.yaml").read_text(encoding="utf-8").splitlines()[0]
    target = header.split("$schema=")[1]
    assert json.loads((ROOT / "data" / target).read_text(encoding="utf-8"))["title"] == "casegraph case file"
