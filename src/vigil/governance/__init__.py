"""Responsible-AI governance: which tools an agency may run in casework, and why.

`questionnaire` and `answers` hold the risk assessment (no Django), `scoring` turns answers
into a risk level, `workflow` moves a tool's assessment through its states, `gate` is the one
check every way of running a tool passes, `precision` measures each tool against the people
who review its suggestions.
"""
