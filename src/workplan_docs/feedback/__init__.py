"""Quarterly follow-up (督办): feedback forms out to lead units (``forms``), filled forms back in (``collect``)."""
