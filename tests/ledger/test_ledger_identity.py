"""X.509 identities: org CAs, member certificates, PEM files and the member check."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest
from cryptography import x509

from ledger import PrivateKey
from ledger.exceptions import CertificateError, IdentityError
from ledger.identity import (
    MemberRecord,
    ca_org,
    ca_org_type,
    certificate_from_pem,
    certificate_to_pem,
    check_member_certificate,
    create_org_ca,
    issue_member_certificate,
    load_certificate,
    load_private_key,
    member_fields,
    save_certificate,
    save_private_key,
)

NOW = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
YEAR = dt.timedelta(days=365)


def _org(org_id: str, org_type: str = "bank") -> tuple[x509.Certificate, PrivateKey]:
    key = PrivateKey.generate()
    return create_org_ca(org_id, org_type, key, not_before=START, validity=YEAR), key


def _member(
    ca: x509.Certificate, ca_key: PrivateKey, member_id: str, role: str = "loan_officer",
    *, serial: int | None = None,
) -> tuple[x509.Certificate, PrivateKey]:
    key = PrivateKey.generate()
    cert = issue_member_certificate(
        ca, ca_key, member_id, role, key.public_key(), not_before=START, validity=YEAR,
        serial=serial,
    )
    return cert, key


def test_org_ca_is_a_self_signed_ca_naming_the_org_and_its_type() -> None:
    ca, _ = _org("bank1", "bank")
    assert ca_org(ca) == "bank1"
    assert ca_org_type(ca) == "bank"
    assert ca.issuer == ca.subject
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True


def test_member_certificate_carries_id_org_and_role_and_passes_the_check() -> None:
    ca, ca_key = _org("bank1")
    cert, key = _member(ca, ca_key, "bank1.li_wei", "loan_officer")
    assert member_fields(cert) == ("bank1.li_wei", "bank1", "loan_officer")
    record = check_member_certificate(cert, ca, at=NOW)
    assert record == MemberRecord.from_certificate(cert)
    assert record.public_key == key.public_bytes()
    assert (record.member_id, record.org, record.role) == ("bank1.li_wei", "bank1", "loan_officer")
    assert not record.revoked


def test_member_record_survives_its_json_form() -> None:
    ca, ca_key = _org("coop1", "cooperative")
    cert, _ = _member(ca, ca_key, "coop1.keeper", "warehouse_keeper")
    record = MemberRecord.from_certificate(cert)
    assert MemberRecord.from_json(record.to_json()) == record


def test_member_id_must_start_with_the_org_id() -> None:
    ca, ca_key = _org("bank1")
    with pytest.raises(IdentityError, match="must start with its org id"):
        _member(ca, ca_key, "bank2.mallory")


def test_pem_files_round_trip_and_the_private_key_is_owner_only(tmp_path: Path) -> None:
    ca, ca_key = _org("bank1")
    cert, key = _member(ca, ca_key, "bank1.li_wei")
    key_path = tmp_path / "keys" / "li_wei.key.pem"
    cert_path = tmp_path / "keys" / "li_wei.cert.pem"
    save_private_key(key_path, key)
    save_certificate(cert_path, cert)

    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    loaded_key = load_private_key(key_path)
    assert loaded_key.public_bytes() == key.public_bytes()
    assert load_certificate(cert_path) == cert
    assert certificate_from_pem(certificate_to_pem(cert)) == cert
    assert check_member_certificate(load_certificate(cert_path), ca, at=NOW).public_key == (
        loaded_key.public_bytes()
    )


def test_saving_over_a_world_readable_key_file_makes_it_owner_only(tmp_path: Path) -> None:
    key_path = tmp_path / "old.key.pem"
    key_path.write_text("old")
    key_path.chmod(0o644)
    save_private_key(key_path, PrivateKey.generate())
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600


def test_certificate_from_another_orgs_ca_fails_the_check() -> None:
    ca1, ca1_key = _org("bank1")
    ca2, _ = _org("bank2")
    cert, _ = _member(ca1, ca1_key, "bank1.li_wei")
    with pytest.raises(CertificateError, match="issuer does not match"):
        check_member_certificate(cert, ca2, at=NOW)


def test_certificate_signed_by_an_impostor_ca_with_the_same_name_fails_the_check() -> None:
    real_ca, _ = _org("bank1")
    fake_ca, fake_key = _org("bank1")
    cert, _ = _member(fake_ca, fake_key, "bank1.mallory")
    with pytest.raises(CertificateError, match="does not verify"):
        check_member_certificate(cert, real_ca, at=NOW)


@pytest.mark.parametrize(
    "at",
    [START - dt.timedelta(seconds=1), START + YEAR + dt.timedelta(seconds=1)],
    ids=["before", "after"],
)
def test_certificate_outside_its_validity_window_fails_the_check(at: dt.datetime) -> None:
    ca, ca_key = _org("bank1")
    cert, _ = _member(ca, ca_key, "bank1.li_wei")
    with pytest.raises(CertificateError, match="not valid at"):
        check_member_certificate(cert, ca, at=at)


def test_certificate_with_a_revoked_serial_fails_the_check() -> None:
    ca, ca_key = _org("bank1")
    cert, _ = _member(ca, ca_key, "bank1.li_wei", serial=4242)
    check_member_certificate(cert, ca, at=NOW, revoked_serials={1, 2})
    with pytest.raises(CertificateError, match="4242 is revoked"):
        check_member_certificate(cert, ca, at=NOW, revoked_serials={4242})


def test_not_a_pem_certificate_is_an_identity_error() -> None:
    with pytest.raises(IdentityError, match="not a PEM certificate"):
        certificate_from_pem("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")
