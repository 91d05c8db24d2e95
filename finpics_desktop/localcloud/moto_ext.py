"""What the local stack adds to moto, in-process: CloudFormation resources moto lacks (bucket
policy, Lambda notifications and CORS of a bucket, Cognito identity pool and its roles),
table ARNs for IAM checks of DynamoDB calls, S3 -> Lambda event delivery, CopyObject's
``If-None-Match: *`` (which S3 has, and moto 5.2 honours only on PutObject), and S3's IAM
checks left to the gateway (``s3_access``: moto's change from release to release)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from moto.cloudformation import parsing
from moto.cognitoidentity.models import cognitoidentity_backends
from moto.core.common_models import CloudFormationModel
from moto.dynamodb.responses import DynamoHandler
from moto.iam.access_control import PermissionResult
from moto.iam.models import Role
from moto.s3 import notifications
from moto.s3.exceptions import PreconditionFailed
from moto.s3.models import FakeBucket, s3_backends
from moto.s3.responses import S3Response
from moto.utilities.utils import get_partition

from finpics_desktop.localcloud import s3_access

# identity pool id -> {"unauthenticated": role arn, "authenticated": role arn}
ROLE_ATTACHMENTS: dict[str, dict[str, str]] = {}


def _s3(account_id: str, region_name: str):
    return s3_backends[account_id][get_partition(region_name)]


def _apply_bucket_extras(bucket: str, properties: dict, account_id: str, region: str) -> None:
    backend = _s3(account_id, region)
    lambdas = (properties.get("NotificationConfiguration") or {}).get(
        "LambdaConfigurations") or []
    if lambdas:
        backend.put_bucket_notification_configuration(bucket, {"CloudFunctionConfiguration": [
            {
                "CloudFunction": c["Function"],
                "Event": [c["Event"]],
                **({"Filter": {"S3Key": {"FilterRule": c["Filter"]["S3Key"]["Rules"]}}}
                   if c.get("Filter") else {}),
            }
            for c in lambdas
        ]})
    cors = (properties.get("CorsConfiguration") or {}).get("CorsRules") or []
    if cors:
        backend.put_bucket_cors(bucket, [{
            "AllowedOrigin": r.get("AllowedOrigins", []),
            "AllowedMethod": r.get("AllowedMethods", []),
            "AllowedHeader": r.get("AllowedHeaders", []),
            "MaxAgeSeconds": str(r.get("MaxAge", 0)),
        } for r in cors])


class _Model:
    """Shared plumbing of the resources below (each also derives from CloudFormationModel
    directly: moto finds models through its ``__subclasses__()``)."""

    def __init__(self, physical_id: str, attributes: dict[str, str] | None = None):
        self._physical_id = physical_id
        self._attributes = attributes or {}

    @property
    def physical_resource_id(self) -> str:
        return self._physical_id

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("Name", "Arn")

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        return self._attributes.get(attribute_name, self._physical_id)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name,
                                        cloudformation_json, account_id, region_name):
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json,
                                                   account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                        region_name) -> None:
        return None


class LocalBucketPolicy(_Model, CloudFormationModel):
    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::S3::BucketPolicy"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                        region_name, **kwargs):
        props = cloudformation_json["Properties"]
        _s3(account_id, region_name).put_bucket_policy(
            props["Bucket"], json.dumps(props["PolicyDocument"]).encode())
        return cls(props["Bucket"])


class LocalBucket(_Model, CloudFormationModel):
    """moto's bucket, plus the Lambda notifications and CORS rules of the template."""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::S3::Bucket"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "BucketName"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return FakeBucket.has_cfn_attr(attr)

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                        region_name, **kwargs):
        bucket = FakeBucket.create_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name, **kwargs)
        _apply_bucket_extras(bucket.name, cloudformation_json.get("Properties", {}),
                             account_id, region_name)
        return bucket

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name,
                                        cloudformation_json, account_id, region_name):
        bucket = FakeBucket.update_from_cloudformation_json(
            original_resource, new_resource_name, cloudformation_json, account_id, region_name)
        _apply_bucket_extras(bucket.name, cloudformation_json.get("Properties", {}),
                             account_id, region_name)
        return bucket

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                        region_name) -> None:
        FakeBucket.delete_from_cloudformation_json(resource_name, cloudformation_json,
                                                   account_id, region_name)


def _policies_as_text(cloudformation_json: dict) -> dict:
    """moto keeps a template's inline role policies as dicts, which its IAM checks cannot
    read: hand them over as JSON text, as the IAM API does."""
    props = dict(cloudformation_json.get("Properties", {}))
    props["Policies"] = [
        {**p, "PolicyDocument": p["PolicyDocument"] if isinstance(p["PolicyDocument"], str)
         else json.dumps(p["PolicyDocument"])}
        for p in props.get("Policies", [])]
    return {**cloudformation_json, "Properties": props}


