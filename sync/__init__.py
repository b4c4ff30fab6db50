"""The merge engine: how offline edits become one agreed state.

Pure Python, standard library only: no Flask, no SQLAlchemy. The server feeds
it plain values and stores what it hands back, so every rule here can be
tested alone and two servers given the same edits agree.
"""
