"""Administrative procedures (TTHC): records, decisions, history, pages, changelog and open data."""
