"""vcissuer: issue and verify Open Badges 3.0 credentials.

The core (jsonld, keys, dids, credentials, proofs, status, verify, baking) is a plain library;
the shell (store, issuance, api, web, cli) is the service around it. See docs/DESIGN.md.
"""

__version__ = "0.1.0"
