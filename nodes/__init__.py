"""Peers, orderers and networks: the layer that runs one ledger across organisations."""

from ledger.block import TxState
from nodes.exceptions import GateRejected, NetworkDirError, NodeDown, NodeError, OutOfOrder
from nodes.interfaces import OrdererAPI, PeerAPI, Transport, TxStatus
from nodes.local import LocalNetwork
from nodes.messages import Batch, SignedHeader
from nodes.orderer import InProcessOrderer
from nodes.peer import Peer
from nodes.templates import TEMPLATES, NetworkSpec, build_network

__all__ = [
    "TEMPLATES",
    "Batch",
    "GateRejected",
    "InProcessOrderer",
    "LocalNetwork",
    "NetworkDirError",
    "NetworkSpec",
    "NodeDown",
    "NodeError",
    "OrdererAPI",
    "OutOfOrder",
    "Peer",
    "PeerAPI",
    "SignedHeader",
    "Transport",
    "TxState",
    "TxStatus",
    "build_network",
]
