"""Live push, Visdom-style: ``Visdom`` (the client), the wire protocol and the env store.

``from trainboard import Visdom`` (or ``from trainboard.visdom import Visdom``) takes
Visdom's constructor and plotting methods; windows go to a ``trainboard`` server, which
keeps them on disk under the logdir and shows them in the board's Live tab.
"""

from trainboard.visdom.client import Visdom as Visdom

__all__ = ["Visdom"]
