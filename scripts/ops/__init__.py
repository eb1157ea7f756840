"""Operations scripts: Automation API deploys and boto3 checks of a deployed stack."""
