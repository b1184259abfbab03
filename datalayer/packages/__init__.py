"""Typed calls of the PL/SQL packages the application may call, one module per package, generated from
plsql/*.pks by database/tooling/package_calls.py (`scripts/ils package-calls`): do not edit.

    from datalayer.packages import lib_fines
    paid = lib_fines.pay(s, fine_id, amount, "CASH", None)     # -> PayOut(payment_id, balance)
"""
