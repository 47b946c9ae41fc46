"""Regenerate src/casegraph/schema/case.schema.json.

The schema's enums of roles, agent kinds, outcomes ... are taken from the SKOS vocabularies in
ontology/vocabularies/, so run this after adding a concept there (tests/test_schema.py fails
until you do). ISO 4217 currencies and ISO 639-1 languages come from pycountry
(pip install pycountry), plus the historic currencies that cases cite.

Usage: python scripts/generate_schema.py
"""
import json, re
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parent.parent
HISTORIC_CURRENCIES = ["ATS","BEF","CSD","CYP","DEM","EEK","ESP","FIM","FRF","GRD","HRK","IEP","ITL","LTL","LUF","LVL","MTL","NLG","PTE","RUR","SIT","SKK","SUR","YUM","YUN","YUD","ZWD"]
currencies = sorted({c.alpha_3 for c in pycountry.currencies} | set(HISTORIC_CURRENCIES))
languages = sorted(l.alpha_2 for l in pycountry.languages if hasattr(l, "alpha_2"))
def notations(name):
    txt = (ROOT / "ontology" / "vocabularies" / f"{name}.ttl").read_text(encoding="utf-8")
    return re.findall(r'skos:notation "([^"]+)"', txt)
def instruments():
    # Each instrument file opens with its concept scheme, whose notation is the instrument's short form.
    return sorted(re.search(r'skos:notation "([^"]+)"', f.read_text(encoding="utf-8")).group(1)
                  for f in (ROOT / "ontology" / "instruments").glob("*.ttl"))

ID = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "description": "A stable id: lower-case letters, digits and single hyphens."}
REF = lambda what: {"$ref": "#/$defs/id", "description": f"The id of {what} defined in this file."}
REFS = lambda what: {"type": "array", "items": REF(what), "uniqueItems": True}
def versioned(schema, description):
    return {"description": description, "anyOf": [schema, {"type": "object", "additionalProperties": False, "required": ["versions"],
        "properties": {"versions": {"type": "array", "minItems": 2, "description": "Where sources (or parts of one source) state this differently, each version with the source and place that state it.",
            "items": {"type": "object", "additionalProperties": False, "required": ["value"], "properties": {
                "value": schema, "as_stated": {"type": "string"}, "source": REF("a source"), "locator": {"type": "string"}, "note": {"type": "string"},
                "confidentiality": {"$ref": "#/$defs/confidentiality"}}}}}}]}
DATE = {"description": "A date at its true precision: YYYY-MM-DD, YYYY-MM (a month) or YYYY (a year); never pad a month or year with a fake day.",
        "anyOf": [{"type": "string", "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"}, {"type": "integer", "minimum": 1000, "maximum": 9999}]}
EVENT_DATE = {"description": "A date (YYYY-MM-DD, YYYY-MM or YYYY), or 'unknown' where the sources state the event but not when.",
        "anyOf": [DATE, {"const": "unknown"}]}
PROV = {"source": REF("the source of this fact (default: the case's sources)"),
        "locator": {"type": "string", "description": "Where in the source this is stated."},
        "note": {"type": "string", "description": "An analyst's note on this fact: a conflict, a gap, a reading."},
        "confidentiality": {"$ref": "#/$defs/confidentiality"}}
def obj(required, props, description):
    p = dict(props); p.update(PROV)
    return {"type": "object", "additionalProperties": False, "required": required, "properties": p, "description": description}
DURATION = {"type": "object", "additionalProperties": False, "required": ["value"], "properties": {
    "value": {"type": "string", "pattern": "^P(?!$)([0-9]+Y)?([0-9]+M)?([0-9]+D)?(T(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+S)?)?$", "description": "An ISO 8601 / xsd:duration such as P13D or PT24H."},
    "as_stated": {"type": "string", "description": "The source's own words (\"two weeks\")."}}}
# A figure as a source states it: a plain value, or a mapping that keeps the source's words, an
# "about" (approximate) and bounds ("more than 330": min; "five or six": min and max), with its
# own source; or versions of it where sources differ. Versions of a figure are such mappings.
FIGURE_WORDS = {"approximate": {"type": "boolean", "description": "True when the source gives the figure as approximate (\"about\", \"some\", \"nearly\")."},
    "as_stated": {"type": "string", "description": "The source's own words (\"about 1,800\", \"more than 330\")."}}
