"""Wallet delivery: OpenID4VCI 1.0 (pre-authorized code flow) and VC-API exchanges.

Application flows like ``issuance/``: an LMS creates an offer for an assessment record (issued
when a wallet redeems it, bound to the wallet's DID) or for a credential already issued; a
wallet then redeems it over OpenID4VCI (token, nonce, credential endpoints) or over a VC-API
exchange (DIDAuthentication, then delivery). One offer yields at most one credential, whichever
way it is redeemed. All state lives in the database; time comes from ``services.clock``.
"""
