"""The private store on a DynamoDB table of its own (``names.private_table``), which the public
site's role may not read: documents as JSON strings (no number conversions), with versions
checked by condition expressions."""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

from finpics_desktop.backends.aws.errors import error_code, translate
from finpics_desktop.backends.aws.session import Clients
from finpics_desktop.domain.errors import WriteConflict
from finpics_desktop.ports import PrivateDoc


class DynamoPrivateStore:
    def __init__(self, clients: Clients, table: str):
        self.clients = clients
        self.table = table

    @property
    def db(self):
        return self.clients("dynamodb")

    def _call(self, what: str, fn, **kwargs):
        try:
            return fn(TableName=self.table, **kwargs)
        except ClientError as e:
            if error_code(e) == "ConditionalCheckFailedException":
                raise WriteConflict(f"{what} in table {self.table}: changed by someone else "
                                    "meanwhile") from None
            raise translate(e, f"{what} in table {self.table}", self.clients.profile) from e

    @staticmethod
    def _condition(if_version: int | None) -> dict:
        if if_version is None:
            return {}
        if if_version == 0:
            return {"ConditionExpression": "attribute_not_exists(pk)"}
        return {"ConditionExpression": "v = :v",
                "ExpressionAttributeValues": {":v": {"N": str(if_version)}}}

    def get(self, pk: str, sk: str) -> PrivateDoc | None:
        raw = self._call(f"reading {pk}/{sk}", self.db.get_item, ConsistentRead=True,
                         Key={"pk": {"S": pk}, "sk": {"S": sk}}).get("Item")
        return _doc(raw) if raw else None

    def put(self, pk: str, sk: str, doc: dict, *, if_version: int | None = None) -> int:
        """One UpdateItem: the document and its next version are written together (two
        writers at once get two versions), under the version's condition if given."""
        condition = self._condition(if_version)
        values = {":doc": {"S": json.dumps(doc)}, ":one": {"N": "1"},
                  **condition.pop("ExpressionAttributeValues", {})}
        response = self._call(
            f"writing {pk}/{sk}", self.db.update_item, Key={"pk": {"S": pk}, "sk": {"S": sk}},
            UpdateExpression="SET #doc = :doc ADD v :one", ExpressionAttributeNames={
                "#doc": "doc"}, ExpressionAttributeValues=values, ReturnValues="UPDATED_NEW",
            **condition)
        return int(response["Attributes"]["v"]["N"])

    def delete(self, pk: str, sk: str, *, if_version: int | None = None) -> None:
        self._call(f"deleting {pk}/{sk}", self.db.delete_item,
                   Key={"pk": {"S": pk}, "sk": {"S": sk}}, **self._condition(if_version))

    def query(self, pk: str, prefix: str = "") -> list[PrivateDoc]:
        condition, values = "pk = :pk", {":pk": {"S": pk}}
        if prefix:
            condition += " AND begins_with(sk, :prefix)"
            values[":prefix"] = {"S": prefix}
        found, start = [], {}
        while True:
            page = self._call(f"listing {pk}/{prefix}*", self.db.query, ConsistentRead=True,
                              KeyConditionExpression=condition,
                              ExpressionAttributeValues=values, **start)
            found += [_doc(raw) for raw in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                return found
            start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}


def _doc(raw: dict) -> PrivateDoc:
    return PrivateDoc(raw["pk"]["S"], raw["sk"]["S"], json.loads(raw["doc"]["S"]),
                      int(raw["v"]["N"]))