def figure(value, description, extra=None):
    """(one stated figure, versions of it, the field: a plain value or either) for a value's schema."""
    bounds = {"value": value, "min": dict(value, description="A lower bound a source states (\"more than 330\", \"over 1,000\"); as_stated keeps its words."),
              "max": dict(value, description="An upper bound a source states (\"up to 21 years\", \"five or six\": 6); as_stated keeps its words."), **FIGURE_WORDS}
    def stated(props, what):
        return {"type": "object", "additionalProperties": False, "properties": dict(props, **PROV), "description": what,
                "anyOf": [{"required": ["value"]}, {"required": ["min"]}, {"required": ["max"]}]}
    single = stated(dict(bounds, **(extra or {})), "A figure with its words, approximation or bounds, and source.")
    versions = {"type": "object", "additionalProperties": False, "required": ["versions"], "properties": dict({
        "versions": {"type": "array", "minItems": 2, "items": stated(bounds, "One version of the figure."),
                     "description": "Where sources (or parts of one source) state this differently, each version with the source and place that state it."}},
        **(extra or {}))}
    return single, versions, {"description": description, "anyOf": [value, single, versions]}
COUNT = {"type": "integer", "minimum": 0}
DURATION_VALUE = DURATION["properties"]["value"]
AGE_AT = {"as_of": dict(DATE, description="The date at which the person had this age (YYYY-MM-DD, YYYY-MM or YYYY)."),
          "event": REF("the event at the time of which the person had this age")}
AGE_STATED, AGE_VERSIONS, _ = figure(COUNT, "", AGE_AT)
AGE = {"description": "An age in years a source gives, at a date (as_of) or at the time of an event; versions where sources differ.",
       "anyOf": [AGE_STATED, AGE_VERSIONS]}
# Figures are defined once under $defs and referred to, so the schema stays readable.
FIGURE_REF = lambda name, description: {"$ref": f"#/$defs/{name}", "description": description}
RELATION = {"type": "object", "additionalProperties": False, "required": ["to", "as"], "properties": {"to": REF("a person"), "as": versioned({"type": "string"}, "The relationship in the source's words.")}}
EVENT = obj(["id", "kind", "date"], {
    "id": ID, "kind": {"$ref": "#/$defs/concept_id", "description": "An event kind (ontology/vocabularies/event-kind.ttl)."},
    "date": versioned(EVENT_DATE, "When it happened."),
    "date_note": {"type": "string", "description": "Why the date has the precision it has, or how the source shows it."},
    "end_date": versioned(DATE, "When it ended, or each end date sources state."), "duration": {"description": "How long it lasted: {value, as_stated}, or versions of it.", "anyOf": [DURATION, versioned(DURATION["properties"]["value"], "")["anyOf"][1]]},
    "place": REF("a place"),
    "actors": {"description": "People or organisations who did it; or, where sources name different ones, versions (one id each) with the source that names it.",
               "anyOf": [REFS("people or organisations who did it"), versioned(REF("a person or organisation"), "")["anyOf"][1]]},
    "victims": {"description": "People or organisations it was done to; or versions (one id each) where sources differ.",
                "anyOf": [REFS("people or organisations it was done to"), versioned(REF("a person or organisation"), "")["anyOf"][1]]},
    "addressees": REFS("to whom it was addressed"),
    "people_count": FIGURE_REF("count", "How many people the event concerned (were arrested, extradited, covered by it ...), as sources state it."),
    "sentence": FIGURE_REF("duration_figure", "The length of the sentence a court imposed (or, for a law, the penalty it provides: max for \"up to\"), as an xsd:duration such as P15Y."),
    "description": versioned({"type": "string"}, "What happened, in the sources' words; versions where sources describe it differently."), "title": {"type": "string"},
    "forum": {"$ref": "#/$defs/concept_id", "description": "The forum or chamber before which this step took place, when not the case's forum (e.g. ecthr-chamber before a Grand Chamber judgment)."}}, "A dated event.")
AGENT_COMMON = {"id": ID, "roles": {"type": "array", "uniqueItems": True, "items": {"enum": notations("role")}},
    "alias": {"type": "array", "items": {"type": "string"}}, "description": {"type": "string"},
    "member_of": REF("an organisation"), "same_as": {"type": "array", "items": {"type": "string", "format": "uri"}, "description": "IRIs of the same agent elsewhere (Wikidata ...)."}}
