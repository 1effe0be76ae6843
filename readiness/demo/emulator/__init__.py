"""A local stand-in for Microsoft 365 (login, Graph, Exchange admin API) over HTTPS.

It serves the demo universe (readiness.demo.generator) so the real connectors, msal
included, can be exercised end to end without a tenant. See docs/operations.md.
"""
