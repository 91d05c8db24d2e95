"""Tables port on DynamoDB: the contract's exact items, numbers as ``Decimal`` on the wire,
paginated queries, ``BatchGetItem`` of at most 100 keys returning what was left unprocessed."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from finpics_desktop.backends.aws.errors import error_code, translate
from finpics_desktop.backends.aws.session import Clients
from finpics_desktop.domain.items import Item, run_mark
from finpics_desktop.domain.names import Names
from finpics_desktop.domain.picsets import PICSET_ROOT

BATCH_LIMIT = 100
# A transaction cancelled only for these reasons lost a race with another writer (a condition
# no longer true, or a write to one of its items under way): the caller reads again.
LOST_RACE = frozenset({None, "None", "ConditionalCheckFailed", "TransactionConflict"})
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_dynamo(value: Any) -> Any:
    """Python values as DynamoDB takes them: floats become Decimal (exactly as printed)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: to_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_dynamo(v) for v in value]
    return value


def from_dynamo(value: Any) -> Any:
    """DynamoDB's values as plain JSON-like Python: Decimal becomes int or float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_dynamo(v) for v in value]
    if isinstance(value, set):
        return sorted(from_dynamo(v) for v in value)
    return value


def serialize(item: Item) -> dict:
    return {k: _serializer.serialize(v) for k, v in to_dynamo(item).items()}


def deserialize(raw: dict) -> Item:
    return from_dynamo({k: _deserializer.deserialize(v) for k, v in raw.items()})


def _s(value: str) -> dict:
    return {"S": value}


class DynamoTables:
    def __init__(self, clients: Clients, names: Names):
        self.clients = clients
        self.pics = names.pics_table
        self.images = names.image_table

    @property
    def db(self):
        return self.clients("dynamodb")

    # -- pics --------------------------------------------------------------------------------
    def get_pics_item(self, primarykey: str, sortkey: str) -> Item | None:
        with self.clients.errors(f"reading {primarykey}/{sortkey} from table {self.pics}"):
            got = self.db.get_item(TableName=self.pics, ConsistentRead=True,
                                   Key={"primarykey": _s(primarykey), "sortkey": _s(sortkey)})
        return deserialize(got["Item"]) if "Item" in got else None

    def query_pics(self, primarykey: str, descending: bool = False) -> list[Item]:
        found: list[Item] = []
        with self.clients.errors(f"listing {primarykey!r} of table {self.pics}"):
            for page in self.db.get_paginator("query").paginate(
                TableName=self.pics,
                KeyConditionExpression="primarykey = :pk",
                ExpressionAttributeValues={":pk": _s(primarykey)},
                ScanIndexForward=not descending,
            ):
                found.extend(deserialize(i) for i in page.get("Items", []))
        return found

    def count_pics(self, primarykey: str) -> int:
        count = 0
        with self.clients.errors(f"counting {primarykey!r} of table {self.pics}"):
            for page in self.db.get_paginator("query").paginate(
                TableName=self.pics,
                KeyConditionExpression="primarykey = :pk",
                ExpressionAttributeValues={":pk": _s(primarykey)},
                Select="COUNT",
            ):
                count += page.get("Count", 0)
        return count

    def put_pics_item(self, item: Item) -> None:
        with self.clients.errors(f"writing {item.get('primarykey')}/{item.get('sortkey')} to table "
                        f"{self.pics}"):
            self.db.put_item(TableName=self.pics, Item=serialize(item))

    def put_pics_item_if_unchanged(self, item: Item, previous: Item | None) -> bool:
        mark = run_mark(previous)
        condition: dict[str, Any] = {"ExpressionAttributeNames": {"#pk": "primarykey"}}
        if mark is None:
            condition["ConditionExpression"] = "attribute_not_exists(#pk)"
        elif mark == "":  # an item without faces: any such item
            condition["ConditionExpression"] = (
                "attribute_exists(#pk) AND attribute_not_exists(#d.#fr[0])")
            condition["ExpressionAttributeNames"] = {
                "#pk": "primarykey", "#d": "data", "#fr": "FaceRecords"}
        else:
            condition["ConditionExpression"] = "#d.#fr[0].#f.#id = :face"
            condition["ExpressionAttributeNames"] = {
                "#d": "data", "#fr": "FaceRecords", "#f": "Face", "#id": "FaceId"}
            condition["ExpressionAttributeValues"] = {":face": _s(mark)}
        try:
            self.db.put_item(TableName=self.pics, Item=serialize(item), **condition)
            return True
        except ClientError as e:
            if error_code(e) == "ConditionalCheckFailedException":
                return False  # another run replaced the item meanwhile
            raise translate(e, f"writing {item.get('primarykey')}/{item.get('sortkey')} to "
                               f"table {self.pics}", self.clients.profile) from e

    def set_picset_cover_if_absent(self, picset: str, pic: str) -> bool:
        try:
            self.db.update_item(
                TableName=self.pics,
                Key={"primarykey": _s(PICSET_ROOT), "sortkey": _s(picset)},
                UpdateExpression="SET pic = :pic",
                ConditionExpression="attribute_not_exists(pic)",
                ExpressionAttributeValues={":pic": _s(pic)},
            )
            return True
        except ClientError as e:
            if error_code(e) == "ConditionalCheckFailedException":
                return False  # the item exists and has its featured photo already
            raise translate(e, f"setting the featured photo of picset {picset}",
                            self.clients.profile) from e

    def set_picset_cover(self, picset: str, pic: str | None) -> None:
        key = {"primarykey": _s(PICSET_ROOT), "sortkey": _s(picset)}
        with self.clients.errors(f"setting the featured photo of picset {picset}"):
            if pic is None:
                self.db.update_item(TableName=self.pics, Key=key, UpdateExpression="REMOVE pic")
            else:
                self.db.update_item(TableName=self.pics, Key=key,
                                    UpdateExpression="SET pic = :pic",
                                    ExpressionAttributeValues={":pic": _s(pic)})

    def delete_pics_item(self, primarykey: str, sortkey: str) -> None:
        with self.clients.errors(f"deleting {primarykey}/{sortkey} from table {self.pics}"):
            self.db.delete_item(TableName=self.pics,
                                Key={"primarykey": _s(primarykey), "sortkey": _s(sortkey)})

    # -- conditional steps of curation (transactions: the condition and the write are one) ---
    def _key(self, primarykey: str, sortkey: str) -> dict:
        return {"primarykey": _s(primarykey), "sortkey": _s(sortkey)}

    def _transact(self, what: str, steps: list[dict]) -> bool:
        try:
            self.db.transact_write_items(TransactItems=steps)
            return True
        except ClientError as e:
            if error_code(e) in ("TransactionCanceledException",
                                 "ConditionalCheckFailedException"):
                reasons = {r.get("Code") for r in e.response.get("CancellationReasons") or []}
                if reasons <= LOST_RACE:
                    return False  # another writer came first: nothing was written
            raise translate(e, what, self.clients.profile) from e

    def _photo_exists(self, picset: str, name: str) -> dict:
        return {"ConditionCheck": {
            "TableName": self.pics, "Key": self._key(picset, name),
            "ConditionExpression": "attribute_exists(primarykey)"}}

    def _cover_is(self, picset: str, pic: str | None, *, negate: bool = False) -> dict:
        """A condition on the picset entry's ``pic`` (an absent entry has no ``pic``)."""
        if pic is None:
            expression = "attribute_exists(pic)" if negate else "attribute_not_exists(pic)"
            return {"ConditionExpression": expression}
        expression = ("attribute_not_exists(pic) OR pic <> :pic" if negate else "pic = :pic")
        return {"ConditionExpression": expression, "ExpressionAttributeValues": {":pic": _s(pic)}}

    def replace_picset_cover(self, picset: str, pic: str, expected: str | None) -> bool:
        condition = self._cover_is(picset, expected)
        values = {**condition.pop("ExpressionAttributeValues", {}), ":new": _s(pic)}
        return self._transact(f"setting the featured photo of picset {picset}", [
            {"Update": {"TableName": self.pics, "Key": self._key(PICSET_ROOT, picset),
                        "UpdateExpression": "SET pic = :new",
                        "ExpressionAttributeValues": values, **condition}},
            self._photo_exists(picset, pic)])

    def delete_photo_unless_cover(self, picset: str, name: str) -> bool:
        return self._transact(f"deleting {picset}/{name} from table {self.pics}", [
            {"Delete": {"TableName": self.pics, "Key": self._key(picset, name)}},
            {"ConditionCheck": {"TableName": self.pics, "Key": self._key(PICSET_ROOT, picset),
                                **self._cover_is(picset, name, negate=True)}}])

    def delete_picset_entry_if(self, picset: str, pic: str | None) -> bool:
        try:
            self.db.delete_item(TableName=self.pics, Key=self._key(PICSET_ROOT, picset),
                                **self._cover_is(picset, pic))
            return True
        except ClientError as e:
            if error_code(e) == "ConditionalCheckFailedException":
                return self.get_pics_item(PICSET_ROOT, picset) is None
            raise translate(e, f"deleting picset {picset} from table {self.pics}",
                            self.clients.profile) from e

    # -- pics_by_image_id --------------------------------------------------------------------
    def put_image_item(self, item: Item) -> None:
        with self.clients.errors(f"writing image {item.get('image_id')} to table {self.images}"):
            self.db.put_item(TableName=self.images, Item=serialize(item))

    def get_image_item(self, image_id: str) -> Item | None:
        with self.clients.errors(f"reading image {image_id} from table {self.images}"):
            got = self.db.get_item(TableName=self.images, Key={"image_id": _s(image_id)})
        return deserialize(got["Item"]) if "Item" in got else None

    def batch_get_pics_items(self, keys: list[tuple[str, str]]
                             ) -> tuple[list[Item], list[tuple[str, str]]]:
        if len(keys) > BATCH_LIMIT:
            raise ValueError(f"at most {BATCH_LIMIT} keys per batch, got {len(keys)}")
        wanted = list(dict.fromkeys(keys))  # BatchGetItem refuses duplicate keys
        if not wanted:
            return [], []
        with self.clients.errors(f"reading {len(wanted)} photo(s) from table {self.pics}"):
            got = self.db.batch_get_item(RequestItems={self.pics: {
                "ConsistentRead": True,
                "Keys": [{"primarykey": _s(p), "sortkey": _s(k)} for p, k in wanted]}})
        found = [deserialize(i) for i in got.get("Responses", {}).get(self.pics, [])]
        left = got.get("UnprocessedKeys", {}).get(self.pics, {}).get("Keys", [])
        return found, [(k["primarykey"]["S"], k["sortkey"]["S"]) for k in left]

    def batch_get_image_items(self, image_ids: list[str]) -> tuple[list[Item], list[str]]:
        if len(image_ids) > BATCH_LIMIT:
            raise ValueError(f"at most {BATCH_LIMIT} keys per batch, got {len(image_ids)}")
        wanted = list(dict.fromkeys(image_ids))  # BatchGetItem refuses duplicate keys
        if not wanted:
            return [], []
        with self.clients.errors(f"reading {len(wanted)} image(s) from table {self.images}"):
            got = self.db.batch_get_item(RequestItems={
                self.images: {"Keys": [{"image_id": _s(i)} for i in wanted]}})
        found = [deserialize(i) for i in got.get("Responses", {}).get(self.images, [])]
        left = got.get("UnprocessedKeys", {}).get(self.images, {}).get("Keys", [])
        return found, [k["image_id"]["S"] for k in left]

    def delete_image_item(self, image_id: str) -> None:
        with self.clients.errors(f"deleting image {image_id} from table {self.images}"):
            self.db.delete_item(TableName=self.images, Key={"image_id": _s(image_id)})

    def scan_image_items(self) -> Iterator[Item]:
        with self.clients.errors(f"reading table {self.images}"):
            for page in self.db.get_paginator("scan").paginate(TableName=self.images):
                yield from (deserialize(i) for i in page.get("Items", []))

    def scan_pics_items(self) -> Iterator[Item]:
        """Every item of table pics, whatever its partition (what ``audit`` reads: the public
        site's role may GetItem or Query any key)."""
        with self.clients.errors(f"reading table {self.pics}"):
            for page in self.db.get_paginator("scan").paginate(TableName=self.pics):
                yield from (deserialize(i) for i in page.get("Items", []))
