"""EMR instance fleets, from config to resources: ``catalog`` (instance types and prices), ``plan`` (fleets from
the capacity config), ``validate`` (against botocore's EMR model and the limits it omits), ``render`` (pulumi-aws
args and the EMR API shape, one renderer for the primary, core and task kinds), ``cost`` and ``report``."""
