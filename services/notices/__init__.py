"""Notices: what a notice of the outbox says (render.py). Delivery is the sender worker's (workers/)."""
