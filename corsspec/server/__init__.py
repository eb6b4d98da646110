"""The server side: a validated CORS ``Policy``, importers from frameworks, audits and
least-privilege synthesis. Builds on the engine; never imported by it.
"""
