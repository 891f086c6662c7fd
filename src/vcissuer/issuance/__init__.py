"""Application flows that touch storage: issuers, achievements, issuing, VC-API."""
