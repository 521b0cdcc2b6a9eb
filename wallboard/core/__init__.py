"""The pure core: protocol types, decoding, the reducer, metrics and queueing formulas.

It must never import Qt, sockets, asyncio, or read a clock: every "now" is passed in.
"""