class LocalRole(_Model, CloudFormationModel):
    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::IAM::Role"

    @staticmethod
    def cloudformation_name_type() -> str:
        return Role.cloudformation_name_type()

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return Role.has_cfn_attr(attr)

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                        region_name, **kwargs):
        return Role.create_from_cloudformation_json(
            resource_name, _policies_as_text(cloudformation_json), account_id, region_name,
            **kwargs)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name,
                                        cloudformation_json, account_id, region_name):
        return Role.update_from_cloudformation_json(
            original_resource, new_resource_name, _policies_as_text(cloudformation_json),
            account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                        region_name) -> None:
        Role.delete_from_cloudformation_json(resource_name, cloudformation_json, account_id,
                                             region_name)


class LocalIdentityPool(_Model, CloudFormationModel):
    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Cognito::IdentityPool"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                        region_name, **kwargs):
        props = cloudformation_json["Properties"]
        name = props.get("IdentityPoolName") or resource_name
        created = json.loads(cognitoidentity_backends[account_id][region_name].create_identity_pool(
            identity_pool_name=name,
            allow_unauthenticated_identities=bool(props.get("AllowUnauthenticatedIdentities")),
            supported_login_providers={}, developer_provider_name="",
            open_id_connect_provider_arns=[], cognito_identity_providers=[],
            saml_provider_arns=[], tags={}))
        return cls(created["IdentityPoolId"], {"Name": name})

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name,
                                        cloudformation_json, account_id, region_name):
        return original_resource  # the pool keeps its id (its identities stay valid)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                        region_name) -> None:
        cognitoidentity_backends[account_id][region_name].delete_identity_pool(resource_name)


class LocalIdentityPoolRoles(_Model, CloudFormationModel):
    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Cognito::IdentityPoolRoleAttachment"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                        region_name, **kwargs):
        props = cloudformation_json["Properties"]
        ROLE_ATTACHMENTS[props["IdentityPoolId"]] = dict(props.get("Roles") or {})
        return cls(props["IdentityPoolId"])


def _dynamo_resource(self) -> str:
    """The table ARN a DynamoDB call works on, so that IAM policies naming tables apply."""
    body = self.body
    if isinstance(body, bytes | str):
        try:
            body = json.loads(body or "{}")
        except ValueError:
            return "*"
    if not isinstance(body, dict):
        return "*"
    name = body.get("TableName") or next(iter(body.get("RequestItems") or {}), None)
    if not name:
        return "*"
    return f"arn:aws:dynamodb:{self.region}:{self.current_account}:table/{name}"


_installed = threading.Lock()
_MOTO_COPY_OBJECT = S3Response.copy_object  # (taken before any patch)
_originals: dict[tuple[object, str], Callable | None] = {}  # (owner, attribute) -> moto's own
# the actions moto makes up from an object request's method, and the IAM actions they are
_MOTO_ACTIONS = {"s3:HeadObject": "s3:GetObject", "s3:PostObject": "s3:PutObject"}


def _s3_checked_by_the_gateway(self, bucket_name=None, key_name=None) -> None:
    """moto's S3 IAM check, replaced: the gateway has decided by then (``s3_access``)."""


def _bucket_permission(self: FakeBucket, action: str, resource: str):
    """What the bucket policy says of an object request (moto asks it of unsigned requests
    even without IAM enforcement), read by ``s3_access``'s rules with the real IAM action."""
    decision = s3_access.bucket_policy_decision(
        self.policy, None, _MOTO_ACTIONS.get(action, action), resource)
    return {"allow": PermissionResult.PERMITTED,
            "deny": PermissionResult.DENIED}.get(decision, PermissionResult.NEUTRAL)


def _copy_object(self: S3Response):
    """CopyObject that only creates when asked (``If-None-Match: *``): 412 if the key exists
    (checked just before the copy, as moto's PutObject checks its own condition)."""
    if (self.headers.get("If-None-Match") == "*" and self.backend.get_object(
            self.bucket_name, self.parse_key_name()) is not None):
        raise PreconditionFailed("If-None-Match")
    return _MOTO_COPY_OBJECT(self)


def _patch(owner: object, attribute: str, replacement: Callable) -> None:
    _originals.setdefault((owner, attribute), owner.__dict__.get(attribute))
    setattr(owner, attribute, replacement)


def install(deliver: Callable[[str, dict, str, str], None]) -> None:
    """Registers the models, the DynamoDB resource and the S3 -> Lambda delivery
    (``deliver(account_id, event, function_arn, region)``)."""
    with _installed:
        for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
            cached.cache_clear()
        _patch(DynamoHandler, "_determine_resource", _dynamo_resource)
        _patch(notifications, "_invoke_awslambda",
               lambda account_id, event_body, fn_arn, region_name:
               deliver(account_id, event_body, fn_arn, region_name))
        _patch(S3Response, "copy_object", _copy_object)
        _patch(S3Response, "_authenticate_and_authorize_s3_action", _s3_checked_by_the_gateway)
        _patch(FakeBucket, "get_permission", _bucket_permission)


def uninstall() -> None:
    with _installed:
        for (owner, attribute), original in _originals.items():
            if original is None:  # (moto looks for it, and has none of its own)
                delattr(owner, attribute)
            else:
                setattr(owner, attribute, original)
        _originals.clear()
