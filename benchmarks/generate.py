"""Deterministic synthetic case files, shaped like the real ones in data/.

Case number ``i`` depends only on the seed and ``i`` (never on how many cases are made), so
the 1,000-case set is the first 1,000 files of the 10,000-case set, and any file can be made
again alone. Every file passes ``casegraph validate`` (tests/test_benchmark_generator.py).

The spread follows the corpus: most cases are before the European Court or the UN committees,
a long tail elsewhere; one or two respondent States; acts, harms, domestic and international
proceedings, claims and findings on the forum's own treaty, remedies and the steps taken to
carry them out, money in several currencies (sometimes paid), documents, sometimes conflicting
versions of a fact, sometimes a related case.
About 100-150 triples a case.

Usage::

    python benchmarks/generate.py --count 10000 --out /tmp/cases-10k [--seed 6]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

# forum -> (weight, instrument prefix, articles that exist in ontology/instruments/, decision kind, body name)
FORUMS = {
    "ecthr": (30, "ECHR", ["2", "3", "5", "5-1", "5-3", "5-4", "6", "6-1", "8", "10", "11", "13", "14", "34"],
              "judgment-final", "European Court of Human Rights"),
    "ecthr-chamber": (8, "ECHR", ["3", "5-1", "6-1", "8", "13"], "decision", "European Court of Human Rights (Chamber)"),
    "ecthr-grand-chamber": (3, "ECHR", ["2", "3", "5", "8", "13", "14"], "judgment-final",
                            "European Court of Human Rights (Grand Chamber)"),
    "hrc": (18, "ICCPR", ["2-3", "6-1", "7", "9-1", "9-3", "10-1", "14-1", "17", "19-2", "26"], "decision",
            "UN Human Rights Committee"),
    "cat": (14, "UNCAT", ["1", "2-1", "3", "11", "12", "13", "14", "16", "22"], "decision",
            "UN Committee against Torture"),
    "cedaw": (5, "CEDAW", ["1", "2", "2-c", "2-e", "5", "12", "16"], "decision", "CEDAW Committee"),
    "cerd": (3, "ICERD", ["2-1", "4", "5", "6"], "decision", "Committee on the Elimination of Racial Discrimination"),
    "iacthr": (7, "ACHR", ["4-1", "5-1", "5-2", "7", "8-1", "25"], "judgment-final", "Inter-American Court of Human Rights"),
    "iacomhr": (4, "ACHR", ["4", "5", "8", "25"], "decision", "Inter-American Commission on Human Rights"),
    "achpr": (4, "ACHPR", ["2", "4", "5", "6", "7", "7-1"], "decision", "African Commission on Human and Peoples' Rights"),
    "ecowas-ccj": (2, "ACHPR", ["4", "5", "6", "9"], "judgment-final", "ECOWAS Community Court of Justice"),
    "ecomhr": (2, "ECHR", ["3", "6", "8"], "decision", "European Commission of Human Rights"),
}

# ISO code -> (weight, name for titles, currency, a city)
STATES = {
    "RU": (14, "Russia", "RUB", "Kazan"), "TR": (12, "Turkey", "TRY", "Diyarbakir"),
    "KZ": (5, "Kazakhstan", "KZT", "Kostanay"), "UZ": (3, "Uzbekistan", "UZS", "Tashkent"),
    "TJ": (2, "Tajikistan", "TJS", "Dushanbe"), "FR": (4, "France", "EUR", "Lyon"),
    "GB": (4, "the United Kingdom", "GBP", "Belfast"), "IT": (4, "Italy", "EUR", "Naples"),
    "PL": (3, "Poland", "PLN", "Warsaw"), "HU": (2, "Hungary", "HUF", "Budapest"),
    "GR": (2, "Greece", "EUR", "Athens"), "ES": (3, "Spain", "EUR", "Madrid"),
    "MX": (4, "Mexico", "MXN", "Oaxaca"), "PE": (3, "Peru", "PEN", "Ayacucho"),
    "CL": (1, "Chile", "CLP", "Santiago"), "HN": (1, "Honduras", "HNL", "Tegucigalpa"),
    "NG": (2, "Nigeria", "NGN", "Lagos"), "KE": (2, "Kenya", "KES", "Nairobi"),
    "EG": (1, "Egypt", "EGP", "Cairo"), "GM": (1, "the Gambia", "GMD", "Banjul"),
    "SE": (1, "Sweden", "SEK", "Malmo"), "NL": (1, "the Netherlands", "EUR", "Rotterdam"),
    "CA": (1, "Canada", "CAD", "Montreal"), "AU": (1, "Australia", "AUD", "Perth"),
    "PH": (1, "the Philippines", "PHP", "Manila"),
}

SURNAMES = ["ivanova", "petrov", "kaya", "demir", "gerasimova", "nowak", "rossi", "garcia", "lopez",
            "mendoza", "okafor", "mwangi", "hassan", "smith", "dubois", "kovacs", "papadopoulos",
            "yusupov", "rahimov", "abenov", "santos", "quispe", "ahmed", "silva", "novak", "horvath",
            "morales", "diallo", "traore", "nguyen", "bauer", "larsen", "cruz", "reyes", "aliyev"]
GIVEN = ["Anna", "Ivan", "Mehmet", "Ayse", "Maria", "Jose", "Grace", "Peter", "Fatima", "Olga",
         "Sergei", "Elena", "Juan", "Amina", "Daniel", "Leila", "Marta", "Tomas", "Nadia", "Omar"]

ACT_KINDS = ["arrest", "detention", "beating", "interrogation", "electric-shock", "asphyxiation",
             "forced-confession", "intimidation", "abduction", "disappearance", "killing", "expulsion",
             "forced-eviction", "attack", "threat-of-sexual-violence", "dry-submarino"]
HARM_KINDS = ["injury", "diagnosis", "hospitalisation", "death", "material-harm", "symptom"]
DOMESTIC = [("complaint", None), ("investigation", None), ("refusal-to-investigate", None),
            ("appeal", None), ("court-decision", "court")]
THEMES = ["torture", "ill-treatment", "police-custody", "effective-investigation", "redress", "reprisals",
          "fair-trial", "right-to-life", "enforced-disappearance", "freedom-of-expression",
          "migrants-and-refugees", "non-refoulement", "discrimination", "domestic-violence", "housing",
          "family-life", "use-of-force", "forced-confession", "gender-based-violence", "roma"]
REMEDIES = ["compensation", "investigation", "rehabilitation", "non-repetition", "protection",
            "costs-and-expenses", "legislative-change", "restitution"]
OUTCOMES = [("violation", 70), ("no-violation", 15), ("inadmissible", 10), ("not-examined", 5)]
STATUSES = ["implemented", "not-implemented", "partially-implemented", "pending", "unknown"]
# status -> the steps taken after the decision, in order (a case records the first one or more)
IMPLEMENTATION = {"implemented": ["implementation-request", "implementation-step"],
                  "partially-implemented": ["implementation-request", "implementation-step", "follow-up"],
                  "not-implemented": ["implementation-request", "refusal"],
                  "pending": ["implementation-request"], "unknown": []}
DOC_KINDS = ["communication", "decision", "submission", "report", "summary", "letter"]


def _pick(rng: random.Random, weighted: dict) -> str:
    keys = list(weighted)
    return rng.choices(keys, weights=[weighted[k][0] for k in keys])[0]


def _date(rng: random.Random, year: int, precision: float = 0.8) -> str:
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    r = rng.random()
    if r < precision:
        return f"{year:04d}-{month:02d}-{day:02d}"
    if r < precision + (1 - precision) * 0.7:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}"


def _q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def case_id(seed: int, i: int) -> str:
    """The id (file name) of generated case ``i``."""
    rng = random.Random(f"{seed}:{i}")
    surname = rng.choice(SURNAMES)
    state = _pick(rng, STATES)
    return f"{surname}-v-{STATES[state][1].removeprefix('the ').lower().replace(' ', '-')}-{i:06d}"


def case_text(seed: int, i: int) -> str:
    """The YAML text of generated case ``i`` (deterministic in ``seed`` and ``i``)."""
    rng = random.Random(f"{seed}:{i}")
    surname = rng.choice(SURNAMES)
    state = _pick(rng, STATES)
    cid = f"{surname}-v-{STATES[state][1].removeprefix('the ').lower().replace(' ', '-')}-{i:06d}"
    forum = _pick(rng, FORUMS)
    _w, instrument, articles, decision_kind, body = FORUMS[forum]
    state_name, currency, city = STATES[state][1:]
    given = rng.choice(GIVEN)
    victim = f"{given} {surname.capitalize()}"
    year = rng.randint(1995, 2019)
    L: list[str] = []
    a = L.append
    a("# yaml-language-server: $schema=../src/casegraph/schema/case.schema.json")
    a(f"# Synthetic case {i} (seed {seed}), made by benchmarks/generate.py: not a real case.")
    a(f"title: {victim} v. {state_name[0].upper() + state_name[1:]}")
    states = [state]
    if rng.random() < 0.05:
        states.append(rng.choice([s for s in STATES if s != state]))
    a(f"forum: {forum}")
    a(f"respondent_states: [{', '.join(states)}]")
    decided = rng.random() < 0.85
    a(f"status: {'decided' if decided else 'pending'}")
    if forum.startswith("ecthr") or forum == "ecomhr":
        a(f"identifiers: {{application_number: {_q(f'{rng.randint(100, 99999)}/{year % 100:02d}')}}}")
    elif rng.random() < 0.3:
        a("identifiers:")
        a("  communication_number:")
        a("    versions:")
        a(f"      - {{value: {_q(f'{rng.randint(100, 999)}/{year + 1}')}, locator: case page header}}")
        a(f"      - {{value: {_q(f'{rng.randint(100, 999)}/{year + 2}')}, locator: decision (first page)}}")
    else:
        a(f"identifiers: {{communication_number: {_q(f'{rng.randint(100, 999)}/{year + 1}')}}}")
    a(f"themes: [{', '.join(rng.sample(THEMES, rng.randint(1, 3)))}]")
    a(f"summary: >-\n  {victim} was detained in {city} in {year} and ill-treated by the police; the"
      f" complaints that followed were not investigated.")
    if rng.random() < 0.3:
        a("significance:")
        a("  - text: The forum held that the lack of an investigation was itself a violation.")
        a("    locator: summary")
    a("sources:")
    a("  - id: case-page")
    a(f"    title: {victim} v. {state_name} (case page)")
    a("    publisher: a litigating NGO")
    if rng.random() < 0.5:
        a(f"    address: https://example.org/cases/{cid}")
    else:
        a(f"    copy: shared/sources/{cid}.txt")
    a("places:")
    a(f"  - {{id: city, name: {city}, country: {state}}}")
    a(f"  - {{id: police-station, name: police station in {city}, within: city}}")
    a("people:")
    a(f"  - {{id: victim, name: {victim}, roles: [victim, applicant]}}")
    relatives = rng.random() < 0.3
    if relatives:
        a(f"  - id: relative\n    description: {victim}'s {rng.choice(['mother', 'brother', 'wife', 'son'])} (not named)")
        a("    relation: {to: victim, as: family}\n    roles: [family-member]")
    # Counsel from a pool, as in the corpus: a State's legal-aid NGO (which brings many cases)
    # or one of 700 lawyers. Drawn apart from the rest, so the other facts stay as they were.
    counsel_rng = random.Random(f"{seed}:{i}:counsel")
    if counsel_rng.random() < 0.4:
        a("organisations:")
        a(f"  - {{id: counsel, name: {state_name[0].upper() + state_name[1:]} Legal Aid Centre, kind: ngo, "
          "roles: [counsel]}")
    else:
        a(f"  - {{id: counsel, name: {counsel_rng.choice(GIVEN)} {counsel_rng.choice(SURNAMES).capitalize()}, "
          "roles: [counsel]}")
        a("organisations:")
    a(f"  - {{id: police, name: {city} police, kind: police, roles: [perpetrator]}}")
    domestic = rng.sample(DOMESTIC, rng.choice([1, 1, 2, 3]))
    if any(actor == "court" for _k, actor in domestic):
        a(f"  - {{id: court, name: {city} district court, kind: court, roles: [court]}}")
    a(f"  - {{id: body, name: {body}, kind: international-body}}")
    a("acts:")
    for j in range(rng.choice([1, 1, 1, 2, 3])):
        kind = rng.choice(ACT_KINDS)
        a(f"  - id: act-{j + 1}\n    kind: {kind}\n    date: {_date(rng, year)}")
        if kind in ("detention", "arrest") and rng.random() < 0.5:
            hours = rng.choice([12, 24, 48, 72])
            a(f"    duration: {{value: PT{hours}H, as_stated: {hours} hours}}")
        a("    place: police-station\n    victims: [victim]\n    actors: [police]")
        if rng.random() < 0.6:
            a(f"    description: The police {kind.replace('-', ' ')} ({j + 1}).")
            a("    locator: narrative")
    if rng.random() < 0.7:
        a("harms:")
        kind = rng.choice(HARM_KINDS)
        a(f"  - id: harm-1\n    kind: {kind}\n    date: {_date(rng, year, 0.6)}\n    victims: [victim]")
        if kind == "hospitalisation":
            a(f"    duration: {{value: P{rng.randint(2, 30)}D, as_stated: some days}}")
        a("    description: Injuries recorded after release.")
    a("domestic_proceedings:")
    for j, (kind, actor) in enumerate(domestic):
        date = "unknown" if rng.random() < 0.1 else _date(rng, year + 1)
        a(f"  - id: domestic-{j + 1}\n    kind: {kind}\n    date: {date}\n    actors: [{actor or 'victim'}]")
    a("international_proceedings:")
    a(f"  - id: application\n    kind: communication\n    date: {_date(rng, year + 2)}\n"
      f"    actors: [counsel]\n    addressees: [body]")
    if decided:
        decided_in = year + rng.randint(3, 8)
        a(f"  - id: decision\n    kind: {decision_kind}\n    date: {_date(rng, decided_in, 0.95)}\n"
          f"    actors: [body]\n    description: The {body} decides.")
    claimed = rng.sample(articles, rng.randint(1, min(3, len(articles))))
    a("claims:")
    for art in claimed:
        a(f"  - {{article: {instrument}-{art}, claimants: [victim], summary: Alleged breach of Article {art}.}}")
    if decided:
        a("findings:")
        for art in claimed:
            outcome = rng.choices([o for o, _ in OUTCOMES], weights=[w for _, w in OUTCOMES])[0]
            a(f"  - article: {instrument}-{art}\n    outcome: {outcome}\n    decision: decision")
            if rng.random() < 0.8:
                a(f"    reasoning: The {body} ruled on Article {art} ({outcome.replace('-', ' ')}).")
        remedies = rng.sample(REMEDIES, rng.randint(0, 2))
        # What was done about each remedy is drawn apart from the rest, so the other facts stay
        # as they were before it was generated.
        follow_up_rng = random.Random(f"{seed}:{i}:implementation")
        statuses = {}
        if remedies:
            a("remedies:")
            for r in remedies:
                statuses[r] = rng.choice(STATUSES)
                a(f"  - id: {r}\n    kind: {r}\n    decision: decision\n    beneficiaries: [victim]\n"
                  f"    text: Provide {r.replace('-', ' ')}.\n    status: {statuses[r]}")
                steps = IMPLEMENTATION[statuses[r]]
                if steps and follow_up_rng.random() < 0.6:
                    a("    implementation:")
                    for j, kind in enumerate(steps[:follow_up_rng.randint(1, len(steps))]):
                        a(f"      - id: {r}-step-{j + 1}\n        kind: {kind}\n"
                          f"        date: {_date(follow_up_rng, decided_in + 1 + j + follow_up_rng.randint(0, 1), 0.7)}")
        if "compensation" in remedies or rng.random() < 0.4:
            a("money:")
            amount = rng.choice([1500, 5000, 10000, 12500.5, 20000, 45000])
            a(f"  - id: award\n    role: awarded\n    amount: {amount}\n    currency: EUR\n"
              f"    beneficiary: victim\n    event: decision")
            if "compensation" in remedies:
                a("    remedy: compensation")
            if rng.random() < 0.7:
                a(f"    date: {_date(rng, year + 5)}")
            if currency != "EUR" and rng.random() < 0.5:
                a(f"  - id: claim\n    role: claimed\n    amount: {amount * 100}\n    currency: {currency}\n"
                  f"    approximately: {{amount: {amount * 2}, currency: EUR, as_stated: about {amount * 2} euros}}\n"
                  f"    beneficiary: victim")
            if statuses.get("compensation") in ("implemented", "partially-implemented") \
                    and follow_up_rng.random() < 0.6:
                a(f"  - id: paid\n    role: paid\n    amount: {amount}\n    currency: EUR\n    beneficiary: victim\n"
                  f"    remedy: compensation\n    date: {_date(follow_up_rng, decided_in + follow_up_rng.randint(1, 3), 0.5)}")
    if rng.random() < 0.5:
        a("documents:")
        a(f"  - id: document-1\n    title: {rng.choice(['Decision', 'Application', 'Observations'])}\n"
          f"    kind: {rng.choice(DOC_KINDS)}\n    date: {_date(rng, year + 3)}\n    pages: {rng.randint(2, 80)}")
        if rng.random() < 0.3:
            a("    language: en")
    if i > 0 and rng.random() < 0.1:
        other = rng.randrange(0, i)
        a("related_cases:")
        a(f"  - title: an earlier case\n    relation: follows\n    case: {case_id(seed, other)}")
    return "\n".join(L) + "\n"


def generate(count: int, out: Path, *, seed: int = 6, start: int = 0) -> list[Path]:
    """Write cases ``start`` .. ``start+count-1`` as ``out/{case-id}.yaml``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        text = case_text(seed, i)
        path = out / f"{case_id(seed, i)}.yaml"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, required=True, help="how many cases")
    parser.add_argument("--out", type=Path, required=True, help="the folder to write them to")
    parser.add_argument("--seed", type=int, default=6, help="the seed (default 6)")
    args = parser.parse_args(argv)
    paths = generate(args.count, args.out, seed=args.seed)
    print(f"{len(paths)} case files in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
