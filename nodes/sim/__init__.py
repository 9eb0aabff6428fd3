"""The simulated network: a seeded discrete-event clock, a networkx topology, faults."""

from nodes.sim.byzantine import AlterWrite, SignOtherHeader
from nodes.sim.clock import EventLoop
from nodes.sim.faults import Byzantine, Crash, Fault, Heal, Partition, Restart, SlowLink
from nodes.sim.network import SimNetwork, complete_graph
from nodes.sim.simulation import ORDERER_ID, Simulation

__all__ = [
    "ORDERER_ID",
    "AlterWrite",
    "Byzantine",
    "Crash",
    "EventLoop",
    "Fault",
    "Heal",
    "Partition",
    "Restart",
    "SignOtherHeader",
    "SimNetwork",
    "Simulation",
    "SlowLink",
    "complete_graph",
]
