"""The audit trail: who changed what, when, before and after (uptake.audit.models).

One module writes every entry, with one function, ``log``; apps call it (pretix's
``log_action``). The first submission of a report writes its entry in the same statement as the
report (uptake.lib.rawrows.insert_family, #7) from ``entry``, the rule ``log`` follows too.
"""
