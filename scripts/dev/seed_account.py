"""A boto3 session that acts in another account of a moto server (used by seed.py --account).

moto keeps the account of an assumed role with the temporary access key it hands
out (moto/sts/models.py `_create_access_key`), so every call signed with that key
acts in that account (moto/iam/models.py `get_account_id_from`), as on AWS.
"""

import boto3


def session(endpoint, region, account=None):
    base = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region
    )
    if not account:
        return base
    creds = base.client("sts", endpoint_url=endpoint).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/seed", RoleSessionName="seed"
    )["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=region,
    )
