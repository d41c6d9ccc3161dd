"""Statistical models on top of the metrics: ``survival`` (time to re-engagement: Kaplan-Meier,
Cox proportional hazards with its assumption checked), ``trends`` (exclusion GLMs), ``funnel``
(funnel-plot limits for comparing schools)."""
