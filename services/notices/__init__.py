"""Patron notices: what a notice of the outbox says (render.py: Jinja2 templates in a sandbox), who wants
which (preferences.py), the signed one-click unsubscribe link (links.py) and the mail provider's signed
event webhook (webhook.py). The packages decide when a notice is written (lib_notices_core, lib_jobs);
the sender (delivery) calls render() for each one."""
