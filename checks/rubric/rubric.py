"""The rubric's public face: what the checks and flows import, gathered from the modules that
define it (``model``, the sections, ``validate`` and ``load``)."""

from __future__ import annotations

from checks.rubric.criterion_config import (
    CompassionConfig,
    CriteriaWeights,
    EmpathyConfig,
    HospitalityConfig,
    ProblemSpec,
    SympathyConfig,
    Weights,
)
from checks.rubric.load import (
    DEFAULT_RUBRIC,
    RubricError,
    default_rubric_text,
    load_rubric,
    parse_rubric,
    rubric_json_schema,
)
from checks.rubric.model import CRITERION_SIGNALS, BandsConfig, ReportPolicy, Rubric
from checks.rubric.signal_config import (
    ContextConfig,
    ReflectionConfig,
    ScriptedConfig,
    SentimentConfig,
    SignalSpec,
)
from checks.rubric.validate import rubric_problems

__all__ = [
    "CRITERION_SIGNALS",
    "DEFAULT_RUBRIC",
    "BandsConfig",
    "CompassionConfig",
    "ContextConfig",
    "CriteriaWeights",
    "EmpathyConfig",
    "HospitalityConfig",
    "ProblemSpec",
    "ReflectionConfig",
    "ReportPolicy",
    "Rubric",
    "RubricError",
    "ScriptedConfig",
    "SentimentConfig",
    "SignalSpec",
    "SympathyConfig",
    "Weights",
    "default_rubric_text",
    "load_rubric",
    "parse_rubric",
    "rubric_json_schema",
    "rubric_problems",
]
