"""The contract suite: property tests that check a deployment against specs/recoup.yaml and specs/turso.yaml."""
