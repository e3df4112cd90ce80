"""Publish: write the week's outputs, verify them and write the manifest last."""
