"""The demo district: a deterministic synthetic generator (``synthetic``) and its loader
(``loader``), which writes it to the database through People's services."""
