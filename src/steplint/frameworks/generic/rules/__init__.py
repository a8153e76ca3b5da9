"""The generic (research config) dialect's own rules: one module per rule, found by listing this folder."""
