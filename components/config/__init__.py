"""The typed stack configuration (``hybrid-burst:*`` keys), validated once before any resource exists."""

from .errors import ConfigError
from .stack import ENVIRONMENTS, StackConfig, deep_merge, from_pulumi, load_stack_config, load_stack_file

__all__ = [
    "ENVIRONMENTS",
    "ConfigError",
    "StackConfig",
    "deep_merge",
    "from_pulumi",
    "load_stack_config",
    "load_stack_file",
]
