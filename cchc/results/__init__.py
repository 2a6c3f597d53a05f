"""Results of handling procedures (/tthc/ket-qua/): monthly figures, their checks, pages, charts and open data."""
