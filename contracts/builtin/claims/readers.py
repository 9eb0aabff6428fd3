"""Who reads the claims contract's records: the policy's cooperative (its households'
covers and assessments) and insurer, the government offices that co-fund premiums and
losses (agriculture, finance), and, for a household's own rows, the household's
cooperative. Disaster declarations, weather readings and budget programmes are public
notices."""

from __future__ import annotations

from contracts.builtin.claims.records import (
    Assessment,
    Book,
    Breach,
    ClaimHead,
    CourtAward,
    Cover,
    CoverIndex,
    Declaration,
    EvidenceUse,
    PolicyHead,
    Programme,
    Reading,
)
from contracts.readers import Readable

GOVERNMENT = (("government", "agriculture"), ("government", "finance"))
POLICY = "policy/{policy_id}"

READERS = (
    Readable(POLICY, PolicyHead, parties=("coop", "insurer", "shares_paid_by"),
             roles=GOVERNMENT),
    Readable("cover/{policy_id...}~{insured}", Cover, parties=("insured",), via=(POLICY,)),
    Readable("claim/{claim_id...}", ClaimHead, parties=("reported_by",), via=(POLICY,)),
    Readable("household/{claim_id...}~{insured}", Assessment, parties=("insured",),
             via=("claim/{claim_id}",)),
    Readable("award/{claim_id...}~{insured}", CourtAward, parties=("insured",),
             via=("claim/{claim_id}",)),
    Readable("declaration/{id...}", Declaration, public=True),
    Readable("reading/{id...}", Reading, public=True),
    Readable("station/{station}/{policy_id...}", via=(POLICY,)),
    Readable("event/{policy_id...}~{event}", via=(POLICY,)),
    Readable("book/{book_id...}", Book, parties=("insurer",), roles=GOVERNMENT),
    Readable("breach/{claim_id...}/{kind}/{insured}", Breach, parties=("insured",),
             via=("claim/{claim_id}",)),
    Readable("programme/{id...}", Programme, public=True),
    Readable("insured/{insured}~{crop}~{policy_id...}", CoverIndex,
             parties=("insured", "insurer"), via=(POLICY,)),
    Readable("evidence/{digest}", EvidenceUse, parties=("insured",),
             via=("claim/{claim_id}",)),
)