MONEY_CORE = {"amount": {"type": "number", "minimum": 0}, "currency": {"$ref": "#/$defs/currency"}, "as_stated": {"type": "string"}}
CONVERSION = obj(["amount", "currency", "as_stated"], MONEY_CORE, "An approximate conversion a source states; kept as the source words it.")
schema = {
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "$id": "https://w3id.org/casegraph/schema/case.schema.json",
 "title": "casegraph case file",
 "description": "One human-rights case as a YAML file in data/; its id is the file name without .yaml. See data/README.md.",
 "type": "object", "additionalProperties": False,
 "required": ["title", "forum", "respondent_states", "sources"],
 "properties": {
  "title": {"type": "string", "minLength": 1},
  "subtitle": {"type": "string"},
  "forum": {"$ref": "#/$defs/concept_id", "description": "The forum (ontology/vocabularies/forum.ttl), e.g. cat, hrc, ecthr-grand-chamber."},
  "respondent_states": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"$ref": "#/$defs/state"}},
  "applicant_states": {"type": "array", "uniqueItems": True, "items": {"$ref": "#/$defs/state"}},
  "status": {"enum": notations("case-status")},
  "identifiers": {"type": "object", "additionalProperties": False, "properties": {
      k: versioned({"type": "string"}, d) for k, d in [("communication_number", "UN treaty-body communication number, e.g. 433/2010."),
        ("un_document_symbol", "UN document symbol, e.g. CAT/C/48/D/433/2010."), ("application_number", "Application or petition number of a regional court or commission."),
        ("ecli", "European Case Law Identifier."), ("report_citation", "Citation in a law report, e.g. [2014] ECHR 478.")]}},
  "summary": {"type": "string"},
  "themes": {"type": "array", "uniqueItems": True, "items": {"$ref": "#/$defs/concept_id"}},
  "confidentiality": {"$ref": "#/$defs/confidentiality"},
  "significance": {"type": "array", "items": obj(["text"], {"text": {"type": "string"}}, "Why the case matters, as a source says.")},
  "sources": {"type": "array", "minItems": 1, "items": {"type": "object", "additionalProperties": False, "required": ["id"],
      "anyOf": [{"required": ["address"]}, {"required": ["copy"]}, {"required": ["title"]}],
      "properties": {"id": ID, "address": {"type": "string", "format": "uri"}, "title": {"type": "string"}, "publisher": {"type": "string"},
         "copy": {"type": "string", "description": "Where a stored copy of the source is kept."}, "date": DATE, "note": {"type": "string"},
         "confidentiality": {"$ref": "#/$defs/confidentiality"}}}},
  "places": {"type": "array", "items": obj(["id", "name"], {"id": ID, "name": versioned({"type": "string"}, "The place's name."),
      "country": {"$ref": "#/$defs/state"}, "within": REF("a place")}, "A place.")},
  "people": {"type": "array", "items": obj(["id"], dict(AGENT_COMMON, **{"name": versioned({"type": "string"}, "The person's name."),
      "relation": {"description": "How the person is related to another person of the file; a list where they are related to several.",
                   "anyOf": [RELATION, {"type": "array", "minItems": 1, "items": RELATION}]},
      "born": versioned(DATE, "When the person was born, at the precision the source gives."),
      "occupation": versioned({"type": "string"}, "The person's occupation or office, in the source's words."),
      "ages": {"type": "array", "items": {"$ref": "#/$defs/age"}, "description": "Ages in years that sources give, each at a date or event."}}), "A person; give a name or a description.")},
  "organisations": {"type": "array", "items": obj(["id", "name"], dict(AGENT_COMMON, **{"name": versioned({"type": "string"}, "The organisation's name."),
      "kind": {"enum": notations("agent-kind")}, "member_count": FIGURE_REF("count", "How many members, as a number, with the source's words, approximation or bounds, or each count a source states.")}), "An organisation, unit, body or group.")},
  "acts": {"type": "array", "items": EVENT, "description": "Who did what to whom."},
  "harms": {"type": "array", "items": EVENT, "description": "Injuries, symptoms, diagnoses, hospital stays, medical examinations."},
  "domestic_proceedings": {"type": "array", "items": EVENT},
  "international_proceedings": {"type": "array", "items": EVENT},
  "claims": {"type": "array", "items": obj(["article"], {"article": {"$ref": "#/$defs/article"}, "taken_with": {"type": "array", "items": {"$ref": "#/$defs/article"}},
      "claimants": REFS("the people or organisations who made the claim"), "summary": {"type": "string"}}, "What the applicant alleged under one article.")},
  "findings": {"type": "array", "items": obj(["outcome", "decision"], {"article": {"$ref": "#/$defs/article"},
      "instrument": {"enum": instruments(), "description": "Where the source names no article: the instrument the finding concerns as a whole (ECHR, UNCAT ...); say what it covers in scope."},
      "scope": {"type": "string", "description": "What a finding without an article covers, in the source's words (\"numerous violations of the Convention\")."},
      "taken_with": {"type": "array", "items": {"$ref": "#/$defs/article"}}, "outcome": {"enum": notations("outcome")},
      "decision": REF("the international proceeding (kind decision) that made the finding"), "reasoning": {"type": "string"}, "vote": versioned({"type": "string"}, "The vote as the source gives it, or each version.")},
      "The forum's conclusion on one article, or on an instrument as a whole where the source names no article.") | {"anyOf": [{"required": ["article"]}, {"required": ["instrument"]}]}},
  "remedies": {"type": "array", "items": obj(["id", "kind", "status"], {"id": ID, "kind": {"enum": notations("remedy-kind")},
      "decision": REF("the decision that called for it"), "text": {"type": "string"}, "beneficiaries": REFS("beneficiaries"),
      "status": {"enum": notations("implementation-status")}, "status_note": {"type": "string"},
      "implementation": {"type": "array", "items": EVENT}}, "A remedy the forum called for.")},
  "money": {"type": "array", "items": obj(["id", "role", "amount", "currency"], dict(MONEY_CORE, **{"id": ID, "role": {"enum": notations("money-role")},
      "amount": versioned(MONEY_CORE["amount"], "The amount, or each amount a source states for it."),
      "approximately": {"description": "An approximate conversion a source states (never one computed here); a list where a source gives several (GBP and USD); or versions of one conversion where sources convert differently.",
          "anyOf": [CONVERSION, {"type": "array", "minItems": 1, "items": CONVERSION}, versioned(CONVERSION, "")["anyOf"][1]]},
      "payer": REF("who pays"), "beneficiary": REF("who receives"), "date": versioned(DATE, "When."), "event": REF("the event it belongs to"),
      "remedy": REF("the remedy it carries out"), "description": versioned({"type": "string"}, "What the amount is for, or each account a source gives of it."),
      "part_of": REF("the amount (a total) this amount is part of; totals and their parts are never added together"),
      "per_beneficiary": {"type": "boolean", "description": "True when the amount is owed to each beneficiary (\"EUR 15,000 to each applicant\")."}}), "An amount of money.")},
  "related_cases": {"type": "array", "items": obj(["title", "relation"], {"title": versioned({"type": "string"}, "The case's title, or each spelling of it that a source gives."),
      "case": {"$ref": "#/$defs/id", "description": "The id of the related case when it is in data/ too."},
      "forum": {"$ref": "#/$defs/concept_id"}, "relation": {"type": "string", "description": "How it is related, in the sources' words."},
      "identifier": {"type": "string"}}, "A related case, in this or another forum.")},
  "documents": {"type": "array", "items": obj(["id", "title"], {"id": ID, "title": {"type": "string"}, "kind": {"enum": notations("document-kind")},
      "date": versioned(DATE, "The document's date as the source gives it."), "date_note": {"type": "string"},
      "language": {"enum": languages, "description": "ISO 639-1 code of the document's language."},
      "pages": {"type": "integer", "minimum": 1}, "event": REF("the event it belongs to"), "address": {"type": "string", "format": "uri"}}, "A document of the case.")},
 },
 "$defs": {
  "count": figure(COUNT, "A count: a whole number, a figure with its words, approximation or bounds, or versions of it.")[2],
  "duration_figure": figure(DURATION_VALUE, "A length of time: an xsd:duration, a figure with its words, approximation or bounds, or versions of it.")[2],
  "age": AGE,
  "id": ID,
  "currency": {"enum": currencies, "description": "An ISO 4217 currency code (current or historic, e.g. FRF)."},
  "concept_id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "description": "The notation of a concept in ontology/vocabularies/."},
  "state": {"type": "string", "pattern": "^[A-Z]{2}$", "description": "A State by its ISO 3166 code (ontology/vocabularies/state.ttl)."},
  "article": {"type": "string", "pattern": "^[A-Z][A-Z0-9]*(-[A-Z][A-Z0-9]*)*(-[0-9A-Za-z]+)+$", "description": "A treaty article by its short form: UNCAT-2-1, ECHR-3, ECHR-P1-2, ICERD-5-e-iii."},
  "confidentiality": {"enum": notations("confidentiality"), "description": "Who may see this: public, partner or internal; parts inherit from what contains them."},
 },
}
OUT = ROOT / "src" / "casegraph" / "schema" / "case.schema.json"
OUT.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
