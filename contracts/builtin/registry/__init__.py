from contracts.builtin.registry.contract import (
    AssetAlreadyEncumbered,
    EncumbranceRegistryContract,
    InvalidLien,
    LienNotFound,
)

__all__ = ["AssetAlreadyEncumbered", "EncumbranceRegistryContract", "InvalidLien", "LienNotFound"]
