"""The RL Zoo / Stable-Baselines3 rules: one module per rule (CODE and check), found by listing this folder."""
