"""Background processes beside the web server: the notice sender (sender.py)."""
