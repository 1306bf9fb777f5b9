"""What sentences call the scenario's parties and records.

A party goes by the name the file gives it (an organization by its registry entry's name
where the file names none). A record (a transaction, a holding, an act, a solicitation, a drug
activity) goes by its `name` where the file gives one, else by a noun for what it is and its id
("the extortion payment t1"; an act by an id that is a word, "the bombing"), so a sentence never
opens with a bare id ("T1 went to ...") and the reader still sees the id a question uses. Why not
any id that is a word on its own: a payment a what-if moves may be called `early`. The noun
restates what the file says the record is (its purpose, what it provided); it never
characterizes it in law.
"""

from __future__ import annotations

from engine import registry
from engine.scenario import Scenario, Transaction

PURPOSE_NOUNS = {"extortion": "extortion payment", "ransom": "ransom payment", "purchase": "purchase",
                 "transit_fee": "transit fee", "donation": "donation", "wages": "wage payment",
                 "taxes_or_fees": "payment of taxes or fees"}
"""A transaction's `purpose` as the noun that names it."""

PAYMENTS = frozenset({"currency", "monetary_instruments", "financial_securities"})
"""What a transaction provides that makes it a payment, where the file states no purpose."""


def transaction_noun(tx: Transaction) -> str:
    if tx.purpose in PURPOSE_NOUNS:
        return PURPOSE_NOUNS[tx.purpose]
    return "payment" if tx.provides in PAYMENTS else "transaction"


def called(ident: str, noun: str) -> str:
    """A record the file does not name: the noun and the id ("the extortion payment t1", "the payment
    early"), or the id alone where it is the noun's own word ("the ransom")."""
    return f"the {ident}" if ident in noun.split() else f"the {noun} {ident}"


def called_act(ident: str) -> str:
    """An act the file does not name: an id that is a word names the event ("the bombing"); a code
    gets the noun ("the act attack2")."""
    return f"the {ident}" if ident.replace("_", "").isalpha() else called(ident, "act")


def holding_cell(i: int, given: str | None) -> str:
    """The id of the i-th holding (from 0) as clingo prints it: the file's, else holding(N)."""
    return given or f"holding({i + 1})"


class Names(dict[str, str]):
    """Each party's and record's id (as clingo prints it) -> what sentences call it. The parties' names
    are made at once (they are also name/2 facts); a record's only when a sentence looks it up
    (engine.reading.Reading.name): a ledger's 1e4 transactions as name/2 facts cost an open question
    over it 2.5 s of indexing, and a screen, which words no sentence, never makes them."""

    def __init__(self, s: Scenario) -> None:
        super().__init__()
        self.scenario = s
        for oid, org in s.organizations.items():
            entry = registry.entry(org.registry) if org.registry else None
            self[oid] = org.name or (entry.name if entry else oid)
        for aid, actor in s.actors.items():
            self[aid] = actor.name or aid
        self._holdings = {holding_cell(i, h.id): (i, h) for i, h in enumerate(s.holdings)}

    def __missing__(self, key: str) -> str:
        s = self.scenario
        if key in s.transactions:
            tx = s.transactions[key]
            name = tx.name or called(key, transaction_noun(tx))
        elif key in self._holdings:
            i, holding = self._holdings[key]
            name = holding.name or called(holding.id or str(i + 1), "holding")
        elif key in s.acts:
            name = s.acts[key].name or called_act(key)
        elif key in s.solicitations:
            name = s.solicitations[key].name or called(key, "solicitation")
        elif key in s.drug_activities:
            name = s.drug_activities[key].name or called(key, "drug activity")
        else:
            raise KeyError(key)
        self[key] = name
        return name

    def of(self, key: str) -> str | None:
        """What sentences call the party or record with this id, None if the scenario has none."""
        try:
            return self[key]
        except KeyError:
            return None
