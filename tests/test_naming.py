"""What explanations call records and events: never a bare id at a sentence's start, the file's
own name where it gives one, an event's source cited once beside it rather than inside its name."""

from __future__ import annotations

from engine.naming import Names
from engine.scenario import loads

PAYMENTS = """\
as_of: 2025-06-01
organizations:
  cjng: {registry: cjng}
actors:
  grocer: {name: Abarrotes Lupita, kind: company, country: US, us_national: true}
  bank: {name: First Bank, kind: financial_institution, country: US}
knowledge:
  - {actor: grocer, org: cjng, knew: terrorist_activity}
transactions:
  t1: {on: 2025-04-01, from: grocer, to: cjng, provides: currency, amount_usd: 500, purpose: extortion, knowingly: true}
  ransom: {on: 2025-04-02, from: grocer, to: cjng, provides: currency, purpose: ransom, knowingly: true}
  early: {on: 2025-01-10, from: grocer, to: cjng, provides: currency, knowingly: true}
  radios: {on: 2025-04-03, from: grocer, to: cjng, provides: communications_equipment, knowingly: true}
  march: {on: 2025-03-01, from: grocer, to: cjng, provides: currency, knowingly: true, name: the March payment}
holdings:
  - {institution: bank, owner: grocer, amount_usd: 100, since: 2025-04-01}
  - {id: acct, institution: bank, owner: grocer, amount_usd: 100, since: 2025-04-01}
acts:
  bombing: {on: 2025-05-01, by: cjng}
  attack2: {on: 2025-05-02, by: cjng}
"""


def test_records_are_called_by_a_noun_and_their_id_or_by_the_files_own_name():
    names = Names(loads(PAYMENTS, "s.yaml"))
    assert names["t1"] == "the extortion payment t1"  # its stated purpose
    assert names["ransom"] == "the ransom"  # the id is the noun's own word: not "the ransom payment ransom"
    assert names["early"] == "the payment early"  # an id that is a word is not a noun: not "the early"
    assert names["radios"] == "the transaction radios"  # not money: no purpose to name it by
    assert names["march"] == "the March payment"
    assert names["holding(1)"] == "the holding 1" and names["acct"] == "the holding acct"
    assert names["bombing"] == "the bombing" and names["attack2"] == "the act attack2"


def test_a_sentence_names_the_transaction_and_an_event_cites_its_source_once(answer):
    a = answer(PAYMENTS, "material_support(grocer, t1)")
    assert a.answer == "yes"
    steps = [n.claim for n in a.explanation.steps()]
    assert "The extortion payment t1 provided currency" in steps  # was "T1 provided currency"
    assert "On 2025-04-01, Abarrotes Lupita gave Cartel de Jalisco Nueva Generacion (CJNG) the extortion payment t1" in steps
    assert not any(claim.startswith("T1 ") for claim in steps)
    published = next(n for n in a.explanation.steps() if n.claim.endswith("designation published in the Federal Register on 2025-02-20"))
    assert published.claim.startswith("Cartel de Jalisco Nueva Generacion (CJNG): ")
    assert published.cite == "90 FR 10030"  # the source is the step's cite, not part of its sentence
    assert not any("(90 FR 10030)" in claim for claim in steps)
