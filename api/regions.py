"""The Sinch traffic regions, alone so a flag parser can name them without loading the client or its models."""

from __future__ import annotations

REGIONS = ("global", "euc1", "use1", "sae1", "apse1", "apse2")
