"""Transcripts as the checks see them: the table model, contact JSON, language and PII masking."""
