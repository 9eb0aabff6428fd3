"""Test suite; see tests/README.md. A package so that pytest puts the repository root,
not tests/, on sys.path: otherwise tests/ledger would shadow the ledger package."""
