"""Wire models of the HTTP API, one module per surface."""
