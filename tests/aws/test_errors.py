"""AWS failures become the project's errors, in words a curator understands; credentials come
from profiles (SSO included), the environment or the OS keyring."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, NoCredentialsError, UnauthorizedSSOTokenError

from finpics_desktop import cli
from finpics_desktop.app.albums import open_cloud
from finpics_desktop.app.credentials import save_access_keys
from finpics_desktop.app.options import CloudOptions
from finpics_desktop.backends.aws.backend import open_aws
from finpics_desktop.backends.aws.errors import AccessDenied, CredentialsError, translate
from finpics_desktop.backends.aws.session import AwsSettings, Clients, make_session
from finpics_desktop.domain.errors import BackendError, NotFound
from finpics_desktop.domain.names import Names
from tests.aws.aws_helpers import fresh_names


def _client_error(code: str, message: str = "boom") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "PutObject")


@pytest.mark.parametrize(("error", "kind", "words"), [
    (UnauthorizedSSOTokenError(), CredentialsError, "run `aws sso login --profile work`"),
    (NoCredentialsError(), CredentialsError, "no AWS credentials found"),
    (_client_error("AccessDenied"), AccessDenied, "uploading x: access denied"),
    (_client_error("NoSuchBucket"), NotFound, "the bucket does not exist"),
    (_client_error("ResourceNotFoundException", "Requested resource not found"), NotFound,
     "was the finpics stack deployed in this region?"),
    (_client_error("ExpiredTokenException"), CredentialsError, "have expired"),
    (_client_error("UnrecognizedClientException"), CredentialsError,
     "does not accept these credentials"),
    (_client_error("PermanentRedirect"), BackendError, "wrong region"),
    (_client_error("ThrottlingException", "slow down"), BackendError,
     "ThrottlingException: slow down"),
])
def test_client_errors_are_translated(error, kind, words):
    translated = translate(error, "uploading x", profile="work")
    assert isinstance(translated, kind)
    assert words in str(translated)


def test_missing_bucket_and_table_name_themselves(cloud):
    names = fresh_names("missing")
    backend = open_aws(names, cloud.settings())
    with pytest.raises(NotFound, match=f"bucket {names.pics_bucket}.*does not exist"):
        backend.store.put(names.pics_bucket, "photos/001_a/x.jpg", b"x", "image/jpeg")
    with pytest.raises(NotFound, match=f"table {names.pics_table}.*does not exist"):
        backend.tables.query_pics("/")
    with pytest.raises(NotFound, match=f"collection {names.collection}"):
        list(backend.faces.list_faces())
    backend.close()


def test_access_denied_names_the_resource(cloud, deployed, clients):
    iam = clients("iam")
    iam.create_user(UserName="curator-without-rights")
    key = iam.create_access_key(UserName="curator-without-rights")["AccessKey"]
    backend = open_aws(Names(), cloud.settings(access_key_id=key["AccessKeyId"],
                                               secret_access_key=key["SecretAccessKey"]))
    with cloud.iam_enforced():
        with pytest.raises(AccessDenied, match="photos/001_a/x.jpg to bucket finpics-pics"):
            backend.store.put("finpics-pics", "photos/001_a/x.jpg", b"x", "image/jpeg")
        with pytest.raises(AccessDenied, match="table pics"):
            backend.tables.query_pics("/")
    backend.close()


def test_expired_sso_profile_says_how_to_log_in(tmp_path, monkeypatch, capsys):
    config = tmp_path / "config"
    config.write_text("[profile work]\nsso_session = corp\nsso_account_id = 123456789012\n"
                      "sso_role_name = Curator\nregion = eu-west-1\n\n[sso-session corp]\n"
                      "sso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
                      "sso_registration_scopes = sso:account:access\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("HOME", str(tmp_path))  # no cached SSO token
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_REGION"):
        monkeypatch.delenv(var, raising=False)
    assert cli.main(["--backend", "aws", "--profile", "work", "--endpoint-url",
                     "http://127.0.0.1:9", "picsets"]) == 1
    assert "aws sso login --profile work" in capsys.readouterr().err
    clients = Clients(AwsSettings(profile="work"))
    assert clients.region == "eu-west-1"  # the profile's region


def test_unknown_profile_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(CredentialsError, match="AWS profile 'nope'"):
        make_session(AwsSettings(profile="nope"))


def test_keys_from_the_keyring(cloud, deployed, memory_keyring):
    save_access_keys(cloud.credentials["access_key_id"], cloud.credentials["secret_access_key"],
                     "preview")
    assert "preview" in str(memory_keyring.store)
    backend = open_cloud(CloudOptions(endpoint_url=cloud.url, region=cloud.region,
                                      keyring_account="preview"))
    with cloud.iam_enforced():  # only the stored keys of the admin user get through
        assert isinstance(backend.tables.query_pics("/"), list)
    backend.close()
    with pytest.raises(CredentialsError, match="no AWS keys are stored in the keyring"):
        open_cloud(CloudOptions(keyring_account="other"))
