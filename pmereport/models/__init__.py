"""Statistical models: survival, exclusion trends, funnel limits."""
