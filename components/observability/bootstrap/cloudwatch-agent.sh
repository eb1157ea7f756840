#!/bin/bash
# hybrid-burst EMR bootstrap action: install the Amazon CloudWatch agent and start it with the configuration
# that the Pulumi program generated and uploaded next to this script (never edit that JSON by hand).
#
# Usage (EMR bootstrap action): cloudwatch-agent.sh s3://<artifacts-bucket>/observability/<cluster>/cloudwatch-agent.json
#
# Runs on every node as the hadoop user, before applications start
# (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-plan-bootstrap.html).
set -euo pipefail

readonly CONFIG_URI="${1:?usage: cloudwatch-agent.sh s3://bucket/key-of-agent-config.json}"
readonly AGENT_DIR=/opt/aws/amazon-cloudwatch-agent
readonly CONFIG_PATH="${AGENT_DIR}/etc/hybrid-burst.json"

case "${CONFIG_URI}" in
  s3://*) ;;
  *) echo "cloudwatch-agent.sh: expected an s3:// URI, got '${CONFIG_URI}'" >&2; exit 2 ;;
esac

# The agent ships in the Amazon Linux repositories that EMR nodes reach through the S3 gateway endpoint
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/install-CloudWatch-Agent-commandline-fleet.html).
if ! rpm -q amazon-cloudwatch-agent >/dev/null 2>&1; then
  sudo yum install -y amazon-cloudwatch-agent
fi

tmp="$(mktemp)"
trap 'rm -f "${tmp}"' EXIT
aws s3 cp --only-show-errors "${CONFIG_URI}" "${tmp}"
sudo install -D -m 0644 "${tmp}" "${CONFIG_PATH}"

# fetch-config validates the JSON against the agent's schema, translates it and (-s) restarts the agent.
sudo "${AGENT_DIR}/bin/amazon-cloudwatch-agent-ctl" -a fetch-config -m ec2 -c "file:${CONFIG_PATH}" -s
