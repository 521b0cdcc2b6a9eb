"""Call-centre supervisor wallboard.

Layers, one direction (enforced by import-linter, see pyproject.toml):
``core`` (pure) <- ``feed`` (websockets I/O) <- ``callcentre`` (embedded simulator)
<- ``ui`` (Qt) <- ``app`` (wiring).
"""

__version__ = "0.1.0"
