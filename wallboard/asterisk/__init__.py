"""The Asterisk bridge: AMI in, feed protocol v1 out (one AMI connection, many boards).

Sans-I/O like the rest: ``ami`` turns bytes into messages and actions into bytes; the
socket and the mapping to the floor's state live in their own modules.
"""
