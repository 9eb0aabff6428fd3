from contracts.builtin.registry.contract import AssetAlreadyEncumbered, EncumbranceRegistryContract

__all__ = ["AssetAlreadyEncumbered", "EncumbranceRegistryContract"]
