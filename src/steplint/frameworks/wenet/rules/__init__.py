"""The WeNet framework's own rules: one module per rule (CODE and check), found by listing this folder."""
