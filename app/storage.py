"""Where uploaded files are kept: a local folder or an S3-compatible bucket, behind one interface.

Keys are made by the server (never taken from a client), so a store only has to refuse keys that
could leave its folder or bucket prefix.
"""

import asyncio
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from app.settings import Settings

_SAFE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


class StorageError(Exception):
    """The store failed (disk, network, credentials). Not an OSError: the problem handlers read
    an OSError as a lost database connection."""


class FileMissing(StorageError):
    """No file under the key: the metadata and the store disagree."""


class FileStore(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def get(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> None:
        """Remove the file; a key that holds nothing is not an error."""
        ...


def check_key(key: str) -> str:
    if "/" in key or "\\" in key or ".." in key or not _SAFE_KEY.match(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


class LocalFileStore:
    """Files in one folder, each written to a temporary file first and then renamed into place,
    so a reader never sees half a file."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._put, self._path(key), data)

    def _put(self, path: Path, data: bytes) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.root, prefix=".upload-")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temp, path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise StorageError(f"cannot write {path.name}: {exc.strerror}") from exc

    async def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError as exc:
            raise FileMissing(f"no file {key}") from exc
        except OSError as exc:
            raise StorageError(f"cannot read {key}: {exc.strerror}") from exc

    async def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            await asyncio.to_thread(path.unlink, missing_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot delete {key}: {exc.strerror}") from exc


class S3FileStore:
    """Objects in an S3 bucket (AWS, MinIO, Ceph...); boto3 is synchronous, so each call runs in
    a worker thread. Credentials come from boto3's usual chain (environment, profile, role)."""

    def __init__(self, bucket: str, endpoint_url: str | None, region: str | None) -> None:
        import boto3  # only a deployment that stores on S3 pays for importing it

        self.bucket = bucket
        self.client: Any = boto3.client("s3", endpoint_url=endpoint_url, region_name=region)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await self._call(
            "put_object",
            Bucket=self.bucket,
            Key=check_key(key),
            Body=data,
            ContentType=content_type,
        )

    async def get(self, key: str) -> bytes:
        response = await self._call("get_object", Bucket=self.bucket, Key=check_key(key))
        data: bytes = await asyncio.to_thread(response["Body"].read)
        return data

    async def delete(self, key: str) -> None:
        await self._call("delete_object", Bucket=self.bucket, Key=check_key(key))

    async def _call(self, operation: str, **params: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return await asyncio.to_thread(getattr(self.client, operation), **params)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in {"NoSuchKey", "404"}:
                raise FileMissing(f"no object {params.get('Key')}") from exc
            raise StorageError(f"S3 {operation} failed: {code}") from exc
        except BotoCoreError as exc:
            raise StorageError(f"S3 {operation} failed: {exc}") from exc


def file_store(settings: Settings) -> FileStore:
    """The store the settings name; one per configuration (an S3 client is costly to make)."""
    if settings.storage_backend == "s3":
        if not settings.s3_bucket:
            raise ValueError("STORAGE_BACKEND=s3 needs S3_BUCKET")
        return _s3_store(settings.s3_bucket, settings.s3_endpoint_url, settings.s3_region)
    return _local_store(settings.storage_dir or settings.data_dir / "files")


@lru_cache(maxsize=8)
def _local_store(root: Path) -> LocalFileStore:
    return LocalFileStore(root)


@lru_cache(maxsize=8)
def _s3_store(bucket: str, endpoint_url: str | None, region: str | None) -> S3FileStore:
    return S3FileStore(bucket, endpoint_url, region)
