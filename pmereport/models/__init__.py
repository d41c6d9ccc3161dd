"""Statistical models: survival (time to re-engagement), and later exclusion trends and funnel limits."""
