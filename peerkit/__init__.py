"""peerkit: a peer-support programme's records, checked and published."""

__version__ = "0.1.0"
