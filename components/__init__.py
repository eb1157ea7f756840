"""hybrid-burst Pulumi components, one component per module under ``components/<domain>/``."""
