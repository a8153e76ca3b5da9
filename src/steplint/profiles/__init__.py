"""The framework profiles shipped with steplint (YAML, read by steplint.profile), and the hooks
some of them name: Python for what a profile's data cannot say."""
