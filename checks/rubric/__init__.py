"""The rubric: the versioned YAML policy every check reads, validated at load."""
